import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../app/app-context.js';
import { createPipeline, type Pipeline } from '../app/pipeline.js';
import { buildApiServer } from './build-server.js';

const SWEEP_INTERVAL_MS = 3_600_000;

export interface ServeOptions {
  port: number;
  host: string;
  /** Shared with the collector, so the API's tests and resolutions wake the same workers. */
  pipeline?: Pipeline;
  publicUrl?: string;
  consoleDir?: string | null;
}

export interface RunningServer {
  server: FastifyInstance;
  /** `http://<host>:<actual port>`. */
  address: string;
  port: number;
  /** Resolves once the server has closed (after `signal` aborts). */
  closed: Promise<void>;
}

/** Builds the API server over `app`, listens on host:port, and closes it when `signal` aborts. */
export async function startServer(app: AppContext, signal: AbortSignal, options: ServeOptions): Promise<RunningServer> {
  const publicUrl = options.publicUrl ?? app.config.publicUrl;
  const server = await buildApiServer(
    { app, pipeline: options.pipeline ?? createPipeline(app, { publicUrl }), publicUrl, fetch: app.outbound.fetch },
    options.consoleDir === undefined ? {} : { consoleDir: options.consoleDir },
  );
  await server.listen({ port: options.port, host: options.host });
  const { port } = server.server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  let close!: () => void;
  const closed = new Promise<void>((resolve) => (close = resolve));
  // Expired sessions, setup tokens and OAuth states are refused anyway; this only keeps the tables small.
  const sweep = setInterval(() => {
    app.store.deleteExpiredAuth().catch((error: unknown) => app.logger.warn({ err: error }, 'removing expired sessions failed'));
  }, SWEEP_INTERVAL_MS);
  sweep.unref();
  const stop = () => {
    clearInterval(sweep);
    server.close().then(close, (error: unknown) => {
      app.logger.error({ err: error }, 'closing the HTTP server failed');
      close();
    });
  };
  if (signal.aborted) stop();
  else signal.addEventListener('abort', stop, { once: true });
  return { server, address: `http://${host}:${port}`, port, closed };
}
