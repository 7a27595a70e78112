import { lazy, Suspense } from 'react';
import { api, qs } from '../api.ts';
import { ErrorBox, Loading } from '../components.tsx';
import type { SignInMap } from '../types.ts';
import { useAsync } from '../util.ts';

const WorldMap = lazy(() => import('./WorldMap.tsx'));

/** The sign-in map of the account (no filter), a user (`email`) or an alert (`alertId`), with its legend. */
export function SignInMapPanel({ email, alertId, days, title = 'Sign-in map' }: { email?: string; alertId?: string; days?: number; title?: string }) {
  const q = useAsync(() => api.get<SignInMap>(`/api/sign-ins/map${qs({ email, alertId, days })}`), [email, alertId, days]);
  const total = q.data?.points.reduce((n, p) => n + p.signIns, 0) ?? 0;
  return (
    <section className="card" data-testid="sign-in-map-panel">
      <h2>
        {title}{' '}
        {q.data ? (
          <span className="muted small">
            {total} located sign-in{total === 1 ? '' : 's'} at {q.data.points.length} place{q.data.points.length === 1 ? '' : 's'}
            {q.data.lines.length ? `, ${q.data.lines.length} impossible-travel pair${q.data.lines.length === 1 ? '' : 's'}` : ''}
            {q.data.unlocated ? `, ${q.data.unlocated} without a location` : ''}
          </span>
        ) : null}
      </h2>
      {q.error ? <ErrorBox error={q.error} onRetry={q.reload} /> : null}
      {q.data ? (
        <Suspense fallback={<Loading label="Loading the map…" />}>
          <WorldMap data={q.data} />
        </Suspense>
      ) : q.error ? null : (
        <Loading />
      )}
      <p className="small muted">Circles: sign-ins per place (area by count). Red lines: impossible travel. Private and unknown addresses have no place.</p>
    </section>
  );
}
