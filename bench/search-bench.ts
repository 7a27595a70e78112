/**
 * Search and pages at scale (issue 14, section 1), measured through the API:
 * the real server (`openApp` over the product's resolved config, then
 * `startServer`, as `zoomtrail start` does, without the collector) listening
 * on a loopback port in this process, called with real HTTP requests
 * (`fetch`) authenticated by an API token, so a query that blocks the event
 * loop delays every other request, the benchmark's own included.
 *
 * The store holds `--records` records over 180 days (search-store.ts). Each
 * query runs once to warm up, then RUNS times; its median and worst are the
 * figures. Filter values are picked from the newest events, so they exist.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { pino } from 'pino';
import { API_TOKEN_PREFIX, hashPassword, randomSecret } from '../src/api/auth-session.js';
import type { EventPage, EventView } from '../src/api/api-types.js';
import { startServer, type RunningServer } from '../src/api/serve.js';
import { openApp } from '../src/app/app-context.js';
import { hashSecret } from '../src/store/auth-store.js';
import { flatness, mostFrequent, summarize, withinLatency, type Flatness, type LatencySummary, type ProgressSample } from './bench-stats.js';
import { type BenchStore, collectGarbage, int, mb, millis, print, rate, seconds, table } from './bench-util.js';
import { prepareSearchStore, SEARCH_DAYS, SEARCH_NOW, SEARCH_UNITS, searchConfig, searchStoreParams, type SearchStore } from './search-store.js';

/** Timed runs of each query, after one warm-up run. */
export const RUNS = 7;
/** Pages walked with the cursor after the first page. */
export const CURSOR_PAGES = 50;
/** The console's page size and histogram buckets (web/src/pages/Events.tsx). */
const PAGE_LIMIT = 100;
const HISTOGRAM_BUCKETS = 48;
/** The console's coverage view of a source (web/src/pages/SourceDetail.tsx). */
const COVERAGE_DAYS = 180;
const HEALTH_POLL_MS = 50;
/** The export under load runs again until the load has lasted this long (a small store exports in a moment). */
const MIN_LOAD_MS = 5_000;
const DAY_MS = 86_400_000;
/** Free text no event contains: the search reads everything an index does not rule out. */
export const NO_MATCH_TEXT = 'zz-no-such-text-zz';

/** Issue 14's targets with 5,000,000 events stored. */
export const QUERY_TARGET = { median: 100, worst: 300 } as const;
export const EXPORT_TARGET_PER_SECOND = 20_000;
export const HEALTH_TARGET_MS = 200;

export interface FilterValues {
  email: string;
  ip: string;
  category: string;
  action: string;
  change: string;
  text: string;
  /** The most frequent located country and network of the newest sign-ins; absent when the store was built without enrichment. */
  country?: string;
  asn?: string;
}

export interface QueryFigure {
  label: string;
  /** The request(s), sent together; the time is until every answer is in. */
  requests: string[];
  /** Events in the answer (a page's events, a histogram's total, sources listed). */
  count: number;
  latency: LatencySummary;
  /** A reference figure without a target of its own. */
  baseline: boolean;
}

export interface ExportFigure {
  request: string;
  events: number;
  bytes: number;
  ms: number;
  perSecond: number;
  rssBefore: number;
  rssPeak: number;
  flat: Flatness | null;
}

export interface SearchResult {
  store: SearchStore;
  serverOpenMs: number;
  values: FilterValues;
  queries: QueryFigure[];
  cursorPages: QueryFigure;
  exportAlone: ExportFigure;
  underLoad: {
    health: LatencySummary;
    /** Exports run one after the other during the load, and the events of each. */
    exports: number;
    exportEvents: number;
    /** How long the load lasted. */
    loadMs: number;
    /** No-match free-text searches run back to back meanwhile. */
    searches: number;
    searchRequest: string;
  };
}

/** Builds (or reuses) the store, serves it, and takes every figure. */
export async function runSearchBench(records: number, kind: BenchStore, storeFile?: string): Promise<SearchResult> {
  const store = await prepareSearchStore(searchStoreParams(records), kind, storeFile);
  print(
    `\nsearch: ${kind === 'postgres' ? 'PostgreSQL schema' : 'SQLite file'} ${store.location}: ${int(store.events)} events ` +
      `(${store.reused ? `kept from an earlier run, built in ${seconds(store.buildMs)}` : `built in ${seconds(store.buildMs)}`})`,
  );

  const openStarted = performance.now();
  const app = await openApp(searchConfig(store.databaseUrl), { logger: pino({ level: 'silent' }) });
  const stop = new AbortController();
  let server: RunningServer | undefined;
  let tokenId: string | undefined;
  try {
    server = await startServer(app, stop.signal, { port: 0, host: '127.0.0.1', consoleDir: null });
    const serverOpenMs = performance.now() - openStarted;
    print(`  server listening on ${server.address} after ${seconds(serverOpenMs)} (store opened and migrated, routes registered)`);
    const username = 'bench-search';
    const user = (await app.store.findUserByUsername(username)) ?? (await app.store.createUser({ username, passwordHash: await hashPassword(randomSecret()) }));
    const token = `${API_TOKEN_PREFIX}${randomSecret()}`;
    tokenId = (await app.store.createApiToken({ name: 'search benchmark', tokenHash: hashSecret(token), userId: user.id })).id;
    const client = new ApiClient(server.address, token);
    return await measureAll(client, store, serverOpenMs);
  } finally {
    if (tokenId !== undefined) await app.store.deleteApiToken(tokenId);
    stop.abort();
    await server?.closed;
    await app.close();
  }
}

async function measureAll(client: ApiClient, store: SearchStore, serverOpenMs: number): Promise<SearchResult> {
  const values = await pickFilterValues(client);
  print(
    `  filter values (from the newest events): email ${values.email}, ip ${values.ip}, category ${JSON.stringify(values.category)}, ` +
      `action ${JSON.stringify(values.action)}, change ${JSON.stringify(values.change)}, text ${JSON.stringify(values.text)}; no-match text ${JSON.stringify(NO_MATCH_TEXT)}`,
  );
  const iso = (ms: number) => new Date(ms).toISOString();
  const events = (params: Record<string, string>) => `/api/events?${new URLSearchParams({ ...params, limit: String(PAGE_LIMIT) }).toString()}`;
  const histogram = (params: Record<string, string>) => `/api/events/histogram?${new URLSearchParams({ ...params, buckets: String(HISTOGRAM_BUCKETS) }).toString()}`;
  const specs: Array<{ label: string; requests: string[]; baseline?: boolean }> = [
    { label: 'newest page, no filter', requests: [events({})] },
    { label: 'last 24 h', requests: [events({ since: iso(SEARCH_NOW - DAY_MS) })] },
    { label: 'by email', requests: [events({ email: values.email })] },
    { label: 'by IP', requests: [events({ ip: values.ip })] },
    ...(values.country === undefined ? [] : [{ label: 'by country (IP enrichment)', requests: [events({ country: values.country })] }]),
    ...(values.asn === undefined ? [] : [{ label: 'by ASN (IP enrichment)', requests: [events({ asn: values.asn })] }]),
    { label: 'by log type (Zoom.Operation)', requests: [events({ logType: 'Zoom.Operation' })] },
    { label: 'by category', requests: [events({ category: values.category })] },
    { label: 'by action', requests: [events({ action: values.action })] },
    { label: 'by parsed change name', requests: [events({ change: values.change })] },
    { label: 'free text in operation_detail', requests: [events({ text: values.text })] },
    { label: 'free text, no match', requests: [events({ text: NO_MATCH_TEXT })] },
    { label: '24-hour histogram', requests: [histogram({})] },
    { label: '180-day histogram', requests: [histogram({ since: iso(SEARCH_NOW - SEARCH_DAYS * DAY_MS) })] },
    { label: 'sources page (GET /api/sources)', requests: ['/api/sources'] },
    {
      label: "a source's page (the source and its coverage, together)",
      requests: [`/api/sources/${encodeURIComponent(store.sourceId)}`, `/api/sources/${encodeURIComponent(store.sourceId)}/coverage?days=${COVERAGE_DAYS}`],
    },
    { label: '/api/health alone (the baseline of the figure under load)', requests: ['/api/health'], baseline: true },
  ];
  const queries: QueryFigure[] = [];
  for (const spec of specs) {
    const figure = await measureQuery(client, spec.label, spec.requests, spec.baseline === true);
    print(`  ${spec.label}: median ${millis(figure.latency.median)}, worst ${millis(figure.latency.worst)} (${int(figure.count)} in the answer)`);
    queries.push(figure);
  }

  await walkCursorPages(client, events({})); // warm-up walk
  const pageTimes = await walkCursorPages(client, events({}));
  const cursorPages: QueryFigure = {
    label: `each of ${pageTimes.length} cursor pages (no filter, ${PAGE_LIMIT} per page)`,
    requests: [`/api/events?limit=${PAGE_LIMIT}&cursor=...`],
    count: PAGE_LIMIT,
    latency: summarize(pageTimes),
    baseline: false,
  };
  print(`  ${cursorPages.label}: median ${millis(cursorPages.latency.median)}, worst ${millis(cursorPages.latency.worst)}`);

  const exportRequest = `/api/events/export?${new URLSearchParams({ since: iso(SEARCH_NOW - 7 * DAY_MS) }).toString()}`;
  const exportAlone = await timeExport(client, exportRequest);
  print(
    `  7-day export: ${int(exportAlone.events)} events in ${seconds(exportAlone.ms)} (${rate(exportAlone.perSecond)}), RSS ${mb(exportAlone.rssBefore)} -> peak ${mb(exportAlone.rssPeak)}`,
  );

  const searchRequest = events({ text: NO_MATCH_TEXT });
  const underLoad = await healthUnderLoad(client, exportRequest, searchRequest);
  print(
    `  /api/health every ${HEALTH_POLL_MS} ms during ${underLoad.exports} export(s) and ${underLoad.searches} free-text search(es) (${seconds(underLoad.loadMs)}): ${underLoad.health.runs} answers, ` +
      `median ${millis(underLoad.health.median)}, worst ${millis(underLoad.health.worst)}`,
  );
  return { store, serverOpenMs, values, queries, cursorPages, exportAlone, underLoad };
}

// --- the HTTP client ------------------------------------------------------------------

class ApiClient {
  readonly #base: string;
  readonly #headers: Record<string, string>;

  constructor(base: string, token: string) {
    this.#base = base;
    this.#headers = { authorization: `Bearer ${token}` };
  }

  /** One GET, timed from sending it until the whole body is in; a status other than 200 is an error. */
  async get(request: string): Promise<{ ms: number; body: string }> {
    const started = performance.now();
    const response = await fetch(this.#base + request, { headers: this.#headers });
    const body = await response.text();
    const ms = performance.now() - started;
    if (response.status !== 200) throw new Error(`GET ${request} answered ${response.status}: ${body.slice(0, 500)}`);
    return { ms, body };
  }

  /** One GET read as a stream, `onChunk` told the lines received so far after each chunk. */
  async stream(request: string, onChunk: (lines: number) => void): Promise<{ ms: number; lines: number; bytes: number }> {
    const started = performance.now();
    const response = await fetch(this.#base + request, { headers: this.#headers });
    if (response.status !== 200 || !response.body) throw new Error(`GET ${request} answered ${response.status}: ${(await response.text()).slice(0, 500)}`);
    let lines = 0;
    let bytes = 0;
    for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
      bytes += chunk.length;
      for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines += 1;
      onChunk(lines);
    }
    return { ms: performance.now() - started, lines, bytes };
  }
}

// --- the figures -------------------------------------------------------------------------

/** How many events an answer holds: a page's events, a histogram's total, the sources listed. */
function countIn(body: string): number {
  const value = JSON.parse(body) as { events?: unknown[]; buckets?: Array<{ count: number }>; sources?: unknown[] };
  if (Array.isArray(value.events)) return value.events.length;
  if (Array.isArray(value.buckets)) return value.buckets.reduce((n, b) => n + b.count, 0);
  if (Array.isArray(value.sources)) return value.sources.length;
  return 1;
}

async function measureQuery(client: ApiClient, label: string, requests: string[], baseline: boolean): Promise<QueryFigure> {
  const once = async () => {
    const started = performance.now();
    const answers = await Promise.all(requests.map((r) => client.get(r)));
    return { ms: performance.now() - started, count: countIn(answers[0]!.body) };
  };
  await once();
  const times: number[] = [];
  let count = 0;
  for (let i = 0; i < RUNS; i += 1) {
    const run = await once();
    times.push(run.ms);
    count = run.count;
  }
  return { label, requests, count, latency: summarize(times), baseline };
}

/** The first page (not timed), then CURSOR_PAGES pages through nextCursor, each timed; fewer when the events run out. */
async function walkCursorPages(client: ApiClient, firstPage: string): Promise<number[]> {
  let cursor = (JSON.parse((await client.get(firstPage)).body) as EventPage).nextCursor;
  const times: number[] = [];
  while (cursor !== null && times.length < CURSOR_PAGES) {
    const { ms, body } = await client.get(`${firstPage}&cursor=${encodeURIComponent(cursor)}`);
    times.push(ms);
    cursor = (JSON.parse(body) as EventPage).nextCursor;
  }
  if (times.length === 0) throw new Error('search: the first page has no next page: the store holds too few events for cursor paging');
  return times;
}

/** The export alone: events/s, and this process's RSS (the server's) after each chunk against the share of the export received. */
async function timeExport(client: ApiClient, request: string): Promise<ExportFigure> {
  collectGarbage();
  const rssBefore = process.memoryUsage.rss();
  const readings: Array<{ lines: number; rss: number }> = [];
  const { ms, lines, bytes } = await client.stream(request, (received) => readings.push({ lines: received, rss: process.memoryUsage.rss() }));
  const samples: ProgressSample[] = readings.map((r) => ({ progress: lines === 0 ? 1 : r.lines / lines, rss: r.rss }));
  return {
    request,
    events: lines,
    bytes,
    ms,
    perSecond: lines / (ms / 1000),
    rssBefore,
    rssPeak: Math.max(rssBefore, ...readings.map((r) => r.rss)),
    flat: flatness(samples),
  };
}

/**
 * `/api/health` polled every HEALTH_POLL_MS (one request at a time: a stalled
 * one is timed for its whole wait) while the 7-day export runs (again, until
 * the load has lasted MIN_LOAD_MS) and the no-match free-text search runs
 * again and again until the exports are done.
 */
async function healthUnderLoad(client: ApiClient, exportRequest: string, searchRequest: string): Promise<SearchResult['underLoad']> {
  await client.get('/api/health');
  let loaded = true;
  const polling = (async () => {
    const times: number[] = [];
    do {
      const { ms } = await client.get('/api/health');
      times.push(ms);
      if (ms < HEALTH_POLL_MS) await delay(HEALTH_POLL_MS - ms);
    } while (loaded);
    return times;
  })();
  const started = performance.now();
  let exporting = true;
  const exported = (async () => {
    const runs: Array<{ ms: number; lines: number }> = [];
    do runs.push(await client.stream(exportRequest, () => undefined));
    while (performance.now() - started < MIN_LOAD_MS);
    return runs;
  })().finally(() => {
    exporting = false;
  });
  const searching = (async () => {
    let searches = 0;
    do {
      await client.get(searchRequest);
      searches += 1;
    } while (exporting);
    return searches;
  })();
  try {
    const [exports, searches] = await Promise.all([exported, searching]);
    loaded = false;
    const health = summarize(await polling);
    return { health, exports: exports.length, exportEvents: exports[0]!.lines, loadMs: performance.now() - started, searches, searchRequest };
  } catch (error) {
    loaded = false;
    await polling.catch(() => undefined);
    throw error;
  }
}

/** Values that exist: the most frequent email of the newest 500 sign-in/out events, that user's most frequent IP, and the newest 500 operations' most frequent category, action, change name and email mentioned in operation_detail. */
async function pickFilterValues(client: ApiClient): Promise<FilterValues> {
  const newest = async (logType: string) => (JSON.parse((await client.get(`/api/events?logType=${logType}&limit=500`)).body) as EventPage).events;
  const text = (e: EventView, field: string): string | undefined => {
    const value = e.event[field];
    return typeof value === 'string' && value.trim() !== '' ? value : undefined;
  };
  const present = (values: Array<string | undefined>): string[] => values.filter((v): v is string => v !== undefined);
  const activities = await newest('Zoom.Activity');
  const operations = await newest('Zoom.Operation');
  const email = mostFrequent(present(activities.map((e) => text(e, 'email'))));
  const ip = mostFrequent(present(activities.filter((e) => text(e, 'email') === email).map((e) => text(e, 'ip_address'))));
  const category = mostFrequent(present(operations.map((e) => text(e, 'category_type'))));
  const action = mostFrequent(present(operations.map((e) => text(e, 'action'))));
  const change = mostFrequent(operations.flatMap((e) => changeNames(e.event)));
  const mentioned = mostFrequent(operations.flatMap((e) => text(e, 'operation_detail')?.match(/[\w.+-]+@[\w-]+(\.[\w-]+)+/g) ?? []));
  const picked = { email, ip, category, action, change, text: mentioned ?? change };
  for (const [name, value] of Object.entries(picked)) {
    if (value === undefined) throw new Error(`search: no ${name} to search for in the newest events: the store is not what the search benchmark builds`);
  }
  const location = (e: EventView): Record<string, unknown> | undefined =>
    ((e.event.p_enrichment as { ip_location?: Record<string, Record<string, unknown>> } | undefined)?.ip_location ?? {}).ip_address;
  const located = activities.map(location).filter((l) => l?.kind === 'public');
  const country = mostFrequent(present(located.map((l) => (typeof l?.country === 'string' ? l.country : undefined))));
  const asn = mostFrequent(present(located.map((l) => (typeof l?.asn === 'number' ? String(l.asn) : undefined))));
  return { ...(picked as Omit<FilterValues, 'country' | 'asn'>), ...(country === undefined ? {} : { country }), ...(asn === undefined ? {} : { asn }) };
}

function changeNames(event: Readonly<Record<string, unknown>>): string[] {
  const udm = event.p_udm as { changes?: unknown } | undefined;
  if (!udm || !Array.isArray(udm.changes)) return [];
  return udm.changes.flatMap((c: unknown) => {
    const name = (c as { name?: unknown } | null)?.name;
    return typeof name === 'string' && name !== '' ? [name] : [];
  });
}

// --- printing ------------------------------------------------------------------------------

const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');
const latencyText = (l: LatencySummary) => `${millis(l.median)} / ${millis(l.worst)}`;
const QUERY_TARGET_TEXT = `<= ${QUERY_TARGET.median} / <= ${QUERY_TARGET.worst} ms`;
/** The queries with a target, the cursor pages, then the baselines. */
const figuresInOrder = (r: SearchResult) => [...r.queries.filter((q) => !q.baseline), r.cursorPages, ...r.queries.filter((q) => q.baseline)];
const queryVerdict = (q: QueryFigure) => (q.baseline ? '-' : verdict(withinLatency(q.latency, QUERY_TARGET)));

function describe(r: SearchResult, withLocation: boolean): string {
  const kind = r.store.kind === 'postgres' ? 'PostgreSQL' : 'SQLite';
  const where = withLocation ? `, ${r.store.kind === 'postgres' ? `${kind} schema` : kind} ${r.store.location}` : ` on ${kind}`;
  return `${int(r.store.events)} events (${int(r.store.records)} records, ${SEARCH_DAYS} days, ${int(SEARCH_UNITS * 50)} users)${where}`;
}

/** The detailed table: every request, its answer size, median and worst. */
export function printSearch(r: SearchResult): void {
  const rows: string[][] = figuresInOrder(r).map((q) => [q.label, q.requests.join(' + '), int(q.count), millis(q.latency.median), millis(q.latency.worst), queryVerdict(q)]);
  print(
    table(
      `search through the API: ${describe(r, true)}; warm, median and worst of ${RUNS} runs after one warm-up (cursor pages: each page of a second walk); target ${QUERY_TARGET_TEXT}`,
      ['query', 'request', 'in answer', 'median', 'worst', 'verdict'],
      rows,
    ),
  );
  const e = r.exportAlone;
  print(
    `7-day export (${e.request}): ${int(e.events)} events, ${mb(e.bytes)} in ${seconds(e.ms)} = ${rate(e.perSecond)}; process RSS ${mb(e.rssBefore)} before, peak ${mb(e.rssPeak)}` +
      (e.flat ? `, ${mb(e.flat.at10)} at 10% -> ${mb(e.flat.at90)} at 90% of the events` : ''),
  );
  const u = r.underLoad;
  print(
    `/api/health every ${HEALTH_POLL_MS} ms, one at a time, for ${seconds(u.loadMs)} during ${u.exports} 7-day export(s) of ${int(u.exportEvents)} events (again until ${seconds(MIN_LOAD_MS)} had passed) ` +
      `and ${u.searches} no-match free-text search(es) run back to back: ` +
      `${u.health.runs} answers, median ${millis(u.health.median)}, worst ${millis(u.health.worst)}`,
  );
}

/** The search rows of the one summary table: figure, measured, target, verdict. */
export function searchSummaryRows(r: SearchResult): string[][] {
  const rows: string[][] = [[`search through the API, ${describe(r, false)}`, 'median / worst', '', '']];
  for (const q of figuresInOrder(r)) rows.push([`  ${q.label}`, latencyText(q.latency), q.baseline ? '-' : QUERY_TARGET_TEXT, queryVerdict(q)]);
  const e = r.exportAlone;
  rows.push([
    `  7-day export of everything (${int(e.events)} events, NDJSON)`,
    rate(e.perSecond),
    `>= ${int(EXPORT_TARGET_PER_SECOND)}/s`,
    verdict(e.perSecond >= EXPORT_TARGET_PER_SECOND),
  ]);
  rows.push([
    '  server RSS during the export: at 10% -> at 90% of it (peak growth)',
    e.flat ? `${mb(e.flat.at10)} -> ${mb(e.flat.at90)} (+${mb(e.rssPeak - e.rssBefore)})` : `n/a (+${mb(e.rssPeak - e.rssBefore)})`,
    'flat: <= +10%',
    e.flat ? verdict(e.flat.flat) : 'n/a',
  ]);
  const u = r.underLoad;
  rows.push([
    `  /api/health every ${HEALTH_POLL_MS} ms during the export and a free-text search`,
    latencyText(u.health),
    `worst <= ${HEALTH_TARGET_MS} ms`,
    verdict(u.health.worst <= HEALTH_TARGET_MS),
  ]);
  return rows;
}
