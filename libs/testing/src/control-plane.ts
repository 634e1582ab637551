import { TestApiserver, type TestControlPlane } from './apiserver';
import { TestControllerManager } from './controller-manager';
import { TestEtcd } from './etcd';
import { TestScheduler } from './scheduler';

export interface ControlPlaneOptions {
  apiserverArgs?: string[];
  /** Also start skiff-scheduler. */
  scheduler?: boolean;
  /** Also start skiff-controller-manager. */
  controllerManager?: boolean;
}

/**
 * Starts a real etcd and a real apiserver on free loopback ports, plus the scheduler and controller-manager when
 * asked; `stop()` ends them all and removes the data.
 */
export async function startControlPlane(opts: ControlPlaneOptions = {}): Promise<TestControlPlane> {
  const etcd = await TestEtcd.start();
  let apiserver: TestApiserver | undefined;
  let scheduler: TestScheduler | undefined;
  let controllerManager: TestControllerManager | undefined;
  const stop = async () => {
    await controllerManager?.stop();
    await scheduler?.stop();
    await apiserver?.stop();
    await etcd.destroy();
  };
  try {
    apiserver = await TestApiserver.start({ etcdEndpoint: etcd.endpoint, extraArgs: opts.apiserverArgs });
    const cp: TestControlPlane = { etcd, apiserver, stop };
    if (opts.scheduler) cp.scheduler = scheduler = await TestScheduler.start(cp);
    if (opts.controllerManager) cp.controllerManager = controllerManager = await TestControllerManager.start(cp);
    return cp;
  } catch (e) {
    await stop();
    throw e;
  }
}
