import fs from 'node:fs';
import path from 'node:path';

export type WaitOutcome = 'changed' | 'timeout' | 'aborted';

/**
 * Waits for a log file to change: fs.watch on its directory (which also sees the file renamed away and
 * created again on rotation), with a timeout so that a missed or unsupported notification costs at most one
 * poll interval. A change that arrives between waits is remembered, never lost.
 */
export class LogFileWaiter {
  private watcher?: fs.FSWatcher;
  private changed = false;
  private wake?: () => void;

  constructor(
    logPath: string,
    private readonly signal: AbortSignal,
  ) {
    const name = path.basename(logPath);
    try {
      this.watcher = fs.watch(path.dirname(logPath), { persistent: false }, (_event, file) => {
        if (file && !String(file).startsWith(name)) return;
        this.changed = true;
        this.wake?.();
      });
      this.watcher.on('error', () => this.stopWatching());
    } catch {
      // No notifications (the directory is gone, or inotify limits): the timeout alone drives the polling.
      this.watcher = undefined;
    }
  }

  wait(timeoutMs: number): Promise<WaitOutcome> {
    if (this.signal.aborted) return Promise.resolve('aborted');
    if (this.changed) {
      this.changed = false;
      return Promise.resolve('changed');
    }
    return new Promise((resolve) => {
      const done = (outcome: WaitOutcome) => {
        clearTimeout(timer);
        this.signal.removeEventListener('abort', onAbort);
        this.wake = undefined;
        if (outcome === 'changed') this.changed = false;
        resolve(outcome);
      };
      const onAbort = () => done('aborted');
      const timer = setTimeout(() => done('timeout'), timeoutMs);
      this.signal.addEventListener('abort', onAbort, { once: true });
      this.wake = () => done('changed');
    });
  }

  private stopWatching(): void {
    this.watcher?.close();
    this.watcher = undefined;
  }

  close(): void {
    this.stopWatching();
    this.wake?.();
  }
}
