import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ProcessHandle, waitFor } from '@skiff/testing';

function schedulerBin(): string {
  return path.join(path.dirname(require.resolve('@skiff/scheduler/package.json')), 'bin', 'skiff-scheduler.js');
}

/** A skiff-scheduler process pointed at the benchmark's apiserver through its own kubeconfig. */
export class SchedulerProcess {
  private constructor(
    private readonly proc: ProcessHandle,
    readonly metricsUrl: string,
    private readonly dir: string,
  ) {}

  get pid(): number {
    return this.proc.pid;
  }

  get output(): string {
    return this.proc.recentOutput;
  }

  static async start(apiserverUrl: string): Promise<SchedulerProcess> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'skiff-bench-scheduler-'));
    const kubeconfig = path.join(dir, 'kubeconfig');
    fs.writeFileSync(
      kubeconfig,
      `apiVersion: v1\nkind: Config\nclusters: [{name: bench, cluster: {server: "${apiserverUrl}"}}]\nusers: [{name: bench, user: {}}]\ncontexts: [{name: bench, context: {cluster: bench, user: bench}}]\ncurrent-context: bench\n`,
    );
    const proc = ProcessHandle.start('skiff-scheduler', process.execPath, [schedulerBin(), `--kubeconfig=${kubeconfig}`, '--port=0']);
    try {
      const m = await proc.waitForOutput(/listening on (http:\/\/[\d.]+:\d+)/);
      await waitFor(async () => (await fetch(`${m[1]}/readyz`)).ok, { what: 'skiff-scheduler /readyz', timeoutMs: 120_000, intervalMs: 200 });
      return new SchedulerProcess(proc, m[1], dir);
    } catch (e) {
      await proc.stop();
      fs.rmSync(dir, { recursive: true, force: true });
      throw e;
    }
  }

  async metrics(): Promise<string> {
    return (await fetch(`${this.metricsUrl}/metrics`)).text();
  }

  async stop(): Promise<void> {
    await this.proc.stop();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The value of one Prometheus sample line, e.g. `scheduler_cache_size{type="nodes"}`; NaN when absent. */
export function metricValue(text: string, series: string): number {
  for (const line of text.split('\n')) {
    if (line.startsWith(`${series} `)) return Number(line.slice(series.length + 1));
  }
  return NaN;
}
