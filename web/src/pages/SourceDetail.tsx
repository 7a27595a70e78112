import { useCallback, useState, type FormEvent } from 'react';
import { api, enc } from '../api.ts';
import { COVERAGE_LABEL, Empty, ErrorBox, Loading, Modal, PageHeader, Sparkline, StateBadge, Time } from '../components.tsx';
import { Link, navigate } from '../router.tsx';
import { usePageLabel } from '../page-label.ts';
import type { AlarmView, AuthorizeResponse, CoverageState, CoverageView, HeartbeatView, LogTypeName, QuietScheduleView, SourceDetail, SourceView, StreamView } from '../types.ts';
import { isoShort, minutesLabel, onAsync, useAsync, useInterval } from '../util.ts';
import { AUTH_LABEL } from './Sources.tsx';
import { DropOffInput } from './Wizard.tsx';

/** The log types a Zoom source collects (Zoomtrail.Audit is the internal source's, never a Zoom source's). */
const LOG_TYPES = ['Zoom.Activity', 'Zoom.Operation'] as const satisfies readonly LogTypeName[];

export function SourceDetailPage({ id }: { id: string }) {
  const q = useAsync(() => api.get<SourceDetail>(`/api/sources/${enc(id)}`), [id]);
  const cov = useAsync(() => api.get<CoverageView>(`/api/sources/${enc(id)}/coverage?days=180`), [id]);
  const [actionError, setActionError] = useState<unknown>(null);
  const [busy, setBusy] = useState('');
  const [backfillUntil, setBackfillUntil] = useState(0);
  const [showDelete, setShowDelete] = useState(false);
  const [showAlarm, setShowAlarm] = useState(false);
  const [days, setDays] = useState('7');

  const reading = !!q.data?.streams.some((s) => s.readingWindow);
  // Fast polling for 15 s after a backfill request: the clock is read at each
  // render, and the 3 s reloads are what re-render.
  // eslint-disable-next-line react-hooks/purity
  const polling = reading || Date.now() < backfillUntil;
  useInterval(
    () => {
      q.reload();
      if (!reading && Date.now() >= backfillUntil) cov.reload();
    },
    3000,
    polling,
  );
  useInterval(q.reload, 30000, !polling);

  const s = q.data?.source;
  usePageLabel(s?.name);

  async function act(label: string, fn: () => Promise<unknown>) {
    setBusy(label);
    setActionError(null);
    try {
      await fn();
      q.reload();
    } catch (err) {
      setActionError(err);
    } finally {
      setBusy('');
    }
  }

  if (!s) {
    return <div className="page">{q.error ? <ErrorBox error={q.error} onRetry={q.reload} /> : <Loading />}</div>;
  }

  const reauthorize = () =>
    act('authorize', async () => {
      const r = await api.post<AuthorizeResponse>(`/api/sources/${enc(s.id)}/authorize`);
      window.location.assign(r.url);
    });

  function backfill(e: FormEvent) {
    e.preventDefault();
    const n = Number(days);
    if (!Number.isInteger(n) || n < 1 || n > 180) {
      setActionError(new Error('Backfill days must be a whole number from 1 to 180.'));
      return;
    }
    void act('backfill', async () => {
      await api.post<SourceView>(`/api/sources/${enc(s!.id)}/backfill`, { days: n });
      setBackfillUntil(Date.now() + 15000);
    });
  }

  return (
    <div className="page">
      <PageHeader
        title={
          <>
            {s.name} <StateBadge state={s.state} />
          </>
        }
        sub={
          <>
            <span className="mono">{s.id}</span>
          </>
        }
        actions={
          <>
            {s.state === 'setup_incomplete' ? (
              <Link className="btn btn-primary" to={`/sources/${enc(s.id)}/setup?step=credentials`}>
                Continue setup
              </Link>
            ) : null}
            {s.authKind === 'authorization_code' ? (
              <button type="button" className="btn" data-testid="reauthorize" disabled={!!busy} onClick={() => void reauthorize()}>
                {busy === 'authorize' ? 'Opening Zoom…' : 'Re-authorize'}
              </button>
            ) : null}
            <Link className="btn" to={`/sources/${enc(s.id)}/setup?step=credentials`} data-testid="edit-credentials">
              Credentials
            </Link>
            {s.paused ? (
              <button type="button" className="btn" data-testid="resume" disabled={!!busy} onClick={() => void act('resume', () => api.post(`/api/sources/${enc(s.id)}/resume`))}>
                Resume
              </button>
            ) : (
              <button type="button" className="btn" data-testid="pause" disabled={!!busy} onClick={() => void act('pause', () => api.post(`/api/sources/${enc(s.id)}/pause`))}>
                Pause
              </button>
            )}
            <button type="button" className="btn btn-danger" data-testid="delete-source" onClick={() => setShowDelete(true)}>
              Delete
            </button>
          </>
        }
      />
      <ErrorBox error={actionError} />
      <HealthCard source={s} alarms={q.data!.openAlarms} />
      {s.lastError ? (
        <div className="error-box" role="alert">
          <div className="error-title">
            Last error <span className="mono muted">· {s.lastError.code} · </span>
            <Time iso={s.lastError.at} relative />
          </div>
          <div className="error-msg">{s.lastError.message}</div>
          <div className="error-fix">
            <strong>Fix: </strong>
            {s.lastError.fix}
          </div>
        </div>
      ) : null}

      <div className="grid-2">
        <section className="card">
          <h2>Settings</h2>
          <dl className="kv">
            <dt>App type</dt>
            <dd>{AUTH_LABEL[s.authKind] ?? s.authKind}</dd>
            <dt>Client ID</dt>
            <dd className="mono">{s.clientId}</dd>
            {s.zoomAccountId ? (
              <>
                <dt>Account ID</dt>
                <dd className="mono">{s.zoomAccountId}</dd>
              </>
            ) : null}
            <dt>Client secret</dt>
            <dd>{s.hasClientSecret ? 'stored' : <span className="text-bad">missing</span>}</dd>
            {s.authKind === 'authorization_code' ? (
              <>
                <dt>Refresh token</dt>
                <dd>{s.hasRefreshToken ? 'stored' : <span className="text-bad">none — authorize in Zoom</span>}</dd>
              </>
            ) : null}
            <dt>API URL</dt>
            <dd className="mono">{s.apiUrl}</dd>
            <dt>OAuth URL</dt>
            <dd className="mono">{s.oauthUrl}</dd>
            <dt>Poll interval</dt>
            <dd>{Math.round(s.pollIntervalMs / 1000)} s</dd>
            <dt>History at start</dt>
            <dd>{s.backfillDays} days</dd>
            <dt>Drop-off alarm</dt>
            <dd>
              {minutesLabel(s.dropOffAlarmMinutes)}{' '}
              <button type="button" className="btn-link" onClick={() => setShowAlarm(true)}>
                change
              </button>
            </dd>
            <dt>Quiet schedule</dt>
            <dd data-testid="quiet-schedule">{quietLabel(s.quietSchedule)}</dd>
            <dt>Created</dt>
            <dd>
              <Time iso={s.createdAt} />
            </dd>
          </dl>
        </section>
        <section className="card">
          <h2>Activity</h2>
          <dl className="kv">
            <dt>Last event</dt>
            <dd>
              <Time iso={s.lastEventTime} relative /> <span className="small muted mono">{s.lastEventTime ? isoShort(s.lastEventTime) : ''}</span>
            </dd>
            <dt>Last poll</dt>
            <dd>
              <Time iso={s.lastPollTime} relative />
            </dd>
            <dt>Events 24 h</dt>
            <dd className="mono">{s.eventsLast24h.toLocaleString()}</dd>
          </dl>
          <Sparkline values={s.sparkline} width={300} height={48} />
          <div className="row gap small">
            <Link to={`/events?sourceId=${enc(s.id)}`}>Events from this source →</Link>
            <Link to={`/failures?sourceId=${enc(s.id)}`}>Parse failures →</Link>
          </div>
          <form className="backfill" onSubmit={backfill}>
            <h3>Backfill</h3>
            <p className="small muted">Read the last days again (records Zoom added late are picked up; duplicates are not stored twice).</p>
            <div className="row gap">
              <label className="inline-field">
                <span>Days</span>
                <input type="number" min={1} max={180} value={days} onChange={(e) => setDays(e.target.value)} data-testid="backfill-days" className="num-input" />
              </label>
              <button type="submit" className="btn" data-testid="backfill" disabled={!!busy}>
                {busy === 'backfill' ? 'Starting…' : 'Backfill'}
              </button>
              {polling ? (
                <span className="small muted" role="status">
                  refreshing every 3 s…
                </span>
              ) : null}
            </div>
          </form>
        </section>
      </div>

      <section className="card">
        <h2>Streams</h2>
        <StreamsTable streams={q.data!.streams} />
      </section>

      <div className="grid-2">
        <section className="card">
          <h2>Polls, last 24 hours</h2>
          <HeartbeatHistory heartbeats={q.data!.heartbeats} />
        </section>
        <section className="card">
          <h2>Late records</h2>
          <LateRecords days={q.data!.lateRecordDays} />
        </section>
      </div>

      <section className="card">
        <div className="row space">
          <h2>Coverage, last 180 days</h2>
          <CoverageLegend />
        </div>
        <ErrorBox error={cov.error} onRetry={cov.reload} />
        {cov.data ? <CoverageMap view={cov.data} /> : cov.loading ? <Loading /> : null}
      </section>

      {showDelete ? <DeleteDialog source={s} onClose={() => setShowDelete(false)} /> : null}
      {showAlarm ? (
        <AlarmDialog
          source={s}
          onClose={() => setShowAlarm(false)}
          onSaved={() => {
            setShowAlarm(false);
            q.reload();
          }}
        />
      ) : null}
    </div>
  );
}

function StreamsTable({ streams }: { streams: StreamView[] }) {
  if (streams.length === 0) return <Empty title="No streams yet">Streams appear once setup is finished and the first poll ran.</Empty>;
  return (
    <div className="table-wrap">
      <table className="table" data-testid="streams-table">
        <thead>
          <tr>
            <th>Log type</th>
            <th>Newest event</th>
            <th>Last poll</th>
            <th>Last success</th>
            <th>Reading</th>
            <th className="num">Failures</th>
            <th>Next attempt</th>
            <th>Last error</th>
          </tr>
        </thead>
        <tbody>
          {streams.map((st) => (
            <tr key={st.logType} data-testid="stream-row">
              <td className="mono">{st.logType}</td>
              <td>
                <Time iso={st.newestEventTime} />
              </td>
              <td>
                <Time iso={st.lastPollTime} relative />
              </td>
              <td>
                <Time iso={st.lastSuccessTime} relative />
              </td>
              <td data-testid="stream-reading">
                {st.readingWindow ? (
                  <span>
                    <span className="mono">{st.readingWindow}</span> · page {st.readingPages}
                  </span>
                ) : (
                  <span className="muted">idle</span>
                )}
              </td>
              <td className={`num mono${st.consecutiveFailures > 0 ? ' text-bad' : ''}`}>{st.consecutiveFailures}</td>
              <td>
                <Time iso={st.nextAttemptTime} relative />
              </td>
              <td className="small">
                {st.lastError ? (
                  <span className="text-bad" title={`${st.lastError.code} at ${st.lastError.at}`}>
                    {st.lastError.message}
                    <br />
                    <span className="muted">Fix: {st.lastError.fix}</span>
                  </span>
                ) : (
                  <span className="muted">—</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function CoverageLegend() {
  const states: CoverageState[] = ['complete', 'open', 'missing', 'failed', 'purged'];
  return (
    <div className="legend small" aria-label="Legend">
      {states.map((st) => (
        <span key={st} className="legend-item">
          <span className={`cov cov-${st}`} aria-hidden /> {COVERAGE_LABEL[st]}
        </span>
      ))}
    </div>
  );
}

function CoverageMap({ view }: { view: CoverageView }) {
  if (view.days.length === 0) return <Empty title="No coverage yet">Days appear here as the collector reads them.</Empty>;
  return (
    <div className="coverage" data-testid="coverage-map">
      {LOG_TYPES.map((lt) => (
        <div key={lt} className="coverage-row">
          <div className="coverage-label mono small">{lt}</div>
          <div className="coverage-grid" role="list" aria-label={`${lt} coverage`}>
            {view.days.map((d) => {
              const c = d.streams?.[lt];
              const state: CoverageState = c?.state ?? 'missing';
              const parts = [`${d.day} · ${lt}`, `${COVERAGE_LABEL[state]}`, `${c?.records ?? 0} records${state === 'purged' ? ' (deleted by retention)' : ''}`];
              if (c?.gainedAfterComplete) parts.push(`${c.gainedAfterComplete} records arrived after the day was complete`);
              if (c?.ambiguous) parts.push('ambiguous (day boundary unclear)');
              if (c?.lastError) parts.push(`Error: ${c.lastError}`);
              return (
                <span
                  key={d.day}
                  role="listitem"
                  className={`cov cov-${state}${c?.ambiguous ? ' cov-amb' : ''}`}
                  title={parts.join('\n')}
                  aria-label={parts.join(', ')}
                  data-day={d.day}
                  data-state={state}
                />
              );
            })}
          </div>
        </div>
      ))}
      <div className="coverage-axis small muted mono">
        <span>{view.days[0]?.day}</span>
        <span>{view.days[view.days.length - 1]?.day}</span>
      </div>
    </div>
  );
}

function DeleteDialog({ source, onClose }: { source: SourceView; onClose: () => void }) {
  const [typed, setTyped] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  async function submit(e: FormEvent) {
    e.preventDefault();
    if (typed !== source.name) return;
    setBusy(true);
    try {
      await api.del(`/api/sources/${enc(source.id)}`);
      navigate('/sources');
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }
  return (
    <Modal title={`Delete “${source.name}”?`} onClose={onClose}>
      <form onSubmit={onAsync(submit)}>
        <p>
          Collection stops and the stored credentials are removed
          {source.authKind === 'authorization_code' ? ' (the refresh token is also revoked at Zoom)' : ''}. This cannot be undone.
        </p>
        <label className="field">
          <span>
            Type <strong className="mono">{source.name}</strong> to confirm
          </span>
          <input data-testid="delete-confirm-name" value={typed} onChange={(e) => setTyped(e.target.value)} autoFocus autoComplete="off" />
        </label>
        <ErrorBox error={error} />
        <div className="wizard-actions">
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-danger" data-testid="delete-confirm" disabled={busy || typed !== source.name}>
            {busy ? 'Deleting…' : 'Delete source'}
          </button>
        </div>
      </form>
    </Modal>
  );
}

function AlarmDialog({ source, onClose, onSaved }: { source: SourceView; onClose: () => void; onSaved: () => void }) {
  const [minutes, setMinutes] = useState<number | null>(source.dropOffAlarmMinutes);
  const [quiet, setQuiet] = useState<QuietScheduleView | null>(source.quietSchedule);
  const [valid, setValid] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const onChange = useCallback((m: number | null, v: boolean) => {
    setMinutes(m);
    setValid(v);
  }, []);
  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!valid) return;
    try {
      await api.patch<SourceView>(`/api/sources/${enc(source.id)}`, { dropOffAlarmMinutes: minutes, quietSchedule: quiet });
      onSaved();
    } catch (err) {
      setError(err);
    }
  }
  return (
    <Modal title="Log drop-off alarm" onClose={onClose}>
      <form onSubmit={onAsync(submit)}>
        <DropOffInput initial={source.dropOffAlarmMinutes} onChange={onChange} offWhenNull />
        <QuietScheduleInput initial={source.quietSchedule} onChange={setQuiet} />
        <ErrorBox error={error} />
        <div className="wizard-actions">
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={!valid}>
            Save
          </button>
        </div>
      </form>
    </Modal>
  );
}

const DAY_NAMES = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

function quietLabel(q: QuietScheduleView | null): string {
  if (!q) return 'none';
  const parts: string[] = [];
  if (q.days?.length) parts.push(q.days.map((d) => DAY_NAMES[d]).join(', '));
  if (q.window) parts.push(`daily ${q.window.from}–${q.window.to}`);
  return `${parts.join(' and ')} (${q.timeZone})`;
}

function HealthCard({ source, alarms }: { source: SourceView; alarms: AlarmView[] }) {
  return (
    <section className="card" data-testid="health-card">
      <h2>
        Health <StateBadge state={source.state} />
        {source.stateSince ? (
          <span className="small muted">
            {' '}
            since <Time iso={source.stateSince} relative />
          </span>
        ) : null}
      </h2>
      <p className="state-cause" data-testid="state-cause">
        {source.stateCause}
      </p>
      {source.stateFix ? (
        <p className="state-fix small" data-testid="state-fix">
          <strong>Fix: </strong>
          {source.stateFix}
        </p>
      ) : null}
      {alarms.length > 0 ? (
        <ul className="small" data-testid="open-alarms">
          {alarms.map((a) => (
            <li key={a.alertId}>
              <Link to={`/alerts/${enc(a.alertId)}`}>{a.title}</Link>{' '}
              <span className="muted">
                · {a.ruleId} · {a.status}
              </span>
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}

const OUTCOME_LABEL: Record<HeartbeatView['outcome'], string> = {
  data: 'new records stored',
  empty: 'Zoom answered, nothing new',
  error: 'failed',
  skipped: 'not asked (backoff or rate-limit wait)',
};

function HeartbeatHistory({ heartbeats }: { heartbeats: HeartbeatView[] }) {
  if (heartbeats.length === 0) return <Empty title="No polls in the last 24 hours">Polls appear here as the collector runs.</Empty>;
  const oldestFirst = [...heartbeats].reverse();
  const counts = { data: 0, empty: 0, error: 0, skipped: 0 };
  for (const h of heartbeats) counts[h.outcome] += 1;
  return (
    <div data-testid="heartbeats">
      {LOG_TYPES.map((lt) => {
        const own = oldestFirst.filter((h) => h.logType === lt);
        return (
          <div key={lt}>
            <div className="mono small">{lt}</div>
            <div className="hb-strip" role="list" aria-label={`${lt} polls`}>
              {own.map((h, i) => {
                const label = `${h.at} · ${OUTCOME_LABEL[h.outcome]}${h.errorCode ? ` (${h.errorCode})` : ''}${h.records ? ` · ${h.records} records` : ''}`;
                return <span key={`${h.at}-${i}`} role="listitem" className={`hb hb-${h.outcome}`} title={label} aria-label={label} data-outcome={h.outcome} />;
              })}
            </div>
          </div>
        );
      })}
      <div className="legend small">
        {(Object.keys(counts) as HeartbeatView['outcome'][]).map((o) => (
          <span key={o} className="legend-item">
            <span className={`hb hb-${o}`} aria-hidden /> {OUTCOME_LABEL[o]}: {counts[o]}
          </span>
        ))}
      </div>
    </div>
  );
}

function LateRecords({ days }: { days: SourceDetail['lateRecordDays'] }) {
  if (days.length === 0) return <p className="small muted">No complete day has gained records later.</p>;
  return (
    <ul className="small" data-testid="late-records">
      {days.map((d) => (
        <li key={`${d.day}-${d.logType}`}>
          <span className="mono">{d.day}</span> · <span className="mono">{d.logType}</span>: complete day gained {d.gained} late record{d.gained === 1 ? '' : 's'}
        </li>
      ))}
    </ul>
  );
}

function QuietScheduleInput({ initial, onChange }: { initial: QuietScheduleView | null; onChange: (value: QuietScheduleView | null) => void }) {
  const [enabled, setEnabled] = useState(initial !== null);
  const [timeZone, setTimeZone] = useState(initial?.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'UTC');
  const [days, setDays] = useState<number[]>(initial?.days ?? []);
  const [from, setFrom] = useState(initial?.window?.from ?? '');
  const [to, setTo] = useState(initial?.window?.to ?? '');
  function emit(next: { enabled?: boolean; timeZone?: string; days?: number[]; from?: string; to?: string }) {
    const e = next.enabled ?? enabled;
    const tz = next.timeZone ?? timeZone;
    const d = next.days ?? days;
    const f = next.from ?? from;
    const t = next.to ?? to;
    if (!e) return onChange(null);
    onChange({ timeZone: tz, ...(d.length ? { days: d } : {}), ...(f && t ? { window: { from: f, to: t } } : {}) });
  }
  return (
    <fieldset className="field" data-testid="quiet-schedule-input">
      <label className="inline-field">
        <input
          type="checkbox"
          checked={enabled}
          onChange={(e) => {
            setEnabled(e.target.checked);
            emit({ enabled: e.target.checked });
          }}
        />{' '}
        Quiet schedule: the alarm does not fire during these times
      </label>
      {enabled ? (
        <>
          <label className="field">
            <span>Time zone</span>
            <input
              value={timeZone}
              onChange={(e) => {
                setTimeZone(e.target.value);
                emit({ timeZone: e.target.value });
              }}
              placeholder="Europe/Paris"
            />
          </label>
          <div className="row gap small">
            {DAY_NAMES.map((name, i) => (
              <label key={name} className="inline-field">
                <input
                  type="checkbox"
                  checked={days.includes(i)}
                  onChange={(e) => {
                    const next = e.target.checked ? [...days, i].sort() : days.filter((d) => d !== i);
                    setDays(next);
                    emit({ days: next });
                  }}
                />{' '}
                {name}
              </label>
            ))}
          </div>
          <div className="row gap small">
            <label className="inline-field">
              <span>Daily from</span>
              <input
                type="time"
                value={from}
                onChange={(e) => {
                  setFrom(e.target.value);
                  emit({ from: e.target.value });
                }}
              />
            </label>
            <label className="inline-field">
              <span>to</span>
              <input
                type="time"
                value={to}
                onChange={(e) => {
                  setTo(e.target.value);
                  emit({ to: e.target.value });
                }}
              />
            </label>
          </div>
        </>
      ) : null}
    </fieldset>
  );
}
