import type { ReactNode } from 'react';
import { Time, UserLink } from '../components.tsx';

/**
 * The evidence of a sign-in history rule's alert, from its context: the
 * previous place and time, the distance and speed, the baseline the event
 * broke. Null for other rules (the raw context stays below it either way).
 */

type Ctx = Record<string, unknown>;

const obj = (v: unknown): Ctx => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Ctx) : {});
const text = (v: unknown): string => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : '?');
const num = (v: unknown): string => (typeof v === 'number' ? v.toLocaleString('en-US') : '?');
const timeOf = (v: unknown) => (typeof v === 'string' ? <Time iso={v} /> : <span className="muted">?</span>);

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </>
  );
}

function PreviousSignIn({ value, what }: { value: unknown; what: 'country' | 'asn' }) {
  const p = obj(value);
  if (!p.time) return <Row label="Previous sign-in">none in the look-back</Row>;
  return (
    <Row label="Previous sign-in">
      {timeOf(p.time)} from <span className="mono">{text(p.ip)}</span> ({what === 'asn' ? `AS${text(p.asn)}` : text(p.country)})
    </Row>
  );
}

function body(ruleId: string, c: Ctx): ReactNode {
  switch (ruleId) {
    case 'Zoom.SignIn.ImpossibleTravel': {
      const prev = obj(c.previous);
      const cur = obj(c.current);
      return (
        <>
          <Row label="From">
            {text(prev.country)} <span className="mono">{text(prev.ip)}</span> at {timeOf(prev.time)}
          </Row>
          <Row label="To">
            {text(cur.country)} <span className="mono">{text(cur.ip)}</span> at {timeOf(cur.time)}
          </Row>
          <Row label="Elapsed">{num(c.elapsedMinutes)} min</Row>
          <Row label="Distance">
            {num(c.distanceKm)} km <span className="muted">({num(c.distanceAfterAccuracyKm)} km after both locations' accuracy radius)</span>
          </Row>
          <Row label="Speed">
            <strong data-testid="evidence-speed">{num(c.speedKmh)} km/h</strong> <span className="muted">(limit {num(c.maxSpeedKmh)} km/h)</span>
          </Row>
        </>
      );
    }
    case 'Zoom.SignIn.NewCountry':
    case 'Zoom.SignIn.NewAsn': {
      const asn = ruleId === 'Zoom.SignIn.NewAsn';
      return (
        <>
          <Row label={asn ? 'New network' : 'New country'}>
            <strong>{asn ? `AS${text(c.asn)}${c.org ? ` (${text(c.org)})` : ''}` : text(c.country)}</strong> from <span className="mono">{text(c.ip)}</span>
          </Row>
          <Row label="Baseline broken">{text(c.baseline)}</Row>
          <PreviousSignIn value={c.previousSignIn} what={asn ? 'asn' : 'country'} />
        </>
      );
    }
    case 'Zoom.SignIn.DormantAccount': {
      const b = obj(c.baseline);
      return (
        <>
          <Row label="Silence">
            <strong>{num(c.silenceDays)} days</strong> without a sign-in{' '}
            <span className="muted">
              (alerts from {num(b.silenceDays)} days, proven over {num(b.lookbackDays)} days)
            </span>
          </Row>
          <PreviousSignIn value={c.previousSignIn} what="country" />
          <Row label="This sign-in">
            <span className="mono">{text(c.ip)}</span> ({text(c.country)})
          </Row>
        </>
      );
    }
    case 'Zoom.SignIn.Burst': {
      const b = obj(c.baseline);
      return (
        <>
          <Row label="Within">{num(c.windowMinutes)} min</Row>
          <Row label="Countries">
            <strong>{num(c.countries)}</strong> <span className="muted">(alerts from {num(b.countries)})</span>
          </Row>
          <Row label="IP addresses">
            <strong>{num(c.ips)}</strong> <span className="muted">(alerts from {num(b.ips)})</span>
          </Row>
        </>
      );
    }
    case 'Zoom.SignIn.SharedSourceIp': {
      const b = obj(c.baseline);
      const allow = Array.isArray(b.allowCidrs) ? (b.allowCidrs as unknown[]).map(String) : [];
      return (
        <>
          <Row label="Address">
            <span className="mono">{text(c.ip)}</span> ({text(c.country)}, AS{text(c.asn)})
          </Row>
          <Row label="Users">
            <strong>{num(c.users)}</strong> within {num(c.windowMinutes)} min <span className="muted">(alerts from {num(b.users)})</span>
          </Row>
          <Row label="Egress allow list">{allow.length ? allow.join(', ') : 'empty'}</Row>
        </>
      );
    }
    default:
      return null;
  }
}

export function SignInEvidence({ ruleId, context }: { ruleId: string; context: Ctx }) {
  const rows = body(ruleId, context);
  if (rows === null) return null;
  const user = typeof context.user === 'string' ? context.user : null;
  return (
    <section className="card" data-testid="sign-in-evidence">
      <h2>Evidence</h2>
      <dl className="kv">
        {user ? (
          <Row label="User">
            <UserLink email={user} />
          </Row>
        ) : null}
        {rows}
      </dl>
    </section>
  );
}
