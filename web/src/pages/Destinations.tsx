import { useState } from 'react';
import { AddForm, NameAndKind, SecretField, TextField } from '../add-form.tsx';
import { api, enc } from '../api.ts';
import { Options, Switch, Time } from '../components.tsx';
import { ListPage, TestButton, TestResult, useListPage } from '../list-page.tsx';
import type { CreateDestinationRequest, DestinationKind, DestinationView, Severity, UpdateDestinationRequest } from '../types.ts';
import { SEVERITIES } from './Alerts.tsx';

const KIND_LABEL: Record<DestinationKind, string> = {
  webhook: 'Webhook',
  slack: 'Slack',
  pagerduty: 'PagerDuty',
  log: 'Server log',
};

export function DestinationsPage() {
  const state = useListPage<'destinations', DestinationView>('/api/destinations', 'destinations');
  const patch = (d: DestinationView, body: UpdateDestinationRequest) => state.update(d, () => api.patch<DestinationView>(`/api/destinations/${enc(d.id)}`, body));

  return (
    <ListPage
      state={state}
      title="Destinations"
      sub="Where alerts are sent. Secrets are write-only: stored, never shown."
      noun="destination"
      columns={['Name', 'Kind', 'URL', 'Secret', 'Min severity', 'Enabled', 'Test', '']}
      addForm={(done) => <AddDestination onCancel={() => done(false)} onCreated={() => done(true)} />}
      emptyTitle="No destinations"
      empty={(add) => (
        <>
          Alerts are only visible in this console.{' '}
          <button type="button" className="btn-link" onClick={add}>
            Add a webhook, Slack or PagerDuty destination
          </button>{' '}
          to be notified.
        </>
      )}
    >
      {state.list?.map((d) => (
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
            <select aria-label={`${d.name} minimum severity`} value={d.minSeverity} onChange={(e) => void patch(d, { minSeverity: e.target.value as Severity })}>
              <Options values={SEVERITIES} />
            </select>
          </td>
          <td>
            <Switch checked={d.enabled} label={`${d.name} enabled`} testId="destination-enabled" onChange={(on) => void patch(d, { enabled: on })} />
          </td>
          <td>
            <TestButton outcome={state.tests[d.id]} testId="test-destination" label="Test" onClick={() => void state.test(d)} />
            <TestResult outcome={state.tests[d.id]} testId="test-result" />
          </td>
          <td>
            <button
              type="button"
              className="btn btn-sm btn-danger"
              data-testid="delete-destination"
              onClick={() => void state.remove(d, `Delete destination “${d.name}”? Alerts will no longer be sent there.`)}
            >
              Delete
            </button>
          </td>
        </tr>
      ))}
    </ListPage>
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
          <Options values={SEVERITIES} />
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
