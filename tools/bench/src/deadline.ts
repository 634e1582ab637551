import { performance } from 'node:perf_hooks';

/** The run's time budget: every loop checks it, so no phase can run on unbounded. */
export class Deadline {
  private readonly at: number;

  constructor(readonly budgetMs: number) {
    this.at = performance.now() + budgetMs;
  }

  remainingMs(): number {
    return Math.max(0, this.at - performance.now());
  }

  /** Throws once the budget is spent, naming what was still going on. */
  check(what: string): void {
    if (performance.now() >= this.at) throw new Error(`the benchmark ran out of its ${Math.round(this.budgetMs / 1000)} s budget during ${what}`);
  }

  /** A wait of at most `ms` that also ends with the budget. */
  cap(ms: number): number {
    return Math.min(ms, this.remainingMs());
  }
}
