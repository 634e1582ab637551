// Drives @kubernetes/client-node (ESM-only) against a server given by KUBECONFIG and prints one JSON line of
// what it observed; the jest suite runs it as a child process and checks that line.
import * as k8s from '@kubernetes/client-node';

const kc = new k8s.KubeConfig();
kc.loadFromDefault();
const core = kc.makeApiClient(k8s.CoreV1Api);
const apps = kc.makeApiClient(k8s.AppsV1Api);
const out = {};
const deadline = Date.now() + 20_000;
const ns = 'default';

const namespaces = await core.listNamespace();
out.namespaces = namespaces.items.map((n) => n.metadata.name).sort();

const informer = k8s.makeInformer(kc, `/api/v1/namespaces/${ns}/configmaps`, () => core.listNamespacedConfigMap({ namespace: ns }));
const seen = [];
informer.on('add', (o) => seen.push(`add:${o.metadata.name}`));
informer.on('update', (o) => seen.push(`update:${o.metadata.name}:${o.data?.v}`));
informer.on('delete', (o) => seen.push(`delete:${o.metadata.name}`));
informer.on('error', (e) => seen.push(`error:${e?.message ?? e}`));
await informer.start();

const created = await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'from-client-node' }, data: { v: '1' } } });
out.created = { name: created.metadata.name, uid: !!created.metadata.uid, resourceVersion: created.metadata.resourceVersion };

const patched = await core.patchNamespacedConfigMap(
  { name: 'from-client-node', namespace: ns, body: { data: { v: '2' } } },
  k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
);
out.patched = patched.data;

const d = await apps.createNamespacedDeployment({
  namespace: ns,
  body: {
    metadata: { name: 'cn-deploy' },
    spec: { selector: { matchLabels: { app: 'cn' } }, template: { metadata: { labels: { app: 'cn' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } },
  },
});
out.deployment = { replicas: d.spec.replicas, strategy: d.spec.strategy.type };

await core.deleteNamespacedConfigMap({ name: 'from-client-node', namespace: ns });
while (!seen.includes('delete:from-client-node') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
out.informer = seen.filter((s) => s.includes('from-client-node') || s.startsWith('error'));
out.cacheHas = informer.list(ns).map((o) => o.metadata.name);
await informer.stop();
console.log(JSON.stringify(out));
process.exit(0);
