import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { waitFor } from '@skiff/testing';
import { ManagedContainerd, type ManagedContainerdEvent } from './managed-containerd';

// Stand-ins for the containerd binary, so supervision is tested without root: they read the socket path from
// the generated config like containerd does.
const grpcJs = require.resolve('@grpc/grpc-js');

function fakeContainerd(dir: string, name: string, body: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(
    file,
    `#!${process.execPath}
const fs = require('node:fs');
const config = fs.readFileSync(process.argv[process.argv.indexOf('--config') + 1], 'utf8');
const socket = /\\[grpc\\]\\naddress = "(.*)"/.exec(config)[1];
${body}
`,
    { mode: 0o755 },
  );
  return file;
}

/** Answers CRI Version on the configured socket, then exits with code 7 after `lifetimeMs` (0: never). */
function answeringFake(dir: string, lifetimeMs: number): string {
  return fakeContainerd(
    dir,
    `answering-${lifetimeMs}`,
    `const grpc = require(${JSON.stringify(grpcJs)});
fs.rmSync(socket, { force: true });
const server = new grpc.Server();
server.register('/runtime.v1.RuntimeService/Version', (call, cb) => cb(null, Buffer.alloc(0)), (b) => b, (b) => b, 'unary');
server.bindAsync('unix://' + socket, grpc.ServerCredentials.createInsecure(), () => {
  if (${lifetimeMs} > 0) setTimeout(() => process.exit(7), ${lifetimeMs});
});`,
  );
}

function gone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch {
    return true;
  }
}

describe('ManagedContainerd supervision', () => {
  let dir: string;
  let managed: ManagedContainerd | undefined;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'skiff-mctd-'));
  });
  afterEach(async () => {
    await managed?.stop();
    managed = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const options = (binary: string) => ({ dir: path.join(dir, 'node'), cniConfDir: path.join(dir, 'net.d'), binary });

  it('writes the config and the mirror hosts files, and reports the CRI endpoint once it answers', async () => {
    managed = new ManagedContainerd({ ...options(answeringFake(dir, 0)), registryMirror: 'http://127.0.0.1:5999' });
    await managed.start();
    expect(managed.running).toBe(true);
    expect(managed.endpoint).toBe(`unix://${dir}/node/containerd.sock`);
    expect(fs.readFileSync(managed.configFile, 'utf8')).toContain(`config_path = "${dir}/node/certs.d"`);
    expect(fs.readFileSync(path.join(managed.registryConfigDir, 'docker.io', 'hosts.toml'), 'utf8')).toContain('[host."http://127.0.0.1:5999"]');
    expect(fs.readFileSync(managed.pidFile, 'utf8').trim()).toBe(String(managed.pid));
    const pid = managed.pid;
    await managed.stop();
    expect(gone(pid)).toBe(true);
    expect(fs.existsSync(managed.pidFile)).toBe(false);
  });

  it('fails start with the log when containerd exits while starting', async () => {
    managed = new ManagedContainerd(options(fakeContainerd(dir, 'exits', `console.error('level=fatal msg="no such thing"'); process.exit(3);`)));
    await expect(managed.start()).rejects.toThrow(/containerd exited \(3\) while starting:\n.*no such thing/);
    expect(managed.running).toBe(false);
  });

  it('fails start after the deadline and leaves nothing running', async () => {
    managed = new ManagedContainerd({ ...options(fakeContainerd(dir, 'silent', 'setInterval(() => undefined, 1000);')), startTimeoutMs: 300 });
    await expect(managed.start()).rejects.toThrow(/did not answer on .*containerd\.sock within 300 ms/);
    expect(managed.running).toBe(false);
  });

  it('reports a binary that cannot be started', async () => {
    managed = new ManagedContainerd(options(path.join(dir, 'no-such-containerd')));
    await expect(managed.start()).rejects.toThrow(/starting .*no-such-containerd: spawn .* ENOENT/);
  });

  it('restarts a containerd that keeps dying with doubling delays up to the bound, and not after stop', async () => {
    const events: ManagedContainerdEvent[] = [];
    managed = new ManagedContainerd({ ...options(answeringFake(dir, 200)), restartBackoff: { initialMs: 50, maxMs: 200 } });
    managed.on('event', (e: ManagedContainerdEvent) => events.push(e));
    await managed.start();
    const scheduled = () => events.filter((e) => e.type === 'restart-scheduled');
    await waitFor(() => scheduled().length >= 4, { timeoutMs: 20_000, what: 'four restarts to be scheduled' });
    await managed.stop();
    expect(scheduled().slice(0, 4).map((e) => (e as { delayMs: number }).delayMs)).toEqual([50, 100, 200, 200]);
    expect(events.filter((e) => e.type === 'exited').slice(0, 3)).toEqual(
      expect.arrayContaining([expect.objectContaining({ code: 7, signal: null })]),
    );
    expect(managed.restarts).toBeGreaterThanOrEqual(3);
    expect(managed.running).toBe(false);
  });

  it('stops a leftover containerd of the same folder before starting its own, and ignores unrelated pids', async () => {
    const first = new ManagedContainerd(options(answeringFake(dir, 0)));
    await first.start();
    const leftoverPid = first.pid;
    // Forget the first one as a process that died would: its containerd keeps running.
    first.removeAllListeners();
    (first as unknown as { stopping: boolean }).stopping = true;

    managed = new ManagedContainerd(options(answeringFake(dir, 0)));
    await managed.start();
    await waitFor(() => gone(leftoverPid), { what: 'the leftover containerd to exit' });
    expect(managed.pid).not.toBe(leftoverPid);

    // A pid file naming some other process is left alone.
    await managed.stop();
    fs.writeFileSync(managed.pidFile, `${process.pid}\n`);
    await managed.start();
    expect(gone(process.pid)).toBe(false);
  });

  it('rejects a relative folder', () => {
    expect(() => new ManagedContainerd({ dir: 'node', cniConfDir: '/x' })).toThrow(/dir must be an absolute path, got "node"/);
  });
});
