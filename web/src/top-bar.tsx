import { useEffect, type ReactNode } from 'react';
import { ChevronRight, Clock, LogOut, Monitor, Moon, Sun } from 'lucide-react';
import { api } from './api.ts';
import { breadcrumbs, documentTitle } from './breadcrumbs.ts';
import { usePageLabelFor } from './page-label.ts';
import { Link, navigate } from './router.tsx';
import { setThemePreference, useThemePreference, type ThemePreference } from './theme.ts';
import type { SessionInfo } from './types.ts';
import { browserTimeZone, setTimeZonePreference, useTimeZonePreference } from './util.ts';

const THEMES: { value: ThemePreference; label: string; icon: typeof Sun }[] = [
  { value: 'system', label: 'System', icon: Monitor },
  { value: 'light', label: 'Light', icon: Sun },
  { value: 'dark', label: 'Dark', icon: Moon },
];

/** The page's breadcrumbs (and the tab's title), the time zone and colour settings, the user. */
export function TopBar({ session, path, menuButton }: { session: SessionInfo; path: string; menuButton: ReactNode }) {
  const label = usePageLabelFor(path);
  const crumbs = breadcrumbs(path, label);
  const title = documentTitle(crumbs);
  useEffect(() => {
    document.title = title;
  }, [title]);
  const zone = useTimeZonePreference();
  const theme = useThemePreference();
  const localZone = browserTimeZone();

  return (
    <header className="topbar">
      <div className="topbar-start">
        {menuButton}
        <nav aria-label="Breadcrumb" className="crumbs" data-testid="breadcrumbs">
          <ol>
            {crumbs.map((c, i) => {
              const last = i === crumbs.length - 1;
              return (
                <li key={i} className={`crumb${last ? ' current' : ''}${c.mono ? ' mono' : ''}`} title={c.label}>
                  {i > 0 ? <ChevronRight className="crumb-sep" size={14} aria-hidden /> : null}
                  {c.to && !last ? <Link to={c.to}>{c.label}</Link> : <span aria-current={last ? 'page' : undefined}>{c.label}</span>}
                </li>
              );
            })}
          </ol>
        </nav>
      </div>
      <div className="topbar-tools">
        <div className="seg seg-sm" role="group" aria-label="Time zone of every time shown" title="Time zone of every time shown">
          <Clock className="seg-icon" size={14} aria-hidden />
          <button
            type="button"
            className={`seg-btn${zone === 'utc' ? ' active' : ''}`}
            aria-pressed={zone === 'utc'}
            data-testid="tz-utc"
            onClick={() => setTimeZonePreference('utc')}
          >
            UTC
          </button>
          <button
            type="button"
            className={`seg-btn${zone === 'local' ? ' active' : ''}`}
            aria-pressed={zone === 'local'}
            data-testid="tz-local"
            title={`Your browser's time zone: ${localZone}`}
            onClick={() => setTimeZonePreference('local')}
          >
            Local{zone === 'local' ? <span className="tz-zone"> · {localZone}</span> : null}
          </button>
        </div>
        <div className="seg seg-sm" role="group" aria-label="Colours">
          {THEMES.map((t) => {
            const Icon = t.icon;
            return (
              <button
                key={t.value}
                type="button"
                className={`seg-btn${theme === t.value ? ' active' : ''}`}
                aria-pressed={theme === t.value}
                aria-label={`${t.label} colours`}
                title={`${t.label} colours`}
                data-testid={`theme-${t.value}`}
                onClick={() => setThemePreference(t.value)}
              >
                <Icon size={14} aria-hidden />
              </button>
            );
          })}
        </div>
        <span className="user" data-testid="current-user" title="Signed in">
          <span className="avatar" aria-hidden>
            {(session.username ?? '?').slice(0, 1).toUpperCase()}
          </span>
          <span className="user-name">{session.username}</span>
        </span>
        <button
          type="button"
          className="btn btn-sm"
          data-testid="sign-out"
          aria-label="Sign out"
          onClick={() => {
            void api.signOut().finally(() => navigate('/login', { replace: true }));
          }}
        >
          <LogOut size={14} aria-hidden />
          <span className="btn-label">Sign out</span>
        </button>
      </div>
    </header>
  );
}
