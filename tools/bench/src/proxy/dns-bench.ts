import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { measureDnsQps, type DnsLoadResult } from '@skiff/proxy';
import { rounded } from '../stats';
import { benchAddresses, benchNamespace, benchService, benchServiceName, benchSlice, localClusterIP } from './bench-objects';
import type { DnsWorkerData, DnsWorkerReply, DnsWorkerRequest } from './dns-server-worker';
import type { DnsLoad, DnsResult } from './proxy-result';

export interface DnsBenchOptions {
  services: number;
  endpointsPerService: number;
  dnsSeconds: number;
  dnsConcurrency: number;
}

/** The worker thread running the ClusterDnsServer, driven by messages. */
class DnsServerThread {
  private readonly replies: DnsWorkerReply[] = [];
  private wake?: () => void;
  private exitError?: Error;

  constructor(private readonly worker: Worker) {
    worker.on('message', (m: DnsWorkerReply) => {
      this.replies.push(m);
      this.wake?.();
    });
    worker.on('error', (e) => {
      this.exitError = e;
      this.wake?.();
    });
    worker.on('exit', (code) => {
      this.exitError ??= new Error(`the DNS server thread exited with code ${code}`);
      this.wake?.();
    });
  }

  static start(data: DnsWorkerData): DnsServerThread {
    return new DnsServerThread(new Worker(path.join(__dirname, 'dns-server-worker.js'), { workerData: data }));
  }

  /** The next reply of the given type; fails if the thread fails or stays silent for `timeoutMs`. */
  async next<T extends DnsWorkerReply['type']>(type: T, timeoutMs = 30_000): Promise<Extract<DnsWorkerReply, { type: T }>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.replies.findIndex((r) => r.type === type || r.type === 'failed');
      if (i >= 0) {
        const [r] = this.replies.splice(i, 1);
        if (r.type === 'failed') throw new Error(`the DNS server thread failed: ${r.message}`);
        return r as Extract<DnsWorkerReply, { type: T }>;
      }
      if (this.exitError) throw this.exitError;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`the DNS server thread sent no "${type}" within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  send(m: DnsWorkerRequest): void {
    this.worker.postMessage(m);
  }

  async results(): Promise<Record<string, number>> {
    this.send('results');
    return (await this.next('results')).results;
  }

  /** Stops the server, or the whole thread if it does not answer. */
  async stop(): Promise<void> {
    try {
      this.send('stop');
      await this.next('stopped', 5000);
    } catch {
      // Terminated below either way.
    }
    await this.worker.terminate();
  }
}

function difference(after: Record<string, number>, before: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(after)) if (v - (before[k] ?? 0) > 0) out[k] = v - (before[k] ?? 0);
  return out;
}

function load(names: string[], r: DnsLoadResult, serverResults: Record<string, number>): DnsLoad {
  return {
    names: names.length,
    qps: rounded(r.qps, 0),
    answered: r.answered,
    failed: r.failed,
    timedOut: r.timedOut,
    p50Ms: rounded(r.p50Ms, 3),
    p99Ms: rounded(r.p99Ms, 3),
    serverResults,
  };
}

/** measureDnsQps against a ClusterDnsServer on 127.0.0.1 holding the benchmark's Services: their names, then unknown ones. */
export async function runDnsBench(o: DnsBenchOptions, progress: (line: string) => void): Promise<DnsResult> {
  const services = Array.from({ length: o.services }, (_, i) => benchService(i, localClusterIP(i)));
  const slices = Array.from({ length: o.services }, (_, i) => benchSlice(i, benchAddresses(i, o.endpointsPerService)));
  const thread = DnsServerThread.start({ services, slices });
  try {
    const listening = await thread.next('listening');
    const server = { address: listening.address, port: listening.port };
    const serviceNames = services.map((_, i) => `${benchServiceName(i)}.${benchNamespace}.svc.cluster.local`);
    const unknownNames = services.map((_, i) => `no-such-${benchServiceName(i)}.${benchNamespace}.svc.cluster.local`);
    const durationMs = o.dnsSeconds * 1000;

    // The first queries pay for JIT warm-up on both threads; they are not counted.
    await measureDnsQps({ server, names: serviceNames, durationMs: 500, concurrency: o.dnsConcurrency });

    progress(`DNS: A queries for ${serviceNames.length} service names, ${o.dnsConcurrency} in flight, ${o.dnsSeconds} s`);
    let before = await thread.results();
    const known = await measureDnsQps({ server, names: serviceNames, durationMs, concurrency: o.dnsConcurrency });
    let after = await thread.results();
    const knownLoad = load(serviceNames, known, difference(after, before));

    progress(`DNS: A queries for ${unknownNames.length} unknown names (NXDOMAIN), ${o.dnsConcurrency} in flight, ${o.dnsSeconds} s`);
    before = after;
    const unknown = await measureDnsQps({ server, names: unknownNames, durationMs, concurrency: o.dnsConcurrency });
    after = await thread.results();
    const unknownLoad = load(unknownNames, unknown, difference(after, before));

    return { servicesLoaded: o.services, concurrency: o.dnsConcurrency, seconds: o.dnsSeconds, serviceNames: knownLoad, unknownNames: unknownLoad };
  } finally {
    await thread.stop();
  }
}
