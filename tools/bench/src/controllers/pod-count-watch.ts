import http from 'node:http';
import { performance } from 'node:perf_hooks';

/**
 * One pod watch that notes when each pod name was first seen (ADDED) and when it was seen deleted. Events in one
 * chunk share the chunk's arrival time, so parsing a burst does not count as controller time.
 */
export class PodCountWatch {
  private readonly addedAt = new Map<string, number>();
  private readonly deletedAt = new Map<string, number>();
  private buffered = '';
  private req?: http.ClientRequest;
  endedBecause?: string;
  private waiter?: { done: () => boolean; resolve: () => void };

  static open(base: URL, path: string, timeoutMs = 10_000): Promise<PodCountWatch> {
    const w = new PodCountWatch();
    return new Promise((resolve, reject) => {
      const req = http.get({ host: base.hostname, port: base.port, path, agent: false, headers: { Accept: 'application/json' } }, (res) => {
        clearTimeout(timer);
        if (res.statusCode !== 200) {
          res.resume();
          reject(new Error(`watch ${path}: HTTP ${res.statusCode}`));
          return;
        }
        res.on('data', (chunk: Buffer) => w.receive(chunk, performance.now()));
        res.on('end', () => w.finish('the server ended the watch'));
        res.on('error', (e) => w.finish(`the watch failed: ${e.message}`));
        resolve(w);
      });
      const timer = setTimeout(() => req.destroy(new Error(`watch ${path}: no headers within ${timeoutMs} ms`)), timeoutMs);
      req.on('error', (e) => {
        clearTimeout(timer);
        w.finish(e.message);
        reject(e);
      });
      w.req = req;
    });
  }

  /** Feeds raw watch bytes; public so that the parsing can be tested without a server. */
  receive(chunk: Buffer, at: number): void {
    this.buffered += chunk.toString('utf8');
    let nl: number;
    while ((nl = this.buffered.indexOf('\n')) >= 0) {
      const line = this.buffered.slice(0, nl);
      this.buffered = this.buffered.slice(nl + 1);
      if (line.trim()) this.record(line, at);
    }
    if (this.waiter?.done()) this.waiter.resolve();
  }

  private record(line: string, at: number): void {
    const ev = JSON.parse(line) as { type: string; object?: { metadata?: { name?: string } } };
    const name = ev.object?.metadata?.name;
    if (!name) return;
    if (ev.type === 'DELETED') {
      if (!this.deletedAt.has(name)) this.deletedAt.set(name, at);
    } else if (!this.addedAt.has(name)) this.addedAt.set(name, at);
  }

  private finish(reason: string): void {
    this.endedBecause ??= reason;
    this.waiter?.resolve();
  }

  get added(): number {
    return this.addedAt.size;
  }

  get deleted(): number {
    return this.deletedAt.size;
  }

  /** Arrival times of the pods seen so far, in order. */
  addedTimes(): number[] {
    return [...this.addedAt.values()].sort((a, b) => a - b);
  }

  deletedTimes(): number[] {
    return [...this.deletedAt.values()].sort((a, b) => a - b);
  }

  /** Resolves once `done()` holds, the watch ends, or the time is up. */
  until(done: () => boolean, timeoutMs: number): Promise<void> {
    if (done() || this.endedBecause) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => finish(), timeoutMs);
      const finish = () => {
        clearTimeout(timer);
        this.waiter = undefined;
        resolve();
      };
      this.waiter = { done, resolve: finish };
    });
  }

  close(): void {
    this.finish('closed by the benchmark');
    this.req?.destroy();
  }
}
