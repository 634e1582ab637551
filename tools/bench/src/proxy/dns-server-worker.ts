import { parentPort, workerData } from 'node:worker_threads';
import type { EndpointSlice, Service } from '@skiff/api';
import { ClusterDnsServer, dnsEndpointsOf, dnsServiceOf, InMemoryDnsRecordSource } from '@skiff/proxy';
import { Registry, type Counter } from 'prom-client';

/**
 * The DNS benchmark's server, on a thread of its own so that the load driver on the main thread does not share its
 * event loop. No upstreams and no forwarding slots: a name outside the cluster domain is REFUSED, never sent out.
 */

export interface DnsWorkerData {
  services: Service[];
  slices: EndpointSlice[];
}

/** Messages the worker posts. */
export type DnsWorkerReply = { type: 'listening'; address: string; port: number } | { type: 'results'; results: Record<string, number> } | { type: 'stopped' } | { type: 'failed'; message: string };

/** Messages the worker takes. */
export type DnsWorkerRequest = 'results' | 'stop';

async function main(): Promise<void> {
  const port = parentPort!;
  const { services, slices } = workerData as DnsWorkerData;
  const source = new InMemoryDnsRecordSource();
  const slicesOf = new Map<string, EndpointSlice[]>();
  for (const s of slices) {
    const key = s.metadata.labels?.['kubernetes.io/service-name'] ?? '';
    slicesOf.set(key, [...(slicesOf.get(key) ?? []), s]);
  }
  for (const svc of services) source.setService(dnsServiceOf(svc), (slicesOf.get(svc.metadata.name ?? '') ?? []).flatMap(dnsEndpointsOf));
  const registry = new Registry();
  const server = new ClusterDnsServer({ source, address: '127.0.0.1', port: 0, upstreams: [], maxConcurrentForwards: 0, registry });
  const bound = await server.start();
  port.on('message', (m: DnsWorkerRequest) => {
    if (m === 'results') {
      void (registry.getSingleMetric('skiff_dns_queries_total') as Counter<'result'>).get().then((c) => {
        const results: Record<string, number> = {};
        for (const v of c.values) results[String(v.labels.result)] = v.value;
        port.postMessage({ type: 'results', results } satisfies DnsWorkerReply);
      });
    } else if (m === 'stop') {
      void server.stop().then(() => {
        port.postMessage({ type: 'stopped' } satisfies DnsWorkerReply);
        port.close();
      });
    }
  });
  port.postMessage({ type: 'listening', address: bound.address, port: bound.port } satisfies DnsWorkerReply);
}

main().catch((e: Error) => parentPort?.postMessage({ type: 'failed', message: e.message } satisfies DnsWorkerReply));
