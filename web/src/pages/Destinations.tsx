import { useState } from 'react';
import { AddForm, NameAndKind, SecretField, TextField } from '../add-form.tsx';
import { api, enc } from '../api.ts';
import { Empty, ErrorBox, PageHeader, SkeletonRows, Time } from '../components.tsx';
import type { CreateDestinationRequest, DestinationKind, DestinationList, DestinationView, Severity, TestDeliveryResult } from '../types.ts';
import { useAsync } from '../util.ts';
import { SEVERITIES } from './Alerts.tsx';

const KIND_LABEL: Record<DestinationKind, string> = {
  webhook: 'Webhook',
  slack: 'Slack',
  pagerduty: 'PagerDuty',
  log: 'Server log',
};

export function DestinationsPage() {
  const q = useAsync(() => api.get<DestinationList>('/api/destinations'), []);
  const [error, setError] = useState<unknown>(null);
  const [tests, setTests] = useState<Record<string, TestDeliveryResult | 'running'>>({});
  const [adding, setAdding] = useState(false);
  const list = q.data?.destinations;

  async function patch(d: DestinationView, body: Record<string, unknown>) {
    setError(null);
    try {
      const updated = await api.patch<DestinationView>(`/api/destinations/${enc(d.id)}`, body);
      q.setData({ destinations: list!.map((x) => (x.id === d.id ? updated : x)) });
    } catch (err) {
      setError(err);
    }
  }
  async function test(d: DestinationView) {
    setTests((t) => ({ ...t, [d.id]: 'running' }));
    try {
      const r = await api.post<TestDeliveryResult>(`/api/destinations/${enc(d.id)}/test`);
      setTests((t) => ({ ...t, [d.id]: r }));
    } catch (err) {
      setTests((t) => ({ ...t, [d.id]: { ok: false, status: null, message: err instanceof Error ? err.message : String(err) } }));
    }
  }
  async function remove(d: DestinationView) {
    if (!window.confirm(`Delete destination “${d.name}”? Alerts will no longer be sent there.`)) return;
    setError(null);
    try {
      await api.del(`/api/destinations/${enc(d.id)}`);
      q.reload();
    } catch (err) {
      setError(err);
    }
  }

  return (
    <div className="page">
      <PageHeader
        title="Destinations"
        sub="Where alerts are sent. Secrets are write-only: stored, never shown."
        actions={
          !adding ? (
            <button type="button" className="btn btn-primary" data-testid="add-destination" onClick={() => setAdding(true)}>
              + Add destination
            </button>
          ) : null
        }
      />
      {adding ? (
        <AddDestination
          onCancel={() => setAdding(false)}
          onCreated={() => {
            setAdding(false);
            q.reload();
          }}
        />
      ) : null}
      <ErrorBox error={q.error ?? error} onRetry={q.error ? q.reload : undefined} />
      <div className="table-wrap">
        <table className="table" data-testid="destinations-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Kind</th>
              <th>URL</th>
              <th>Secret</th>
              <th>Min severity</th>
              <th>Enabled</th>
              <th>Test</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {!list && q.loading ? <SkeletonRows cols={8} rows={2} /> : null}
            {list?.map((d) => {
              const t = tests[d.id];
              return (
                <tr key={d.id} data-testid="destination-row" data-destination-id={d.id}>
                  <td>
                    <strong>{d.name}</strong>
                    <div className="small muted">
                      created <Time iso={d.createdAt} relative />
                      {d.ruleIds.length ? ` · only rules ${d.ruleIds.join(', ')}` : ''}
                    </div>
                  </td>
                  <td>{KIND_LABEL[d.kind] ?? d.kind}</td>
                  <td className="mono small break">{d.url ?? <span className="muted">—</span>}</td>
                  <td>{d.hasSecret ? <span className="badge">stored</span> : <span className="muted">none</span>}</td>
                  <td>
                    <select aria-label={`${d.name} minimum severity`} value={d.minSeverity} onChange={(e) => void patch(d, { minSeverity: e.target.value })}>
                      {SEVERITIES.map((s) => (
                        <option key={s} value={s}>
                          {s}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td>
                    <label className="switch">
                      <input
                        type="checkbox"
                        role="switch"
                        data-testid="destination-enabled"
                        checked={d.enabled}
                        aria-label={`${d.name} enabled`}
                        onChange={(e) => void patch(d, { enabled: e.target.checked })}
                      />
                      <span className="switch-track" aria-hidden />
                    </label>
                  </td>
                  <td>
                    <button type="button" className="btn btn-sm" data-testid="test-destination" disabled={t === 'running'} onClick={() => void test(d)}>
                      {t === 'running' ? 'Sending…' : 'Test'}
                    </button>
                    {t && t !== 'running' ? (
                      <div className={`small ${t.ok ? 'text-ok' : 'text-bad'}`} data-testid="test-result" data-ok={String(t.ok)}>
                        {t.ok ? '✓' : '✗'} {t.message}
                      </div>
                    ) : null}
                  </td>
                  <td>
                    <button type="button" className="btn btn-sm btn-danger" data-testid="delete-destination" onClick={() => void remove(d)}>
                      Delete
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {list && list.length === 0 && !adding ? (
        <Empty title="No destinations">
          Alerts are only visible in this console.{' '}
          <button type="button" className="btn-link" onClick={() => setAdding(true)}>
            Add a webhook, Slack or PagerDuty destination
          </button>{' '}
          to be notified.
        </Empty>
      ) : null}
    </div>
  );
}

function AddDestination({ onCancel, onCreated }: { onCancel: () => void; onCreated: () => void }) {
  const [name, setName] = useState('');
  const [kind, setKind] = useState<DestinationKind>('webhook');
  const [url, setUrl] = useState('');
  const [secret, setSecret] = useState('');
  /** Another kind takes another secret: the typed one is cleared. */
  const chooseKind = (k: DestinationKind) => {
    setKind(k);
    setSecret('');
  };
  const [minSeverity, setMinSeverity] = useState<Severity>('MEDIUM');
  const [enabled, setEnabled] = useState(true);

  async function send() {
    const body: CreateDestinationRequest = { name: name.trim(), kind, minSeverity, enabled };
    if ((kind === 'webhook' || kind === 'pagerduty') && url.trim()) body.url = url.trim();
    if (kind !== 'log' && secret) body.secret = secret;
    await api.post<DestinationView>('/api/destinations', body);
    onCreated();
  }

  const secretProps = { testId: 'destination-secret', value: secret, onChange: setSecret };
  const urlProps = { testId: 'destination-url', type: 'url', value: url, onChange: setUrl, className: 'mono' };
  return (
    <AddForm
      title="Add destination"
      submitTestId="save-destination"
      send={send}
      onCancel={onCancel}
      after={
        <label className="check">
          <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} /> Enabled
        </label>
      }
    >
      <NameAndKind prefix="destination" name={name} onName={setName} namePlaceholder="SOC webhook" labels={KIND_LABEL} kind={kind} onKind={chooseKind} />
      <label className="field">
        <span>Minimum severity</span>
        <select data-testid="destination-min-severity" value={minSeverity} onChange={(e) => setMinSeverity(e.target.value as Severity)}>
          {SEVERITIES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </label>
      {kind === 'webhook' ? (
        <>
          <TextField label="URL" {...urlProps} required placeholder="https://siem.example.com/hooks/zoomtrail" />
          <SecretField
            label={
              <>
                Signing secret <span className="muted">(optional; HMAC of each request)</span>
              </>
            }
            {...secretProps}
          />
        </>
      ) : null}
      {kind === 'slack' ? (
        <SecretField
          label={
            <>
              Slack incoming webhook URL <span className="muted">(a secret: stored, never shown)</span>
            </>
          }
          {...secretProps}
          wide
          required
          placeholder="https://hooks.slack.com/services/…"
        />
      ) : null}
      {kind === 'pagerduty' ? (
        <>
          <SecretField
            label={
              <>
                Routing key <span className="muted">(Events API v2 integration key)</span>
              </>
            }
            {...secretProps}
            required
          />
          <TextField
            label={
              <>
                Events API URL <span className="muted">(optional, e.g. EU)</span>
              </>
            }
            {...urlProps}
            placeholder="https://events.pagerduty.com/v2/enqueue"
          />
        </>
      ) : null}
      {kind === 'log' ? <p className="small muted wide">Writes each alert as a JSON line to the server log (useful with a log shipper).</p> : null}
    </AddForm>
  );
}
