/** HTML pages of the authorize endpoint. Everything echoed from the request is escaped. */

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

function page(title: string, body: string): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<title>${escapeHtml(title)}</title>`,
    '</head><body>',
    body,
    '</body></html>',
  ].join('\n');
}

export interface ConsentPageInput {
  clientId: string;
  accountId: string;
  scopes: readonly string[];
  /** Sent back unchanged as hidden fields of the form. */
  hidden: Record<string, string>;
}

/** What an admin sees at zoom.us/oauth/authorize: approve or deny, posted back to the same URL. */
export function renderConsentPage(input: ConsentPageInput): string {
  const hidden = Object.entries(input.hidden)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('\n');
  const scopes = input.scopes.map((s) => `<li>${escapeHtml(s)}</li>`).join('');
  return page(
    'Authorize app - Zoom simulator',
    [
      '<h1>Allow this app to access your Zoom account?</h1>',
      `<p>App <strong>${escapeHtml(input.clientId)}</strong> asks for access to account <strong>${escapeHtml(input.accountId)}</strong>.</p>`,
      `<ul>${scopes}</ul>`,
      '<form method="post" action="/oauth/authorize">',
      hidden,
      '<button type="submit" name="decision" value="approve">Approve</button>',
      '<button type="submit" name="decision" value="deny">Deny</button>',
      '</form>',
    ].join('\n'),
  );
}

/** Errors that must not redirect (unknown client, unregistered redirect URI). */
export function renderAuthorizeError(message: string): string {
  return page('Authorization error - Zoom simulator', `<h1>Cannot authorize</h1>\n<p>${escapeHtml(message)}</p>`);
}
