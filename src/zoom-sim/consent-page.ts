/** HTML pages of the authorize endpoint. Everything echoed from the request is escaped. */

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

function page(title: string, body: string): string {
  return ['<!DOCTYPE html>', '<html lang="en"><head><meta charset="utf-8">', `<title>${escapeHtml(title)}</title>`, '</head><body>', body, '</body></html>'].join('\n');
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

/** What the error page says about a refused redirect URI, and where it leads back to. */
export interface RefusedRedirect {
  /** The redirect_uri the request named (shown, never linked or redirected to). */
  received: string;
  registered: readonly string[];
  /** The app's home page, if registered: the way back. */
  homeUrl: string | undefined;
}

/**
 * Errors that must not redirect (unknown client, unregistered redirect URI).
 * For a refused redirect URI the page names the URI received and those
 * registered, says how to register it in the simulator, and links back to the
 * app's home page when the app has one.
 */
export function renderAuthorizeError(message: string, refused?: RefusedRedirect): string {
  const body = [`<h1>Cannot authorize</h1>`, `<p>${escapeHtml(message)}</p>`];
  if (refused) {
    const registered = refused.registered.map((uri) => `<li><code>${escapeHtml(uri)}</code></li>`).join('');
    body.push(
      `<p>Received redirect_uri: <code data-testid="received-redirect-uri">${escapeHtml(refused.received)}</code></p>`,
      `<p>Registered Redirect URLs:</p><ul>${registered || '<li>none</li>'}</ul>`,
      '<p>Fix: register the received URL with the simulator (<code>zoomtrail simulate --redirect-uri &lt;url&gt;</code>; ' +
        '<code>zoomtrail start --demo</code> registers its own), or start Zoomtrail at a registered address ' +
        '(<code>--port</code>, or <code>ZOOMTRAIL_PUBLIC_URL</code>), then authorize again.</p>',
    );
    if (refused.homeUrl) body.push(`<p><a href="${escapeHtml(refused.homeUrl)}" data-testid="back-link">Back to ${escapeHtml(refused.homeUrl)}</a></p>`);
  }
  return page('Authorization error - Zoom simulator', body.join('\n'));
}
