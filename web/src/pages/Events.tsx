import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { api, qs } from '../api.ts';
import { Empty, ErrorBox, JsonDrawer, LinkedEmails, PageHeader, SkeletonRows, Time, UserLink } from '../components.tsx';
import { navigate, useLocation } from '../router.tsx';
import type { EventPage, EventView, Histogram, SourceList } from '../types.ts';
import { durationLabel, isoShort, pick, str, useAsync } from '../util.ts';

const PRESETS: { key: string; label: string; ms: number }[] = [
  { key: '1h', label: '1 h', ms: 3600_000 },
  { key: '24h', label: '24 h', ms: 86400_000 },
  { key: '7d', label: '7 d', ms: 7 * 86400_000 },
  { key: '30d', label: '30 d', ms: 30 * 86400_000 },
];
const FILTER_KEYS = ['logType', 'sourceId', 'email', 'ip', 'country', 'asn', 'category', 'action', 'text', 'change'] as const;
type FilterKey = (typeof FILTER_KEYS)[number];
type Filters = Record<FilterKey, string> & { range: string; since: string; until: string };

function filtersFromQuery(q: URLSearchParams): Filters {
  // `from`/`to` (the overview's and the alerts' links) are the same as `since`/`until`.
  const since = q.get('since') ?? q.get('from') ?? '';
  const until = q.get('until') ?? q.get('to') ?? '';
  const f = { range: q.get('range') ?? (since ? 'custom' : '24h'), since, until } as Filters;
  for (const k of FILTER_KEYS) f[k] = q.get(k) ?? '';
  return f;
}

function toLocalInput(iso: string): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
function fromLocalInput(v: string): string {
  if (!v) return '';
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? '' : d.toISOString();
}

/** The API query (since/until resolved) for the filters. */
function apiParams(f: Filters, now: number): Record<string, string> {
  const p: Record<string, string> = {};
  const preset = PRESETS.find((x) => x.key === f.range);
  if (preset) {
    p.since = new Date(now - preset.ms).toISOString();
    p.until = new Date(now).toISOString();
  } else {
    if (f.since) p.since = f.since;
    if (f.until) p.until = f.until;
  }
  for (const k of FILTER_KEYS) if (f[k].trim()) p[k] = f[k].trim();
  return p;
}

/** Where the event's IP address is (p_enrichment.ip_location.ip_address): `DE Fulda AS3320`, or its kind (`private`). */
function locationLabel(e: Record<string, unknown>): string {
  const enrichment = e.p_enrichment as { ip_location?: Record<string, Record<string, unknown>> } | undefined;
  const where = enrichment?.ip_location?.ip_address;
  if (!where) return '';
  if (where.kind !== 'public') return str(where.kind);
  return [str(where.country), str(where.city), typeof where.asn === 'number' ? `AS${where.asn}` : ''].filter(Boolean).join(' ');
}

function actionCell(e: Record<string, unknown>): string {
  if (e.p_log_type === 'Zoom.Activity') return str(e.type);
  return [str(e.category_type), str(e.action)].filter(Boolean).join(' / ');
}

export function EventsPage() {
  const loc = useLocation();
  const search = loc.query.toString();
  const applied = useMemo(() => filtersFromQuery(new URLSearchParams(search)), [search]);
  const [form, setForm] = useState<Filters>(applied);
  // The form starts over from the URL's filters whenever they change (React's
  // "adjusting state when a prop changes", done during render, not in an effect).
  const [formFrom, setFormFrom] = useState<Filters>(applied);
  if (formFrom !== applied) {
    setFormFrom(applied);
    setForm(applied);
  }
  const [refresh, setRefresh] = useState(0);

  // Resolve relative ranges once per apply/refresh so the list, histogram and exports agree:
  // reading the clock here is the point, and `refresh` is the dependency that asks for a new reading.
  // eslint-disable-next-line react-hooks/purity, react-hooks/exhaustive-deps
  const params = useMemo(() => apiParams(applied, Date.now()), [applied, refresh]);
  const key = JSON.stringify(params);

  const sources = useAsync(() => api.get<SourceList>('/api/sources'), []);
  const hist = useAsync(() => api.get<Histogram>(`/api/events/histogram${qs({ ...params, buckets: 48 })}`), [key]);

  const [events, setEvents] = useState<EventView[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const [selected, setSelected] = useState<EventView | null>(null);

  useEffect(() => {
    let live = true;
    // Starting the request is this effect's job, and loading says it started.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    setLoading(true);
    setError(null);
    api.get<EventPage>(`/api/events${qs({ ...params, limit: 100 })}`).then(
      (page) => {
        if (!live) return;
        setEvents(page.events);
        setCursor(page.nextCursor);
        setLoading(false);
      },
      (err: unknown) => {
        if (!live) return;
        setError(err);
        setEvents([]);
        setCursor(null);
        setLoading(false);
      },
    );
    return () => {
      live = false;
    };
  }, [params]);

  async function loadMore() {
    if (!cursor) return;
    setLoading(true);
    try {
      const page = await api.get<EventPage>(`/api/events${qs({ ...params, cursor, limit: 100 })}`);
      setEvents((prev) => [...(prev ?? []), ...page.events]);
      setCursor(page.nextCursor);
    } catch (err) {
      setError(err);
    } finally {
      setLoading(false);
    }
  }

  function apply(f: Filters) {
    const q: Record<string, string> = {};
    if (f.range !== '24h') q.range = f.range;
    if (f.range === 'custom') {
      if (f.since) q.since = f.since;
      if (f.until) q.until = f.until;
    }
    for (const k of FILTER_KEYS) if (f[k].trim()) q[k] = f[k].trim();
    const to = `/events${qs(q)}`;
    if (to === loc.href) setRefresh((r) => r + 1);
    else navigate(to);
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    apply(form);
  }

  const set = (k: keyof Filters) => (e: { target: { value: string } }) => setForm({ ...form, [k]: e.target.value });
  const exportHref = (format: 'ndjson' | 'csv') => `/api/events/export${qs({ ...params, format })}`;
  const sourceName = (id: string) => sources.data?.sources.find((s) => s.id === id)?.name ?? id;

  return (
    <div className="page">
      <PageHeader
        title="Events"
        sub="Normalized Zoom.Activity and Zoom.Operation events, newest first."
        actions={
          <>
            <a className="btn" href={exportHref('ndjson')} download data-testid="export-ndjson">
              Export NDJSON
            </a>
            <a className="btn" href={exportHref('csv')} download data-testid="export-csv">
              Export CSV
            </a>
          </>
        }
      />
      <form className="filters card" onSubmit={submit} aria-label="Event filters">
        <div className="filter-row">
          <div className="seg" role="group" aria-label="Time range">
            {PRESETS.map((p) => (
              <button
                key={p.key}
                type="button"
                className={`seg-btn${form.range === p.key ? ' active' : ''}`}
                aria-pressed={form.range === p.key}
                data-testid={`range-${p.key}`}
                onClick={() => {
                  const f = { ...form, range: p.key };
                  setForm(f);
                  apply(f);
                }}
              >
                {p.label}
              </button>
            ))}
            <button
              type="button"
              className={`seg-btn${form.range === 'custom' ? ' active' : ''}`}
              aria-pressed={form.range === 'custom'}
              data-testid="range-custom"
              onClick={() => setForm({ ...form, range: 'custom', since: form.since || params.since || '', until: form.until || params.until || '' })}
            >
              Custom
            </button>
          </div>
          {form.range === 'custom' ? (
            <>
              <label className="inline-field">
                <span>Since (local)</span>
                <input
                  type="datetime-local"
                  data-testid="filter-since"
                  value={toLocalInput(form.since)}
                  onChange={(e) => setForm({ ...form, since: fromLocalInput(e.target.value) })}
                />
              </label>
              <label className="inline-field">
                <span>Until (local)</span>
                <input
                  type="datetime-local"
                  data-testid="filter-until"
                  value={toLocalInput(form.until)}
                  onChange={(e) => setForm({ ...form, until: fromLocalInput(e.target.value) })}
                />
              </label>
            </>
          ) : null}
        </div>
        <div className="filter-grid">
          <label className="field">
            <span>Log type</span>
            <select data-testid="filter-log-type" value={form.logType} onChange={set('logType')}>
              <option value="">All</option>
              <option value="Zoom.Activity">Zoom.Activity</option>
              <option value="Zoom.Operation">Zoom.Operation</option>
            </select>
          </label>
          <label className="field">
            <span>Source</span>
            <select data-testid="filter-source" value={form.sourceId} onChange={set('sourceId')}>
              <option value="">All</option>
              {sources.data?.sources.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
              {form.sourceId && sources.data && !sources.data.sources.some((s) => s.id === form.sourceId) ? <option value={form.sourceId}>{form.sourceId}</option> : null}
            </select>
          </label>
          <label className="field">
            <span>Email</span>
            <input data-testid="filter-email" value={form.email} onChange={set('email')} placeholder="user@example.com" spellCheck={false} />
          </label>
          <label className="field">
            <span>IP</span>
            <input data-testid="filter-ip" value={form.ip} onChange={set('ip')} placeholder="198.51.100.7" spellCheck={false} className="mono" />
          </label>
          <label className="field">
            <span>Country</span>
            <input data-testid="filter-country" value={form.country} onChange={set('country')} placeholder="DE" maxLength={2} spellCheck={false} className="mono" />
          </label>
          <label className="field">
            <span>ASN</span>
            <input data-testid="filter-asn" value={form.asn} onChange={set('asn')} placeholder="3320" inputMode="numeric" spellCheck={false} className="mono" />
          </label>
          <label className="field">
            <span>Category</span>
            <input data-testid="filter-category" value={form.category} onChange={set('category')} placeholder="User, Account, Role…" />
          </label>
          <label className="field">
            <span>Action</span>
            <input data-testid="filter-action" value={form.action} onChange={set('action')} placeholder="Update, Add, Delete…" />
          </label>
          <label className="field">
            <span>Detail contains</span>
            <input data-testid="filter-text" value={form.text} onChange={set('text')} placeholder="text in operation_detail" />
          </label>
          <label className="field">
            <span>Changed setting</span>
            <input data-testid="filter-change" value={form.change} onChange={set('change')} placeholder="e.g. Two-Factor" />
          </label>
        </div>
        <div className="row gap">
          <button type="submit" className="btn btn-primary" data-testid="apply-filters">
            Apply filters
          </button>
          <button
            type="button"
            className="btn"
            data-testid="clear-filters"
            onClick={() => {
              const f = filtersFromQuery(new URLSearchParams());
              setForm(f);
              apply(f);
            }}
          >
            Clear
          </button>
          <span className="small muted mono">
            {params.since ? isoShort(params.since) : '…'} → {params.until ? isoShort(params.until) : 'now'}
          </span>
        </div>
      </form>

      <section className="card hist-card">
        <ErrorBox error={hist.error} title="Histogram unavailable" />
        {hist.data ? (
          <HistogramChart
            hist={hist.data}
            onPick={(start, end) => {
              const f = { ...form, range: 'custom', since: start, until: end };
              setForm(f);
              apply(f);
            }}
          />
        ) : (
          <div className="hist-placeholder">{hist.loading ? 'Loading…' : ''}</div>
        )}
      </section>

      <ErrorBox error={error} />
      <div className="table-wrap tall">
        <table className="table events" data-testid="events-table">
          <thead>
            <tr>
              <th>p_event_time</th>
              <th>p_log_type</th>
              <th>Actor</th>
              <th>Type / category / action</th>
              <th>Detail / IP</th>
              <th>p_source_label</th>
            </tr>
          </thead>
          <tbody>
            {events === null ? <SkeletonRows cols={6} rows={8} /> : null}
            {events?.map((ev) => {
              const e = ev.event;
              const detail =
                e.p_log_type === 'Zoom.Activity' ? [str(e.ip_address), locationLabel(e), str(e.client_type), str(e.version)].filter(Boolean).join(' · ') : str(e.operation_detail);
              return (
                <tr
                  key={ev.rowId}
                  data-testid="event-row"
                  data-row-id={ev.rowId}
                  className={`clickable${selected?.rowId === ev.rowId ? ' selected' : ''}`}
                  tabIndex={0}
                  onClick={() => setSelected(ev)}
                  onKeyDown={(k) => {
                    if (k.key === 'Enter' || k.key === ' ') {
                      k.preventDefault();
                      setSelected(ev);
                    }
                  }}
                >
                  <td className="mono nowrap">
                    <Time iso={str(e.p_event_time) || ev.eventTime} />
                  </td>
                  <td className="mono nowrap">{str(e.p_log_type) || ev.logType}</td>
                  <td className="mono">
                    <UserLink email={str(pick(e, 'p_udm', 'actor_user'))} />
                  </td>
                  <td>{actionCell(e)}</td>
                  <td className={`detail-cell${e.p_log_type === 'Zoom.Activity' ? ' mono' : ''}`} title={detail}>
                    {e.p_log_type === 'Zoom.Activity' ? detail : <LinkedEmails text={detail} />}
                  </td>
                  <td>{str(e.p_source_label) || sourceName(ev.sourceId)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {events && events.length === 0 && !loading && !error ? (
        <Empty title="No events match">
          Widen the time range or clear some filters. If there are no events at all, check <a href="/sources">Sources</a>: a new source needs one poll before events appear.
        </Empty>
      ) : null}
      <div className="row gap load-more">
        {cursor ? (
          <button type="button" className="btn" data-testid="load-more" onClick={() => void loadMore()} disabled={loading}>
            {loading ? 'Loading…' : 'Load more'}
          </button>
        ) : events && events.length > 0 ? (
          <span className="small muted">End of results · {events.length} events</span>
        ) : null}
        {cursor && events ? <span className="small muted">{events.length} shown</span> : null}
      </div>
      {selected ? <JsonDrawer title={`${selected.logType} · ${selected.rowId}`} value={selected.event} onClose={() => setSelected(null)} /> : null}
    </div>
  );
}

function HistogramChart({ hist, onPick }: { hist: Histogram; onPick: (start: string, end: string) => void }) {
  const W = 960;
  const H = 90;
  const n = hist.buckets.length;
  const max = Math.max(1, ...hist.buckets.map((b) => b.count));
  const total = hist.buckets.reduce((a, b) => a + b.count, 0);
  const bw = n > 0 ? W / n : W;
  return (
    <div className="histogram" data-testid="events-histogram">
      <div className="row space small muted">
        <span>
          <strong className="text">{total.toLocaleString()}</strong> events · {durationLabel(hist.bucketMs)} buckets · click a bar to zoom in
        </span>
        <span className="mono">max {max.toLocaleString()}</span>
      </div>
      <svg viewBox={`0 0 ${W} ${H}`} preserveAspectRatio="none" width="100%" height={H} role="img" aria-label={`Histogram of ${total} events`}>
        <line x1={0} y1={H - 0.5} x2={W} y2={H - 0.5} className="hist-axis" />
        {hist.buckets.map((b, i) => {
          const h = b.count === 0 ? 0 : Math.max(2, (b.count / max) * (H - 6));
          const end = new Date(Date.parse(b.start) + hist.bucketMs).toISOString();
          return (
            <g key={b.start} className="hist-bar" onClick={() => b.count > 0 && onPick(b.start, end)}>
              <rect x={i * bw} y={0} width={bw} height={H} className="hist-hit" />
              <rect x={i * bw + 0.5} y={H - h} width={Math.max(1, bw - 1.5)} height={h} className="hist-fill" />
              <title>{`${isoShort(b.start)} – ${isoShort(end)}: ${b.count} events`}</title>
            </g>
          );
        })}
      </svg>
      <div className="row space small muted mono">
        <span>{hist.buckets[0] ? isoShort(hist.buckets[0].start) : ''}</span>
        <span>{hist.buckets.length ? isoShort(new Date(Date.parse(hist.buckets[hist.buckets.length - 1]!.start) + hist.bucketMs).toISOString()) : ''}</span>
      </div>
    </div>
  );
}
