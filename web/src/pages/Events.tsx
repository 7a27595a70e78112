import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { formOfQueryText, queryTextOfFormValues, type EventFormKey, type EventFormValues } from '../../../src/domain/event-query-form.ts';
import { api, ApiRequestError, qs } from '../api.ts';
import { Empty, ErrorBox, JsonDrawer, LinkedEmails, PageHeader, SkeletonRows, Time, UserLink } from '../components.tsx';
import { QueryProblem, type QueryPosition } from '../query-problem.tsx';
import { Link, navigate, useLocation } from '../router.tsx';
import { EVENT_COLUMNS, toggleColumn, visibleColumns, type EventColumnKey } from './event-columns.ts';
import { adminOnly, useRole } from '../session-role.ts';
import type { EventPage, EventView, Histogram, MadeDetection, SavedSearchList, SavedSearchView, SourceList } from '../types.ts';
import { durationLabel, fromZoneInput, isoShort, pick, str, timeZoneLabel, toZoneInput, useAsync } from '../util.ts';

const PRESETS: { key: string; label: string; ms: number }[] = [
  { key: '1h', label: '1 h', ms: 3600_000 },
  { key: '24h', label: '24 h', ms: 86400_000 },
  { key: '7d', label: '7 d', ms: 7 * 86400_000 },
  { key: '30d', label: '30 d', ms: 30 * 86400_000 },
];
const FIELD_KEYS: readonly EventFormKey[] = ['logType', 'sourceId', 'email', 'ip', 'country', 'asn', 'category', 'action', 'text', 'change'];
const FILTER_KEYS = ['q', ...FIELD_KEYS] as const;
/** URL parameters that choose how the results show, not which events match. */
const VIEW_KEYS = ['event', 'order', 'cols'];

/** `value` as a query-language value: quoted unless a bare word holds it (`*` in text is kept as a literal star). */
function queryValue(value: string): string {
  return /^[^\s()"[\]\\*]+$/.test(value) && !['AND', 'OR', 'NOT', 'TO'].includes(value) ? value : `"${value.replace(/[\\"*]/g, (c) => `\\${c}`)}"`;
}

/** The URL's query with its field filters (the overview's and the alerts' links) moved into it, ANDed: the text the query box shows. */
function filtersAsQuery(f: Filters): string {
  const fields = queryTextOfFormValues(Object.fromEntries(FIELD_KEYS.map((k) => [k, f[k]])));
  const base = f.q.trim();
  return [base && fields && /\bOR\b/.test(base) ? `(${base})` : base, fields].filter(Boolean).join(' ');
}
type FilterKey = (typeof FILTER_KEYS)[number];
/** The filters in the URL: a query and field filters, and the time range. */
type Filters = Record<FilterKey, string> & { range: string; since: string; until: string };
/** The form: the query (the form's fields are a view of it) and the time range. */
interface FormState {
  q: string;
  range: string;
  since: string;
  until: string;
}

function formOf(f: Filters): FormState {
  return { q: filtersAsQuery(f), range: f.range, since: f.since, until: f.until };
}

function filtersFromQuery(q: URLSearchParams): Filters {
  // `from`/`to` (the overview's and the alerts' links) are the same as `since`/`until`.
  const since = q.get('since') ?? q.get('from') ?? '';
  const until = q.get('until') ?? q.get('to') ?? '';
  const f = { range: q.get('range') ?? (since ? 'custom' : '24h'), since, until } as Filters;
  for (const k of FILTER_KEYS) f[k] = q.get(k) ?? '';
  return f;
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
  const filterQuery = new URLSearchParams(loc.query);
  for (const k of VIEW_KEYS) filterQuery.delete(k);
  const search = filterQuery.toString();
  const order = loc.query.get('order') === 'asc' ? 'asc' : 'desc';
  const openEvent = loc.query.get('event') ?? '';
  const columns = visibleColumns(loc.query.get('cols'));
  const shows = (key: EventColumnKey) => columns.includes(key);
  const applied = useMemo(() => filtersFromQuery(new URLSearchParams(search)), [search]);
  const appliedQuery = useMemo(() => filtersAsQuery(applied), [applied]);
  const [form, setForm] = useState<FormState>(() => formOf(applied));
  // The field values as typed while the form is being edited (a value may not be a valid query yet,
  // e.g. half a country code); null when the query box was edited last: the fields then show the query.
  const [typed, setTyped] = useState<EventFormValues | null>(null);
  // The form starts over from the URL's filters whenever they change (React's
  // "adjusting state when a prop changes", done during render, not in an effect).
  const [formFrom, setFormFrom] = useState<Filters>(applied);
  if (formFrom !== applied) {
    setFormFrom(applied);
    setForm(formOf(applied));
    setTyped(null);
  }
  const parsed = useMemo(() => formOfQueryText(form.q), [form.q]);
  const fields: EventFormValues = typed ?? (parsed.kind === 'form' ? parsed.values : {});
  const formBlocked = typed === null && parsed.kind !== 'form';
  const field = (k: EventFormKey): string => fields[k] ?? '';
  const [refresh, setRefresh] = useState(0);

  // Resolve relative ranges once per apply/refresh so the list, histogram and exports agree:
  // reading the clock here is the point, and `refresh` is the dependency that asks for a new reading.
  // eslint-disable-next-line react-hooks/purity, react-hooks/exhaustive-deps
  const params = useMemo(() => apiParams(applied, Date.now()), [applied, refresh]);
  const key = JSON.stringify(params);

  const sources = useAsync(() => api.get<SourceList>('/api/sources'), []);
  const [savedVersion, setSavedVersion] = useState(0);
  const saved = useAsync(() => api.get<SavedSearchList>('/api/saved-searches'), [savedVersion]);
  const [shareNew, setShareNew] = useState(false);
  // The saved search last opened (its "Make a detection" shows while the query is still its query).
  const [openSaved, setOpenSaved] = useState<SavedSearchView | null>(null);
  const [madeDetection, setMadeDetection] = useState<MadeDetection | null>(null);
  const role = useRole();
  const hist = useAsync(() => api.get<Histogram>(`/api/events/histogram${qs({ ...params, buckets: 48 })}`), [key]);

  const [events, setEvents] = useState<EventView[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  // The event JSON drawer is in the URL (?event=<row id>): found among the rows shown, else fetched.
  const shown = events?.find((ev) => ev.rowId === openEvent);
  const fetched = useAsync(() => (openEvent && !shown ? api.get<EventView>(`/api/events/${encodeURIComponent(openEvent)}`) : Promise.resolve(null)), [openEvent, Boolean(shown)]);
  const selected = openEvent ? (shown ?? fetched.data ?? null) : null;
  const withView = (changes: Record<string, string | null>): string => {
    const q = new URLSearchParams(loc.query);
    for (const [k, v] of Object.entries(changes)) {
      if (v === null) q.delete(k);
      else q.set(k, v);
    }
    const text = q.toString();
    return `/events${text ? `?${text}` : ''}`;
  };
  const setSelected = (ev: EventView | null) => navigate(withView({ event: ev ? ev.rowId : null }), { replace: true });

  useEffect(() => {
    let live = true;
    // Starting the request is this effect's job, and loading says it started.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    setLoading(true);
    setError(null);
    api.get<EventPage>(`/api/events${qs({ ...params, order, limit: 100 })}`).then(
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
  }, [params, order]);

  async function loadMore() {
    if (!cursor) return;
    setLoading(true);
    try {
      const page = await api.get<EventPage>(`/api/events${qs({ ...params, order, cursor, limit: 100 })}`);
      setEvents((prev) => [...(prev ?? []), ...page.events]);
      setCursor(page.nextCursor);
    } catch (err) {
      setError(err);
    } finally {
      setLoading(false);
    }
  }

  function apply(f: FormState) {
    const q: Record<string, string> = {};
    if (f.range !== '24h') q.range = f.range;
    if (f.range === 'custom') {
      if (f.since) q.since = f.since;
      if (f.until) q.until = f.until;
    }
    if (f.q.trim()) q.q = f.q.trim();
    if (order === 'asc') q.order = 'asc';
    const to = `/events${qs(q)}`;
    if (to === loc.href) setRefresh((r) => r + 1);
    else navigate(to);
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    apply(form);
  }

  async function saveSearch() {
    const query = form.q.trim();
    if (!query) return;
    const name = window.prompt('Name this search', query);
    if (!name) return;
    try {
      await api.post<SavedSearchView>('/api/saved-searches', { name, query, shared: shareNew });
      setSavedVersion((v) => v + 1);
    } catch (err) {
      setError(err);
    }
  }

  async function makeDetection(search: SavedSearchView) {
    try {
      setMadeDetection(await api.post<MadeDetection>(`/api/saved-searches/${encodeURIComponent(search.id)}/detection`, {}));
    } catch (err) {
      setError(err);
    }
  }

  const setQuery = (q: string) => {
    setTyped(null);
    setForm({ ...form, q });
  };
  /** A form field changed: the query becomes the form's fields. */
  const set = (k: EventFormKey) => (e: { target: { value: string } }) => {
    const values = { ...fields, [k]: e.target.value };
    setTyped(values);
    setForm({ ...form, q: queryTextOfFormValues(values) });
  };
  // The query's problem: the typed query's syntax error, else the server's answer to the applied query.
  const apiQueryError = error instanceof ApiRequestError && error.code === 'invalid_query' && form.q.trim() === appliedQuery ? error : null;
  const problem: QueryPosition | null =
    parsed.kind === 'error'
      ? parsed.error
      : apiQueryError
        ? { message: apiQueryError.message, fix: apiQueryError.fix ?? '', position: apiQueryError.fields?.find((x) => x.field === 'q')?.position ?? 0 }
        : null;
  const exportHref = (format: 'ndjson' | 'csv') => `/api/events/export${qs({ ...params, format })}`;
  const sourceName = (id: string) => sources.data?.sources.find((s) => s.id === id)?.name ?? id;

  return (
    <div className="page">
      <PageHeader
        title="Events"
        sub={`Normalized Zoom.Activity and Zoom.Operation events, ${order === 'asc' ? 'oldest' : 'newest'} first. Search with the query language or the filters.`}
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
        <div className="query-row">
          <label className="field query-field">
            <span>
              Query{' '}
              <abbr className="muted" title='field:value, "quoted", wildcards *, AND / OR / NOT, ( ), p_event_time>=2026-11-01 (docs/query-language.md)'>
                ?
              </abbr>
            </span>
            <input
              data-testid="filter-q"
              className="mono"
              value={form.q}
              onChange={(e) => setQuery(e.target.value)}
              aria-invalid={problem ? true : undefined}
              aria-describedby={problem ? 'query-problem' : undefined}
              placeholder='action:delete OR p_udm.changes.name:"Two-Factor*"'
              spellCheck={false}
              aria-label="Query"
            />
          </label>
          <label className="inline-field">
            <span>Saved</span>
            <select
              data-testid="saved-searches"
              value=""
              onChange={(e) => {
                const found = saved.data?.savedSearches.find((x) => x.id === e.target.value);
                if (!found) return;
                const f = { ...form, q: found.query };
                setOpenSaved(found);
                setMadeDetection(null);
                setTyped(null);
                setForm(f);
                apply(f);
              }}
            >
              <option value="">{saved.data?.savedSearches.length ? 'Open a saved search…' : 'No saved searches'}</option>
              {saved.data?.savedSearches.map((x) => (
                <option key={x.id} value={x.id}>
                  {x.name}
                  {x.shared ? ` (shared${x.mine ? '' : ` by ${x.ownerName}`})` : ''}
                </option>
              ))}
            </select>
          </label>
          <label className="inline-field">
            <input type="checkbox" data-testid="save-shared" checked={shareNew} onChange={(e) => setShareNew(e.target.checked)} />
            <span>Shared</span>
          </label>
          <button type="button" className="btn" data-testid="save-search" onClick={() => void saveSearch()}>
            Save search
          </button>
          {openSaved && openSaved.query === form.q ? (
            <button
              type="button"
              className="btn"
              data-testid="make-detection"
              {...adminOnly(role, `Add a YAML detection made from "${openSaved.name}" to the rules directory`)}
              onClick={() => void makeDetection(openSaved)}
            >
              Make a detection
            </button>
          ) : null}
          <button type="button" className="btn" data-testid="order-toggle" onClick={() => navigate(withView({ order: order === 'asc' ? null : 'asc' }))}>
            {order === 'asc' ? 'Oldest first ↑' : 'Newest first ↓'}
          </button>
          <details className="column-chooser" data-testid="column-chooser">
            <summary className="btn">Columns</summary>
            <div className="column-chooser-menu">
              {EVENT_COLUMNS.map((c) => (
                <label key={c.key} className="check">
                  <input
                    type="checkbox"
                    data-testid={`column-${c.key}`}
                    checked={shows(c.key)}
                    onChange={() => navigate(withView({ cols: toggleColumn(columns, c.key) }), { replace: true })}
                  />
                  <span>{c.label}</span>
                </label>
              ))}
            </div>
          </details>
        </div>
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
                <span>Since ({timeZoneLabel()})</span>
                <input
                  type="datetime-local"
                  data-testid="filter-since"
                  value={toZoneInput(form.since)}
                  onChange={(e) => setForm({ ...form, since: fromZoneInput(e.target.value) })}
                />
              </label>
              <label className="inline-field">
                <span>Until ({timeZoneLabel()})</span>
                <input
                  type="datetime-local"
                  data-testid="filter-until"
                  value={toZoneInput(form.until)}
                  onChange={(e) => setForm({ ...form, until: fromZoneInput(e.target.value) })}
                />
              </label>
            </>
          ) : null}
        </div>
        {madeDetection ? (
          <div className="notice ok" data-testid="made-detection">
            Detection <Link to={`/detections/${encodeURIComponent(madeDetection.ruleId)}`}>{madeDetection.ruleId}</Link> made: {madeDetection.fileName} in the rules directory,
            loaded.
            {madeDetection.notes.map((n) => (
              <div key={n} className="small muted">
                {n}
              </div>
            ))}
          </div>
        ) : null}
        {problem ? <QueryProblem id="query-problem" query={form.q} problem={problem} /> : null}
        {formBlocked ? (
          <p className="small muted form-note" data-testid="form-more">
            {parsed.kind === 'more'
              ? `The query is more than the form can show (${parsed.reason}): edit it in the query box, or clear it to use the form.`
              : 'The form shows the query once the query is valid: fix it above.'}
          </p>
        ) : null}
        <fieldset className="filter-grid" disabled={formBlocked} data-testid="filter-form">
          <label className="field">
            <span>Log type</span>
            <select data-testid="filter-log-type" value={field('logType')} onChange={set('logType')}>
              <option value="">All</option>
              <option value="Zoom.Activity">Zoom.Activity</option>
              <option value="Zoom.Operation">Zoom.Operation</option>
            </select>
          </label>
          <label className="field">
            <span>Source</span>
            <select data-testid="filter-source" value={field('sourceId')} onChange={set('sourceId')}>
              <option value="">All</option>
              {sources.data?.sources.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
              {field('sourceId') && sources.data && !sources.data.sources.some((s) => s.id === field('sourceId')) ? (
                <option value={field('sourceId')}>{field('sourceId')}</option>
              ) : null}
            </select>
          </label>
          <label className="field">
            <span>Email</span>
            <input data-testid="filter-email" value={field('email')} onChange={set('email')} placeholder="user@example.com" spellCheck={false} />
          </label>
          <label className="field">
            <span>IP</span>
            <input data-testid="filter-ip" value={field('ip')} onChange={set('ip')} placeholder="198.51.100.7" spellCheck={false} className="mono" />
          </label>
          <label className="field">
            <span>Country</span>
            <input data-testid="filter-country" value={field('country')} onChange={set('country')} placeholder="DE" maxLength={2} spellCheck={false} className="mono" />
          </label>
          <label className="field">
            <span>ASN</span>
            <input data-testid="filter-asn" value={field('asn')} onChange={set('asn')} placeholder="3320" inputMode="numeric" spellCheck={false} className="mono" />
          </label>
          <label className="field">
            <span>Category</span>
            <input data-testid="filter-category" value={field('category')} onChange={set('category')} placeholder="User, Account, Role…" />
          </label>
          <label className="field">
            <span>Action</span>
            <input data-testid="filter-action" value={field('action')} onChange={set('action')} placeholder="Update, Add, Delete…" />
          </label>
          <label className="field">
            <span>Detail contains</span>
            <input data-testid="filter-text" value={field('text')} onChange={set('text')} placeholder="text in operation_detail" />
          </label>
          <label className="field">
            <span>Changed setting</span>
            <input data-testid="filter-change" value={field('change')} onChange={set('change')} placeholder="e.g. Two-Factor" />
          </label>
        </fieldset>
        <div className="row gap">
          <button type="submit" className="btn btn-primary" data-testid="apply-filters">
            Apply filters
          </button>
          <button
            type="button"
            className="btn"
            data-testid="clear-filters"
            onClick={() => {
              const f = formOf(filtersFromQuery(new URLSearchParams()));
              setTyped(null);
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
        {/* A query error shows once, at the query box (or in the page's error) */}
        <ErrorBox error={hist.error instanceof ApiRequestError && hist.error.code === 'invalid_query' ? null : hist.error} title="Histogram unavailable" />
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

      <ErrorBox error={apiQueryError ? null : error} />
      <div className="table-wrap tall">
        <table className="table events one-line" data-testid="events-table">
          <thead>
            <tr>
              {EVENT_COLUMNS.filter((c) => shows(c.key)).map((c) => (
                <th key={c.key} className={c.className || undefined}>
                  {c.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {events === null ? <SkeletonRows cols={columns.length} rows={8} /> : null}
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
                  {shows('time') ? (
                    <td className="mono nowrap">
                      <Time iso={str(e.p_event_time) || ev.eventTime} />
                    </td>
                  ) : null}
                  {shows('logType') ? <td className="mono nowrap">{str(e.p_log_type) || ev.logType}</td> : null}
                  {shows('actor') ? (
                    <td className="mono">
                      <UserLink email={str(pick(e, 'p_udm', 'actor_user'))} />
                    </td>
                  ) : null}
                  {shows('action') ? <td>{actionCell(e)}</td> : null}
                  {shows('detail') ? (
                    <td className={`detail-cell${e.p_log_type === 'Zoom.Activity' ? ' mono' : ''}`} title={detail}>
                      {e.p_log_type === 'Zoom.Activity' ? detail : <LinkedEmails text={detail} />}
                    </td>
                  ) : null}
                  {shows('source') ? <td>{str(e.p_source_label) || sourceName(ev.sourceId)}</td> : null}
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
      {selected ? (
        <JsonDrawer title={`${selected.logType} · ${selected.rowId}`} value={selected.event} onClose={() => setSelected(null)}>
          <ValueFilters
            event={selected.event}
            onPick={(term) => {
              const base = appliedQuery;
              const f = { ...formOf(applied), q: [base && /\bOR\b/.test(base) ? `(${base})` : base, term].filter(Boolean).join(' ') };
              setTyped(null);
              setForm(f);
              apply(f);
            }}
          />
        </JsonDrawer>
      ) : null}
    </div>
  );
}

/** The event's searchable values, each a button to filter by it or exclude it (adds `field:"value"` or `NOT field:"value"` to the query). */
function ValueFilters({ event, onPick }: { event: Record<string, unknown>; onPick: (term: string) => void }) {
  const values: [string, string][] = [];
  const add = (field: string, v: unknown) => {
    if (typeof v === 'string' && v !== '' && !values.some(([f, x]) => f === field && x === v)) values.push([field, v]);
  };
  add('logType', event.p_log_type);
  add('source', event.p_source_id);
  add('action', event.action);
  add('category', event.category_type);
  for (const v of Array.isArray(event.p_any_emails) ? event.p_any_emails : []) add('email', v);
  for (const v of Array.isArray(event.p_any_ip_addresses) ? event.p_any_ip_addresses : []) add('ip', v);
  const changes = pick(event, 'p_udm', 'changes');
  for (const c of Array.isArray(changes) ? changes : []) add('change', (c as { name?: unknown }).name);
  if (values.length === 0) return null;
  return (
    <div className="value-filters" data-testid="value-filters" aria-label="Filter by a value of this event">
      {values.map(([field, v]) => {
        const term = `${field}:${queryValue(v)}`;
        return (
          <span key={term} className="value-filter">
            <span className="mono">{term}</span>
            <button type="button" className="btn btn-sm" data-testid="filter-by" data-term={term} title={`Filter by ${term}`} onClick={() => onPick(term)}>
              +
            </button>
            <button type="button" className="btn btn-sm" data-testid="filter-out" data-term={term} title={`Exclude ${term}`} onClick={() => onPick(`NOT ${term}`)}>
              −
            </button>
          </span>
        );
      })}
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
