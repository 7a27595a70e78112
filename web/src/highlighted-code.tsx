import { useEffect, useState } from 'react';

/** The languages the console shows: event JSON and rule sources. */
export type CodeLanguage = 'json' | 'typescript' | 'javascript' | 'yaml';

type Highlighter = (code: string, language: CodeLanguage) => string;

let highlighter: Promise<Highlighter> | undefined;

/** highlight.js with four languages, in its own chunk, loaded on first use (the first page does not carry it). */
function loadHighlighter(): Promise<Highlighter> {
  highlighter ??= import('./highlighter.ts').then((m) => m.highlight);
  return highlighter;
}

/**
 * A read-only code block with syntax highlighting. The text shows at once;
 * the colours come when the highlighter has loaded. highlight.js escapes the
 * code it wraps in spans, so the HTML it returns holds no markup from the text.
 */
export function HighlightedCode({ text, language, className, testId }: { text: string; language: CodeLanguage; className: string; testId?: string }) {
  // The highlighted HTML with the text it was made from: a stale one (the text changed) is not shown.
  const [highlighted, setHighlighted] = useState<{ text: string; language: CodeLanguage; html: string } | null>(null);
  useEffect(() => {
    let live = true;
    void loadHighlighter().then((highlight) => {
      if (live) setHighlighted({ text, language, html: highlight(text, language) });
    });
    return () => {
      live = false;
    };
  }, [text, language]);
  const html = highlighted !== null && highlighted.text === text && highlighted.language === language ? highlighted.html : null;
  return html === null ? (
    <pre className={className} data-testid={testId}>
      {text}
    </pre>
  ) : (
    <pre className={`${className} hljs`} data-testid={testId} dangerouslySetInnerHTML={{ __html: html }} />
  );
}
