import { useEffect, useRef, type ReactNode } from 'react';
import { ApiRequestError } from './api.ts';
import type { Severity, SourceState, CoverageState } from './types.ts';
import { isoShort, relTime } from './util.ts';
import { Link } from './router.tsx';
import { HighlightedCode } from './highlighted-code.tsx';

/** Shows an API error's message and fix (and the fields at fault). */
export function ErrorBox({ error, onRetry, title }: { error: unknown; onRetry?: () => void; title?: string }) {
  if (!error) return null;
  const e = error instanceof ApiRequestError ? error : null;
  const message = e ? e.message : error instanceof Error ? error.message : typeof error === 'string' ? error : JSON.stringify(error);
  return (
    <div className="error-box" role="alert" data-testid="error-message">
      <div className="error-title">
        {title ?? 'Error'}
        {e && e.code ? <span className="mono muted"> · {e.code}</span> : null}
      </div>
      <div className="error-msg">{message}</div>
      {e?.fix ? (
        <div className="error-fix">
          <strong>Fix: </strong>
          {e.fix}
        </div>
      ) : null}
      {e?.fields && e.fields.length > 0 ? (
        <ul className="error-fields">
          {e.fields.map((f) => (
            <li key={f.field}>
              <span className="mono">{f.field}</span>: {f.message}
            </li>
          ))}
        </ul>
      ) : null}
      {onRetry ? (
        <button type="button" className="btn btn-sm" onClick={onRetry}>
          Retry
        </button>
      ) : null}
    </div>
  );
}

export function SkeletonRows({ cols, rows = 5 }: { cols: number; rows?: number }) {
  return (
    <>
      {Array.from({ length: rows }, (_, i) => (
        <tr key={i} className="skeleton-row" aria-hidden={i > 0}>
          {Array.from({ length: cols }, (_, j) => (
            <td key={j}>
              {i === 0 && j === 0 ? <span className="sr-only">Loading…</span> : null}
              <span className="skeleton" />
            </td>
          ))}
        </tr>
      ))}
    </>
  );
}

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <div className="loading" role="status">
      <span className="spinner" aria-hidden /> {label}
    </div>
  );
}

export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty">
      <div className="empty-title">{title}</div>
      {children ? <div className="empty-body">{children}</div> : null}
    </div>
  );
}

export function SeverityBadge({ severity }: { severity: Severity }) {
  return <span className={`badge sev sev-${severity.toLowerCase()}`}>{severity}</span>;
}

export const STATE_LABEL: Record<SourceState, string> = {
  setup_incomplete: 'Setup incomplete',
  paused: 'Paused',
  reauthorization_required: 'Reauthorization required',
  wrong_credentials: 'Wrong credentials',
  missing_scope: 'Missing scope',
  permission_missing: 'Permission missing',
  rate_limited: 'Rate limited',
  zoom_unavailable: 'Zoom unavailable',
  error: 'Error',
  not_collected_yet: 'Not collected yet',
  no_data: 'No data',
  classification_failures: 'Classification failures',
  rule_errors: 'Rule errors',
  reading: 'Reading',
  quiet: 'Quiet',
  healthy: 'Healthy',
};
/** `state`: a SourceState, or any other string (shown as it is). */
export function StateBadge({ state, title }: { state: string; title?: string }) {
  const label = (STATE_LABEL as Record<string, string>)[state] ?? state;
  return (
    <span className={`badge state state-${state}`} data-testid="state-badge" data-state={state} title={title}>
      {label}
    </span>
  );
}

export function Time({ iso, relative = false }: { iso: string | null | undefined; relative?: boolean }) {
  if (!iso) return <span className="muted">—</span>;
  return (
    <time className={relative ? '' : 'mono'} dateTime={iso} title={iso}>
      {relative ? relTime(iso) : isoShort(iso)}
    </time>
  );
}

export function Sparkline({ values, width = 96, height = 22 }: { values: number[]; width?: number; height?: number }) {
  if (values.length === 0) return <span className="muted">—</span>;
  const max = Math.max(1, ...values);
  const step = values.length > 1 ? width / (values.length - 1) : width;
  const pts = values.map((v, i) => `${(i * step).toFixed(1)},${(height - 2 - (v / max) * (height - 4)).toFixed(1)}`);
  const area = `0,${height} ${pts.join(' ')} ${width},${height}`;
  const total = values.reduce((a, b) => a + b, 0);
  return (
    <svg className="sparkline" width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-label={`${total} events in the last 24 hours, per hour`}>
      <title>{`Per hour, oldest first: ${values.join(', ')}`}</title>
      <polygon points={area} className="spark-area" />
      <polyline points={pts.join(' ')} className="spark-line" fill="none" />
    </svg>
  );
}

/** A side drawer showing a value as pretty-printed JSON text. Escape closes it. */
export function JsonDrawer({
  title,
  value,
  onClose,
  testId = 'event-json',
  children,
}: {
  title: string;
  value: unknown;
  onClose: () => void;
  testId?: string;
  children?: ReactNode;
}) {
  const closeRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const prev = document.activeElement as HTMLElement | null;
    closeRef.current?.focus();
    function onKey(e: KeyboardEvent) {
      if (e.key === 'Escape') onClose();
    }
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('keydown', onKey);
      prev?.focus?.();
    };
  }, [onClose]);
  const text = JSON.stringify(value, null, 2);
  return (
    <div className="drawer-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <aside className="drawer" role="dialog" aria-modal="true" aria-label={title}>
        <header className="drawer-head">
          <h2>{title}</h2>
          <div className="row gap">
            <button type="button" className="btn btn-sm" onClick={() => void navigator.clipboard?.writeText(text)}>
              Copy JSON
            </button>
            <button type="button" ref={closeRef} className="btn btn-sm" onClick={onClose} aria-label="Close (Escape)">
              Close <kbd>Esc</kbd>
            </button>
          </div>
        </header>
        {children}
        <HighlightedCode className="json" testId={testId} text={text} language="json" />
      </aside>
    </div>
  );
}

export function Modal({ title, onClose, children }: { title: string; onClose: () => void; children: ReactNode }) {
  useEffect(() => {
    function onKey(e: KeyboardEvent) {
      if (e.key === 'Escape') onClose();
    }
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);
  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div className="modal" role="dialog" aria-modal="true" aria-label={title}>
        <h2>{title}</h2>
        {children}
      </div>
    </div>
  );
}

export const COVERAGE_LABEL: Record<CoverageState, string> = {
  complete: 'Complete',
  open: 'Open (still being read)',
  missing: 'Missing (not read)',
  failed: 'Failed',
  purged: 'Purged (past retention)',
};

export function PageHeader({ title, sub, actions }: { title: ReactNode; sub?: ReactNode; actions?: ReactNode }) {
  return (
    <div className="page-header">
      <div>
        <h1>{title}</h1>
        {sub ? <div className="page-sub">{sub}</div> : null}
      </div>
      {actions ? <div className="page-actions">{actions}</div> : null}
    </div>
  );
}

/** An email shown in the console: a link to that user's page (/users/<email>). */
export function UserLink({ email, className }: { email: string | null | undefined; className?: string }) {
  if (!email) return <span className="muted">—</span>;
  return (
    // Only the link stops the click: the rest of a clickable row still opens the row.
    <Link to={`/users/${encodeURIComponent(email)}`} className={className ?? 'mono'} data-testid="user-link" onClick={(e) => e.stopPropagation()}>
      {email}
    </Link>
  );
}

const EMAIL_IN_TEXT = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;

/** Text with every email in it linked to the user's page (alert titles, operation details). */
export function LinkedEmails({ text }: { text: string }) {
  const parts: ReactNode[] = [];
  let last = 0;
  for (const m of text.matchAll(EMAIL_IN_TEXT)) {
    const at = m.index;
    if (at > last) parts.push(text.slice(last, at));
    parts.push(<UserLink key={at} email={m[0]} className="" />);
    last = at + m[0].length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return <>{parts}</>;
}

/** A select's options, one a value, labelled with the value itself. */
export function Options({ values }: { values: readonly string[] }) {
  return (
    <>
      {values.map((v) => (
        <option key={v} value={v}>
          {v}
        </option>
      ))}
    </>
  );
}

/** An on/off switch (a checkbox with role=switch), named by `label`. */
export function Switch({ checked, label, testId, disabled, onChange }: { checked: boolean; label: string; testId: string; disabled?: boolean; onChange: (on: boolean) => void }) {
  return (
    <label className="switch">
      <input type="checkbox" role="switch" data-testid={testId} checked={checked} disabled={disabled} aria-label={label} onChange={(e) => onChange(e.target.checked)} />
      <span className="switch-track" aria-hidden />
    </label>
  );
}
