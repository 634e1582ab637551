import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { freePort } from './free-port';
import { ProcessHandle } from './process-handle';
import { waitFor } from './wait-for';

export function registryBinary(): string {
  try {
    return execFileSync('sh', ['-c', 'command -v docker-registry'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error('docker-registry is not installed: run `node tools/dev/require-runtime.js` (as root), then try again');
  }
}

/** A real OCI registry (Debian's docker-registry, Distribution 2.8) on a free loopback port with storage in a temp dir. */
export class TestRegistry {
  private proc?: ProcessHandle;

  private constructor(
    readonly dir: string,
    readonly port: number,
  ) {}

  /** `http://127.0.0.1:PORT`, the form tools/images' ensureImages takes. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** `127.0.0.1:PORT`, the host part of image references pushed here. */
  get host(): string {
    return `127.0.0.1:${this.port}`;
  }

  get pid(): number {
    return this.proc?.pid ?? -1;
  }

  /** Starts a registry; `dir` and `port` make it a lasting one (the local cluster's), else a temp dir and a free port. */
  static async start(opts: { dir?: string; port?: number } = {}): Promise<TestRegistry> {
    const dir = opts.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'skiff-registry-'));
    fs.mkdirSync(dir, { recursive: true });
    const r = new TestRegistry(dir, opts.port ?? (await freePort()));
    await r.launch();
    return r;
  }

  private configFile(): string {
    const file = path.join(this.dir, 'config.yml');
    // No auth, no debug listener, no periodic storage health check: just the v2 API on loopback.
    fs.writeFileSync(
      file,
      [
        'version: 0.1',
        'log:',
        '  level: error',
        '  accesslog:',
        '    disabled: true',
        'storage:',
        '  filesystem:',
        `    rootdirectory: ${JSON.stringify(path.join(this.dir, 'data'))}`,
        '  delete:',
        '    enabled: true',
        'http:',
        `  addr: 127.0.0.1:${this.port}`,
        '',
      ].join('\n'),
    );
    return file;
  }

  private async launch(): Promise<void> {
    this.proc = ProcessHandle.start('docker-registry', registryBinary(), ['serve', this.configFile()]);
    await waitFor(
      async () => {
        if (!this.proc?.running) throw new Error(`docker-registry exited:\n${this.proc?.recentOutput}`);
        const res = await fetch(`${this.url}/v2/`);
        return res.status === 200;
      },
      { timeoutMs: 20_000, what: 'the registry to answer /v2/' },
    );
  }

  /** Tags of `repository` in this registry (empty when it has none). */
  async tags(repository: string): Promise<string[]> {
    const res = await fetch(`${this.url}/v2/${repository}/tags/list`);
    if (res.status === 404) return [];
    if (!res.ok) throw new Error(`listing tags of ${repository}: ${res.status} ${await res.text()}`);
    return ((await res.json()) as { tags?: string[] | null }).tags ?? [];
  }

  /** Stops the registry, keeping its storage. */
  async stop(): Promise<void> {
    await this.proc?.stop();
  }

  /** Stops the registry and removes its storage. */
  async destroy(): Promise<void> {
    await this.proc?.stop();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
