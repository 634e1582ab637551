import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { out } from '../command-action';
import { downCluster } from './cluster-down';
import { ClusterPaths } from './cluster-paths';
import { identify, processRunning } from './process-identity';
import { writeStatus } from './supervisor-status';

/** A process that exits on SIGTERM, or with `ignoreTerm` only on SIGKILL. */
async function standIn(ignoreTerm = false): Promise<ChildProcess> {
  const script = `${ignoreTerm ? "process.on('SIGTERM', () => {});" : ''} setInterval(() => {}, 1000); console.log('ready');`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'ignore'] });
  await new Promise((r) => child.stdout!.once('data', r));
  return child;
}

describe('downCluster', () => {
  let paths: ClusterPaths;
  let stdout: string;
  let stderr: string;
  const children: ChildProcess[] = [];

  beforeEach(() => {
    paths = new ClusterPaths(fs.mkdtempSync(path.join(os.tmpdir(), 'skiff-down-')));
    stdout = '';
    stderr = '';
    jest.spyOn(out, 'stdout').mockImplementation((t) => ((stdout += t), true));
    jest.spyOn(out, 'stderr').mockImplementation((t) => ((stderr += t), true));
  });

  afterEach(() => {
    jest.restoreAllMocks();
    for (const c of children.splice(0)) c.kill('SIGKILL');
    fs.rmSync(paths.dir, { recursive: true, force: true });
  });

  /** A data directory as a hollow `skiff up` leaves it while running: PID file, status with components, settings. */
  async function runningCluster(opts: { componentIgnoresTerm?: boolean } = {}) {
    const supervisor = await standIn();
    const component = await standIn(opts.componentIgnoresTerm);
    children.push(supervisor, component);
    fs.writeFileSync(paths.pidFile, `${supervisor.pid}\n`);
    fs.writeFileSync(paths.settingsFile, '{}\n');
    writeStatus(paths, { supervisor: identify(supervisor.pid!)!, phase: 'ready', node: { name: 'n', runtime: 'hollow' }, components: { scheduler: identify(component.pid!)! } });
    return { supervisor: supervisor.pid!, component: component.pid! };
  }

  it('stops the supervisor by its PID and any component it left, and keeps the data', async () => {
    // The stand-in supervisor exits without stopping its component, as a killed supervisor would leave it.
    const pids = await runningCluster();
    expect(await downCluster({ dataDir: paths.dir })).toBe(0);
    expect(processRunning(pids.supervisor)).toBe(false);
    expect(processRunning(pids.component)).toBe(false);
    expect(stdout).toContain(`Stopping skiff up (pid ${pids.supervisor}) on ${paths.dir}...`);
    expect(stdout).toContain(`stopping scheduler (pid ${pids.component}), still running`);
    expect(stdout).toContain('Stopped. The pods keep running');
    expect(fs.existsSync(paths.settingsFile)).toBe(true);
  });

  it('kills a component that ignores SIGTERM once the wait is over', async () => {
    const pids = await runningCluster({ componentIgnoresTerm: true });
    expect(await downCluster({ dataDir: paths.dir, componentTimeoutMs: 500 })).toBe(0);
    expect(processRunning(pids.component)).toBe(false);
  });

  it('with --wipe also deletes the data directory', async () => {
    await runningCluster();
    expect(await downCluster({ dataDir: paths.dir, wipe: true })).toBe(0);
    expect(fs.existsSync(paths.dir)).toBe(false);
    expect(stdout).toContain(`Deleted ${paths.dir}.`);
  });

  it('says when nothing runs', async () => {
    expect(await downCluster({ dataDir: paths.dir })).toBe(0);
    expect(stdout).toBe(`skiff up is not running on ${paths.dir}.\n`);
  });

  it('refuses to wipe a directory skiff up did not make', async () => {
    fs.writeFileSync(path.join(paths.dir, 'precious.txt'), 'keep me');
    expect(await downCluster({ dataDir: paths.dir, wipe: true })).toBe(1);
    expect(stderr).toBe(`error: ${paths.dir} is not a skiff up or skiff join data directory (no ${paths.settingsFile}); not deleting it\n`);
    expect(fs.readFileSync(path.join(paths.dir, 'precious.txt'), 'utf8')).toBe('keep me');
  });
});
