import { startControlPlane, waitFor, type TestControlPlane } from '@skiff/testing';
import { call } from './http';

jest.setTimeout(120_000);

// What `kubectl get` sends.
const tableAccept = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';
const pods = '/api/v1/namespaces/default/pods';

let cp: TestControlPlane;
let base: string;

beforeAll(async () => {
  cp = await startControlPlane();
  base = cp.apiserver.url;
});
afterAll(async () => {
  await cp?.stop();
});

async function getTable(path: string, accept = tableAccept): Promise<{ status: number; contentType: string; body: any }> {
  const res = await fetch(base + path, { headers: { Accept: accept } });
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', body: await res.json() };
}

/** Reads a watch with the Table Accept header until `count` events have arrived. */
async function watchTable(path: string, count: number, whileOpen: () => Promise<void>): Promise<any[]> {
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(), 15_000);
  const events: any[] = [];
  try {
    const res = await fetch(base + path, { headers: { Accept: tableAccept }, signal: ctrl.signal });
    const reader = res.body!.getReader();
    const changes = whileOpen();
    let buf = '';
    while (events.length < count) {
      const { value, done } = await reader.read();
      if (done) break;
      buf += Buffer.from(value).toString();
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (line.trim()) events.push(JSON.parse(line));
      }
    }
    await changes;
  } finally {
    clearTimeout(timer);
    ctrl.abort();
  }
  return events;
}

const pod = (name: string, labels: Record<string, string> = { app: 'web' }) => ({
  metadata: { name, labels },
  spec: { containers: [{ name: 'app', image: 'nginx:1.25' }] },
});

describe('Table output', () => {
  beforeAll(async () => {
    for (const name of ['tbl-a', 'tbl-b', 'tbl-c']) expect((await call(base, 'POST', pods, pod(name))).status).toBe(201);
    const status = {
      status: {
        phase: 'Running',
        podIP: '10.244.0.7',
        podIPs: [{ ip: '10.244.0.7' }],
        conditions: [{ type: 'Ready', status: 'True' }],
        containerStatuses: [{ name: 'app', ready: true, restartCount: 0, image: 'nginx:1.25', imageID: '', state: { running: { startedAt: new Date().toISOString() } } }],
      },
    };
    expect((await call(base, 'PATCH', `${pods}/tbl-b/status`, status, 'application/merge-patch+json')).status).toBe(200);
  });

  it('lists pods as a meta.k8s.io/v1 Table with the pod columns, cells and PartialObjectMetadata rows', async () => {
    const { status, contentType, body } = await getTable(`${pods}?labelSelector=app%3Dweb`);
    expect(status).toBe(200);
    expect(contentType).toMatch(/^application\/json/);
    expect(body.kind).toBe('Table');
    expect(body.apiVersion).toBe('meta.k8s.io/v1');
    expect(Number(body.metadata.resourceVersion)).toBeGreaterThan(0);
    expect(body.columnDefinitions.map((c: any) => c.name)).toEqual(['Name', 'Ready', 'Status', 'Restarts', 'Age', 'IP', 'Node', 'Nominated Node', 'Readiness Gates']);
    const byName = Object.fromEntries(body.rows.map((r: any) => [r.cells[0], r]));
    expect(Object.keys(byName).sort()).toEqual(['tbl-a', 'tbl-b', 'tbl-c']);
    expect(byName['tbl-b'].cells.slice(1, 4)).toEqual(['1/1', 'Running', '0']);
    expect(byName['tbl-b'].cells[5]).toBe('10.244.0.7');
    expect(byName['tbl-a'].cells.slice(1, 3)).toEqual(['0/1', 'Pending']);
    expect(byName['tbl-a'].cells[4]).toMatch(/^\d+s$/);
    const object = byName['tbl-a'].object;
    expect(object.kind).toBe('PartialObjectMetadata');
    expect(object.apiVersion).toBe('meta.k8s.io/v1');
    expect(object.metadata).toMatchObject({ name: 'tbl-a', namespace: 'default', labels: { app: 'web' } });
    expect(object.metadata.uid).toBeTruthy();
    expect(object.spec).toBeUndefined();
  });

  it('pages a Table list with limit and continue', async () => {
    const first = await getTable(`${pods}?labelSelector=app%3Dweb&limit=2`);
    expect(first.body.rows).toHaveLength(2);
    expect(first.body.metadata.continue).toBeTruthy();
    const rest = await getTable(`${pods}?labelSelector=app%3Dweb&limit=2&continue=${encodeURIComponent(first.body.metadata.continue)}`);
    expect(rest.body.rows).toHaveLength(1);
    expect(rest.body.metadata.continue).toBeUndefined();
  });

  it('answers a single GET with a one-row Table carrying the object resourceVersion, from etcd or the cache', async () => {
    const plain = await call(base, 'GET', `${pods}/tbl-b`);
    for (const query of ['', '?resourceVersion=0']) {
      // The cache may trail the write by a moment.
      const { body } = await waitFor(async () => {
        const r = await getTable(`${pods}/tbl-b${query}`);
        return r.body.metadata?.resourceVersion === plain.body.metadata.resourceVersion ? r : undefined;
      }, { what: `the table for tbl-b${query}` });
      expect(body.kind).toBe('Table');
      expect(body.rows).toHaveLength(1);
      expect(body.rows[0].cells[0]).toBe('tbl-b');
      expect(body.metadata.resourceVersion).toBe(plain.body.metadata.resourceVersion);
    }
  });

  it('includes the whole object with includeObject=Object and none with None', async () => {
    const full = await getTable(`${pods}/tbl-a?includeObject=Object`);
    expect(full.body.rows[0].object).toMatchObject({ kind: 'Pod', apiVersion: 'v1', spec: { containers: [{ name: 'app' }] } });
    const none = await getTable(`${pods}?labelSelector=app%3Dweb&includeObject=None`);
    expect(none.body.rows.every((r: any) => r.object === undefined)).toBe(true);
    const bad = await getTable(`${pods}?includeObject=All`);
    expect(bad.status).toBe(400);
    expect(bad.body.kind).toBe('Status');
  });

  it('keeps plain JSON for plain and protobuf-first Accept headers', async () => {
    for (const accept of ['application/json', 'application/vnd.kubernetes.protobuf,application/json']) {
      const list = await getTable(pods, accept);
      expect(list.body.kind).toBe('PodList');
    }
  });

  it('serves v1beta1 Tables to clients that ask for them', async () => {
    const { body } = await getTable(`${pods}/tbl-a`, 'application/json;as=Table;v=v1beta1;g=meta.k8s.io');
    expect(body.apiVersion).toBe('meta.k8s.io/v1beta1');
    expect(body.rows[0].object.apiVersion).toBe('meta.k8s.io/v1beta1');
  });

  it('prints other kinds with their own columns: deployments, nodes, services', async () => {
    const deploy = {
      metadata: { name: 'tbl-web' },
      spec: { replicas: 2, selector: { matchLabels: { app: 'tbl' } }, template: { metadata: { labels: { app: 'tbl' } }, spec: { containers: [{ name: 'app', image: 'nginx' }] } } },
    };
    expect((await call(base, 'POST', '/apis/apps/v1/namespaces/default/deployments', deploy)).status).toBe(201);
    const d = await getTable('/apis/apps/v1/namespaces/default/deployments/tbl-web');
    expect(d.body.columnDefinitions.map((c: any) => c.name)).toEqual(['Name', 'Ready', 'Up-to-date', 'Available', 'Age', 'Containers', 'Images', 'Selector']);
    expect(d.body.rows[0].cells.slice(0, 4)).toEqual(['tbl-web', '0/2', 0, 0]);
    expect(d.body.rows[0].cells.slice(5)).toEqual(['app', 'nginx', 'app=tbl']);

    const node = { metadata: { name: 'tbl-node', labels: { 'node-role.kubernetes.io/control-plane': '' } }, spec: { unschedulable: true } };
    expect((await call(base, 'POST', '/api/v1/nodes', node)).status).toBe(201);
    const nodeInfo = {
      machineID: 'm',
      systemUUID: 'u',
      bootID: 'b',
      kernelVersion: '6.1.0',
      osImage: 'Debian GNU/Linux 12 (bookworm)',
      containerRuntimeVersion: 'containerd://1.7.13',
      kubeletVersion: 'v1.32.4',
      operatingSystem: 'linux',
      architecture: 'amd64',
    };
    const nodeStatus = { status: { conditions: [{ type: 'Ready', status: 'True' }], nodeInfo } };
    expect((await call(base, 'PATCH', '/api/v1/nodes/tbl-node/status', nodeStatus, 'application/merge-patch+json')).status).toBe(200);
    const n = await getTable('/api/v1/nodes/tbl-node');
    expect(n.body.rows[0].cells.slice(0, 5)).toEqual(['tbl-node', 'Ready,SchedulingDisabled', 'control-plane', expect.stringMatching(/s$/), 'v1.32.4']);

    const svc = { metadata: { name: 'tbl-svc' }, spec: { type: 'NodePort', selector: { app: 'tbl' }, ports: [{ port: 80, nodePort: 30080 }] } };
    expect((await call(base, 'POST', '/api/v1/namespaces/default/services', svc)).status).toBe(201);
    const s = await getTable('/api/v1/namespaces/default/services/tbl-svc');
    expect(s.body.rows[0].cells[1]).toBe('NodePort');
    expect(s.body.rows[0].cells[2]).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(s.body.rows[0].cells[4]).toBe('80:30080/TCP');
  });

  it('watches as one-row Tables, columns only in the first event, DELETED included', async () => {
    const events = await watchTable(`${pods}?watch=true&fieldSelector=metadata.name%3Dtbl-w`, 3, async () => {
      await call(base, 'POST', pods, pod('tbl-w'));
      await call(base, 'PATCH', `${pods}/tbl-w`, { metadata: { labels: { app: 'web', step: '2' } } }, 'application/merge-patch+json');
      await call(base, 'DELETE', `${pods}/tbl-w?gracePeriodSeconds=0`);
    });
    expect(events.map((e) => e.type)).toEqual(['ADDED', 'MODIFIED', 'DELETED']);
    for (const e of events) {
      expect(e.object.kind).toBe('Table');
      expect(e.object.rows).toHaveLength(1);
      expect(e.object.rows[0].cells[0]).toBe('tbl-w');
      expect(e.object.rows[0].object.kind).toBe('PartialObjectMetadata');
    }
    expect(events[0].object.columnDefinitions.map((c: any) => c.name)).toContain('Restarts');
    expect(events[1].object.columnDefinitions).toBeUndefined();
    expect(events[2].object.columnDefinitions).toBeUndefined();
    expect(events[1].object.rows[0].object.metadata.labels.step).toBe('2');
    expect(events[1].object.metadata.resourceVersion).toBe(events[1].object.rows[0].object.metadata.resourceVersion);
  });

  it('still streams plain objects to plain watches', async () => {
    const ctrl = new AbortController();
    const res = await fetch(`${base}${pods}?watch=true&resourceVersion=0&fieldSelector=metadata.name%3Dtbl-a`, { signal: ctrl.signal });
    const reader = res.body!.getReader();
    const { value } = await reader.read();
    ctrl.abort();
    const event = JSON.parse(Buffer.from(value!).toString().split('\n')[0]);
    expect(event).toMatchObject({ type: 'ADDED', object: { kind: 'Pod', metadata: { name: 'tbl-a' } } });
  });
});
