import { useState } from 'react';
import { AddForm, NameAndKind, SecretField, TextField } from '../add-form.tsx';
import { api, enc } from '../api.ts';
import { Empty, ErrorBox, PageHeader, SkeletonRows, Time } from '../components.tsx';
import type { CreateSinkRequest, DeadLetterList, DeadLetterRetryResult, SinkKind, SinkList, SinkTestResult, SinkView } from '../types.ts';
import { useAsync } from '../util.ts';

const KIND_LABEL: Record<SinkKind, string> = {
  http: 'HTTP NDJSON',
  nats: 'NATS JetStream',
  elasticsearch: 'Elasticsearch',
  'splunk-hec': 'Splunk HEC',
  s3: 'S3 bucket',
  syslog: 'Syslog',
};

const URL_HINT: Record<SinkKind, string> = {
  http: 'https://siem.example.com/zoom',
  nats: 'nats://127.0.0.1:4222',
  elasticsearch: 'https://es.example.com:9200',
  'splunk-hec': 'https://splunk.example.com:8088',
  s3: 'https://s3.eu-west-1.amazonaws.com',
  syslog: 'tls://logs.example.com:6514',
};

const SECRET_LABEL: Record<SinkKind, string | null> = {
  http: 'Signing secret (16+ characters)',
  nats: 'Token (optional)',
  elasticsearch: 'API key (optional)',
  'splunk-hec': 'HEC token',
  s3: 'Access key id:secret access key',
  syslog: null,
};

function lag(ms: number | null): string {
  if (ms === null) return '—';
  if (ms < 1000) return '0 s';
  if (ms < 120_000) return `${Math.round(ms / 1000)} s`;
  if (ms < 7_200_000) return `${Math.round(ms / 60_000)} min`;
  return `${Math.round(ms / 3_600_000)} h`;
}

export function SinksPage() {
  const q = useAsync(() => api.get<SinkList>('/api/sinks'), []);
  const [error, setError] = useState<unknown>(null);
  const [tests, setTests] = useState<Record<string, SinkTestResult | 'running'>>({});
  const [adding, setAdding] = useState(false);
  const [open, setOpen] = useState<string | null>(null);
  const list = q.data?.sinks;

  async function act(s: SinkView, action: 'pause' | 'resume') {
    setError(null);
    try {
      const updated = await api.post<SinkView>(`/api/sinks/${enc(s.id)}/${action}`);
      q.setData({ sinks: list!.map((x) => (x.id === s.id ? updated : x)) });
    } catch (err) {
      setError(err);
    }
  }
  async function test(s: SinkView) {
    setTests((t) => ({ ...t, [s.id]: 'running' }));
    try {
      const r = await api.post<SinkTestResult>(`/api/sinks/${enc(s.id)}/test`);
      setTests((t) => ({ ...t, [s.id]: r }));
    } catch (err) {
      setTests((t) => ({ ...t, [s.id]: { ok: false, message: err instanceof Error ? err.message : String(err) } }));
    }
  }
  async function remove(s: SinkView) {
    if (!window.confirm(`Delete sink “${s.name}”? Its cursor and dead letters go too; nothing is removed at the sink.`)) return;
    setError(null);
    try {
      await api.del(`/api/sinks/${enc(s.id)}`);
      q.reload();
    } catch (err) {
      setError(err);
    }
  }

  return (
    <div className="page">
      <PageHeader
        title="Sinks"
        sub="Where stored events are forwarded: SIEMs, buckets, message buses. Secrets are write-only: stored, never shown."
        actions={
          !adding ? (
            <button type="button" className="btn btn-primary" data-testid="add-sink" onClick={() => setAdding(true)}>
              + Add sink
            </button>
          ) : null
        }
      />
      {adding ? (
        <AddSink
          onCancel={() => setAdding(false)}
          onCreated={() => {
            setAdding(false);
            q.reload();
          }}
        />
      ) : null}
      <ErrorBox error={q.error ?? error} onRetry={q.error ? q.reload : undefined} />
      <div className="table-wrap">
        <table className="table" data-testid="sinks-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Kind</th>
              <th>Format</th>
              <th>Lag</th>
              <th>Backlog</th>
              <th>Delivered</th>
              <th>Failed</th>
              <th>Last error</th>
              <th>Actions</th>
            </tr>
          </thead>
          <tbody>
            {!list && q.loading ? <SkeletonRows cols={9} rows={2} /> : null}
            {list?.map((s) => {
              const t = tests[s.id];
              return (
                <tr key={s.id} data-testid="sink-row" data-sink-id={s.id}>
                  <td>
                    <strong>{s.name}</strong> {s.paused ? <span className="badge">paused</span> : null}
                    <div className="small muted mono break">{s.url}</div>
                    <div className="small muted">
                      created <Time iso={s.createdAt} relative />
                      {s.logTypes ? ` · ${s.logTypes.join(', ')}` : ''}
                      {s.fieldFilters.length ? ` · ${s.fieldFilters.join(' and ')}` : ''}
                    </div>
                  </td>
                  <td>{KIND_LABEL[s.kind] ?? s.kind}</td>
                  <td>{s.format}</td>
                  <td data-testid="sink-lag">{lag(s.lagMs)}</td>
                  <td data-testid="sink-backlog">{s.backlog.toLocaleString()}</td>
                  <td data-testid="sink-delivered">{s.delivered.toLocaleString()}</td>
                  <td>{s.failed.toLocaleString()}</td>
                  <td data-testid="sink-last-error">
                    {s.lastError ? (
                      <div className="small">
                        <div className="text-bad">{s.lastError.message}</div>
                        {s.lastError.fix ? <div className="muted">Fix: {s.lastError.fix}</div> : null}
                      </div>
                    ) : (
                      <span className="muted">—</span>
                    )}
                  </td>
                  <td>
                    <div className="row gap">
                      <button type="button" className="btn btn-sm" data-testid="test-sink" disabled={t === 'running'} onClick={() => void test(s)}>
                        {t === 'running' ? 'Sending…' : 'Send a test event'}
                      </button>
                      <button type="button" className="btn btn-sm" data-testid="pause-sink" onClick={() => void act(s, s.paused ? 'resume' : 'pause')}>
                        {s.paused ? 'Resume' : 'Pause'}
                      </button>
                      <button type="button" className="btn btn-sm" data-testid="dead-letters-sink" onClick={() => setOpen(open === s.id ? null : s.id)}>
                        Dead letters
                      </button>
                      <button type="button" className="btn btn-sm btn-danger" data-testid="delete-sink" onClick={() => void remove(s)}>
                        Delete
                      </button>
                    </div>
                    {t && t !== 'running' ? (
                      <div className={`small ${t.ok ? 'text-ok' : 'text-bad'}`} data-testid="sink-test-result" data-ok={String(t.ok)}>
                        {t.ok ? '✓' : '✗'} {t.message}
                        {!t.ok && t.fix ? <div className="muted">Fix: {t.fix}</div> : null}
                      </div>
                    ) : null}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {open && list?.some((s) => s.id === open) ? <DeadLetters sink={list.find((s) => s.id === open)!} onRetried={q.reload} /> : null}
      {list && list.length === 0 && !adding ? (
        <Empty title="No sinks">
          Events stay in Zoomtrail.{' '}
          <button type="button" className="btn-link" onClick={() => setAdding(true)}>
            Add an S3 bucket, syslog, Splunk, Elasticsearch, NATS or HTTP sink
          </button>{' '}
          to forward them.
        </Empty>
      ) : null}
    </div>
  );
}

function DeadLetters({ sink, onRetried }: { sink: SinkView; onRetried: () => void }) {
  const q = useAsync(() => api.get<DeadLetterList>(`/api/sinks/${enc(sink.id)}/dead-letters`), [sink.id]);
  const [result, setResult] = useState<DeadLetterRetryResult | null>(null);
  const [error, setError] = useState<unknown>(null);
  async function retry(body: { all: true } | { rowIds: string[] }) {
    setError(null);
    try {
      setResult(await api.post<DeadLetterRetryResult>(`/api/sinks/${enc(sink.id)}/dead-letters/retry`, body));
      q.reload();
      onRetried();
    } catch (err) {
      setError(err);
    }
  }
  const letters = q.data?.deadLetters;
  return (
    <section className="card" data-testid="dead-letters" aria-label={`Dead letters of ${sink.name}`}>
      <div className="row gap">
        <h2>Dead letters of {sink.name}</h2>
        {letters && letters.length > 0 ? (
          <button type="button" className="btn btn-sm" data-testid="retry-all" onClick={() => void retry({ all: true })}>
            Retry all
          </button>
        ) : null}
      </div>
      <ErrorBox error={q.error ?? error} />
      {result ? (
        <p className="small" data-testid="retry-result">
          {result.delivered} delivered, {result.refused} refused again, {result.gone} no longer stored
          {result.error ? ` — ${result.error.message}` : ''}
        </p>
      ) : null}
      {letters && letters.length === 0 ? <p className="muted">None: every event this sink received was accepted.</p> : null}
      {letters && letters.length > 0 ? (
        <table className="table">
          <thead>
            <tr>
              <th>Row id</th>
              <th>Failed</th>
              <th>Reason</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {letters.map((l) => (
              <tr key={l.rowId} data-testid="dead-letter-row">
                <td className="mono small">{l.rowId}</td>
                <td>
                  <Time iso={l.failedAt} relative />
                </td>
                <td className="small break">{l.reason}</td>
                <td>
                  <button type="button" className="btn btn-sm" onClick={() => void retry({ rowIds: [l.rowId] })}>
                    Retry
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}

function AddSink({ onCancel, onCreated }: { onCancel: () => void; onCreated: () => void }) {
  const [name, setName] = useState('');
  const [kind, setKind] = useState<SinkKind>('s3');
  const [url, setUrl] = useState('');
  const [format, setFormat] = useState<'panther' | 'ocsf' | 'ecs'>('panther');
  const [secret, setSecret] = useState('');
  /** Another kind takes another secret: the typed one is cleared. */
  const chooseKind = (k: SinkKind) => {
    setKind(k);
    setSecret('');
  };
  const [bucket, setBucket] = useState('');
  const [region, setRegion] = useState('');
  const [facility, setFacility] = useState('local0');
  const [filters, setFilters] = useState('');
  const [from, setFrom] = useState('all');

  async function send() {
    const settings: Record<string, unknown> = {};
    if (kind === 's3') {
      settings.bucket = bucket.trim();
      if (region.trim()) settings.region = region.trim();
    }
    if (kind === 'syslog') settings.facility = facility;
    const fieldFilters = filters
      .split('\n')
      .map((f) => f.trim())
      .filter(Boolean);
    const body: CreateSinkRequest = { name: name.trim(), kind, url: url.trim(), format, settings, fieldFilters, from };
    if (secret) body.secret = secret;
    await api.post<SinkView>('/api/sinks', body);
    onCreated();
  }

  const secretLabel = SECRET_LABEL[kind];
  return (
    <AddForm title="Add sink" submitTestId="save-sink" send={send} onCancel={onCancel}>
      <NameAndKind prefix="sink" name={name} onName={setName} namePlaceholder="security-lake" labels={KIND_LABEL} kind={kind} onKind={chooseKind} />
      <label className="field">
        <span>Format</span>
        <select data-testid="sink-format" value={format} onChange={(e) => setFormat(e.target.value as typeof format)}>
          <option value="panther">panther (as stored)</option>
          <option value="ocsf">OCSF</option>
          <option value="ecs">ECS</option>
        </select>
      </label>
      <TextField label="URL" testId="sink-url" value={url} onChange={setUrl} wide required placeholder={URL_HINT[kind]} className="mono" />
      {kind === 's3' ? (
        <>
          <TextField label="Bucket" testId="sink-bucket" value={bucket} onChange={setBucket} required placeholder="acme-security-lake" />
          <TextField
            label={
              <>
                Region <span className="muted">(default us-east-1)</span>
              </>
            }
            testId="sink-region"
            value={region}
            onChange={setRegion}
            placeholder="eu-west-1"
          />
        </>
      ) : null}
      {kind === 'syslog' ? (
        <label className="field">
          <span>Facility</span>
          <select data-testid="sink-facility" value={facility} onChange={(e) => setFacility(e.target.value)}>
            {['local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7', 'auth', 'authpriv', 'security', 'user'].map((f) => (
              <option key={f} value={f}>
                {f}
              </option>
            ))}
          </select>
        </label>
      ) : null}
      {secretLabel ? (
        <SecretField
          label={
            <>
              {secretLabel} <span className="muted">(stored, never shown)</span>
            </>
          }
          testId="sink-secret"
          value={secret}
          onChange={setSecret}
        />
      ) : null}
      <TextField label="Start from" testId="sink-from" value={from} onChange={setFrom} placeholder="all, now or YYYY-MM-DD" />
      <label className="field wide">
        <span>
          Field filter <span className="muted">(one field=value or field!=value per line; all must hold)</span>
        </span>
        <textarea data-testid="sink-filters" value={filters} onChange={(e) => setFilters(e.target.value)} rows={2} className="mono" placeholder="email!=svc-bot@example.com" />
      </label>
    </AddForm>
  );
}
