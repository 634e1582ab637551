import * as dnsPacket from 'dns-packet';
import type { RecordType } from 'dns-packet';
import { createSocket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { Rcode, rcodeOf } from './dns-message';

export interface DnsLoadOptions {
  /** Where the DNS server listens (a ClusterDnsServer's `address()`). */
  server: { address: string; port: number };
  /** Names asked for in turn. */
  names: string[];
  durationMs: number;
  /** Queries kept in flight at once. */
  concurrency: number;
  /** `A` by default. */
  type?: RecordType;
  /** A query not answered within this long counts as timed out (1 s by default). */
  timeoutMs?: number;
}

export interface DnsLoadResult {
  /** Queries that got NOERROR or NXDOMAIN back. */
  answered: number;
  /** Queries answered with another code (SERVFAIL, REFUSED...). */
  failed: number;
  timedOut: number;
  elapsedMs: number;
  /** Answered queries per second of elapsed time. */
  qps: number;
  /** Latency percentiles of the answered queries, in milliseconds. */
  p50Ms: number;
  p99Ms: number;
}

/**
 * Drives a DNS server over UDP from this process: `concurrency` loops each send a query, wait for its answer
 * and send the next, until `durationMs` has passed. Only answered queries count towards the rate; time spent
 * on queries that time out is part of the elapsed time.
 */
export async function measureDnsQps(opts: DnsLoadOptions): Promise<DnsLoadResult> {
  if (opts.names.length === 0) throw new Error('measureDnsQps needs at least one name');
  if (!(opts.concurrency >= 1 && opts.concurrency < 0x10000)) throw new Error(`concurrency must be between 1 and 65535, got ${opts.concurrency}`);
  const type = opts.type ?? 'A';
  const timeoutMs = opts.timeoutMs ?? 1000;
  const socket = createSocket(isIPv6(opts.server.address) ? 'udp6' : 'udp4');
  const waiting = new Map<number, (reply: Buffer | undefined) => void>();
  socket.on('message', (reply) => {
    if (reply.length < 12) return;
    const done = waiting.get(reply.readUInt16BE(0));
    if (done) done(reply);
  });
  socket.on('error', () => undefined);
  await new Promise<void>((resolve) => socket.connect(opts.server.port, opts.server.address, resolve));

  // Queries are encoded once; each send only stamps a free id into a copy.
  const queries = opts.names.map((name) => dnsPacket.encode({ type: 'query', id: 0, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type, name, class: 'IN' }] }));
  let nextId = 0;
  let nextName = 0;
  const latenciesMs: number[] = [];
  let failed = 0;
  let timedOut = 0;

  const ask = (): Promise<void> => {
    while (waiting.has(nextId)) nextId = (nextId + 1) & 0xffff;
    const id = nextId;
    nextId = (nextId + 1) & 0xffff;
    const message = Buffer.from(queries[nextName]);
    nextName = (nextName + 1) % queries.length;
    message.writeUInt16BE(id, 0);
    const sentAt = process.hrtime.bigint();
    return new Promise((resolve) => {
      const timer = setTimeout(() => finish(undefined), timeoutMs);
      const finish = (reply: Buffer | undefined) => {
        clearTimeout(timer);
        waiting.delete(id);
        if (!reply) timedOut++;
        else if (rcodeOf(reply) === Rcode.NOERROR || rcodeOf(reply) === Rcode.NXDOMAIN) latenciesMs.push(Number(process.hrtime.bigint() - sentAt) / 1e6);
        else failed++;
        resolve();
      };
      waiting.set(id, finish);
      socket.send(message, (err) => err && finish(undefined));
    });
  };

  const started = process.hrtime.bigint();
  const deadline = Date.now() + opts.durationMs;
  const worker = async () => {
    while (Date.now() < deadline) await ask();
  };
  await Promise.all(Array.from({ length: opts.concurrency }, worker));
  const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
  socket.close();

  latenciesMs.sort((a, b) => a - b);
  return {
    answered: latenciesMs.length,
    failed,
    timedOut,
    elapsedMs,
    qps: elapsedMs > 0 ? (latenciesMs.length * 1000) / elapsedMs : 0,
    p50Ms: percentile(latenciesMs, 0.5),
    p99Ms: percentile(latenciesMs, 0.99),
  };
}

/** The nearest-rank percentile of sorted values; 0 when there are none. */
function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
}
