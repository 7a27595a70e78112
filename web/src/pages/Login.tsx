import { useState, type FormEvent } from 'react';
import { api } from '../api.ts';
import { ErrorBox } from '../components.tsx';
import { navigate, useLocation } from '../router.tsx';
import type { SessionInfo } from '../types.ts';
import { onAsync } from '../util.ts';

/** Why single sign-on was refused (`/login?sso_error=<code>`, set by GET /api/auth/oidc/callback), in words. */
const SSO_ERRORS: Readonly<Record<string, string>> = {
  no_role: 'Your identity provider gives you no Zoomtrail role. Ask an administrator to add you to a group that maps to admin, analyst or viewer.',
  disabled_user: 'This Zoomtrail user is disabled. Ask an administrator.',
  unknown_state: 'That sign-in link was already used or has expired. Start again.',
  wrong_browser: 'The sign-in was started in another browser. Start again here.',
  wrong_audience: 'The identity provider returned a token meant for another application. Ask an administrator to check the SSO client id.',
  expired_token: "The identity provider's token has expired (check this server's clock). Start again.",
  provider_unreachable: 'The identity provider could not be reached. Ask an administrator to check ZOOMTRAIL_OIDC_ISSUER and ZOOMTRAIL_ALLOWED_NETWORKS.',
};

export function LoginPage({ session }: { session: SessionInfo }) {
  const ssoError = useLocation().query.get('sso_error');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.signIn('/api/login', { username, password });
      // App redirects to ?next= (or /sources) once the session says authenticated.
    } catch (err) {
      setError(err);
      setPassword('');
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="center-page">
      <form className="card narrow auth-card" onSubmit={onAsync(submit)} aria-labelledby="login-title">
        <div className="brand big">
          <span className="brand-mark" aria-hidden>
            Z
          </span>{' '}
          Zoomtrail
        </div>
        <h1 id="login-title">Sign in</h1>
        {session.setupRequired ? (
          <div className="notice" data-testid="setup-required">
            No administrator exists yet. Open the one-time <strong>setup link</strong> printed in the server log at start (it looks like <code>/setup?token=…</code>) to create the
            first admin.
          </div>
        ) : null}
        {ssoError ? (
          <div className="notice warn" role="alert" data-testid="sso-error">
            Single sign-on failed: {SSO_ERRORS[ssoError] ?? 'the identity provider or its token was refused. Start again, or ask an administrator.'}
          </div>
        ) : null}
        {session.sso ? (
          <a className="btn btn-block" href="/api/auth/oidc/start" data-testid="login-sso">
            Sign in with SSO
          </a>
        ) : null}
        <label className="field">
          <span>Username</span>
          <input data-testid="login-username" name="username" autoComplete="username" autoFocus required value={username} onChange={(e) => setUsername(e.target.value)} />
        </label>
        <label className="field">
          <span>Password</span>
          <input
            data-testid="login-password"
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        <ErrorBox error={error} title="Sign-in failed" />
        <button type="submit" className="btn btn-primary btn-block" data-testid="login-submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </div>
  );
}

export function SetupPage({ token, session }: { token: string; session: SessionInfo }) {
  const [username, setUsername] = useState('admin');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const tooShort = password.length > 0 && password.length < 12;
  const mismatch = confirm.length > 0 && password !== confirm;

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (password.length < 12 || password !== confirm) return;
    setBusy(true);
    setError(null);
    try {
      await api.signIn('/api/setup', { token, username, password });
      navigate('/sources', { replace: true });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="center-page">
      <form className="card narrow auth-card" onSubmit={onAsync(submit)} aria-labelledby="setup-title">
        <div className="brand big">
          <span className="brand-mark" aria-hidden>
            Z
          </span>{' '}
          Zoomtrail
        </div>
        <h1 id="setup-title">Create the administrator</h1>
        {!token ? (
          <div className="notice warn">
            This page needs the one-time token from the setup link printed in the server log at start (<code>/setup?token=…</code>).
          </div>
        ) : null}
        {!session.setupRequired ? (
          <div className="notice">
            An administrator already exists. <a href="/login">Sign in</a> instead.
          </div>
        ) : null}
        <label className="field">
          <span>Username</span>
          <input data-testid="setup-username" name="username" autoComplete="username" required value={username} onChange={(e) => setUsername(e.target.value)} />
        </label>
        <label className="field">
          <span>
            Password <span className="muted">(at least 12 characters)</span>
          </span>
          <input
            data-testid="setup-password"
            type="password"
            autoComplete="new-password"
            required
            minLength={12}
            value={password}
            aria-invalid={tooShort}
            onChange={(e) => setPassword(e.target.value)}
          />
          {tooShort ? (
            <small className="field-error">
              {12 - password.length} more character{12 - password.length === 1 ? '' : 's'} needed.
            </small>
          ) : null}
        </label>
        <label className="field">
          <span>Confirm password</span>
          <input
            data-testid="setup-password-confirm"
            type="password"
            autoComplete="new-password"
            required
            value={confirm}
            aria-invalid={mismatch}
            onChange={(e) => setConfirm(e.target.value)}
          />
          {mismatch ? <small className="field-error">The passwords do not match.</small> : null}
        </label>
        <ErrorBox error={error} title="Setup failed" />
        <button type="submit" className="btn btn-primary btn-block" data-testid="setup-submit" disabled={busy || !token || password.length < 12 || password !== confirm}>
          {busy ? 'Creating…' : 'Create administrator'}
        </button>
      </form>
    </div>
  );
}
