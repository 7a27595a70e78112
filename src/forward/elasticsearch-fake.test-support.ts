import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { valueAt } from './record-day.js';

/**
 * A stateful Elasticsearch stand-in for tests: `_bulk` `create` (409 on an
 * existing `_id`), and `_search?scroll` / `_search/scroll` over the filter
 * shape the elasticsearch sink's read back sends (`match_phrase` + `range`).
 */
export interface ElasticsearchFake {
  origin: string;
  /** index → _id → document */
  docs: Map<string, Map<string, Record<string, unknown>>>;
  /** Answer `_bulk` with 503 while true. */
  refusing: boolean;
  close(): Promise<void>;
}

interface Filter {
  match_phrase?: Record<string, string>;
  range?: Record<string, { gte: string; lt: string }>;
}

function matches(doc: Record<string, unknown>, filters: Filter[]): boolean {
  return filters.every((f) => {
    if (f.match_phrase) return Object.entries(f.match_phrase).every(([field, value]) => valueAt(doc, field) === value);
    if (f.range)
      return Object.entries(f.range).every(([field, r]) => {
        const raw = valueAt(doc, field);
        const ms = typeof raw === 'number' ? raw : typeof raw === 'string' ? Date.parse(raw) : NaN;
        return ms >= Date.parse(r.gte) && ms < Date.parse(r.lt);
      });
    return true;
  });
}

export async function startElasticsearchFake(): Promise<ElasticsearchFake> {
  const docs = new Map<string, Map<string, Record<string, unknown>>>();
  const scrolls = new Map<string, string[]>();
  let nextScroll = 0;
  const fake: ElasticsearchFake = { origin: '', docs, refusing: false, close: async () => undefined };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const url = new URL(req.url ?? '/', 'http://x');
      const json = (status: number, answer: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(answer));
      };
      if (url.pathname === '/_bulk') {
        if (fake.refusing) return json(503, { error: 'unavailable' });
        const lines = body.split('\n').filter((l) => l !== '');
        const items = [];
        for (let i = 0; i < lines.length; i += 2) {
          const action = (JSON.parse(lines[i]!) as { create: { _index: string; _id: string } }).create;
          const index = docs.get(action._index) ?? new Map<string, Record<string, unknown>>();
          docs.set(action._index, index);
          const exists = index.has(action._id);
          if (!exists) index.set(action._id, JSON.parse(lines[i + 1]!) as Record<string, unknown>);
          items.push({ create: { _index: action._index, _id: action._id, status: exists ? 409 : 201 } });
        }
        return json(200, { errors: items.some((i) => i.create.status !== 201), items });
      }
      if (url.pathname === '/_search/scroll') {
        const { scroll_id: id } = JSON.parse(body) as { scroll_id: string };
        if (req.method === 'DELETE') {
          scrolls.delete(id);
          return json(200, { succeeded: true });
        }
        const rest = scrolls.get(id) ?? [];
        const page = rest.splice(0, 1000);
        return json(200, { _scroll_id: id, hits: { hits: page.map((_id) => ({ _id })) } });
      }
      const search = /^\/([^/]+)\/_search$/.exec(url.pathname);
      if (search) {
        const index = docs.get(search[1]!);
        if (!index) return json(404, { error: { type: 'index_not_found_exception' } });
        const request = JSON.parse(body) as { size: number; query: { bool: { filter: Filter[] } } };
        const ids = [...index].filter(([, doc]) => matches(doc, request.query.bool.filter)).map(([id]) => id);
        const id = `scroll-${nextScroll++}`;
        const page = ids.splice(0, request.size);
        scrolls.set(id, ids);
        return json(200, { _scroll_id: id, hits: { hits: page.map((_id) => ({ _id })) } });
      }
      json(404, { error: 'not found' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return fake;
}
