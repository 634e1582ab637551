/**
 * The first SIGINT or SIGTERM asks for an orderly stop; a second SIGINT (an impatient Ctrl-C) asks to kill at once.
 * A Ctrl-C under `npm start` arrives twice at once, from the terminal and forwarded by npm: a repeat within a second of
 * the first counts as the same one.
 */
const duplicateWindowMs = 1000;

export class StopRequest {
  readonly requested: Promise<NodeJS.Signals>;
  private resolveRequested!: (signal: NodeJS.Signals) => void;
  private count = 0;
  private firstAt = 0;
  private readonly handlers: Array<[NodeJS.Signals, () => void]> = [];

  constructor(onFirst: (signal: NodeJS.Signals) => void, onImpatient: () => void) {
    this.requested = new Promise((resolve) => (this.resolveRequested = resolve));
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      const handler = () => {
        this.count++;
        if (this.count === 1) {
          this.firstAt = Date.now();
          onFirst(signal);
          this.resolveRequested(signal);
        } else if (signal === 'SIGINT' && Date.now() - this.firstAt >= duplicateWindowMs) {
          onImpatient();
        }
      };
      process.on(signal, handler);
      this.handlers.push([signal, handler]);
    }
  }

  get isRequested(): boolean {
    return this.count > 0;
  }

  dispose(): void {
    for (const [signal, handler] of this.handlers) process.off(signal, handler);
  }
}
