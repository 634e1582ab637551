import { TestApiserver, type TestControlPlane } from './apiserver';
import { TestControllerManager } from './controller-manager';
import { TestEtcd } from './etcd';
import { TestScheduler } from './scheduler';
import { TestPki } from './test-pki';

export interface ControlPlaneOptions {
  apiserverArgs?: string[];
  /** Also start skiff-scheduler. */
  scheduler?: boolean;
  /** Also start skiff-controller-manager. */
  controllerManager?: boolean;
  /**
   * Serve HTTPS too, with a test CA: client certificates, Node,RBAC, and HTTPS with a client certificate towards
   * kubelets (see TestPki.apiserverArgs). The plain loopback port stays, for harnesses and set-up.
   */
  tls?: boolean;
}

/**
 * Starts a real etcd and a real apiserver on free loopback ports, plus the scheduler and controller-manager when
 * asked; `stop()` ends them all and removes the data.
 */
export async function startControlPlane(opts: ControlPlaneOptions = {}): Promise<TestControlPlane> {
  const etcd = await TestEtcd.start();
  let pki: TestPki | undefined;
  let apiserver: TestApiserver | undefined;
  let scheduler: TestScheduler | undefined;
  let controllerManager: TestControllerManager | undefined;
  const stop = async () => {
    await controllerManager?.stop();
    await scheduler?.stop();
    await apiserver?.stop();
    await etcd.destroy();
    pki?.remove();
  };
  try {
    if (opts.tls) pki = await TestPki.create();
    apiserver = await TestApiserver.start({ etcdEndpoint: etcd.endpoint, extraArgs: [...(pki?.apiserverArgs() ?? []), ...(opts.apiserverArgs ?? [])] });
    const cp: TestControlPlane = { etcd, apiserver, stop, ...(pki ? { pki } : {}) };
    if (opts.scheduler) cp.scheduler = scheduler = await TestScheduler.start(cp);
    if (opts.controllerManager) cp.controllerManager = controllerManager = await TestControllerManager.start(cp);
    return cp;
  } catch (e) {
    await stop();
    throw e;
  }
}
