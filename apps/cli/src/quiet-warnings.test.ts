import { spawnSync } from 'node:child_process';
import path from 'node:path';

describe('hideTlsServerNameWarning', () => {
  it("drops Node's DEP0123 warning and prints every other warning as Node does", () => {
    // A process of its own, as the CLI runs (jest's sandbox has its own process object); the build, as bin/skiff.js uses.
    const script = [
      `require(${JSON.stringify(path.join(__dirname, '..', 'dist', 'quiet-warnings.js'))}).hideTlsServerNameWarning();`,
      "process.emitWarning('Setting the TLS ServerName to an IP address is not permitted', { type: 'DeprecationWarning', code: 'DEP0123' });",
      "process.emitWarning('something else', { type: 'DeprecationWarning', code: 'DEP0999' });",
    ].join('\n');
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stderr).not.toContain('DEP0123');
    expect(r.stderr).toContain('[DEP0999] DeprecationWarning: something else');
  });
});
