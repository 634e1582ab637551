import { Etcd3, type IKeyValue, type ICompare, type IRequestOp, type IWatchResponse, type Watcher } from 'etcd3';
import type { EtcdTls } from './etcd-tls-options';
import { handleWhen, noop, retry } from 'cockatiel';
import type { Logger } from '@skiff/logging';
import { StorageError } from './storage-error';
import type { ApiserverMetrics } from '../server/metrics';
import type { ValueTransformer } from './value-transformer';

export interface KeyValue {
  key: string;
  value: Buffer;
  modRevision: number;
  createRevision: number;
  /** Read with an encryption provider or key other than the current first one: a write should store it anew. */
  stale?: boolean;
}

export interface RangeResult {
  kvs: KeyValue[];
  /** The store revision the range was read at. */
  revision: number;
  more: boolean;
}

export type WatchEventKind = 'put' | 'delete';
export interface StoreWatchEvent {
  kind: WatchEventKind;
  kv: KeyValue;
  prev?: KeyValue;
  revision: number;
}

/** Extra comparisons and operations that must commit atomically with a write (e.g. IP allocations). */
export interface TxnExtras {
  compares?: ICompare[];
  ops?: IRequestOp[];
}

const callTimeoutMs = 10_000;
// etcd's default request limit is 1.5 MiB; pages keep range responses far below grpc's 4 MiB.
const pageSize = 500;

/**
 * The member was never reached (refused, no connection): the request did not happen there, so sending it to
 * another member cannot apply it twice. Errors from a reached member (timeouts, leader changes) are ambiguous
 * and are not retried.
 */
export function memberUnreachable(e: Error): boolean {
  return /ECONNREFUSED|EHOSTUNREACH|ENETUNREACH|No connection established|connection refused/i.test(e.message);
}

function prefixEnd(prefix: string): Buffer {
  const b = Buffer.from(prefix);
  const end = Buffer.from(b);
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i] < 0xff) {
      end[i]++;
      return end.subarray(0, i + 1);
    }
  }
  return Buffer.from([0]);
}

/**
 * The apiserver's only path to etcd: ranges, compare-and-swap transactions, prefix watches, leases and
 * compaction over etcd's KV API. Every failure becomes a StorageError so handlers can answer with a Status.
 */
export class EtcdStore {
  readonly client: Etcd3;

  constructor(
    endpoints: string[],
    private readonly logger: Logger,
    private readonly metrics?: ApiserverMetrics,
    /** Encryption at rest; every value written or read under the keys it covers passes through it, and nothing else. */
    private readonly transformer?: ValueTransformer,
    /** TLS towards https:// endpoints: etcd's CA and this client's certificate. */
    tls?: EtcdTls,
  ) {
    this.client = new Etcd3({
      hosts: endpoints,
      ...(tls
        ? {
            credentials: {
              // Without a CA of its own, etcd's certificate is checked against the system's roots, as grpc does.
              rootCertificate: tls.caPem !== undefined ? Buffer.from(tls.caPem) : (undefined as unknown as Buffer),
              ...(tls.certPem !== undefined ? { certChain: Buffer.from(tls.certPem), privateKey: Buffer.from(tls.keyPem!) } : {}),
            },
          }
        : {}),
      // No circuit breaker: while etcd is down each request fails at once with 503, and the first request
      // after etcd returns succeeds. A request that could not reach its member goes to the next one (etcd3 walks
      // the members in a shuffled order across attempts), so one member down costs no failed requests.
      faultHandling: { host: () => noop, global: endpoints.length > 1 ? retry(handleWhen(memberUnreachable), { maxAttempts: endpoints.length - 1 }) : noop },
      grpcOptions: { 'grpc.max_receive_message_length': 64 << 20, 'grpc.max_send_message_length': 16 << 20 },
    });
  }

  private async call<T>(op: string, fn: (deadline: Date) => Promise<T>): Promise<T> {
    const start = process.hrtime.bigint();
    try {
      return await fn(new Date(Date.now() + callTimeoutMs));
    } catch (e) {
      throw this.translate(e);
    } finally {
      this.metrics?.etcdLatency.observe({ operation: op }, Number(process.hrtime.bigint() - start) / 1e9);
    }
  }

  /** etcd's key-value with its value read back through the transformer; `raw` for the empty value of a delete event. */
  private toKV(kv: IKeyValue, raw = false): KeyValue {
    const key = kv.key.toString();
    const out: KeyValue = { key, value: kv.value, modRevision: Number(kv.mod_revision), createRevision: Number(kv.create_revision) };
    if (this.transformer && !raw) {
      let r;
      try {
        r = this.transformer.fromStorage(key, kv.value);
      } catch (e) {
        throw new StorageError('Internal', `unable to transform key ${JSON.stringify(key)}: ${(e as Error).message}`, key);
      }
      out.value = r.value;
      if (r.stale) out.stale = true;
    }
    return out;
  }

  private translate(e: unknown): StorageError {
    if (e instanceof StorageError) return e;
    const msg = e instanceof Error ? e.message : String(e);
    if (/compacted/i.test(msg)) return new StorageError('Compacted', msg);
    if (/request is too large|message larger than max|RESOURCE_EXHAUSTED/i.test(msg)) return new StorageError('TooLarge', msg);
    return new StorageError('Unavailable', `etcd is unavailable: ${msg}`);
  }

  async get(key: string, revision?: number): Promise<{ kv?: KeyValue; revision: number }> {
    const res = await this.call('get', (deadline) =>
      this.client.kv.range({ key: Buffer.from(key), ...(revision ? { revision } : {}) }, { deadline }),
    );
    return { kv: res.kvs[0] ? this.toKV(res.kvs[0]) : undefined, revision: Number(res.header.revision) };
  }

  /** One page of a prefix, starting at `startKey` (inclusive), read at `revision` (0 = latest). */
  async range(prefix: string, opts: { startKey?: string; limit?: number; revision?: number } = {}): Promise<RangeResult> {
    const res = await this.call('list', (deadline) =>
      this.client.kv.range(
        {
          key: Buffer.from(opts.startKey ?? prefix),
          range_end: prefixEnd(prefix),
          limit: opts.limit ?? 0,
          ...(opts.revision ? { revision: opts.revision } : {}),
        },
        { deadline },
      ),
    );
    return { kvs: res.kvs.map((kv) => this.toKV(kv)), revision: Number(res.header.revision), more: res.more };
  }

  /** The whole prefix at one revision, read page by page. */
  async rangeAll(prefix: string): Promise<RangeResult> {
    const first = await this.range(prefix, { limit: pageSize });
    const kvs = [...first.kvs];
    let more = first.more;
    while (more) {
      const next = await this.range(prefix, { startKey: kvs[kvs.length - 1].key + '\x00', limit: pageSize, revision: first.revision });
      kvs.push(...next.kvs);
      more = next.more;
    }
    return { kvs, revision: first.revision, more: false };
  }

  async currentRevision(): Promise<number> {
    const res = await this.call('revision', (deadline) =>
      this.client.kv.range({ key: Buffer.from('/registry/'), range_end: prefixEnd('/registry/'), count_only: true }, { deadline }),
    );
    return Number(res.header.revision);
  }

  /**
   * One guarded write: `op` on `key` if `guard` (and the extras' compares) hold. On failure the key is read back
   * in the same transaction so the caller learns whether it exists; returns the new revision.
   */
  private async guardedWrite(opName: string, key: string, guard: ICompare, op: IRequestOp, extras: TxnExtras): Promise<{ revision: number } | { exists: boolean }> {
    const k = Buffer.from(key);
    const res = await this.call(opName, (deadline) =>
      this.client.kv.txn(
        { compare: [guard, ...(extras.compares ?? [])], success: [op, ...(extras.ops ?? [])], failure: [{ request_range: { key: k } }] },
        { deadline },
      ),
    );
    if (res.succeeded) return { revision: Number(res.header.revision) };
    return { exists: !!res.responses[0]?.response_range?.kvs?.length };
  }

  private putOp(key: string, value: Buffer | string, lease?: string): IRequestOp {
    const plain = Buffer.from(value);
    return { request_put: { key: Buffer.from(key), value: this.transformer ? this.transformer.toStorage(key, plain) : plain, ...(lease ? { lease } : {}) } };
  }

  private modGuard(key: string, modRevision: number): ICompare {
    return { key: Buffer.from(key), target: 'Mod', result: 'Equal', mod_revision: modRevision };
  }

  private staleOrMissing(key: string, exists: boolean): StorageError {
    return new StorageError(exists ? 'Conflict' : 'NotFound', exists ? 'the object has been modified' : 'not found', key);
  }

  /** Creates `key` only if absent; returns the new revision. */
  async create(key: string, value: Buffer | string, extras: TxnExtras = {}, lease?: string): Promise<number> {
    const guard: ICompare = { key: Buffer.from(key), target: 'Create', result: 'Equal', create_revision: 0 };
    const r = await this.guardedWrite('create', key, guard, this.putOp(key, value, lease), extras);
    if ('revision' in r) return r.revision;
    // The key is there, or it is absent and one of the extras' compares (an allocation) failed.
    throw new StorageError(r.exists ? 'AlreadyExists' : 'Conflict', r.exists ? 'key exists' : 'a related key changed', key);
  }

  /** Replaces `key` only if its mod revision is still `modRevision`; returns the new revision. */
  async update(key: string, value: Buffer | string, modRevision: number, extras: TxnExtras = {}, lease?: string): Promise<number> {
    const r = await this.guardedWrite('update', key, this.modGuard(key, modRevision), this.putOp(key, value, lease), extras);
    if ('revision' in r) return r.revision;
    throw this.staleOrMissing(key, r.exists);
  }

  /** Deletes `key` only if its mod revision is still `modRevision`; returns the new revision. */
  async delete(key: string, modRevision: number, extras: TxnExtras = {}): Promise<number> {
    const r = await this.guardedWrite('delete', key, this.modGuard(key, modRevision), { request_delete_range: { key: Buffer.from(key) } }, extras);
    if ('revision' in r) return r.revision;
    throw this.staleOrMissing(key, r.exists);
  }

  /** A raw transaction for the few callers that need more than one key (allocations, compaction bookkeeping). */
  async txn(compare: ICompare[], success: IRequestOp[], failure: IRequestOp[] = []) {
    return this.call('txn', (deadline) => this.client.kv.txn({ compare, success, failure }, { deadline }));
  }

  async grantLease(ttlSeconds: number): Promise<string> {
    const res = await this.call('lease', (deadline) => this.client.leaseClient.leaseGrant({ TTL: ttlSeconds }, { deadline }));
    return String(res.ID);
  }

  async compact(revision: number): Promise<void> {
    await this.call('compact', (deadline) => this.client.kv.compact({ revision }, { deadline }));
  }

  /**
   * Watches a prefix from `fromRevision` (inclusive). `onEvents` gets each batch in revision order; `onError`
   * is called once when the watch can no longer continue (compaction, cancel) and the watcher is closed.
   */
  async watchPrefix(
    prefix: string,
    fromRevision: number,
    onEvents: (events: StoreWatchEvent[]) => void,
    onError: (err: StorageError) => void,
  ): Promise<{ cancel(): void }> {
    let watcher: Watcher | undefined;
    let failed = false;
    const fail = (err: StorageError) => {
      if (failed) return;
      failed = true;
      watcher?.removeAllListeners();
      // etcd3's cancel() can hang after a compaction error; never wait for it.
      watcher?.cancel().catch(() => undefined);
      onError(err);
    };
    watcher = await this.client.watch().prefix(prefix).startRevision(String(fromRevision)).withPreviousKV().create();
    watcher.on('data', (res: IWatchResponse) => {
      if (res.canceled || (res.compact_revision && res.compact_revision !== '0')) {
        fail(new StorageError('Compacted', `watch canceled: ${res.cancel_reason || 'compacted at ' + res.compact_revision}`));
        return;
      }
      if (!res.events?.length) return;
      try {
        onEvents(
          res.events.map((e) => ({
            kind: e.type === 'Delete' ? 'delete' : 'put',
            kv: this.toKV(e.kv, e.type === 'Delete'),
            prev: e.prev_kv ? this.prevKV(e.prev_kv) : undefined,
            revision: Number(e.kv.mod_revision),
          })),
        );
      } catch (e) {
        // A value this apiserver cannot decrypt or decode ends the watch, as in Kubernetes, instead of the process;
        // the watch cache reloads from a list.
        fail(e instanceof StorageError ? e : new StorageError('Internal', `watch of ${prefix}: ${(e as Error).message}`));
      }
    });
    watcher.on('error', (err: Error) => fail(this.translate(err)));
    return {
      cancel: () => {
        failed = true;
        watcher?.removeAllListeners();
        watcher?.cancel().catch(() => undefined);
      },
    };
  }

  /** A watch event's previous value; one that cannot be read is left out (deleting such a key from etcd is the documented remedy). */
  private prevKV(kv: IKeyValue): KeyValue | undefined {
    try {
      return this.toKV(kv);
    } catch {
      return undefined;
    }
  }

  close(): void {
    this.client.close();
  }
}
