import { EventEmitter } from 'node:events';
import { LocalTerminal, type TerminalInput, type TerminalOutput } from './local-terminal';

class FakeTtyOutput extends EventEmitter implements TerminalOutput {
  isTTY = true;
  columns = 80;
  rows = 24;
}

function fakeTtyInput(isTTY = true): TerminalInput & { modes: boolean[] } {
  const input = {
    isTTY,
    isRaw: false,
    modes: [] as boolean[],
    setRawMode(mode: boolean) {
      input.isRaw = mode;
      input.modes.push(mode);
    },
  };
  return input;
}

describe('LocalTerminal', () => {
  it('puts a terminal in raw mode and back, once, also at process exit', () => {
    const input = fakeTtyInput();
    const restore = new LocalTerminal(input, new FakeTtyOutput()).makeRaw();
    expect(input.modes).toEqual([true]);
    expect(process.listeners('exit')).toContain(restore);
    restore();
    restore();
    expect(input.modes).toEqual([true, false]);
    expect(process.listeners('exit')).not.toContain(restore);
  });

  it('leaves input that is not a terminal alone', () => {
    const input = fakeTtyInput(false);
    new LocalTerminal(input, new FakeTtyOutput()).makeRaw()();
    expect(input.modes).toEqual([]);
  });

  it('reports the output size and its changes, and 0x0 when the output is not a terminal', () => {
    const output = new FakeTtyOutput();
    const terminal = new LocalTerminal(fakeTtyInput(), output);
    expect(terminal.size()).toEqual({ width: 80, height: 24 });
    const seen: unknown[] = [];
    const stop = terminal.onResize((s) => seen.push(s));
    output.columns = 132;
    output.emit('resize');
    stop();
    output.emit('resize');
    expect(seen).toEqual([{ width: 132, height: 24 }]);
    output.isTTY = false;
    expect(terminal.size()).toEqual({ width: 0, height: 0 });
  });
});
