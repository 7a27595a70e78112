import { useCallback, useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { api, enc } from '../api.ts';
import { ErrorBox, Loading } from '../components.tsx';
import { navigate } from '../router.tsx';
import type { AuthKind, AuthorizeResponse, CheckResult, CreateSourceRequest, SetupInfo, SourceDetail, SourceView, UpdateSourceRequest } from '../types.ts';
import { copyText, minutesLabel, onAsync, useAsync } from '../util.ts';

const STEPS = ['Source', 'Name', 'App type', 'Credentials', 'Check', 'Confirm'];

function Stepper({ current }: { current: number }) {
  return (
    <ol className="stepper" aria-label="Setup steps">
      {STEPS.map((label, i) => {
        const n = i + 1;
        const cls = n < current ? 'done' : n === current ? 'current' : '';
        return (
          <li key={label} className={cls} aria-current={n === current ? 'step' : undefined}>
            <span className="step-num">{n < current ? '✓' : n}</span>
            {label}
          </li>
        );
      })}
    </ol>
  );
}

function StepPanel({ n, title, children }: { n: number; title: string; children: ReactNode }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    ref.current?.focus();
  }, [n]);
  return (
    <section className="card wizard-panel" data-testid={`wizard-step-${n}`} aria-labelledby={`wizard-step-title-${n}`}>
      <h2 id={`wizard-step-title-${n}`} ref={ref} tabIndex={-1}>
        {title}
      </h2>
      {children}
    </section>
  );
}

/** `/sources/new` (steps 1–4) and `/sources/:id/setup?step=credentials|authorize|check|confirm` (steps 4–6). */
export function WizardPage({ sourceId, query }: { sourceId?: string | undefined; query?: URLSearchParams }) {
  if (!sourceId) return <NewSourceWizard />;
  return <ResumeWizard sourceId={sourceId} step={query?.get('step') ?? 'check'} authError={query?.get('error') ?? null} />;
}

function WizardFrame({ step, subtitle, children }: { step: number; subtitle?: ReactNode; children: ReactNode }) {
  return (
    <div className="page wizard">
      <div className="page-header">
        <div>
          <h1>Zoom source setup</h1>
          {subtitle ? <div className="page-sub">{subtitle}</div> : null}
        </div>
      </div>
      <Stepper current={step} />
      {children}
    </div>
  );
}

// ---------------------------------------------------------------- new source (steps 1-4)

function NewSourceWizard() {
  const [step, setStep] = useState(1);
  const [name, setName] = useState('');
  const [authKind, setAuthKind] = useState<AuthKind>('s2s');

  return (
    <WizardFrame
      step={step}
      subtitle={
        name && step > 2 ? (
          <>
            Source: <strong>{name}</strong>
          </>
        ) : undefined
      }
    >
      {step === 1 ? (
        <StepPanel n={1} title="Choose a log source">
          <div className="source-cards">
            <div className="source-card selected" aria-label="Zoom">
              <div className="source-card-logo" aria-hidden>
                zoom
              </div>
              <div>
                <div className="strong">Zoom</div>
                <div className="small muted">Sign In/Sign Out activity (Zoom.Activity) and Operation logs (Zoom.Operation), read from Zoom's report API.</div>
              </div>
            </div>
          </div>
          <div className="wizard-actions">
            <button type="button" className="btn btn-primary" data-testid="continue" onClick={() => setStep(2)} autoFocus>
              Start Source Setup
            </button>
          </div>
        </StepPanel>
      ) : null}

      {step === 2 ? (
        <StepPanel n={2} title="Name the source">
          <form
            onSubmit={(e) => {
              e.preventDefault();
              if (name.trim()) setStep(3);
            }}
          >
            <label className="field">
              <span>Source name</span>
              <input data-testid="source-name" value={name} onChange={(e) => setName(e.target.value)} placeholder="My Zoom logs" required autoFocus maxLength={100} />
              <small className="muted">
                A memorable name; it is stored on every event as <code>p_source_label</code>.
              </small>
            </label>
            <div className="wizard-actions">
              <button type="button" className="btn" onClick={() => setStep(1)}>
                Back
              </button>
              <button type="submit" className="btn btn-primary" data-testid="continue" disabled={!name.trim()}>
                Continue Setup
              </button>
            </div>
          </form>
        </StepPanel>
      ) : null}

      {step === 3 ? (
        <StepPanel n={3} title="Choose how Zoomtrail signs in to Zoom">
          <form
            onSubmit={(e) => {
              e.preventDefault();
              setStep(4);
            }}
          >
            <div className="choice-list" role="radiogroup" aria-label="App type">
              <label className={`choice${authKind === 's2s' ? ' selected' : ''}`}>
                <input type="radio" name="authKind" value="s2s" data-testid="auth-kind-s2s" checked={authKind === 's2s'} onChange={() => setAuthKind('s2s')} />
                <div>
                  <div className="strong">
                    Server-to-Server OAuth <span className="badge accent">recommended</span>
                  </div>
                  <div className="small">
                    An app that belongs to the Zoom account, not to a person. Zoomtrail gets its tokens with the Account ID, Client ID and Client Secret, so collection keeps
                    working when the admin who set it up leaves or loses the Admin role.
                  </div>
                </div>
              </label>
              <label className={`choice${authKind === 'authorization_code' ? ' selected' : ''}`}>
                <input
                  type="radio"
                  name="authKind"
                  value="authorization_code"
                  data-testid="auth-kind-oauth"
                  checked={authKind === 'authorization_code'}
                  onChange={() => setAuthKind('authorization_code')}
                />
                <div>
                  <div className="strong">Account-level OAuth app (as Panther)</div>
                  <div className="small">
                    An admin authorizes the app in the browser. The refresh token belongs to <em>that admin</em>: if they leave the company, are deactivated or lose the Admin role
                    or the report permissions, Zoom revokes it and collection stops until someone re-authorizes.
                  </div>
                </div>
              </label>
            </div>
            <div className="wizard-actions">
              <button type="button" className="btn" onClick={() => setStep(2)}>
                Back
              </button>
              <button type="submit" className="btn btn-primary" data-testid="continue">
                Continue Setup
              </button>
            </div>
          </form>
        </StepPanel>
      ) : null}

      {step === 4 ? <CredentialsStep name={name} authKind={authKind} onBack={() => setStep(3)} /> : null}
    </WizardFrame>
  );
}

// ---------------------------------------------------------------- step 4: Marketplace instructions + credentials

function RedirectUrlBox({ url }: { url: string }) {
  const ref = useRef<HTMLElement>(null);
  const [copied, setCopied] = useState<'' | 'copied' | 'selected'>('');
  return (
    <div className="copy-box">
      <code ref={ref} data-testid="redirect-url" className="copy-value">
        {url}
      </code>
      <button
        type="button"
        className="btn btn-sm"
        data-testid="copy-redirect-url"
        onClick={() => {
          copyText(url, ref.current).then(
            (ok) => {
              setCopied(ok ? 'copied' : 'selected');
              window.setTimeout(() => setCopied(''), 2500);
            },
            (error: unknown) => console.error(error),
          );
        }}
      >
        {copied === 'copied' ? 'Copied ✓' : 'Copy'}
      </button>
      <span className="small muted" role="status">
        {copied === 'selected' ? 'Selected — press Ctrl+C / ⌘C to copy.' : ''}
      </span>
    </div>
  );
}

function ScopeList({ info }: { info: SetupInfo }) {
  return (
    <span>
      {info.scopes.classic.map((s) => (
        <code key={s} className="scope">
          {s}
        </code>
      ))}
      {info.scopes.granular.length > 0 ? (
        <>
          {' '}
          (granular scopes:{' '}
          {info.scopes.granular.map((s) => (
            <code key={s} className="scope">
              {s}
            </code>
          ))}
          )
        </>
      ) : null}
    </span>
  );
}

function OAuthInstructions({ info }: { info: SetupInfo }) {
  return (
    <>
      <h3>1. Copy the Redirect URL</h3>
      <p>You will paste it into Zoom. Keep this window open while you create the app.</p>
      <RedirectUrlBox url={info.redirectUrl} />
      <h3>2. Create an OAuth app in the Zoom App Marketplace</h3>
      <p className="small muted">
        You must be an Admin of the Zoom account. The admin who later authorizes the app needs the report permissions <em>Sign In/Sign Out</em> and <em>Admin Activity Logs</em>.
      </p>
      <ol className="steps">
        <li>
          Sign in to the{' '}
          <a href="https://marketplace.zoom.us/" target="_blank" rel="noreferrer noopener">
            Zoom App Marketplace
          </a>
          .
        </li>
        <li>
          Open <strong>Develop</strong> (top-right menu) › <strong>Build App</strong>.
        </li>
        <li>
          Under <strong>OAuth</strong>, click <strong>Create</strong>. Give the app a name, choose <strong>Account-level app</strong> as the app type and leave{' '}
          <strong>Distribution</strong> disabled (the app does not need to be public). Click <strong>Create</strong>.
        </li>
        <li>
          On <strong>App Credentials</strong>, paste the Redirect URL above into both <strong>Redirect URL for OAuth</strong> and the <strong>OAuth allow list</strong>.
        </li>
        <li>
          Copy the <strong>Client ID</strong> and <strong>Client Secret</strong> shown there.
        </li>
        <li>
          Go to <strong>Scopes</strong> › <strong>Add Scopes</strong>, select <strong>Report</strong> and tick <strong>View report data</strong>: <ScopeList info={info} />. Click{' '}
          <strong>Done</strong>.
        </li>
        <li>Come back here and set the credentials below.</li>
      </ol>
    </>
  );
}

function S2SInstructions({ info }: { info: SetupInfo }) {
  return (
    <>
      <h3>1. Create a Server-to-Server OAuth app in the Zoom App Marketplace</h3>
      <p className="small muted">
        You need the Zoom role permission to manage Server-to-Server OAuth apps, and the report permissions <em>Sign In/Sign Out</em> and <em>Admin Activity Logs</em> (scopes you
        do not hold are not offered).
      </p>
      <ol className="steps">
        <li>
          Sign in to the{' '}
          <a href="https://marketplace.zoom.us/" target="_blank" rel="noreferrer noopener">
            Zoom App Marketplace
          </a>
          .
        </li>
        <li>
          Open <strong>Develop</strong> (top-right menu) › <strong>Build App</strong>.
        </li>
        <li>
          Under <strong>Server-to-Server OAuth</strong>, click <strong>Create</strong> and name the app (e.g. <code>Zoomtrail</code>).
        </li>
        <li>
          On <strong>App Credentials</strong>, copy the <strong>Account ID</strong>, <strong>Client ID</strong> and <strong>Client Secret</strong>.
        </li>
        <li>
          On <strong>Information</strong>, fill in the required fields (company name, developer name and email).
        </li>
        <li>
          Go to <strong>Scopes</strong> › <strong>Add Scopes</strong>, select <strong>Report</strong> and tick <strong>View report data</strong>: <ScopeList info={info} />. Click{' '}
          <strong>Done</strong>.
        </li>
        <li>
          On <strong>Activation</strong>, click <strong>Activate your app</strong>. An app that is not activated cannot get a token.
        </li>
      </ol>
      <p className="small muted">No Redirect URL is needed: a Server-to-Server app has no user and no browser sign-in.</p>
    </>
  );
}

interface AdvancedValues {
  apiUrl: string;
  oauthUrl: string;
  backfillDays: string;
}

function CredentialsStep({
  name,
  authKind,
  onBack,
  existing,
  authError,
}: {
  name: string;
  authKind: AuthKind;
  onBack?: () => void;
  existing?: SourceView;
  authError?: string | null;
}) {
  const info = useAsync(() => api.get<SetupInfo>('/api/setup-info'), []);
  const [clientId, setClientId] = useState(existing?.clientId ?? '');
  const [clientSecret, setClientSecret] = useState('');
  const [accountId, setAccountId] = useState(existing?.zoomAccountId ?? '');
  const [adv, setAdv] = useState<AdvancedValues>({ apiUrl: '', oauthUrl: '', backfillDays: '' });
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const isS2S = authKind === 's2s';
  const secretOptional = !!existing?.hasClientSecret;

  async function authorizeAndGo(id: string) {
    const res = await api.post<AuthorizeResponse>(`/api/sources/${enc(id)}/authorize`);
    window.location.assign(res.url);
  }

  async function retryAuthorize() {
    if (!existing) return;
    setBusy(true);
    setError(null);
    try {
      await authorizeAndGo(existing.id);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    let createdId: string | null = null;
    try {
      let id: string;
      if (existing) {
        const patch: UpdateSourceRequest = { clientId: clientId.trim() };
        if (clientSecret) patch.clientSecret = clientSecret;
        if (isS2S) patch.zoomAccountId = accountId.trim();
        await api.patch<SourceView>(`/api/sources/${enc(existing.id)}`, patch);
        id = existing.id;
      } else {
        // Paused until Finish Setup: nothing is collected with credentials the check has not passed.
        const body: CreateSourceRequest = { name: name.trim(), authKind, clientId: clientId.trim(), clientSecret, paused: true };
        if (isS2S) body.zoomAccountId = accountId.trim();
        if (adv.apiUrl.trim()) body.apiUrl = adv.apiUrl.trim();
        if (adv.oauthUrl.trim()) body.oauthUrl = adv.oauthUrl.trim();
        if (adv.backfillDays.trim()) body.backfillDays = Number(adv.backfillDays);
        const created = await api.post<SourceView>('/api/sources', body);
        id = created.id;
        createdId = id;
      }
      if (isS2S) {
        navigate(`/sources/${enc(id)}/setup?step=check`);
      } else {
        await authorizeAndGo(id);
      }
    } catch (err) {
      setBusy(false);
      if (createdId) {
        // The source exists now: continue on its own URL so a retry does not create a second one.
        const msg = err instanceof Error ? err.message : String(err);
        navigate(`/sources/${enc(createdId)}/setup?step=authorize&error=${encodeURIComponent(msg)}`, { replace: true });
        return;
      }
      setError(err);
    }
  }

  return (
    <StepPanel n={4} title={isS2S ? 'Create a Server-to-Server OAuth app and set credentials' : 'Create an OAuth app in Zoom and set credentials'}>
      {authError ? (
        <div className="error-box" role="alert" data-testid="error-message">
          <div className="error-title">Zoom authorization did not complete</div>
          <div className="error-msg">{authError}</div>
          <div className="error-fix">
            <strong>Fix: </strong>Check that the Redirect URL below is in the app's Redirect URL and OAuth allow list, that the app has the Report scope, and that you signed in to
            Zoom as an Admin with the report permissions. Then retry, or correct the Client ID / Client Secret below.
          </div>
          <button type="button" className="btn btn-sm btn-primary" data-testid="retry-authorize" onClick={() => void retryAuthorize()} disabled={busy}>
            Retry authorization
          </button>
        </div>
      ) : null}
      <ErrorBox error={info.error} onRetry={info.reload} title="Could not load the setup information" />
      {info.data ? isS2S ? <S2SInstructions info={info.data} /> : <OAuthInstructions info={info.data} /> : info.loading ? <Loading /> : null}

      <form onSubmit={onAsync(submit)} className="cred-form">
        <h3>{isS2S ? '2' : '3'}. Set Credentials</h3>
        {isS2S ? (
          <label className="field">
            <span>Account ID</span>
            <input data-testid="account-id" value={accountId} onChange={(e) => setAccountId(e.target.value)} required autoComplete="off" spellCheck={false} className="mono" />
          </label>
        ) : null}
        <label className="field">
          <span>Client ID</span>
          <input data-testid="client-id" value={clientId} onChange={(e) => setClientId(e.target.value)} required autoComplete="off" spellCheck={false} className="mono" />
        </label>
        <label className="field">
          <span>Client Secret {secretOptional ? <span className="muted">(leave empty to keep the stored secret)</span> : null}</span>
          <input
            data-testid="client-secret"
            type="password"
            value={clientSecret}
            onChange={(e) => setClientSecret(e.target.value)}
            required={!secretOptional}
            autoComplete="new-password"
            spellCheck={false}
            className="mono"
          />
        </label>
        {!existing ? (
          <details className="advanced">
            <summary data-testid="advanced-settings">Advanced: ZoomGov URLs, history to read</summary>
            <label className="field">
              <span>API URL</span>
              <input
                data-testid="api-url"
                value={adv.apiUrl}
                onChange={(e) => setAdv({ ...adv, apiUrl: e.target.value })}
                placeholder="https://api.zoom.us/v2 (ZoomGov: https://api.zoomgov.com/v2)"
                className="mono"
              />
            </label>
            <label className="field">
              <span>OAuth URL</span>
              <input
                data-testid="oauth-url"
                value={adv.oauthUrl}
                onChange={(e) => setAdv({ ...adv, oauthUrl: e.target.value })}
                placeholder="https://zoom.us (ZoomGov: https://zoomgov.com)"
                className="mono"
              />
            </label>
            <label className="field">
              <span>Days of history to read at start (1–180)</span>
              <input
                type="number"
                data-testid="backfill-days-setting"
                min={1}
                max={180}
                value={adv.backfillDays}
                onChange={(e) => setAdv({ ...adv, backfillDays: e.target.value })}
                placeholder="server default"
              />
            </label>
          </details>
        ) : null}
        <ErrorBox error={error} />
        <div className="wizard-actions">
          {onBack ? (
            <button type="button" className="btn" onClick={onBack} disabled={busy}>
              Back
            </button>
          ) : null}
          <button type="submit" className="btn btn-primary" data-testid="continue" disabled={busy}>
            {busy ? (isS2S ? 'Saving…' : 'Opening Zoom…') : 'Continue Setup'}
          </button>
        </div>
        {!isS2S ? <p className="small muted">Zoom asks you to sign in and allow the app, then sends you back here for a live check.</p> : null}
      </form>
    </StepPanel>
  );
}

// ---------------------------------------------------------------- resume (steps 4-6)

function ResumeWizard({ sourceId, step, authError }: { sourceId: string; step: string; authError: string | null }) {
  const src = useAsync(() => api.get<SourceDetail>(`/api/sources/${enc(sourceId)}`), [sourceId]);
  const s = src.data?.source;
  if (!s) {
    return <WizardFrame step={step === 'confirm' ? 6 : step === 'check' ? 5 : 4}>{src.error ? <ErrorBox error={src.error} onRetry={src.reload} /> : <Loading />}</WizardFrame>;
  }
  const stepNo = step === 'confirm' ? 6 : step === 'check' ? 5 : 4;
  const go = (st: string) => navigate(`/sources/${enc(sourceId)}/setup?step=${st}`);
  return (
    <WizardFrame
      step={stepNo}
      subtitle={
        <>
          Source: <strong>{s.name}</strong> <span className="mono muted small">{s.id}</span>
        </>
      }
    >
      {stepNo === 4 ? (
        <CredentialsStep key={step} name={s.name} authKind={s.authKind} existing={s} authError={step === 'authorize' ? (authError ?? 'Authorization was not completed.') : null} />
      ) : null}
      {stepNo === 5 ? <CheckStep source={s} onBack={() => go('credentials')} onNext={() => go('confirm')} /> : null}
      {stepNo === 6 ? <ConfirmStep source={s} onBack={() => go('check')} /> : null}
    </WizardFrame>
  );
}

const CHECK_LABEL: Record<CheckResult['steps'][number]['name'], string> = {
  token: 'Get an access token',
  scopes: 'Granted scopes',
  plan: 'Zoom plan and permissions',
  activity_report: 'Read Sign In/Sign Out activity (Zoom.Activity)',
  operation_report: 'Read Operation logs (Zoom.Operation)',
};

function CheckStep({ source, onBack, onNext }: { source: SourceView; onBack: () => void; onNext: () => void }) {
  const [result, setResult] = useState<CheckResult | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [running, setRunning] = useState(false);
  const run = useCallback(async () => {
    setRunning(true);
    setError(null);
    try {
      setResult(await api.post<CheckResult>(`/api/sources/${enc(source.id)}/check`));
    } catch (err) {
      setResult(null);
      setError(err);
    } finally {
      setRunning(false);
    }
  }, [source.id]);
  const started = useRef(false);
  useEffect(() => {
    if (started.current) return;
    started.current = true;
    void run();
  }, [run]);

  return (
    <StepPanel n={5} title="Live check against Zoom">
      <p className="small muted">Zoomtrail gets a token with the credentials, checks the scopes and the plan, and reads one page of each report.</p>
      {running && !result ? <Loading label="Checking with Zoom…" /> : null}
      {result ? (
        <ul className={`check-list${running ? ' stale' : ''}`} data-testid="check-result" data-ok={String(result.ok)}>
          {result.steps.map((st) => (
            <li key={st.name} className={st.ok ? 'ok' : 'bad'} data-testid={`check-step-${st.name}`} data-ok={String(st.ok)}>
              <span className="check-icon" aria-label={st.ok ? 'passed' : 'failed'}>
                {st.ok ? '✓' : '✗'}
              </span>
              <div>
                <div className="strong">{CHECK_LABEL[st.name] ?? st.name}</div>
                <div className="check-msg">{st.message}</div>
                {!st.ok && st.fix ? (
                  <div className="check-fix">
                    <strong>Fix: </strong>
                    {st.fix}
                  </div>
                ) : null}
              </div>
            </li>
          ))}
        </ul>
      ) : null}
      {result && result.ok ? <div className="notice ok">All checks passed. Zoomtrail can read both logs.</div> : null}
      <ErrorBox error={error} title="The check could not run" />
      <div className="wizard-actions">
        <button type="button" className="btn" data-testid="back-to-credentials" onClick={onBack} disabled={running}>
          Back to credentials
        </button>
        <button type="button" className="btn" data-testid="retry-check" onClick={() => void run()} disabled={running}>
          {running ? 'Checking…' : 'Retry'}
        </button>
        <button type="button" className="btn btn-primary" data-testid="continue" onClick={onNext} disabled={running || !result?.ok}>
          Continue Setup
        </button>
      </div>
      {source.authKind === 'authorization_code' ? <p className="small muted">Wrong Zoom user? “Back to credentials” lets you authorize again as another admin.</p> : null}
    </StepPanel>
  );
}

type Unit = 'minutes' | 'hours' | 'days';
const UNIT_MIN: Record<Unit, number> = { minutes: 1, hours: 60, days: 1440 };

function splitMinutes(m: number | null, offWhenNull: boolean): { on: boolean; value: string; unit: Unit } {
  if (m === null) return { on: !offWhenNull, value: '24', unit: 'hours' };
  if (m % 1440 === 0) return { on: true, value: String(m / 1440), unit: 'days' };
  if (m % 60 === 0) return { on: true, value: String(m / 60), unit: 'hours' };
  return { on: true, value: String(m), unit: 'minutes' };
}

export function DropOffInput({
  initial,
  onChange,
  offWhenNull = false,
}: {
  initial: number | null;
  onChange: (minutes: number | null, valid: boolean) => void;
  /** null means "off" (an existing source); otherwise null proposes the default of 24 hours (the wizard). */
  offWhenNull?: boolean;
}) {
  const init = splitMinutes(initial, offWhenNull);
  const [on, setOn] = useState(init.on);
  const [value, setValue] = useState(init.value);
  const [unit, setUnit] = useState<Unit>(init.unit);
  const minutes = Math.round(Number(value) * UNIT_MIN[unit]);
  const valid = !on || (Number.isFinite(minutes) && value.trim() !== '' && minutes >= 15 && minutes <= 43200);
  useEffect(() => {
    onChange(on ? minutes : null, valid);
  }, [on, minutes, valid, onChange]);
  return (
    <fieldset className="dropoff">
      <legend>Log drop-off alarm</legend>
      <p className="small muted">Raises an alert when no event arrives from this source for the period (15 minutes to 30 days).</p>
      <label className="check">
        <input type="checkbox" data-testid="drop-off-enabled" checked={on} onChange={(e) => setOn(e.target.checked)} /> Alarm when no logs arrive for
      </label>
      <div className="row gap">
        <label className="sr-only" htmlFor="drop-off-value">
          Period
        </label>
        <input
          id="drop-off-value"
          data-testid="drop-off-minutes"
          type="number"
          min={1}
          step={1}
          className="num-input"
          disabled={!on}
          value={value}
          aria-invalid={!valid}
          onChange={(e) => setValue(e.target.value)}
        />
        <label className="sr-only" htmlFor="drop-off-unit">
          Unit
        </label>
        <select id="drop-off-unit" data-testid="drop-off-unit" disabled={!on} value={unit} onChange={(e) => setUnit(e.target.value as Unit)}>
          <option value="minutes">minutes</option>
          <option value="hours">hours</option>
          <option value="days">days</option>
        </select>
        <span className="small muted">{on ? (valid ? `= ${minutes} minutes` : 'between 15 minutes and 30 days') : 'off'}</span>
      </div>
    </fieldset>
  );
}

function ConfirmStep({ source, onBack }: { source: SourceView; onBack: () => void }) {
  const [minutes, setMinutes] = useState<number | null>(source.dropOffAlarmMinutes);
  const [valid, setValid] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const onChange = useCallback((m: number | null, v: boolean) => {
    setMinutes(m);
    setValid(v);
  }, []);

  async function finish(e: FormEvent) {
    e.preventDefault();
    if (!valid) return;
    setBusy(true);
    setError(null);
    try {
      await api.post<SourceView>(`/api/sources/${enc(source.id)}/finish`, { dropOffAlarmMinutes: minutes });
      navigate(`/sources/${enc(source.id)}`);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }

  return (
    <StepPanel n={6} title="Confirm and start collecting">
      <form onSubmit={onAsync(finish)}>
        <dl className="kv">
          <dt>Name</dt>
          <dd>{source.name}</dd>
          <dt>App type</dt>
          <dd>{source.authKind === 's2s' ? 'Server-to-Server OAuth' : 'Account-level OAuth app'}</dd>
          <dt>Client ID</dt>
          <dd className="mono">{source.clientId}</dd>
          {source.zoomAccountId ? (
            <>
              <dt>Account ID</dt>
              <dd className="mono">{source.zoomAccountId}</dd>
            </>
          ) : null}
          <dt>History to read</dt>
          <dd>{source.backfillDays} days</dd>
        </dl>
        <DropOffInput initial={source.dropOffAlarmMinutes} onChange={onChange} />
        <p className="small muted">Alarm: {minutesLabel(minutes)}</p>
        <ErrorBox error={error} />
        <div className="wizard-actions">
          <button type="button" className="btn" onClick={onBack} disabled={busy}>
            Back
          </button>
          <button type="submit" className="btn btn-primary" data-testid="finish-setup" disabled={busy || !valid}>
            {busy ? 'Finishing…' : 'Finish Setup'}
          </button>
        </div>
      </form>
    </StepPanel>
  );
}
