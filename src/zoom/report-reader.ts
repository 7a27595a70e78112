import { echoedDay } from './echoed-day.js';
import type { ReportStream } from './report-records.js';
import type { ZoomApiClient } from './zoom-api-client.js';
import { MalformedResponseError, PageTokenExpiredError, ZoomRequestRejectedError } from './zoom-errors.js';

/** A window of whole UTC days, `yyyy-mm-dd`, both ends as sent to Zoom. */
export interface ReportWindow {
  from: string;
  to: string;
}

export interface ReportPage {
  stream: ReportStream;
  /** The window asked for. */
  window: ReportWindow;
  /**
   * The window Zoom says it answered, as days (`yyyy-mm-dd`) whether Zoom
   * echoed dates or date-times; the window asked for where Zoom echoed
   * nothing readable. Zoom may clamp a range longer than a month silently, or
   * move a future `to` back to today: a `to` earlier than asked means the
   * rest was not read.
   */
  zoomWindow: ReportWindow;
  /**
   * 1 for the first reading of the window. An expired page token makes the
   * reader start the window again from its first page, with `pass` + 1: a
   * consumer must then discard what it counted of the earlier pass.
   */
  pass: number;
  /** 0-based page number within the pass. */
  index: number;
  /** The `next_page_token` this page was asked with; '' for the first page of a pass. */
  pageToken: string;
  /** Records exactly as Zoom sent them, unvalidated. */
  records: unknown[];
  /** True on the window's last page. */
  last: boolean;
}

export interface ReadReportOptions {
  /** Operation logs only: Zoom's `category_type` filter. */
  categoryType?: string;
  signal?: AbortSignal;
  /** Restarts after expired page tokens before giving up; default 3. */
  maxRestarts?: number;
  /**
   * Records per page, default (and at most) 300. Only a confirmation read
   * asks for another size, to move the page boundaries.
   */
  pageSize?: number;
}

/** Zoom's maximum; the default of 30 spends ten times the Heavy budget. */
export const PAGE_SIZE = 300;

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Reads one report window page by page, lazily: the next page is fetched only
 * when the consumer asks for it, so a slow consumer can let a page token
 * expire (they live 15 minutes). Then the window restarts from page one
 * rather than resuming with a dead token.
 *
 * @example
 * for await (const page of readReportWindow(client, ACTIVITY_STREAM, { from: '2026-03-01', to: '2026-03-01' })) {
 *   if (page.index === 0) resetCountsFor(page.window);
 *   store(page.records);
 * }
 */
export async function* readReportWindow(
  client: ZoomApiClient,
  stream: ReportStream,
  window: ReportWindow,
  options: ReadReportOptions = {},
): AsyncGenerator<ReportPage, void, undefined> {
  if (!DAY.test(window.from) || !DAY.test(window.to) || window.from > window.to) {
    throw new RangeError(`invalid report window ${window.from}..${window.to}`);
  }
  const maxRestarts = options.maxRestarts ?? 3;
  const pageSize = options.pageSize ?? PAGE_SIZE;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > PAGE_SIZE) throw new RangeError(`page size must be 1..${PAGE_SIZE}`);
  let pass = 1;
  let index = 0;
  let pageToken = '';
  const seenTokens = new Set<string>();

  for (;;) {
    const query: Record<string, string> = { from: window.from, to: window.to, page_size: String(pageSize) };
    if (options.categoryType) query.category_type = options.categoryType;
    if (pageToken) query.next_page_token = pageToken;

    let body: Record<string, unknown>;
    try {
      ({ body } = await client.getJson(stream, query, options.signal));
    } catch (error) {
      if (error instanceof PageTokenExpiredError && pageToken !== '') {
        if (pass > maxRestarts) {
          throw new ZoomRequestRejectedError(
            `Zoom's page tokens for ${stream.path} ${window.from}..${window.to} kept expiring (${pass} passes).`,
            "Pages are read too slowly to finish a window within 15 minutes: raise the source's requests per second or make storage faster.",
          );
        }
        pass += 1;
        index = 0;
        pageToken = '';
        seenTokens.clear();
        continue;
      }
      throw error;
    }

    const records = body[stream.recordsKey];
    if (records !== undefined && !Array.isArray(records)) {
      throw new MalformedResponseError(`${stream.path}: "${stream.recordsKey}" is not an array`);
    }
    const next = body.next_page_token;
    if (next !== undefined && next !== null && typeof next !== 'string') {
      throw new MalformedResponseError(`${stream.path}: next_page_token is not a string`);
    }
    const nextToken = next ?? '';
    if (nextToken !== '' && seenTokens.has(nextToken)) {
      throw new MalformedResponseError(`${stream.path}: Zoom repeated a page token, paging would never end`);
    }
    seenTokens.add(nextToken);

    yield {
      stream,
      window,
      zoomWindow: {
        from: echoedDay(body.from) ?? window.from,
        to: echoedDay(body.to) ?? window.to,
      },
      pass,
      index,
      pageToken,
      records: records ?? [],
      last: nextToken === '',
    };
    if (nextToken === '') return;
    pageToken = nextToken;
    index += 1;
  }
}
