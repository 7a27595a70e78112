/**
 * The store's part for OpenID Connect sign-in: the logins in progress (single-use, sealed: they hold
 * the PKCE verifier and the nonce) and the identities (issuer + subject) linked to users.
 */
export interface OidcStore {
  /** Keeps a login started with `state` (only its SHA-256 is stored), bound to the browser by `bindingHash`. */
  saveOidcLogin(state: string, bindingHash: string, pending: OidcPendingLogin, expiresAt: number): Promise<void>;
  /** Takes the login started with `state`: single-use (deleted by the same statement); undefined when unknown, used or expired. */
  takeOidcLogin(state: string): Promise<{ bindingHash: string; pending: OidcPendingLogin } | undefined>;
  /** The user linked to this identity, if any. */
  findOidcUser(issuer: string, subject: string): Promise<string | undefined>;
  /** Links an identity to a user (once; a second link of the same identity keeps the first). */
  linkOidcIdentity(issuer: string, subject: string, userId: string): Promise<void>;
}

export interface OidcPendingLogin {
  codeVerifier: string;
  nonce: string;
}
