import { expect } from 'vitest';
import { OAUTH_APP } from './sim-harness.js';

export interface ConsentCallback {
  code?: string;
  state?: string;
  error?: string;
}

const ENTITIES: Record<string, string> = { '&amp;': '&', '&quot;': '"', '&lt;': '<', '&gt;': '>', '&#39;': "'" };

/** Plays the admin in the browser: opens Zoom's consent page, clicks Approve (or Deny), and follows the form to the redirect. */
export async function approveInBrowser(url: string, decision: 'approve' | 'deny' = 'approve'): Promise<ConsentCallback> {
  const page = await fetch(url);
  expect(page.status).toBe(200);
  const html = await page.text();
  expect(html).toMatch(/<form[^>]+method="post"/i);
  const fields = new URLSearchParams();
  for (const match of html.matchAll(/<input[^>]+type="hidden"[^>]*>/gi)) {
    const name = /name="([^"]+)"/.exec(match[0])?.[1];
    const value = /value="([^"]*)"/.exec(match[0])?.[1] ?? '';
    if (name)
      fields.set(
        name,
        value.replace(/&(amp|quot|lt|gt|#39);/g, (entity) => ENTITIES[entity] ?? entity),
      );
  }
  fields.set('decision', decision);
  const answer = await fetch(new URL('/oauth/authorize', url), { method: 'POST', body: fields, redirect: 'manual' });
  expect(answer.status).toBe(302);
  const location = new URL(answer.headers.get('location')!);
  expect(`${location.origin}${location.pathname}`).toBe(OAUTH_APP.redirectUri);
  return Object.fromEntries(location.searchParams);
}
