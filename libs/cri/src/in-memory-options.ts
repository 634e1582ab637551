import type { CriMethodName } from './cri-methods';
import type { InMemoryImage } from './in-memory-images';
import type { ContainerConfig } from './types';

/** What a started container does: keep running (until stopped or exitContainer) or exit at once. */
export type StartOutcome = 'run' | { exitCode: number; reason?: string; message?: string };

export interface StartedContainer {
  id: string;
  podSandboxId: string;
  config: ContainerConfig;
}

export type StartBehaviour = (container: StartedContainer) => StartOutcome;

/** Answers ExecSync; strings are taken as UTF-8 output. */
export type ExecHandler = (
  containerId: string,
  cmd: string[],
  timeoutSeconds: number,
) => ExecSyncResult | Promise<ExecSyncResult>;
export interface ExecSyncResult {
  stdout?: Buffer | string;
  stderr?: Buffer | string;
  exitCode?: number;
}

export interface InMemoryContainerStats {
  cpuUsageCoreNanoSeconds?: number;
  cpuUsageNanoCores?: number;
  memoryWorkingSetBytes?: number;
  memoryUsageBytes?: number;
  writableLayerBytes?: number;
}

/** One call made to the runtime: the method, its main argument in short form, and every argument. */
export interface CriCall {
  method: CriMethodName;
  /** Sandbox or container id, image, or `namespace/name` for RunPodSandbox, `sandboxId/name` for CreateContainer. */
  key: string;
  args: unknown[];
}

export interface InMemoryRuntimeOptions {
  /** Milliseconds since the epoch; pass a FakeClock to control timestamps. */
  clock?: { now(): number };
  /** Pod IPs come from here until updateRuntimeConfig names another CIDR. Default 10.88.0.0/16. */
  podCidr?: string;
  images?: (string | InMemoryImage)[];
  /** When false, PullImage of an image not in `images` fails with NOT_FOUND as a registry would. Default true. */
  pullUnknownImages?: boolean;
  startBehaviour?: StartBehaviour;
  /** Whether containers exit on SIGTERM (exit 143) or wait for the SIGKILL after the grace period (137). Default false. */
  handlesSigterm?: boolean | ((container: StartedContainer) => boolean);
  /** Runtime handlers (RuntimeClass handlers) besides the default ''. Default ['runc']. */
  runtimeHandlers?: string[];
  /** The URL Exec/Attach/PortForward return. Default http://127.0.0.1:10010/<kind>/<token>. */
  streamingUrl?: (kind: 'exec' | 'attach' | 'portforward', token: string) => string;
}
