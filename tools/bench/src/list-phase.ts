import type { Deadline } from './deadline';
import type { LoopbackClient } from './loopback-client';

export interface CacheListOutcome {
  items: number;
  bytes: number;
  latenciesMs: number[];
}

export interface EtcdListOutcome {
  items: number;
  bytes: number;
  pages: number;
  /** Sum of the page requests' latencies (time spent parsing pages for their continue token is left out). */
  ms: number;
}

interface ListBody {
  metadata?: { continue?: string };
  items?: unknown[];
}

/** Lists the namespace's pods from the watch cache (`resourceVersion=0`): warm-ups first, then timed rounds. */
export async function listFromCache(client: LoopbackClient, o: { namespace: string; warmups: number; rounds: number; deadline: Deadline }): Promise<CacheListOutcome> {
  const path = `/api/v1/namespaces/${o.namespace}/pods?resourceVersion=0`;
  for (let i = 0; i < o.warmups; i++) {
    o.deadline.check('list warm-ups');
    await client.expect(200, 'GET', path);
  }
  const latenciesMs: number[] = [];
  let last: Buffer | undefined;
  for (let i = 0; i < o.rounds; i++) {
    o.deadline.check('cached lists');
    const reply = await client.expect(200, 'GET', path);
    latenciesMs.push(reply.receivedAt - reply.sentAt);
    last = reply.body;
  }
  const items = last ? ((JSON.parse(last.toString('utf8')) as ListBody).items?.length ?? 0) : 0;
  return { items, bytes: last?.length ?? 0, latenciesMs };
}

/** One consistent list read from etcd (no resourceVersion), in pages of `limit` followed by continue tokens. */
export async function listFromEtcd(client: LoopbackClient, o: { namespace: string; limit: number; maxPages: number; deadline: Deadline }): Promise<EtcdListOutcome> {
  const base = `/api/v1/namespaces/${o.namespace}/pods?limit=${o.limit}`;
  let token: string | undefined;
  const result: EtcdListOutcome = { items: 0, bytes: 0, pages: 0, ms: 0 };
  do {
    o.deadline.check('the list from etcd');
    if (result.pages >= o.maxPages) throw new Error(`the list from etcd did not end within ${o.maxPages} pages`);
    const reply = await client.expect(200, 'GET', token ? `${base}&continue=${encodeURIComponent(token)}` : base);
    result.ms += reply.receivedAt - reply.sentAt;
    result.bytes += reply.body.length;
    result.pages++;
    const page = JSON.parse(reply.body.toString('utf8')) as ListBody;
    result.items += page.items?.length ?? 0;
    token = page.metadata?.continue || undefined;
  } while (token);
  return result;
}
