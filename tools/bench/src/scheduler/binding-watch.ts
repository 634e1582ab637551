import http from 'node:http';
import { performance } from 'node:perf_hooks';

/**
 * One pod watch that notes, per pod name, when it was first seen bound (spec.nodeName set) and when it was seen
 * deleted. Events in one chunk share the chunk's arrival time, so parsing a burst does not count as latency.
 */
export class BindingWatch {
  private readonly bound = new Map<string, number>();
  private readonly deleted = new Set<string>();
  private buffered = '';
  private req?: http.ClientRequest;
  endedBecause?: string;
  private waiter?: { done: () => boolean; resolve: () => void };

  static open(base: URL, path: string, timeoutMs = 10_000): Promise<BindingWatch> {
    const w = new BindingWatch();
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

  private receive(chunk: Buffer, at: number): void {
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
    const ev = JSON.parse(line) as { type: string; object?: { metadata?: { name?: string }; spec?: { nodeName?: string } } };
    const name = ev.object?.metadata?.name;
    if (!name) return;
    if (ev.type === 'DELETED') this.deleted.add(name);
    else if (ev.object?.spec?.nodeName && !this.bound.has(name)) this.bound.set(name, at);
  }

  private finish(reason: string): void {
    this.endedBecause ??= reason;
    this.waiter?.resolve();
  }

  boundAt(name: string): number | undefined {
    return this.bound.get(name);
  }

  wasDeleted(name: string): boolean {
    return this.deleted.has(name);
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
