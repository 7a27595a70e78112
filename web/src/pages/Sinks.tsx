import { useState } from 'react';
import { AddForm, NameAndKind, SecretField, TextField } from '../add-form.tsx';
import { api, enc } from '../api.ts';
import { ErrorBox, Options, Time } from '../components.tsx';
import { ListPage, TestButton, TestResult, useListPage } from '../list-page.tsx';
import type { CreateSinkRequest, DeadLetterList, DeadLetterRetryResult, SinkKind, SinkView } from '../types.ts';
import { useActionError, useAsync } from '../util.ts';

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
  const state = useListPage<'sinks', SinkView>('/api/sinks', 'sinks');
  const [open, setOpen] = useState<string | null>(null);
  const list = state.list;
  const act = (s: SinkView, action: 'pause' | 'resume') => state.update(s, () => api.post<SinkView>(`/api/sinks/${enc(s.id)}/${action}`));

  return (
    <ListPage
      state={state}
      title="Sinks"
      sub="Where stored events are forwarded: SIEMs, buckets, message buses. Secrets are write-only: stored, never shown."
      noun="sink"
      columns={['Name', 'Kind', 'Format', 'Lag', 'Backlog', 'Delivered', 'Failed', 'Last error', 'Actions']}
      addForm={(done) => <AddSink onCancel={() => done(false)} onCreated={() => done(true)} />}
      emptyTitle="No sinks"
      empty={(add) => (
        <>
          Events stay in Zoomtrail.{' '}
          <button type="button" className="btn-link" onClick={add}>
            Add an S3 bucket, syslog, Splunk, Elasticsearch, NATS or HTTP sink
          </button>{' '}
          to forward them.
        </>
      )}
      after={open && list?.some((s) => s.id === open) ? <DeadLetters sink={list.find((s) => s.id === open)!} onRetried={state.q.reload} /> : null}
    >
      {list?.map((s) => (
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
              <TestButton outcome={state.tests[s.id]} testId="test-sink" label="Send a test event" onClick={() => void state.test(s)} />
              <button type="button" className="btn btn-sm" data-testid="pause-sink" onClick={() => void act(s, s.paused ? 'resume' : 'pause')}>
                {s.paused ? 'Resume' : 'Pause'}
              </button>
              <button type="button" className="btn btn-sm" data-testid="dead-letters-sink" onClick={() => setOpen(open === s.id ? null : s.id)}>
                Dead letters
              </button>
              <button
                type="button"
                className="btn btn-sm btn-danger"
                data-testid="delete-sink"
                onClick={() => void state.remove(s, `Delete sink “${s.name}”? Its cursor and dead letters go too; nothing is removed at the sink.`)}
              >
                Delete
              </button>
            </div>
            <TestResult outcome={state.tests[s.id]} testId="sink-test-result" />
          </td>
        </tr>
      ))}
    </ListPage>
  );
}

function DeadLetters({ sink, onRetried }: { sink: SinkView; onRetried: () => void }) {
  const q = useAsync(() => api.get<DeadLetterList>(`/api/sinks/${enc(sink.id)}/dead-letters`), [sink.id]);
  const [result, setResult] = useState<DeadLetterRetryResult | null>(null);
  const { error, run } = useActionError();
  const retry = (body: { all: true } | { rowIds: string[] }) =>
    run(async () => {
      setResult(await api.post<DeadLetterRetryResult>(`/api/sinks/${enc(sink.id)}/dead-letters/retry`, body));
      q.reload();
      onRetried();
    });
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
            <Options values={['local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7', 'auth', 'authpriv', 'security', 'user']} />
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
