import { deployments, formatTime, pods, replicasets, type Deployment, type Pod, type ReplicaSet } from '@skiff/api';
import { silentLogger } from '@skiff/logging';
import { ControllerTestKit } from '@skiff/testing';
import { defaultControllerOptions, type ControllerContext } from '../controller';
import { ReplicaSetController } from '../replicaset/replicaset-controller';
import { DeploymentController } from './deployment-controller';
import { podTemplateHash } from './pod-template-hash';

function deployment(image: string, spec: Partial<Deployment['spec']> = {}): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'shop', uid: 'd-uid', generation: 1, annotations: { team: 'shop' } },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image }] } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
      ...spec,
    },
  };
}

function contextFrom(kit: ControllerTestKit): ControllerContext {
  return { client: kit.client, informers: kit.informers, recorder: () => kit.recorder, clock: kit.clock, logger: silentLogger(), options: defaultControllerOptions };
}

/** Both controllers running on the kit; `kubelet` marks pods Running and Ready as a node agent would. */
async function cluster(...seed: Deployment[]) {
  const kit = new ControllerTestKit();
  if (seed.length) kit.seed(deployments, ...seed);
  const rsController = new ReplicaSetController(contextFrom(kit));
  const controller = new DeploymentController(contextFrom(kit));
  await kit.start();
  rsController.run(1);
  controller.run(1);
  const converge = async () => {
    for (let i = 0; i < 100; i++) {
      const before = kit.client.actions.length;
      await kit.settle();
      if (kit.client.actions.length === before && controller.queue.len() === 0 && rsController.queue.len() === 0) return;
    }
    throw new Error('controllers did not settle');
  };
  const kubelet = () => {
    for (const p of kit.client.tracker.list(pods, 'shop') as Pod[]) {
      if (p.status?.conditions?.some((c) => c.type === 'Ready')) continue;
      const t = formatTime(new Date(kit.clock.now()));
      kit.client.tracker.put(pods, { ...p, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: t }] } }, 'MODIFIED');
    }
  };
  const sets = () => (kit.client.tracker.list(replicasets, 'shop') as ReplicaSet[]).sort((a, b) => Number(a.metadata.annotations?.['deployment.kubernetes.io/revision']) - Number(b.metadata.annotations?.['deployment.kubernetes.io/revision']));
  const current = () => kit.client.tracker.get(deployments, 'shop', 'web') as Deployment;
  const update = async (change: (d: Deployment) => void) => {
    const d = structuredClone(current());
    change(d);
    await kit.client.update(deployments, d);
  };
  const stop = async () => {
    await controller.stop();
    await rsController.stop();
    kit.stop();
  };
  return { kit, controller, converge, kubelet, sets, current, update, stop };
}

const condition = (d: Deployment, type: string) => d.status?.conditions?.find((c) => c.type === type);

describe('pod-template-hash', () => {
  it('is stable across key order, ignores its own label, and changes with the template and the collision count', () => {
    const t = deployment('nginx:1').spec.template;
    const reordered = { spec: { containers: [{ image: 'nginx:1', name: 'c' }] }, metadata: { labels: { app: 'web' } } };
    expect(podTemplateHash(reordered)).toBe(podTemplateHash(t));
    expect(podTemplateHash({ ...t, metadata: { labels: { app: 'web', 'pod-template-hash': 'x' } } })).toBe(podTemplateHash(t));
    expect(podTemplateHash(deployment('nginx:2').spec.template)).not.toBe(podTemplateHash(t));
    expect(podTemplateHash(t, 1)).not.toBe(podTemplateHash(t));
    expect(podTemplateHash(t)).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]+$/);
  });
});

describe('Deployment controller', () => {
  it('creates a ReplicaSet labelled with the template hash, revision 1, and pods that carry the hash', async () => {
    const c = await cluster(deployment('nginx:1'));
    await c.converge();
    const [rs] = c.sets();
    const hash = podTemplateHash(deployment('nginx:1').spec.template);
    expect(rs.metadata.name).toBe(`web-${hash}`);
    expect(rs.metadata.labels).toEqual({ app: 'web', 'pod-template-hash': hash });
    expect(rs.spec.selector.matchLabels).toEqual({ app: 'web', 'pod-template-hash': hash });
    expect(rs.metadata.annotations).toEqual({
      team: 'shop',
      'deployment.kubernetes.io/revision': '1',
      'deployment.kubernetes.io/desired-replicas': '3',
      'deployment.kubernetes.io/max-replicas': '4',
    });
    expect(rs.metadata.ownerReferences).toEqual([{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'd-uid', controller: true, blockOwnerDeletion: true }]);
    expect(rs.spec.replicas).toBe(3);
    const podList = c.kit.client.tracker.list(pods, 'shop') as Pod[];
    expect(podList).toHaveLength(3);
    for (const p of podList) expect(p.metadata.labels?.['pod-template-hash']).toBe(hash);
    const d = c.current();
    expect(d.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('1');
    // Created, then the set's pods showing up count as progress.
    expect(condition(d, 'Progressing')).toMatchObject({ status: 'True', reason: 'ReplicaSetUpdated', message: `ReplicaSet "web-${hash}" is progressing.` });
    expect(condition(d, 'Available')).toMatchObject({ status: 'False', reason: 'MinimumReplicasUnavailable' });
    expect(await c.kit.events()).toContainEqual({ type: 'Normal', reason: 'ScalingReplicaSet', message: `Scaled up replica set web-${hash} from 0 to 3`, object: 'Deployment/web', count: 1 });

    c.kubelet();
    await c.converge();
    expect(c.current().status).toMatchObject({ observedGeneration: 1, replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3, unavailableReplicas: 0 });
    expect(condition(c.current(), 'Progressing')).toMatchObject({ status: 'True', reason: 'NewReplicaSetAvailable', message: `ReplicaSet "web-${hash}" has successfully progressed.` });
    expect(condition(c.current(), 'Available')).toMatchObject({ status: 'True', reason: 'MinimumReplicasAvailable' });
    await c.stop();
  });

  it('rolls a new template out within maxSurge and maxUnavailable', async () => {
    const c = await cluster(deployment('nginx:1', { replicas: 4, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 1 } } }));
    await c.converge();
    c.kubelet();
    await c.converge();
    await c.kit.clock.advance(1000);
    await c.update((d) => (d.spec.template.spec.containers[0].image = 'nginx:2'));
    let maxPods = 0;
    let minReady = Infinity;
    for (let step = 0; step < 20; step++) {
      await c.converge();
      const live = c.kit.client.tracker.list(pods, 'shop') as Pod[];
      maxPods = Math.max(maxPods, live.length);
      minReady = Math.min(minReady, live.filter((p) => p.status?.conditions?.some((x) => x.type === 'Ready')).length);
      if (condition(c.current(), 'Progressing')?.reason === 'NewReplicaSetAvailable') break;
      c.kubelet();
    }
    const [oldRS, newRS] = c.sets();
    expect(newRS.spec.template.spec.containers[0].image).toBe('nginx:2');
    expect([oldRS.spec.replicas, newRS.spec.replicas]).toEqual([0, 4]);
    expect(maxPods).toBeLessThanOrEqual(5);
    expect(minReady).toBeGreaterThanOrEqual(3);
    expect(c.current().status).toMatchObject({ observedGeneration: 2, replicas: 4, updatedReplicas: 4, availableReplicas: 4 });
    expect(c.current().metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('2');
    const scaling = (await c.kit.events()).filter((e) => e.reason === 'ScalingReplicaSet').map((e) => e.message);
    expect(scaling).toContain(`Scaled down replica set ${oldRS.metadata.name} from 4 to 3`);
    expect(scaling).toContain(`Scaled up replica set ${newRS.metadata.name} from 0 to 1`);
    await c.stop();
  });

  it('takes one rolling step at a time: surge one new pod, then drop one old pod as maxUnavailable allows', async () => {
    const c = await cluster(deployment('nginx:1', { replicas: 4, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 1 } } }));
    await c.converge();
    c.kubelet();
    await c.converge();
    await c.controller.stop();
    await c.kit.clock.advance(1000);
    await c.update((d) => (d.spec.template.spec.containers[0].image = 'nginx:2'));
    await c.kit.settle();
    c.kit.client.clearActions();
    await c.controller.reconcile('shop/web');
    // Pod writes come from the ReplicaSet controller, still running.
    const writes = c.kit.writes().filter((w) => !w.endsWith(' pods') && w !== 'patch replicasets/status');
    expect(writes).toEqual(['create replicasets', 'patch deployments', 'update replicasets', 'patch deployments/status']);
    const [oldRS, newRS] = c.sets();
    expect([oldRS.spec.replicas, newRS.spec.replicas]).toEqual([3, 1]);
    const statusPatch = c.kit.writeActions().find((a) => a.subresource === 'status' && a.resource === 'deployments')!.patch as { status: Deployment['status'] };
    expect(statusPatch.status?.conditions).toContainEqual(expect.objectContaining({ type: 'Progressing', status: 'True', reason: 'NewReplicaSetCreated', message: `Created new replica set "${newRS.metadata.name}"` }));
    c.kit.stop();
  });

  it('recreates: scales the old set to zero and creates the new one only when its pods are gone', async () => {
    const c = await cluster(deployment('nginx:1', { strategy: { type: 'Recreate' } }));
    await c.converge();
    c.kubelet();
    await c.converge();
    await c.kit.clock.advance(1000);
    // A finalizer keeps one old pod terminating, as a kubelet still stopping it would.
    const [first] = c.kit.client.tracker.list(pods, 'shop') as Pod[];
    c.kit.client.tracker.put(pods, { ...first, metadata: { ...first.metadata, finalizers: ['example.com/hold'] } }, 'MODIFIED');
    await c.update((d) => (d.spec.template.spec.containers[0].image = 'nginx:2'));
    await c.converge();
    expect(c.sets()).toHaveLength(1);
    expect(c.sets()[0].spec.replicas).toBe(0);
    const held = c.kit.client.tracker.get(pods, 'shop', first.metadata.name!) as Pod;
    expect(held.metadata.deletionTimestamp).toBeDefined();
    c.kit.client.tracker.remove(pods, 'shop', first.metadata.name!);
    await c.converge();
    const [oldRS, newRS] = c.sets();
    expect([oldRS.spec.replicas, newRS.spec.replicas]).toEqual([0, 3]);
    expect((c.kit.client.tracker.list(pods, 'shop') as Pod[]).every((p) => p.spec.containers[0].image === 'nginx:2')).toBe(true);
    await c.stop();
  });

  it('rolls back as kubectl does: the old ReplicaSet is reused and gets the next revision', async () => {
    const c = await cluster(deployment('nginx:1'));
    await c.converge();
    c.kubelet();
    await c.converge();
    await c.kit.clock.advance(1000);
    await c.update((d) => (d.spec.template.spec.containers[0].image = 'nginx:2'));
    for (let i = 0; i < 10; i++) {
      await c.converge();
      c.kubelet();
    }
    const [first, second] = c.sets();
    // kubectl rollout undo: the deployment's template becomes the old set's, minus pod-template-hash.
    await c.update((d) => (d.spec.template = deployment('nginx:1').spec.template));
    for (let i = 0; i < 10; i++) {
      await c.converge();
      c.kubelet();
    }
    expect(c.sets()).toHaveLength(2);
    const reused = c.kit.client.tracker.get(replicasets, 'shop', first.metadata.name!) as ReplicaSet;
    expect(reused.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('3');
    expect(reused.metadata.annotations?.['deployment.kubernetes.io/revision-history']).toBe('1');
    expect(reused.spec.replicas).toBe(3);
    expect((c.kit.client.tracker.get(replicasets, 'shop', second.metadata.name!) as ReplicaSet).spec.replicas).toBe(0);
    expect(c.current().metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('3');
    expect(condition(c.current(), 'Progressing')?.reason).toBe('NewReplicaSetAvailable');
    await c.stop();
  });

  it('deletes the oldest scaled-down sets beyond revisionHistoryLimit', async () => {
    const c = await cluster(deployment('v1', { revisionHistoryLimit: 1 }));
    for (const image of ['v2', 'v3', 'v4']) {
      await c.converge();
      c.kubelet();
      await c.converge();
      await c.kit.clock.advance(1000);
      if (image !== 'v4') await c.update((d) => (d.spec.template.spec.containers[0].image = image));
    }
    for (let i = 0; i < 5; i++) {
      await c.converge();
      c.kubelet();
    }
    const images = c.sets().map((rs) => rs.spec.template.spec.containers[0].image);
    expect(images).toEqual(['v2', 'v3']);
    expect(c.sets().map((rs) => rs.metadata.annotations?.['deployment.kubernetes.io/revision'])).toEqual(['2', '3']);
    await c.stop();
  });

  it('while paused scales but does not roll out; resuming rolls out', async () => {
    const c = await cluster(deployment('nginx:1'));
    await c.converge();
    c.kubelet();
    await c.converge();
    await c.update((d) => {
      d.spec.paused = true;
      d.spec.template.spec.containers[0].image = 'nginx:2';
      d.spec.replicas = 5;
    });
    await c.converge();
    expect(c.sets()).toHaveLength(1);
    expect(c.sets()[0].spec.replicas).toBe(5);
    expect(c.kit.client.tracker.list(pods, 'shop')).toHaveLength(5);
    expect(condition(c.current(), 'Progressing')).toMatchObject({ status: 'Unknown', reason: 'DeploymentPaused', message: 'Deployment is paused' });
    await c.update((d) => (d.spec.paused = false));
    await c.converge();
    expect(c.sets()).toHaveLength(2);
    expect(c.sets()[1].spec.template.spec.containers[0].image).toBe('nginx:2');
    expect(condition(c.current(), 'Progressing')).toMatchObject({ status: 'True', reason: 'ReplicaSetUpdated' });
    await c.stop();
  });

  it('reports ProgressDeadlineExceeded when the new pods never become available in time', async () => {
    const c = await cluster(deployment('nginx:1', { progressDeadlineSeconds: 30 }));
    await c.converge();
    expect(condition(c.current(), 'Progressing')?.status).toBe('True');
    await c.kit.clock.advance(29_000);
    await c.converge();
    expect(condition(c.current(), 'Progressing')?.status).toBe('True');
    // No event arrives; the controller's own timer brings it back after the deadline.
    await c.kit.clock.advance(2_000);
    await c.converge();
    expect(condition(c.current(), 'Progressing')).toMatchObject({ status: 'False', reason: 'ProgressDeadlineExceeded', message: expect.stringMatching(/has timed out progressing\.$/) });
    await c.stop();
  });

  it('spreads a scale change over the active sets in proportion during a rollout', async () => {
    const c = await cluster(deployment('nginx:1', { replicas: 10, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 3, maxUnavailable: 2 } } }));
    await c.converge();
    c.kubelet();
    await c.converge();
    await c.kit.clock.advance(1000);
    await c.update((d) => (d.spec.template.spec.containers[0].image = 'nginx:2'));
    await c.converge();
    const before = c.sets().map((rs) => rs.spec.replicas!);
    expect(before[0] + before[1]).toBe(13);
    await c.update((d) => (d.spec.replicas = 20));
    await c.converge();
    const after = c.sets().map((rs) => rs.spec.replicas!);
    // 20 + 3 surge allowed in all, shared in proportion to the 13.
    expect(after[0] + after[1]).toBe(23);
    expect(after[0]).toBeGreaterThan(before[0]);
    expect(after[1]).toBeGreaterThan(before[1]);
    await c.stop();
  });

  it('adopts a matching orphan ReplicaSet with the same template instead of creating one', async () => {
    const kitD = deployment('nginx:1');
    const hash = podTemplateHash(kitD.spec.template);
    const orphan: ReplicaSet = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 'handmade', namespace: 'shop', labels: { app: 'web', 'pod-template-hash': hash } },
      spec: { replicas: 3, selector: { matchLabels: { app: 'web', 'pod-template-hash': hash } }, template: { ...kitD.spec.template, metadata: { labels: { app: 'web', 'pod-template-hash': hash } } } },
    };
    const c = await cluster();
    c.kit.client.seed(replicasets, orphan);
    await c.kit.client.create(deployments, 'shop', kitD);
    await c.converge();
    expect(c.sets().map((rs) => rs.metadata.name)).toEqual(['handmade']);
    expect(c.sets()[0].metadata.ownerReferences?.[0]).toMatchObject({ kind: 'Deployment', name: 'web', controller: true });
    expect(c.sets()[0].metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('1');
    await c.stop();
  });
});
