import fs from 'node:fs';
import { out } from '../command-action';
import type { ClusterPaths } from './cluster-paths';
import { ClusterProgress } from './cluster-progress';
import { dataDirFlag } from './data-dir-flag';
import { AlreadyRunningError, PidFile } from './pid-file';
import { identify } from './process-identity';
import { stopLeftovers, type PreparedRun, type RunPlan } from './supervised-run';
import type { SupervisorStatus } from './supervisor-status';
import { unitEnvDir, writeUnitEnvs } from './unit-env';

/**
 * `skiff up --init-only` / `skiff join --init-only`: everything the plan's prepare does (settings, PKI, kubeconfigs;
 * discovery and the node's certificate for a join), then, instead of starting the components, one systemd
 * environment file per component in DIR/units for deploy/systemd's units. Resolves to the exit code.
 */
export async function writeRunUnits(paths: ClusterPaths, plan: RunPlan, target: string): Promise<number> {
  fs.mkdirSync(paths.dir, { recursive: true });
  let pidFile: PidFile;
  try {
    pidFile = PidFile.acquire(paths.pidFile);
  } catch (e) {
    if (!(e instanceof AlreadyRunningError)) throw e;
    out.stderr(`error: ${plan.command} is running on ${paths.dir} (pid ${e.pid}); \`skiff down${dataDirFlag(paths)}\` it before handing the data directory to systemd\n`);
    return 1;
  }
  const report = new ClusterProgress(Date.now());
  // prepare fills it in; with no supervisor it is never written.
  const status: SupervisorStatus = { supervisor: identify(process.pid)!, phase: 'starting', components: {} };
  let prepared: PreparedRun | undefined;
  try {
    // A killed supervisor's components hold the ports settings would otherwise move away from.
    await stopLeftovers(paths, (l) => report.print(l));
    prepared = await plan.prepare(report, status);
    const written = writeUnitEnvs(paths, plan.command, prepared.specs);
    report.print(`Wrote the systemd environment of ${written.join(', ')} to ${unitEnvDir(paths)}/.`);
    report.print(`Start them with the units of deploy/systemd: systemctl enable --now ${target}`);
    return 0;
  } catch (e) {
    report.clear();
    out.stderr(`error: ${(e as Error).message}\n`);
    return 1;
  } finally {
    prepared?.close();
    pidFile.release();
  }
}
