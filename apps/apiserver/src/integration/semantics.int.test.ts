import { startControlPlane, waitFor, type TestControlPlane } from '@skiff/testing';
import { leaseOf } from './etcd-snapshot';
import { call } from './http';

jest.setTimeout(120_000);

let cp: TestControlPlane;
let base: string;
const ns = '/api/v1/namespaces/default';
const deployments = '/apis/apps/v1/namespaces/default/deployments';
const merge = 'application/merge-patch+json';
const podSpec = { containers: [{ name: 'c', image: 'busybox' }] };

beforeAll(async () => {
  cp = await startControlPlane();
  base = cp.apiserver.url;
});
afterAll(async () => {
  await cp?.stop();
});

describe('object lifecycle', () => {
  it('names objects from generateName', async () => {
    const r = await call(base, 'POST', `${ns}/configmaps`, { metadata: { generateName: 'gen-' } });
    expect(r.status).toBe(201);
    expect(r.body.metadata.name).toMatch(/^gen-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  });

  it('bumps generation on spec changes only, and keeps status out of main-resource writes', async () => {
    const d = {
      metadata: { name: 'gen' },
      spec: { selector: { matchLabels: { app: 'g' } }, template: { metadata: { labels: { app: 'g' } }, spec: podSpec } },
      status: { replicas: 99 },
    };
    const created = await call(base, 'POST', deployments, d);
    expect(created.body.metadata.generation).toBe(1);
    expect(created.body.status?.replicas).toBeUndefined();
    expect(created.body.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } });
    const labelled = await call(base, 'PATCH', `${deployments}/gen`, { metadata: { labels: { x: 'y' } } }, merge);
    expect(labelled.body.metadata.generation).toBe(1);
    const scaled = await call(base, 'PATCH', `${deployments}/gen`, { spec: { replicas: 3 }, status: { replicas: 7 } }, merge);
    expect(scaled.body.metadata.generation).toBe(2);
    expect(scaled.body.status?.replicas).toBeUndefined();
    const status = await call(base, 'PATCH', `${deployments}/gen/status`, { spec: { replicas: 9 }, status: { replicas: 3, observedGeneration: 2 } }, merge);
    expect(status.status).toBe(200);
    expect(status.body.status).toMatchObject({ replicas: 3, observedGeneration: 2 });
    expect(status.body.spec.replicas).toBe(3);
    expect(status.body.metadata.generation).toBe(2);
  });

  it('serves the scale subresource as autoscaling/v1 Scale and writes spec.replicas through it', async () => {
    const scale = await call(base, 'GET', `${deployments}/gen/scale`);
    expect(scale.body).toMatchObject({ kind: 'Scale', apiVersion: 'autoscaling/v1', spec: { replicas: 3 }, status: { replicas: 3, selector: 'app=g' } });
    const patched = await call(base, 'PATCH', `${deployments}/gen/scale`, { spec: { replicas: 5 } }, merge);
    expect(patched.status).toBe(200);
    expect(patched.body.spec.replicas).toBe(5);
    const d = await call(base, 'GET', `${deployments}/gen`);
    expect(d.body.spec.replicas).toBe(5);
    expect(d.body.metadata.generation).toBe(3);
    const stale = await call(base, 'PUT', `${deployments}/gen/scale`, { ...scale.body, spec: { replicas: 1 } });
    expect(stale.status).toBe(409);
  });

  it('keeps an object with finalizers until the last one is removed', async () => {
    await call(base, 'POST', `${ns}/configmaps`, { metadata: { name: 'fin', finalizers: ['example.com/hold'] } });
    const del = await call(base, 'DELETE', `${ns}/configmaps/fin`);
    expect(del.status).toBe(200);
    expect(del.body.metadata.deletionTimestamp).toBeDefined();
    expect((await call(base, 'GET', `${ns}/configmaps/fin`)).status).toBe(200);
    await call(base, 'PATCH', `${ns}/configmaps/fin`, { metadata: { finalizers: null } }, merge);
    expect((await call(base, 'GET', `${ns}/configmaps/fin`)).status).toBe(404);
  });

  it('adds the foregroundDeletion finalizer for Foreground propagation', async () => {
    await call(base, 'POST', `${ns}/configmaps`, { metadata: { name: 'fg' } });
    const del = await call(base, 'DELETE', `${ns}/configmaps/fg`, { propagationPolicy: 'Foreground' });
    expect(del.body.metadata.finalizers).toEqual(['foregroundDeletion']);
  });
});

describe('pods', () => {
  it('binds a pod once, setting nodeName and PodScheduled', async () => {
    await call(base, 'POST', `${ns}/pods`, { metadata: { name: 'bindme' }, spec: podSpec });
    const bound = await call(base, 'POST', `${ns}/pods/bindme/binding`, { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'bindme' }, target: { apiVersion: 'v1', kind: 'Node', name: 'node-1' } });
    expect(bound.status).toBe(201);
    expect(bound.body).toMatchObject({ kind: 'Status', status: 'Success' });
    const pod = (await call(base, 'GET', `${ns}/pods/bindme`)).body;
    expect(pod.spec.nodeName).toBe('node-1');
    expect(pod.status.conditions).toEqual([expect.objectContaining({ type: 'PodScheduled', status: 'True' })]);
    const again = await call(base, 'POST', `${ns}/bindings`, { metadata: { name: 'bindme' }, target: { name: 'node-2' } });
    expect(again.status).toBe(409);
  });

  it('deletes a bound pod gracefully, and at once with gracePeriodSeconds=0', async () => {
    const del = await call(base, 'DELETE', `${ns}/pods/bindme`);
    expect(del.status).toBe(200);
    expect(del.body.metadata.deletionGracePeriodSeconds).toBe(30);
    expect((await call(base, 'GET', `${ns}/pods/bindme`)).status).toBe(200);
    const now = await call(base, 'DELETE', `${ns}/pods/bindme?gracePeriodSeconds=0`);
    expect(now.status).toBe(200);
    expect((await call(base, 'GET', `${ns}/pods/bindme`)).status).toBe(404);
  });

  it('deletes an unscheduled pod at once', async () => {
    await call(base, 'POST', `${ns}/pods`, { metadata: { name: 'loose' }, spec: podSpec });
    await call(base, 'DELETE', `${ns}/pods/loose`);
    expect((await call(base, 'GET', `${ns}/pods/loose`)).status).toBe(404);
  });

  it('evicts only when the PodDisruptionBudget allows it', async () => {
    await call(base, 'POST', `${ns}/pods`, { metadata: { name: 'guarded', labels: { app: 'db' } }, spec: podSpec });
    await call(base, 'PATCH', `${ns}/pods/guarded/status`, { status: { phase: 'Running' } }, merge);
    await call(base, 'POST', '/apis/policy/v1/namespaces/default/poddisruptionbudgets', { metadata: { name: 'db' }, spec: { minAvailable: 1, selector: { matchLabels: { app: 'db' } } } });
    const eviction = { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'guarded', namespace: 'default' } };
    const refused = await call(base, 'POST', `${ns}/pods/guarded/eviction`, eviction);
    expect(refused.status).toBe(429);
    expect(refused.body.reason).toBe('TooManyRequests');
    expect(refused.body.details.causes[0].reason).toBe('DisruptionBudget');
    await call(base, 'PATCH', '/apis/policy/v1/namespaces/default/poddisruptionbudgets/db/status', { status: { disruptionsAllowed: 1, observedGeneration: 1 } }, merge);
    const allowed = await call(base, 'POST', `${ns}/pods/guarded/eviction`, eviction);
    expect(allowed.status).toBe(201);
    expect((await call(base, 'GET', `${ns}/pods/guarded`)).status).toBe(404);
    const pdb = await call(base, 'GET', '/apis/policy/v1/namespaces/default/poddisruptionbudgets/db');
    expect(pdb.body.status.disruptionsAllowed).toBe(0);
  });

  it('answers pods/log of a pod not yet on a node with an empty log, and pods/exec with 400', async () => {
    await call(base, 'POST', `${ns}/pods`, { metadata: { name: 'logs' }, spec: podSpec });
    const log = await call(base, 'GET', `${ns}/pods/logs/log`);
    expect(log.status).toBe(200);
    expect(log.text).toBe('');
    const exec = await call(base, 'POST', `${ns}/pods/logs/exec?command=ls&stdout=true`);
    expect(exec.status).toBe(400);
    expect(exec.body.message).toBe('pod logs does not have a host assigned');
  });

  it('computes the QoS class', async () => {
    const guaranteed = await call(base, 'POST', `${ns}/pods`, {
      metadata: { name: 'qos' },
      spec: { containers: [{ name: 'c', image: 'x', resources: { limits: { cpu: '100m', memory: '64Mi' } } }] },
    });
    expect(guaranteed.body.status).toEqual({ phase: 'Pending', qosClass: 'Guaranteed' });
  });
});

describe('namespaces', () => {
  it('refuses new content in a terminating namespace and protects system namespaces', async () => {
    await call(base, 'POST', '/api/v1/namespaces', { metadata: { name: 'doomed' } });
    expect((await call(base, 'POST', '/api/v1/namespaces/doomed/configmaps', { metadata: { name: 'a' } })).status).toBe(201);
    const del = await call(base, 'DELETE', '/api/v1/namespaces/doomed');
    expect(del.body.status.phase).toBe('Terminating');
    const refused = await call(base, 'POST', '/api/v1/namespaces/doomed/configmaps', { metadata: { name: 'b' } });
    expect(refused.status).toBe(403);
    expect(refused.body.message).toContain('because it is being terminated');
    const finalize = await call(base, 'PUT', '/api/v1/namespaces/doomed/finalize', { ...del.body, spec: { finalizers: [] } });
    expect(finalize.status).toBe(200);
    expect((await call(base, 'GET', '/api/v1/namespaces/doomed')).status).toBe(404);
    expect((await call(base, 'DELETE', '/api/v1/namespaces/kube-system')).status).toBe(403);
  });
});

describe('bootstrap', () => {
  it('creates the built-in PriorityClasses', async () => {
    const pc = await waitFor(async () => {
      const r = await call(base, 'GET', '/apis/scheduling.k8s.io/v1/priorityclasses/system-node-critical');
      return r.status === 200 ? r.body : undefined;
    }, { what: 'system-node-critical' });
    expect(pc.value).toBe(2000001000);
    expect((await call(base, 'GET', '/apis/scheduling.k8s.io/v1/priorityclasses/system-cluster-critical')).body.value).toBe(2000000000);
  });
});

describe('events', () => {
  it('are stored with an etcd lease so they expire', async () => {
    const ev = await call(base, 'POST', `${ns}/events`, {
      metadata: { name: 'ttl' },
      involvedObject: { kind: 'Pod', name: 'p', namespace: 'default' },
      reason: 'Test',
      message: 'expires',
    });
    expect(ev.status).toBe(201);
    const lease = await leaseOf(cp.etcd.endpoint, '/registry/events/default/ttl');
    expect(lease).toBeDefined();
    expect(lease).not.toBe('0');
  });
});
