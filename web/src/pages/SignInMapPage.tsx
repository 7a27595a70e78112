import { useState } from 'react';
import { PageHeader } from '../components.tsx';
import { SignInMapPanel } from './SignInMapPanel.tsx';

const SPANS = [1, 7, 30, 90] as const;

/** /map: the account's sign-ins on a world map, over a span. */
export function SignInMapPage() {
  const [days, setDays] = useState<number>(30);
  return (
    <div className="page">
      <PageHeader
        title="Sign-in map"
        sub="Where the account's users signed in (located public addresses), and the impossible-travel alerts of the span."
        actions={
          <span className="row gap">
            {SPANS.map((s) => (
              <button key={s} type="button" className={`btn${s === days ? ' btn-primary' : ''}`} data-testid={`map-days-${s}`} onClick={() => setDays(s)}>
                {s} d
              </button>
            ))}
          </span>
        }
      />
      <SignInMapPanel days={days} title="All users" />
    </div>
  );
}
