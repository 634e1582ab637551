import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AlreadyRunningError, PidFile, runningPid } from './pid-file';

/** A process that ran and is gone: its PID names nobody (until the kernel hands it out again). */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0']);
  await new Promise((r) => child.once('exit', r));
  return child.pid!;
}

describe('PidFile', () => {
  let dir: string;
  let file: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'skiff-pidfile-'));
    file = path.join(dir, 'skiff.pid');
  });

  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes the PID alone on a line, and release removes it', () => {
    const lock = PidFile.acquire(file);
    expect(fs.readFileSync(file, 'utf8')).toBe(`${process.pid}\n`);
    expect(runningPid(file)).toBe(process.pid);
    lock.release();
    expect(fs.existsSync(file)).toBe(false);
    expect(runningPid(file)).toBeUndefined();
  });

  it('refuses a second holder while the first runs', () => {
    PidFile.acquire(file);
    let err: unknown;
    try {
      PidFile.acquire(file, process.pid + 1);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AlreadyRunningError);
    expect((err as AlreadyRunningError).pid).toBe(process.pid);
    expect(fs.readFileSync(file, 'utf8')).toBe(`${process.pid}\n`);
  });

  it('replaces a file whose process is gone', async () => {
    fs.writeFileSync(file, `${await deadPid()}\n`);
    expect(runningPid(file)).toBeUndefined();
    PidFile.acquire(file);
    expect(fs.readFileSync(file, 'utf8')).toBe(`${process.pid}\n`);
  });

  it('replaces a file whose PID now belongs to a process started after the file was written', async () => {
    const stranger = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
    try {
      fs.writeFileSync(file, `${stranger.pid}\n`);
      const anHourAgo = new Date(Date.now() - 3600_000);
      fs.utimesSync(file, anHourAgo, anHourAgo);
      expect(runningPid(file)).toBeUndefined();
      PidFile.acquire(file);
      expect(fs.readFileSync(file, 'utf8')).toBe(`${process.pid}\n`);
    } finally {
      stranger.kill('SIGKILL');
    }
  });

  it('replaces a file that holds no PID', () => {
    fs.writeFileSync(file, 'garbage\n');
    PidFile.acquire(file);
    expect(runningPid(file)).toBe(process.pid);
  });

  it('does not remove a file another process has taken over', () => {
    const lock = PidFile.acquire(file);
    fs.writeFileSync(file, '1\n');
    lock.release();
    expect(fs.readFileSync(file, 'utf8')).toBe('1\n');
  });
});
