import { TestApiserver, type TestControlPlane } from './apiserver';
import { TestEtcd } from './etcd';

/** Starts a real etcd and a real apiserver on free loopback ports; `stop()` ends both and removes the data. */
export async function startControlPlane(opts: { apiserverArgs?: string[] } = {}): Promise<TestControlPlane> {
  const etcd = await TestEtcd.start();
  try {
    const apiserver = await TestApiserver.start({ etcdEndpoint: etcd.endpoint, extraArgs: opts.apiserverArgs });
    return {
      etcd,
      apiserver,
      async stop() {
        await apiserver.stop();
        await etcd.destroy();
      },
    };
  } catch (e) {
    await etcd.destroy();
    throw e;
  }
}
