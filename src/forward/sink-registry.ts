import { elasticsearchSink } from './elasticsearch-sink.js';
import { httpSink } from './http-sink.js';
import { natsSink } from './nats-sink.js';
import { s3Sink } from './s3-sink.js';
import { splunkHecSink } from './splunk-hec-sink.js';
import { syslogSink } from './syslog-sink.js';
import type { Sink, SinkKind } from './sink.js';

/** Every sink kind's module; `satisfies` makes a kind added to SINK_KINDS without a module a type error. */
const SINKS = { http: httpSink, nats: natsSink, elasticsearch: elasticsearchSink, 'splunk-hec': splunkHecSink, s3: s3Sink, syslog: syslogSink } satisfies Record<SinkKind, Sink>;

export const SINK_MODULES: ReadonlyMap<SinkKind, Sink> = new Map(Object.entries(SINKS) as [SinkKind, Sink][]);

/** The sink module for `kind`; throws on a kind unknown to this build (e.g. a row written by a newer version). */
export function sinkFor(kind: string): Sink {
  const sink = SINK_MODULES.get(kind as SinkKind);
  if (!sink) throw new Error(`unknown sink kind "${kind}"`);
  return sink;
}
