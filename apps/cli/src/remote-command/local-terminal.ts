import type { TerminalSize } from './channel-protocol';
import type { TerminalSizeSource } from './remote-command-client';

/** The parts of a tty.ReadStream a raw-mode session uses. */
export interface TerminalInput {
  isTTY?: boolean;
  isRaw?: boolean;
  setRawMode?(mode: boolean): unknown;
}

/** The parts of a tty.WriteStream that give its size; it emits 'resize' on SIGWINCH. */
export interface TerminalOutput {
  isTTY?: boolean;
  columns?: number;
  rows?: number;
  on(event: 'resize', listener: () => void): unknown;
  off(event: 'resize', listener: () => void): unknown;
}

/**
 * The user's terminal during `exec -t` / `attach -t`: input in raw mode, so every key (Ctrl-C and Ctrl-D too)
 * reaches the remote command, and the output's size for the remote terminal. The size is 0x0 when the output
 * is not a terminal, as the Kubernetes client sends it.
 */
export class LocalTerminal implements TerminalSizeSource {
  constructor(
    private readonly input: TerminalInput,
    private readonly output: TerminalOutput,
  ) {}

  size(): TerminalSize {
    if (!this.output.isTTY) return { width: 0, height: 0 };
    return { width: this.output.columns ?? 0, height: this.output.rows ?? 0 };
  }

  onResize(listener: (size: TerminalSize) => void): () => void {
    const handler = () => listener(this.size());
    this.output.on('resize', handler);
    return () => this.output.off('resize', handler);
  }

  /**
   * Puts the input in raw mode and returns what puts it back as it was. The restore also runs at process exit,
   * so a failure on the way out never leaves the user's shell in raw mode.
   */
  makeRaw(): () => void {
    const input = this.input;
    if (!input.isTTY || !input.setRawMode) return () => undefined;
    const wasRaw = Boolean(input.isRaw);
    input.setRawMode(true);
    let restored = false;
    const restore = () => {
      if (restored) return;
      restored = true;
      process.off('exit', restore);
      input.setRawMode?.(wasRaw);
    };
    process.on('exit', restore);
    return restore;
  }
}
