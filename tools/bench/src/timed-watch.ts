import http from 'node:http';
import { performance } from 'node:perf_hooks';

export interface WatchEventLine {
  type: string;
  object?: { metadata?: { name?: string }; spec?: { nodeName?: string } };
}

/**
 * A raw pod watch for benchmarks: newline-delimited events, each handed to `record` with the arrival time of the
 * chunk it came in (so parsing a burst does not count as the measured system's time), plus `until` to wait on a
 * condition with a deadline. Subclasses decide what to note about each event.
 */
export abstract class TimedWatch {
  private buffered = '';
  private req?: http.ClientRequest;
  endedBecause?: string;
  private waiter?: { done: () => boolean; resolve: () => void };

  protected abstract record(event: WatchEventLine, at: number): void;

  /** Opens `path` on `base` and resolves once the server has answered with headers. */
  protected static connect<W extends TimedWatch>(w: W, base: URL, path: string, timeoutMs: number): Promise<W> {
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

  /** Feeds raw watch bytes; public so that parsing can be tested without a server. */
  receive(chunk: Buffer, at: number): void {
    this.buffered += chunk.toString('utf8');
    let nl: number;
    while ((nl = this.buffered.indexOf('\n')) >= 0) {
      const line = this.buffered.slice(0, nl);
      this.buffered = this.buffered.slice(nl + 1);
      if (line.trim()) this.record(JSON.parse(line) as WatchEventLine, at);
    }
    if (this.waiter?.done()) this.waiter.resolve();
  }

  private finish(reason: string): void {
    this.endedBecause ??= reason;
    this.waiter?.resolve();
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
