import http from 'node:http';
import { performance } from 'node:perf_hooks';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

/** Identifies one change: an event of a type, for one object, at one resourceVersion. */
export function changeKey(type: WatchEventType, name: string, resourceVersion: string): string {
  return `${type} ${name} ${resourceVersion}`;
}

/**
 * Identifies the first event of a type for one object at any resourceVersion: a DELETED event carries the
 * deletion's revision, which the DELETE response does not tell.
 */
export function anyVersionKey(type: WatchEventType, name: string): string {
  return `${type} ${name} *`;
}

interface Waiter {
  resolve: (at: number | undefined) => void;
  timer: NodeJS.Timeout;
}

/**
 * One watch stream whose events are timestamped as their bytes arrive. Every event in a chunk gets the
 * chunk's arrival time, so the time spent parsing a burst is not counted as delivery time.
 */
export class PodWatch {
  private readonly arrivals = new Map<string, number>();
  private readonly waiters = new Map<string, Waiter>();
  private buffered = '';
  private req?: http.ClientRequest;
  /** Why the stream ended early, if it did. */
  endedBecause?: string;
  /** Events that were not ADDED/MODIFIED/DELETED for a pod (bookmarks, errors), by type. */
  readonly otherEvents = new Map<string, number>();

  private constructor() {}

  /** Opens `path` (a `?watch=1` URL) and resolves once the server has sent headers, i.e. registered the watch. */
  static open(base: URL, path: string, timeoutMs = 10_000): Promise<PodWatch> {
    const watch = new PodWatch();
    return new Promise((resolve, reject) => {
      // Its own connection, so the watch never holds one of the pooled sockets the writes use.
      const req = http.get({ host: base.hostname, port: base.port || 80, path, agent: false, headers: { Accept: 'application/json' } }, (res) => {
        clearTimeout(connectTimer);
        if (res.statusCode !== 200) {
          res.resume();
          reject(new Error(`watch ${path}: expected 200, got ${res.statusCode}`));
          return;
        }
        res.on('data', (chunk: Buffer) => watch.receive(chunk, performance.now()));
        res.on('end', () => watch.finish('the server ended the watch'));
        res.on('error', (e) => watch.finish(`the watch failed: ${e.message}`));
        resolve(watch);
      });
      const connectTimer = setTimeout(() => req.destroy(new Error(`watch ${path}: no headers within ${timeoutMs} ms`)), timeoutMs);
      req.on('error', (e) => {
        clearTimeout(connectTimer);
        watch.finish(`the watch failed: ${e.message}`);
        reject(e);
      });
      watch.req = req;
    });
  }

  private receive(chunk: Buffer, at: number): void {
    this.buffered += chunk.toString('utf8');
    let nl: number;
    while ((nl = this.buffered.indexOf('\n')) >= 0) {
      const line = this.buffered.slice(0, nl);
      this.buffered = this.buffered.slice(nl + 1);
      if (line.trim()) this.record(line, at);
    }
  }

  private record(line: string, at: number): void {
    const ev = JSON.parse(line) as { type: WatchEventType; object?: { metadata?: { name?: string; resourceVersion?: string }; message?: string } };
    const name = ev.object?.metadata?.name;
    if ((ev.type !== 'ADDED' && ev.type !== 'MODIFIED' && ev.type !== 'DELETED') || !name) {
      this.otherEvents.set(ev.type, (this.otherEvents.get(ev.type) ?? 0) + 1);
      if (ev.type === 'ERROR') this.finish(`the watch sent an ERROR: ${ev.object?.message ?? line.slice(0, 200)}`);
      return;
    }
    this.arrived(changeKey(ev.type, name, ev.object?.metadata?.resourceVersion ?? ''), at);
    this.arrived(anyVersionKey(ev.type, name), at);
  }

  private arrived(key: string, at: number): void {
    if (this.arrivals.has(key)) return;
    this.arrivals.set(key, at);
    const waiter = this.waiters.get(key);
    if (waiter) {
      this.waiters.delete(key);
      clearTimeout(waiter.timer);
      waiter.resolve(at);
    }
  }

  private finish(reason: string): void {
    this.endedBecause ??= reason;
    for (const [key, w] of this.waiters) {
      clearTimeout(w.timer);
      w.resolve(undefined);
      this.waiters.delete(key);
    }
  }

  /** When the change arrived (performance.now()), or undefined if it has not. */
  arrivalOf(key: string): number | undefined {
    return this.arrivals.get(key);
  }

  /** Resolves with the change's arrival time, or undefined after `timeoutMs` or once the stream has ended. */
  waitFor(key: string, timeoutMs: number): Promise<number | undefined> {
    const seen = this.arrivals.get(key);
    if (seen !== undefined) return Promise.resolve(seen);
    if (this.endedBecause) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters.delete(key);
        resolve(undefined);
      }, timeoutMs);
      this.waiters.set(key, { resolve, timer });
    });
  }

  /** Waits, up to `timeoutMs` in all, until every key has arrived; returns how many never did. */
  async waitForAll(keys: readonly string[], timeoutMs: number): Promise<number> {
    const deadline = performance.now() + timeoutMs;
    let missing = 0;
    for (const key of keys) {
      const left = deadline - performance.now();
      if ((await this.waitFor(key, Math.max(0, left))) === undefined) missing++;
    }
    return missing;
  }

  close(): void {
    this.finish('closed by the benchmark');
    this.req?.destroy();
  }
}
