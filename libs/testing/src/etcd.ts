import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { freePort } from './free-port';
import { ProcessHandle } from './process-handle';
import { waitFor } from './wait-for';

export function etcdBinary(): string {
  try {
    return execFileSync('sh', ['-c', 'command -v etcd'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error('etcd is not installed: run `apt-get install -y etcd-server etcd-client` (as root), then try again');
  }
}

/** How a member joins a cluster; without it TestEtcd is a one-member cluster of its own. */
export interface TestEtcdMemberOptions {
  name: string;
  clientPort: number;
  peerPort: number;
  /** Every member as `name=http://127.0.0.1:<peerPort>`, this one included. */
  initialCluster: string;
  clusterToken: string;
}

/** A real etcd on free loopback ports with its own data directory; one member of a TestEtcdCluster when given `member`. */
export class TestEtcd {
  private proc?: ProcessHandle;

  private constructor(
    readonly dataDir: string,
    readonly clientPort: number,
    readonly peerPort: number,
    readonly name: string,
    private readonly cluster?: Pick<TestEtcdMemberOptions, 'initialCluster' | 'clusterToken'>,
  ) {}

  get endpoint(): string {
    return `http://127.0.0.1:${this.clientPort}`;
  }

  get pid(): number {
    return this.proc?.pid ?? -1;
  }

  get running(): boolean {
    return this.proc?.running ?? false;
  }

  static async start(member?: TestEtcdMemberOptions): Promise<TestEtcd> {
    // A free port can be taken by another test between the probe and etcd's bind: a member of its own picks again.
    for (let attempt = 1; ; attempt++) {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'skiff-etcd-'));
      const e = member
        ? new TestEtcd(dataDir, member.clientPort, member.peerPort, member.name, member)
        : new TestEtcd(dataDir, await freePort(), await freePort(), 'test');
      try {
        await e.launch();
        return e;
      } catch (err) {
        await e.destroy();
        if (member || attempt >= 3 || !/address already in use/.test(String(err))) throw err;
      }
    }
  }

  private async launch(): Promise<void> {
    const url = `http://127.0.0.1:${this.clientPort}`;
    const peer = `http://127.0.0.1:${this.peerPort}`;
    this.proc = ProcessHandle.start('etcd', etcdBinary(), [
      '--name', this.name,
      '--data-dir', this.dataDir,
      '--listen-client-urls', url,
      '--advertise-client-urls', url,
      '--listen-peer-urls', peer,
      '--initial-advertise-peer-urls', peer,
      '--initial-cluster', this.cluster?.initialCluster ?? `${this.name}=${peer}`,
      ...(this.cluster ? ['--initial-cluster-token', this.cluster.clusterToken] : []),
      '--log-level', 'error',
    ]);
    // An etcd that exited (a port taken, say) ends the wait at once.
    const outcome = await waitFor(
      async () => {
        if (!this.proc?.running) return 'exited';
        const res = await fetch(`${url}/health`);
        return res.ok && 'healthy';
      },
      { timeoutMs: 20_000, what: `etcd ${this.name} to become healthy` },
    );
    if (outcome === 'exited') throw new Error(`etcd exited:\n${this.proc?.recentOutput}`);
  }

  /** Stops etcd (SIGKILL when `crash`), keeping its data. */
  async stop(crash = false): Promise<void> {
    if (crash) await this.proc?.kill();
    else await this.proc?.stop();
  }

  /** Starts etcd again on the same ports and data. */
  async restart(): Promise<void> {
    await this.stop();
    await this.launch();
  }

  /** Stops etcd and removes its data. */
  async destroy(): Promise<void> {
    await this.stop(true);
    fs.rmSync(this.dataDir, { recursive: true, force: true });
  }
}
