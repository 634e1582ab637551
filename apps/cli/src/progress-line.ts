import { out } from './command-action';

/** Where progress goes: a terminal (isTTY) gets a line redrawn in place, anything else plain lines. */
export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

const standardOutput: ProgressStream = {
  write: (text) => out.stdout(text),
  get isTTY() {
    return Boolean(process.stdout.isTTY);
  },
};

const clearLine = '\r\x1b[K';

/**
 * The status of a long wait (rollout status, delete, drain, wait). On a terminal the status is one line
 * redrawn in place, with lasting lines printed above it; elsewhere each new status is its own plain line, so
 * logs and pipes get no control characters and no repeats.
 */
export class ProgressLine {
  private status = '';

  constructor(private readonly stream: ProgressStream = standardOutput) {}

  /** Shows a transient status, replacing the previous one. */
  update(status: string): void {
    if (status === this.status) return;
    this.status = status;
    this.stream.write(this.stream.isTTY ? `${clearLine}${status}` : `${status}\n`);
  }

  /** Prints a lasting line; on a terminal the current status is redrawn below it. */
  print(line: string): void {
    if (!this.stream.isTTY) {
      this.stream.write(`${line}\n`);
      return;
    }
    this.stream.write(`${this.status ? clearLine : ''}${line}\n${this.status}`);
  }

  /** Ends the status: a terminal's status line is erased so what follows starts on a clean line. */
  clear(): void {
    if (this.stream.isTTY && this.status) this.stream.write(clearLine);
    this.status = '';
  }
}
