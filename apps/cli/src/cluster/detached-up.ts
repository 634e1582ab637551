import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { out } from '../command-action';
import { ClusterPaths } from './cluster-paths';
import type { JoinOptions } from './cluster-join';
import type { UpOptions } from './cluster-up';
import { dataDirFlag } from './data-dir-flag';
import { runningPid } from './pid-file';
import { readStatus } from './supervisor-status';

/** The built supervisor entry, from src/cluster (under jest) or dist/cluster. */
const superviseScript = path.join(__dirname, '..', '..', 'dist', 'cluster', 'supervise-main.js');

/** Copies what the log gained since `offset` to stdout; returns the new offset. */
function relay(file: string, offset: number): number {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    return offset;
  }
  try {
    const size = fs.fstatSync(fd).size;
    if (size <= offset) return offset;
    const buf = Buffer.alloc(size - offset);
    fs.readSync(fd, buf, 0, buf.length, offset);
    out.stdout(buf.toString());
    return size;
  } finally {
    fs.closeSync(fd);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What the background supervisor runs: `skiff up`'s cluster or `skiff join`'s node, with its options. */
export type DetachedRun = { command: 'up'; options: UpOptions } | { command: 'join'; options: JoinOptions };

/** `skiff up --detach`. */
export function upDetached(opts: UpOptions, timeoutMs?: number): Promise<number> {
  return runDetached({ command: 'up', options: opts }, timeoutMs);
}

/** `skiff join --detach`. */
export function joinDetached(opts: JoinOptions, timeoutMs?: number): Promise<number> {
  return runDetached({ command: 'join', options: opts }, timeoutMs);
}

/**
 * `--detach`: starts the supervisor as a background process of its own session, with its output in
 * DIR/logs/supervisor.log, shows that output until it is Ready, and returns. Resolves to the exit code.
 */
async function runDetached(run: DetachedRun, timeoutMs = 10 * 60_000): Promise<number> {
  const opts = run.options;
  const name = `skiff ${run.command}`;
  const paths = new ClusterPaths(opts.dataDir);
  const running = runningPid(paths.pidFile);
  if (running !== undefined) {
    out.stderr(`error: ${name} is already running on ${paths.dir} (pid ${running}); \`skiff down${dataDirFlag(paths)}\` stops it\n`);
    return 1;
  }
  fs.mkdirSync(paths.logDir, { recursive: true });
  const log = fs.openSync(paths.supervisorLog, 'a');
  let offset = fs.fstatSync(log).size;
  const child = spawn(process.execPath, [superviseScript, JSON.stringify({ ...run, options: { ...opts, dataDir: paths.dir } })], { detached: true, stdio: ['ignore', log, log], env: process.env });
  fs.closeSync(log);
  let exitCode: number | null | undefined;
  child.once('exit', (code, signal) => (exitCode = code ?? (signal ? 128 : 1)));
  child.once('error', () => (exitCode ??= 1));
  child.unref();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    offset = relay(paths.supervisorLog, offset);
    const status = readStatus(paths);
    if (status?.supervisor.pid === child.pid && status?.phase === 'ready' && exitCode === undefined) {
      offset = relay(paths.supervisorLog, offset);
      out.stdout(`Running in the background (supervisor pid ${child.pid}, its log: ${paths.supervisorLog}). \`skiff down${dataDirFlag(paths)}\` stops it; the pods keep running and the next \`${name}\` adopts them.\n`);
      return 0;
    }
    if (exitCode !== undefined) {
      relay(paths.supervisorLog, offset);
      out.stderr(`error: ${name} failed before it was Ready (supervisor log: ${paths.supervisorLog})\n`);
      return 1;
    }
    if (Date.now() > deadline) {
      out.stderr(`error: ${name} was not Ready after ${timeoutMs / 1000} s; it is still starting in the background (pid ${child.pid}, log: ${paths.supervisorLog}); \`skiff down${dataDirFlag(paths)}\` stops it\n`);
      return 1;
    }
    await sleep(50);
  }
}
