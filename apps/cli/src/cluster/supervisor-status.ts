import fs from 'node:fs';
import type { ClusterPaths } from './cluster-paths';
import type { ProcessIdentity } from './process-identity';

export type SupervisorPhase = 'starting' | 'ready' | 'stopping' | 'stopped' | 'failed';

/**
 * What a running `skiff up` reports in DIR/status.json: `skiff up --detach` waits on its phase, `skiff down` and the
 * next `skiff up` find the component processes through it even when the supervisor itself was killed.
 */
export interface SupervisorStatus {
  supervisor: ProcessIdentity;
  phase: SupervisorPhase;
  /** Why the start failed, for `skiff up --detach` to print. */
  error?: string;
  apiServer?: string;
  node?: { name: string; runtime: 'containerd' | 'hollow' };
  /** The components' processes now, by name. */
  components: Record<string, ProcessIdentity>;
}

export function readStatus(paths: ClusterPaths): SupervisorStatus | undefined {
  try {
    return JSON.parse(fs.readFileSync(paths.statusFile, 'utf8')) as SupervisorStatus;
  } catch {
    return undefined;
  }
}

export function writeStatus(paths: ClusterPaths, status: SupervisorStatus): void {
  const tmp = `${paths.statusFile}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(status, null, 2) + '\n');
  fs.renameSync(tmp, paths.statusFile);
}
