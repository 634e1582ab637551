import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { TestRegistry, waitFor } from '@skiff/testing';
import { CriClient } from '../cri-client';
import type { ContainerConfig, PodSandboxConfig } from '../types';
import { ManagedContainerd } from '../containerd/managed-containerd';
import { writePodNetworkConfig } from '../containerd/cni-config';
import { runRemoteCommand, TerminalSize } from './remote-command';
import { RemoteCommandError } from './remote-command-status';
import { SpdyUpgradeError } from './spdy-upgrade';

// exec and attach through containerd 1.6's CRI streaming server (the Kubernetes SPDY/remotecommand v4 server it
// vendors), with a busybox pod pulled from a local registry.

const repoRoot = path.resolve(__dirname, '../../../..');
const { requireRuntime } = require(path.join(repoRoot, 'tools/dev/require-runtime.js')) as { requireRuntime(log?: (l: string) => void): void };
const { ensureImages } = require(path.join(repoRoot, 'tools/images/build-images.js')) as { ensureImages(o: { registry: string }): Promise<unknown> };

jest.setTimeout(120_000);

const POD_CIDR = '10.244.237.0/24';
const BRIDGE = `skrc${process.pid}`.slice(0, 15);
const NETWORK = `skiff-rc-${process.pid}`;
const CNI_RESULTS = '/var/lib/cni/results';
// A command that never sees its stdin end would hang; this turns that into a failure with a reason.
const DEADLINE_MS = 30_000;

function run(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function bridgeExists(): boolean {
  try {
    run('ip', ['link', 'show', BRIDGE]);
    return true;
  } catch {
    return false;
  }
}

function sink(): { stream: PassThrough; text: () => string; bytes: () => number } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  return { stream, text: () => Buffer.concat(chunks).toString(), bytes: () => chunks.reduce((n, c) => n + c.length, 0) };
}

async function* terminalSizes(first: TerminalSize): AsyncIterable<TerminalSize> {
  yield first;
  await new Promise(() => undefined);
}

describe('remotecommand v4 over SPDY/3.1 against containerd 1.6', () => {
  let registry: TestRegistry;
  let dir: string;
  let containerd: ManagedContainerd;
  let cri: CriClient;
  let sandboxId = '';
  let containerId = '';
  const sandboxConfig: PodSandboxConfig = {
    metadata: { name: 'exec', uid: `uid-rc-${process.pid}`, namespace: 'default', attempt: 0 },
    hostname: 'exec',
    logDirectory: '',
  };

  beforeAll(async () => {
    requireRuntime(() => undefined);
    if (run('ip', ['route', 'show', POD_CIDR]).trim() !== '') {
      throw new Error(`a route to ${POD_CIDR} exists already (another test's bridge?); this test needs the CIDR to itself`);
    }
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'skiff-rc-'));
    sandboxConfig.logDirectory = path.join(dir, 'pods', 'exec');
    registry = await TestRegistry.start();
    await ensureImages({ registry: registry.url });
    const cniConfDir = path.join(dir, 'net.d');
    writePodNetworkConfig(cniConfDir, { podCidr: POD_CIDR, bridgeName: BRIDGE, networkName: NETWORK, ipamDataDir: path.join(dir, 'ipam') });
    containerd = new ManagedContainerd({ dir, cniConfDir, registryMirror: registry.url });
    await containerd.start();
    cri = new CriClient(containerd.endpoint);
    await cri.pullImage({ image: 'busybox' });
    sandboxId = await cri.runPodSandbox(sandboxConfig);
    const config: ContainerConfig = { metadata: { name: 'sleeper', attempt: 0 }, image: { image: 'busybox' }, command: ['sleep', '3600'], logPath: 'sleeper/0.log' };
    containerId = await cri.createContainer(sandboxId, config, sandboxConfig);
    await cri.startContainer(containerId);
  });

  afterAll(async () => {
    try {
      if (cri && containerd?.running) {
        for (const c of await cri.listContainers()) await cri.removeContainer(c.id).catch(() => undefined);
        for (const s of await cri.listPodSandbox()) {
          await cri.stopPodSandbox(s.id).catch(() => undefined);
          await cri.removePodSandbox(s.id).catch(() => undefined);
        }
      }
    } finally {
      cri?.close();
      await containerd?.stop();
      await registry?.destroy();
      if (bridgeExists()) run('ip', ['link', 'del', BRIDGE]);
      if (fs.existsSync(CNI_RESULTS)) {
        for (const f of fs.readdirSync(CNI_RESULTS)) {
          if (f.startsWith(`${NETWORK}-`) || (sandboxId && f.includes(sandboxId))) fs.rmSync(path.join(CNI_RESULTS, f), { force: true });
        }
      }
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('hands out single-use http://127.0.0.1:PORT/exec/TOKEN URLs', async () => {
    const url = await cri.exec({ containerId, cmd: ['true'], stdout: true });
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/exec\/[A-Za-z0-9_-]{8}$/);
    await expect(runRemoteCommand(url, { stdout: new PassThrough() })).resolves.toMatchObject({ exitCode: 0 });
    const again = await runRemoteCommand(url, { stdout: new PassThrough() }).catch((e: unknown) => e);
    expect(again).toBeInstanceOf(SpdyUpgradeError);
    expect(again).toMatchObject({ statusCode: 404 });
  });

  it('echo hi | cat: stdin reaches the command and its end is EOF, so cat exits', async () => {
    const url = await cri.exec({ containerId, cmd: ['cat'], stdin: true, stdout: true, stderr: true });
    const out = sink();
    const err = sink();
    const result = await runRemoteCommand(url, { stdin: Readable.from([Buffer.from('hi\n')]), stdout: out.stream, stderr: err.stream, signal: AbortSignal.timeout(DEADLINE_MS) });
    expect(result).toEqual({ exitCode: 0, status: { metadata: {}, status: 'Success' } });
    expect(out.text()).toBe('hi\n');
    expect(err.text()).toBe('');
  });

  it("returns the command's exit code and keeps stderr apart from stdout", async () => {
    const url = await cri.exec({ containerId, cmd: ['sh', '-c', 'echo to-out; echo to-err >&2; exit 3'], stdout: true, stderr: true });
    const out = sink();
    const err = sink();
    const result = await runRemoteCommand(url, { stdout: out.stream, stderr: err.stream });
    expect(result.exitCode).toBe(3);
    expect(result.status).toMatchObject({ status: 'Failure', reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: '3' }] } });
    expect(out.text()).toBe('to-out\n');
    expect(err.text()).toBe('to-err\n');
  });

  it('reports a command that cannot start as an error with the runtime message', async () => {
    const url = await cri.exec({ containerId, cmd: ['no-such-binary'], stdout: true, stderr: true });
    const err = await runRemoteCommand(url, { stdout: new PassThrough(), stderr: new PassThrough() }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RemoteCommandError);
    expect((err as RemoteCommandError).message).toMatch(/executable file not found/);
    expect((err as RemoteCommandError).status).toMatchObject({ status: 'Failure', reason: 'InternalError', code: 500 });
  });

  it('moves a MiB of stdin and MiBs of stdout without stalling or losing the tail (the server does no flow control)', async () => {
    const input = Buffer.alloc(1024 * 1024 + 7, 'x');
    const countUrl = await cri.exec({ containerId, cmd: ['wc', '-c'], stdin: true, stdout: true });
    const counted = sink();
    await runRemoteCommand(countUrl, { stdin: Readable.from([input]), stdout: counted.stream, signal: AbortSignal.timeout(DEADLINE_MS) });
    expect(counted.text().trim()).toBe(String(input.length));

    const bigUrl = await cri.exec({ containerId, cmd: ['head', '-c', '3000000', '/dev/zero'], stdout: true });
    const big = sink();
    await expect(runRemoteCommand(bigUrl, { stdout: big.stream })).resolves.toMatchObject({ exitCode: 0 });
    expect(big.bytes()).toBe(3_000_000);
  });

  it('runs under a tty: applies the terminal size, reads stdin through the terminal and returns the exit code', async () => {
    const script = 'i=0; while [ "$(stty size)" != "40 100" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done; stty size; read line; echo "read $line"; exit 6';
    const url = await cri.exec({ containerId, cmd: ['sh', '-c', script], stdin: true, stdout: true, tty: true });
    const out = sink();
    const stdin = new PassThrough();
    stdin.write('hello\n');
    const result = await runRemoteCommand(url, {
      stdin,
      stdout: out.stream,
      tty: true,
      resizes: terminalSizes({ width: 100, height: 40 }),
      signal: AbortSignal.timeout(DEADLINE_MS),
    });
    expect(result.exitCode).toBe(6);
    // A terminal ends lines with CR LF and echoes what is typed.
    expect(out.text()).toContain('40 100\r\n');
    expect(out.text()).toContain('read hello\r\n');
  });

  it("attaches to a container's main process: stdin, stdout and stderr, and stdin's end closes its stdin", async () => {
    const config: ContainerConfig = {
      metadata: { name: 'reader', attempt: 0 },
      image: { image: 'busybox' },
      command: ['sh', '-c', 'while read line; do echo "got $line"; echo "err $line" >&2; done; echo bye; exit 7'],
      stdin: true,
      stdinOnce: true,
      logPath: 'reader/0.log',
    };
    const readerId = await cri.createContainer(sandboxId, config, sandboxConfig);
    await cri.startContainer(readerId);
    const url = await cri.attach({ containerId: readerId, stdin: true, stdout: true, stderr: true });
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/attach\/[A-Za-z0-9_-]{8}$/);
    const stdin = new PassThrough();
    const out = sink();
    const err = sink();
    const session = runRemoteCommand(url, { stdin, stdout: out.stream, stderr: err.stream, signal: AbortSignal.timeout(DEADLINE_MS) });
    stdin.write('one\n');
    await waitFor(() => out.text().includes('got one'), { what: 'the attached process to answer' });
    stdin.end('two\n');
    await expect(session).resolves.toMatchObject({ exitCode: 0 });
    expect(out.text()).toBe('got one\ngot two\nbye\n');
    expect(err.text()).toBe('err one\nerr two\n');
    const exited = await waitFor(
      async () => {
        const status = await cri.containerStatus(readerId);
        return status.state === 'CONTAINER_EXITED' ? status : undefined;
      },
      { what: 'the attached container to exit' },
    );
    expect(exited.exitCode).toBe(7);
  });
});
