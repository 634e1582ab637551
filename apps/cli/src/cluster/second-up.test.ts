import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { out } from '../command-action';
import { ClusterPaths } from './cluster-paths';
import { superviseCluster } from './cluster-up';
import { upDetached } from './detached-up';

describe('a second skiff up on the same data directory', () => {
  let paths: ClusterPaths;
  let holder: ChildProcess;
  let stderr: string;
  let stdout: string;

  beforeEach(async () => {
    paths = new ClusterPaths(fs.mkdtempSync(path.join(os.tmpdir(), 'skiff-second-up-')));
    // Stands in for the first `skiff up`: a running process named in the PID file it wrote after it started.
    holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    await new Promise((r) => holder.once('spawn', r));
    fs.writeFileSync(paths.pidFile, `${holder.pid}\n`);
    stderr = '';
    stdout = '';
    jest.spyOn(out, 'stderr').mockImplementation((t) => ((stderr += t), true));
    jest.spyOn(out, 'stdout').mockImplementation((t) => ((stdout += t), true));
  });

  afterEach(() => {
    jest.restoreAllMocks();
    holder.kill('SIGKILL');
    fs.rmSync(paths.dir, { recursive: true, force: true });
  });

  const refusal = () => `error: skiff up is already running on ${paths.dir} (pid ${holder.pid}); \`skiff down --data-dir ${paths.dir}\` stops it\n`;

  it('in the foreground says so and exits 1 before starting anything', async () => {
    expect(await superviseCluster({ dataDir: paths.dir, startedAt: Date.now() })).toBe(1);
    expect(stderr).toBe(refusal());
    expect(stdout).toBe('');
    expect(fs.existsSync(paths.statusFile)).toBe(false);
    expect(fs.readFileSync(paths.pidFile, 'utf8')).toBe(`${holder.pid}\n`);
  });

  it('with --detach says so and exits 1 without starting a supervisor', async () => {
    expect(await upDetached({ dataDir: paths.dir, startedAt: Date.now() })).toBe(1);
    expect(stderr).toBe(refusal());
    expect(fs.existsSync(paths.supervisorLog)).toBe(false);
  });

  it('starts once the first one is gone', async () => {
    holder.kill('SIGKILL');
    await new Promise((r) => holder.once('exit', r));
    // The pid file is stale now; the start gets past it (and then fails on the port taken below, before any spawn).
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      expect(await superviseCluster({ dataDir: paths.dir, startedAt: Date.now(), apiPort: port, hollow: true })).toBe(1);
    } finally {
      blocker.close();
    }
    expect(stderr).toBe(`error: port ${port} (--api-port) is in use on 127.0.0.1; pick another\n`);
    expect(fs.existsSync(paths.pidFile)).toBe(false);
  });
});
