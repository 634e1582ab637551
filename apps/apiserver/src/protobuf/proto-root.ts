import * as path from 'node:path';
import { builtinScheme, type Scheme } from '@skiff/api';
import * as protobuf from 'protobufjs';

/** proto/k8s at the workspace root; the same depth from src/protobuf (tests) and dist/protobuf (built). */
export const kubernetesProtoDir = path.resolve(__dirname, '../../../../proto/k8s');

const kubernetesProtoFiles = [
  'api/core-v1.proto',
  'api/apps-v1.proto',
  'api/batch-v1.proto',
  'api/coordination-v1.proto',
  'api/discovery-v1.proto',
  'api/policy-v1.proto',
  'api/scheduling-v1.proto',
  'api/autoscaling-v1.proto',
  'api/rbac-v1.proto',
  'api/authentication-v1.proto',
  'api/authorization-v1.proto',
  'api/certificates-v1.proto',
  'apimachinery/meta-v1.proto',
  'apimachinery/runtime.proto',
];

const metaV1 = 'k8s.io.apimachinery.pkg.apis.meta.v1';

/** Loads Skiff's Kubernetes .proto subset; field names stay as written, which are the JSON names. */
export function loadKubernetesProtos(dir = kubernetesProtoDir): protobuf.Root {
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) =>
    // descriptor.proto declares the custom options; protobufjs ships a copy of it.
    target.startsWith('google/protobuf/') ? require.resolve(`protobufjs/${target}`) : path.join(dir, target);
  root.loadSync(kubernetesProtoFiles, { keepCase: true });
  root.resolveAll();
  return root;
}

/** The root every decode uses, loaded once when the apiserver starts. */
export const kubernetesProtos = loadKubernetesProtos();

/** The protobuf package Kubernetes keeps a group's types in: `apps` → k8s.io.api.apps.v1, '' → core. */
function packageOf(group: string, version: string): string {
  return `k8s.io.api.${group === '' ? 'core' : group.split('.')[0]}.${version}`;
}

const apiVersionOfGV = (gv: { group: string; version: string }) => (gv.group ? `${gv.group}/${gv.version}` : gv.version);

type SendableKind = { group: string; version: string; kind: string };
const sendableKindsCache = new WeakMap<Scheme, Map<string, SendableKind>>();

/** apiVersion/kind of every kind a client may send: each resource's kind and its subresources' (Eviction, Scale...). */
function sendableKinds(scheme: Scheme): Map<string, SendableKind> {
  const cached = sendableKindsCache.get(scheme);
  if (cached) return cached;
  const kinds = new Map<string, SendableKind>();
  for (const t of scheme.all) {
    for (const k of [t, ...t.subresources.flatMap((s) => (s.kind ? [s.kind] : []))]) {
      kinds.set(`${apiVersionOfGV(k)}/${k.kind}`, { group: k.group, version: k.version, kind: k.kind });
    }
  }
  sendableKindsCache.set(scheme, kinds);
  return kinds;
}

/**
 * The message type of `kind` in `apiVersion`, or undefined when Skiff does not serve that kind or has no .proto
 * for it. DeleteOptions is accepted in every served group version, as Kubernetes registers it in each.
 */
export function messageTypeFor(apiVersion: string, kind: string, root = kubernetesProtos, scheme: Scheme = builtinScheme): protobuf.Type | undefined {
  let name: string;
  if (kind === 'DeleteOptions') {
    if (!scheme.groupVersions().some((gv) => apiVersionOfGV(gv) === apiVersion)) return undefined;
    name = `${metaV1}.DeleteOptions`;
  } else {
    const served = sendableKinds(scheme).get(`${apiVersion}/${kind}`);
    if (!served) return undefined;
    name = `${packageOf(served.group, served.version)}.${served.kind}`;
  }
  const found = root.lookup(name);
  return found instanceof protobuf.Type ? found : undefined;
}
