import { useEffect, useState, type ReactNode } from 'react';
import { api, fetchSession, onSession } from './api.ts';
import { ErrorBox, Loading } from './components.tsx';
import { Bug, Earth, History, KeyRound, LayoutDashboard, Menu, Plug, Radar, ScrollText, Send, Siren, TriangleAlert, Users, Waypoints, X, type LucideIcon } from 'lucide-react';
import { Link, match, navigate, useLocation } from './router.tsx';
import { SECTIONS } from './breadcrumbs.ts';
import { TopBar } from './top-bar.tsx';
import { useTruncatedCellTitles } from './truncation-titles.ts';
import { useTimeZonePreference } from './util.ts';
import type { HealthView, SessionInfo } from './types.ts';
import { LoginPage, SetupPage } from './pages/Login.tsx';
import { SourcesPage } from './pages/Sources.tsx';
import { SourceDetailPage } from './pages/SourceDetail.tsx';
import { WizardPage } from './pages/Wizard.tsx';
import { EventsPage } from './pages/Events.tsx';
import { AlertsPage } from './pages/Alerts.tsx';
import { AlertDetailPage } from './pages/AlertDetail.tsx';
import { DetectionsPage } from './pages/Detections.tsx';
import { RuleDetailPage } from './pages/RuleDetail.tsx';
import { FailuresPage } from './pages/Failures.tsx';
import { RuleErrorsPage } from './pages/RuleErrors.tsx';
import { DestinationsPage } from './pages/Destinations.tsx';
import { SinksPage } from './pages/Sinks.tsx';
import { UserDetailPage } from './pages/UserDetail.tsx';
import { SignInMapPage } from './pages/SignInMapPage.tsx';
import { UsersPage } from './pages/Users.tsx';
import { TokensPage } from './pages/Tokens.tsx';
import { AuditPage } from './pages/Audit.tsx';
import { OverviewPage } from './pages/Overview.tsx';

const NAV: { page: keyof typeof SECTIONS; icon: LucideIcon; adminOnly?: boolean }[] = [
  { page: 'overview', icon: LayoutDashboard },
  { page: 'sources', icon: Plug },
  { page: 'events', icon: ScrollText },
  { page: 'alerts', icon: Siren },
  { page: 'map', icon: Earth },
  { page: 'detections', icon: Radar },
  { page: 'destinations', icon: Send },
  { page: 'sinks', icon: Waypoints },
  { page: 'failures', icon: TriangleAlert },
  { page: 'rule-errors', icon: Bug },
  { page: 'tokens', icon: KeyRound },
  { page: 'users', icon: Users, adminOnly: true },
  { page: 'audit', icon: History, adminOnly: true },
];

function routeContent(path: string, query: URLSearchParams): ReactNode {
  let m: Record<string, string> | null;
  if (path === '/' || path === '') return null;
  if (match('/overview', path)) return <OverviewPage />;
  if (match('/sources', path)) return <SourcesPage />;
  if (match('/sources/new', path)) return <WizardPage key="new" />;
  if ((m = match('/sources/:id/setup', path))) return <WizardPage key={`setup-${m.id}`} sourceId={m.id} query={query} />;
  if ((m = match('/sources/:id', path))) return <SourceDetailPage key={m.id} id={m.id!} />;
  if (match('/events', path)) return <EventsPage />;
  if (match('/alerts', path)) return <AlertsPage />;
  if ((m = match('/alerts/:id', path))) return <AlertDetailPage key={m.id} id={m.id!} />;
  if (match('/detections', path)) return <DetectionsPage />;
  if (match('/map', path)) return <SignInMapPage />;
  if ((m = match('/users/:email', path))) return <UserDetailPage key={m.email} email={m.email!} />;
  if ((m = match('/detections/:id', path))) return <RuleDetailPage key={m.id} id={m.id!} />;
  if (match('/failures', path)) return <FailuresPage />;
  if (match('/rule-errors', path)) return <RuleErrorsPage />;
  if (match('/destinations', path)) return <DestinationsPage />;
  if (match('/sinks', path)) return <SinksPage />;
  if (match('/tokens', path)) return <TokensPage />;
  if (match('/users', path)) return <UsersPage />;
  if (match('/audit', path)) return <AuditPage />;
  return (
    <div className="page">
      <h1>Page not found</h1>
      <p>
        Nothing lives at <code>{path}</code>. <Link to="/sources">Go to Sources</Link>.
      </p>
    </div>
  );
}

/** The attribution the IP databases' licences ask for, with their names and build dates (from /api/health). */
function AttributionFooter() {
  const [health, setHealth] = useState<HealthView | null>(null);
  useEffect(() => {
    let live = true;
    api.get<HealthView>('/api/health').then(
      (h) => {
        if (live) setHealth(h);
      },
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, []);
  const dbs = health?.ipEnrichment.databases ?? [];
  const names = [...new Set(dbs.map((d) => `${d.name}${d.builtAt ? ` (built ${d.builtAt.slice(0, 10)})` : ''}`))];
  return (
    <footer className="footer small muted" data-testid="attribution">
      <a href="https://db-ip.com" target="_blank" rel="noreferrer">
        IP Geolocation by DB-IP
      </a>{' '}
      (CC BY 4.0); ASN data from{' '}
      <a href="https://www.routeviews.org" target="_blank" rel="noreferrer">
        RouteViews
      </a>
      ,{' '}
      <a href="https://www.nro.net" target="_blank" rel="noreferrer">
        NRO
      </a>{' '}
      and DB-IP (CC BY 4.0).
      {health?.ipEnrichment.problem ? <span data-testid="ip-enrichment-problem"> IP enrichment: {health.ipEnrichment.problem}</span> : null}
      {names.length > 0 ? <span data-testid="ip-databases"> Databases: {names.join(', ')}.</span> : null}
    </footer>
  );
}

export function App() {
  const loc = useLocation();
  const [session, setSession] = useState<SessionInfo | null>(null);
  const [sessionError, setSessionError] = useState<unknown>(null);
  const [attempt, setAttempt] = useState(0);
  // The narrow layout's menu: which path it was opened on (it closes when the page changes).
  const [navOpenOn, setNavOpenOn] = useState<string | null>(null);
  const navOpen = navOpenOn === loc.path;
  useTruncatedCellTitles();
  // Every timestamp below is formatted in the console's zone: a change re-renders them all.
  useTimeZonePreference();

  useEffect(() => onSession(setSession), []);
  useEffect(() => {
    fetchSession().catch((e: unknown) => setSessionError(e));
  }, [attempt]);

  const isPublic = loc.path === '/login' || loc.path === '/setup';

  const { path, href } = loc;
  const nextParam = loc.query.get('next');
  useEffect(() => {
    if (!session) return;
    if (!session.authenticated && !isPublic) {
      const next = path === '/' ? '' : `?next=${encodeURIComponent(href)}`;
      navigate(`/login${next}`, { replace: true });
    } else if (session.authenticated && (path === '/' || path === '/login')) {
      navigate(nextParam && nextParam.startsWith('/') && !nextParam.startsWith('//') ? nextParam : '/overview', { replace: true });
    }
  }, [session, path, href, isPublic, nextParam]);

  if (sessionError) {
    return (
      <div className="center-page">
        <div className="card narrow">
          <h1>Zoomtrail</h1>
          <ErrorBox
            error={sessionError}
            title="Cannot reach the server"
            onRetry={() => {
              setSessionError(null);
              setAttempt((a) => a + 1);
            }}
          />
        </div>
      </div>
    );
  }
  if (!session)
    return (
      <div className="center-page">
        <Loading />
      </div>
    );

  if (loc.path === '/setup') return <SetupPage token={loc.query.get('token') ?? ''} session={session} />;
  if (loc.path === '/login' || !session.authenticated) return <LoginPage session={session} />;

  return (
    <div className={`layout${navOpen ? ' nav-open' : ''}`}>
      <aside className="sidebar" id="sidebar">
        <div className="row space">
          <Link to="/sources" className="brand">
            <span className="brand-mark" aria-hidden>
              Z
            </span>{' '}
            Zoomtrail
          </Link>
          <button type="button" className="btn-icon nav-close" aria-label="Close menu" onClick={() => setNavOpenOn(null)}>
            <X size={18} aria-hidden />
          </button>
        </div>
        <nav aria-label="Main">
          {NAV.filter((n) => !n.adminOnly || session.role === 'admin').map((n) => {
            const path = `/${n.page}`;
            const active = loc.path === path || loc.path.startsWith(`${path}/`);
            const Icon = n.icon;
            return (
              <Link key={n.page} to={path} data-testid={`nav-${n.page}`} className={`nav-item${active ? ' active' : ''}`} aria-current={active ? 'page' : undefined}>
                <Icon className="nav-icon" size={16} strokeWidth={2} aria-hidden />
                {SECTIONS[n.page]}
              </Link>
            );
          })}
        </nav>
      </aside>
      {navOpen ? <div className="nav-scrim" onClick={() => setNavOpenOn(null)} aria-hidden /> : null}
      <div className="main">
        <TopBar
          session={session}
          path={loc.path}
          menuButton={
            <button
              type="button"
              className="btn btn-sm menu-btn"
              data-testid="menu-button"
              aria-label="Menu"
              aria-controls="sidebar"
              aria-expanded={navOpen}
              onClick={() => setNavOpenOn(navOpen ? null : loc.path)}
            >
              <Menu size={16} aria-hidden />
            </button>
          }
        />
        <main className="content">{routeContent(loc.path, loc.query)}</main>
        <AttributionFooter />
      </div>
    </div>
  );
}
