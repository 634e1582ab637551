import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pods, type Node, type Pod } from '@skiff/api';
import { FakeClock } from '@skiff/client';
import { silentLogger } from '@skiff/logging';
import { FakeKubeClient } from '@skiff/testing';
import { isMirrorPod, MirrorPods, mirrorPodAnnotation } from './mirror-pods';
import { configHashAnnotation, isStaticPod, StaticPodSource } from './static-pod-source';

const manifest = (image: string) => `apiVersion: v1
kind: Pod
metadata:
  name: etcd
  namespace: kube-system
spec:
  containers:
  - name: etcd
    image: ${image}
`;

describe('static pods', () => {
  let dir: string;
  const seen: string[] = [];
  const sink = { update: (p: Pod) => seen.push(`update ${p.metadata.name} ${p.metadata.uid}`), remove: (p: Pod) => seen.push(`remove ${p.metadata.name} ${p.metadata.uid}`) };
  const source = () => new StaticPodSource(dir, 'node-1', sink, new FakeClock(), silentLogger());

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'skiff-static-'));
    seen.length = 0;
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('runs a manifest as <name>-<node>, defaulted, bound to the node, with a uid hashed from the manifest', () => {
    fs.writeFileSync(path.join(dir, 'etcd.yaml'), manifest('busybox:1.35'));
    const s = source();
    s.scan();
    const [pod] = s.pods();
    expect(pod.metadata).toMatchObject({ name: 'etcd-node-1', namespace: 'kube-system' });
    expect(isStaticPod(pod)).toBe(true);
    expect(pod.metadata.annotations?.[configHashAnnotation]).toBe(pod.metadata.uid);
    expect(pod.spec?.nodeName).toBe('node-1');
    expect(pod.spec?.restartPolicy).toBe('Always');
    expect(pod.spec?.containers[0].imagePullPolicy).toBe('IfNotPresent');
    expect(seen).toEqual([`update etcd-node-1 ${pod.metadata.uid}`]);
    s.scan();
    expect(seen.length).toBe(1);
  });

  it('treats an edited manifest as a new pod and a deleted one as gone', () => {
    const file = path.join(dir, 'etcd.yaml');
    fs.writeFileSync(file, manifest('busybox:1.35'));
    const s = source();
    s.scan();
    const oldUid = s.pods()[0].metadata.uid;
    fs.writeFileSync(file, manifest('busybox:1.36'));
    s.scan();
    const newUid = s.pods()[0].metadata.uid;
    expect(newUid).not.toBe(oldUid);
    fs.rmSync(file);
    s.scan();
    expect(seen).toEqual([`update etcd-node-1 ${oldUid}`, `remove etcd-node-1 ${oldUid}`, `update etcd-node-1 ${newUid}`, `remove etcd-node-1 ${newUid}`]);
  });

  it('skips invalid manifests and files that are not YAML or JSON', () => {
    fs.writeFileSync(path.join(dir, 'bad.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec: {containers: [{name: c}]}\n');
    fs.writeFileSync(path.join(dir, 'broken.yaml'), 'kind: Pod\n  bad: [indent\n');
    fs.writeFileSync(path.join(dir, 'notes.txt'), manifest('busybox'));
    const s = source();
    s.scan();
    expect(s.pods()).toEqual([]);
  });
});

describe('mirror pods', () => {
  const node = { metadata: { name: 'node-1', uid: 'node-uid' } } as Node;

  function staticPod(hash: string): Pod {
    return {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'etcd-node-1', namespace: 'kube-system', uid: hash, annotations: { 'kubernetes.io/config.source': 'file', [configHashAnnotation]: hash } },
      spec: { nodeName: 'node-1', containers: [{ name: 'etcd', image: 'busybox' }] },
    } as Pod;
  }

  it('creates a mirror owned by the Node, replaces a stale one and deletes orphans', async () => {
    const client = new FakeKubeClient();
    const mirrors = new MirrorPods(client, silentLogger());
    await mirrors.sync([staticPod('h1')], [], node);
    let mirror = await client.get<Pod>(pods, 'kube-system', 'etcd-node-1');
    expect(isMirrorPod(mirror)).toBe(true);
    expect(mirror.metadata.annotations?.[mirrorPodAnnotation]).toBe('h1');
    expect(mirror.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'Node', name: 'node-1', uid: 'node-uid' });

    client.clearActions();
    await mirrors.sync([staticPod('h1')], [mirror], node);
    expect(client.writes()).toEqual([]);

    await mirrors.sync([staticPod('h2')], [mirror], node);
    mirror = await client.get<Pod>(pods, 'kube-system', 'etcd-node-1');
    expect(mirror.metadata.annotations?.[mirrorPodAnnotation]).toBe('h2');

    client.clearActions();
    await mirrors.sync([], [mirror], node);
    expect(client.writes()).toEqual(['delete pods']);
  });
});
