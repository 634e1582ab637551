import type { KObject } from '@skiff/api';
import { mirrorPodAnnotation, nodeLeaseNamespace, nodeNameOf, podReferences, type GraphPod } from '@skiff/auth';
import { forbidden, notFound } from '../handlers/status-error';
import type { AdmissionPlugin, AdmissionRequest } from './admission';

// Labels a kubelet may set on its own Node although they sit in the kubernetes.io / k8s.io namespaces.
const kubeletLabels = new Set([
  'kubernetes.io/hostname',
  'kubernetes.io/arch',
  'kubernetes.io/os',
  'beta.kubernetes.io/arch',
  'beta.kubernetes.io/os',
  'beta.kubernetes.io/instance-type',
  'node.kubernetes.io/instance-type',
  'failure-domain.beta.kubernetes.io/region',
  'failure-domain.beta.kubernetes.io/zone',
  'topology.kubernetes.io/region',
  'topology.kubernetes.io/zone',
  'node.kubernetes.io/windows-build',
]);
const kubeletLabelNamespaces = new Set(['kubelet.kubernetes.io', 'node.kubernetes.io']);
const restrictedNamespace = 'node-restriction.kubernetes.io';

/**
 * Whether a kubelet may set or change this label on its Node: never under node-restriction.kubernetes.io/ (the
 * prefix admins use for labels workloads can trust), and under kubernetes.io/ or k8s.io/ only the well-known
 * kubelet labels and the kubelet.kubernetes.io/ and node.kubernetes.io/ prefixes.
 */
export function kubeletMaySetLabel(key: string): boolean {
  const slash = key.indexOf('/');
  if (slash < 0) return true;
  const ns = key.slice(0, slash);
  if (ns === restrictedNamespace || ns.endsWith(`.${restrictedNamespace}`)) return false;
  if (kubeletLabels.has(key) || kubeletLabelNamespaces.has(ns)) return true;
  const kubeOwned = ['kubernetes.io', 'k8s.io'].some((d) => ns === d || ns.endsWith(`.${d}`));
  return !kubeOwned;
}

const labelsOf = (o: KObject | undefined) => o?.metadata.labels ?? {};
const nodeOfPod = (o: KObject | undefined) => (o?.spec as { nodeName?: string } | undefined)?.nodeName ?? '';
const q = JSON.stringify;

/** The pod of that name as the apiserver holds it now; undefined when there is none. */
export type PodGetter = (namespace: string, name: string) => Promise<KObject | undefined>;

/**
 * Kubernetes' NodeRestriction admission: a kubelet may modify only its own Node (and no protected labels or
 * taints on it), only its own Lease, only the status of pods bound to it; it may create only mirror pods bound to
 * itself and delete only pods bound to itself, and ask for ServiceAccount tokens only bound to pods on itself.
 * Requests from anyone but a kubelet pass untouched.
 */
export function nodeRestriction(podOf: PodGetter = async () => undefined): AdmissionPlugin {
  return {
    name: 'NodeRestriction',
    validate(req: AdmissionRequest) {
      const node = nodeNameOf(req.user);
      if (node === undefined) return;
      const { group, resource } = req.type;
      if (group === '' && resource === 'nodes') return admitNode(node, req);
      if (group === '' && resource === 'pods') return admitPod(node, req);
      if (group === '' && resource === 'serviceaccounts') return admitServiceAccountToken(node, req, podOf);
      if (group === 'coordination.k8s.io' && resource === 'leases') return admitLease(node, req);
    },
  };
}

function admitNode(node: string, req: AdmissionRequest): void {
  if (req.name !== node) throw forbidden(req.type, req.name, `node ${q(node)} is not allowed to modify node ${q(req.name)}`);
  if (req.operation === 'CREATE') {
    const bad = Object.keys(labelsOf(req.object)).filter((k) => !kubeletMaySetLabel(k)).sort();
    if (bad.length) throw forbidden(req.type, req.name, `node ${q(node)} is not allowed to set the following labels: ${bad.join(', ')}`);
    return;
  }
  if (req.operation !== 'UPDATE') return;
  const before = labelsOf(req.oldObject);
  const after = labelsOf(req.object);
  const changed = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((k) => before[k] !== after[k]);
  const bad = changed.filter((k) => !kubeletMaySetLabel(k)).sort();
  if (bad.length) throw forbidden(req.type, req.name, `node ${q(node)} is not allowed to modify labels: ${bad.join(', ')}`);
  if (!req.subresource) {
    const taints = (o: KObject | undefined) => JSON.stringify((o?.spec as { taints?: unknown } | undefined)?.taints ?? []);
    if (taints(req.object) !== taints(req.oldObject)) throw forbidden(req.type, req.name, `node ${q(node)} is not allowed to modify taints`);
  }
}

function admitPod(node: string, req: AdmissionRequest): void {
  const boundElsewhere = (what: string) => {
    const boundTo = nodeOfPod(req.oldObject);
    if (boundTo === node) return;
    const where = boundTo ? `pod ${q(req.name)} is bound to node ${q(boundTo)}` : `pod ${q(req.name)} is not bound to a node`;
    throw forbidden(req.type, req.name, `node ${q(node)} can only ${what} with spec.nodeName set to itself: ${where}`);
  };
  if (req.operation === 'DELETE' && !req.subresource) return boundElsewhere('delete pods');
  if (req.operation === 'UPDATE' && req.subresource === 'status') return boundElsewhere('update pod status for pods');
  if (req.operation === 'CREATE' && !req.subresource) return admitMirrorPod(node, req);
  throw forbidden(req.type, req.name, `unexpected operation ${req.operation}${req.subresource ? ` on ${req.subresource}` : ''}, node ${q(node)} can only create and delete mirror pods and update their status`);
}

function admitMirrorPod(node: string, req: AdmissionRequest): void {
  const pod = req.object!;
  if (pod.metadata.annotations?.[mirrorPodAnnotation] === undefined) {
    throw forbidden(req.type, req.name, `pod does not have ${q(mirrorPodAnnotation)} annotation, node ${q(node)} can only create mirror pods`);
  }
  const boundTo = nodeOfPod(pod);
  if (boundTo !== node) throw forbidden(req.type, req.name, `node ${q(node)} can only create pods with spec.nodeName set to itself${boundTo ? `, not ${q(boundTo)}` : ''}`);
  for (const owner of pod.metadata.ownerReferences ?? []) {
    if (owner.kind !== 'Node' || owner.name !== node) throw forbidden(req.type, req.name, `node ${q(node)} can only create pods with an owner reference set to itself`);
  }
  // A mirror pod must not become a way to read what the node could not otherwise reach. Its service account is
  // the API's default and gives the node nothing (the graph skips mirror pods' service accounts).
  const serviceAccount = (pod.spec as { serviceAccountName?: string } | undefined)?.serviceAccountName;
  if (serviceAccount && serviceAccount !== 'default') throw forbidden(req.type, req.name, `node ${q(node)} can not create pods that reference serviceaccounts`);
  const ref = podReferences(pod as unknown as GraphPod)[0];
  if (ref) throw forbidden(req.type, req.name, `node ${q(node)} can not create pods that reference ${ref[0]}`);
}

// A kubelet asks for tokens for the pods it runs: each must be bound to such a pod (by name and uid), so a
// node cannot mint a free-standing or node-bound token for an account its pods do not use.
async function admitServiceAccountToken(node: string, req: AdmissionRequest, podOf: PodGetter): Promise<void> {
  if (req.operation !== 'CREATE' || req.subresource !== 'token') return;
  const ref = (req.object?.spec as { boundObjectRef?: { apiVersion?: string; kind?: string; name?: string; uid?: string } } | undefined)?.boundObjectRef;
  if (!ref || ref.apiVersion !== 'v1' || ref.kind !== 'Pod' || !ref.name) throw forbidden(req.type, req.name, 'node requested token not bound to a pod');
  if (!ref.uid) throw forbidden(req.type, req.name, 'node requested token with a pod binding without a uid');
  const pod = await podOf(req.namespace ?? '', ref.name);
  if (!pod) throw notFound({ group: '', resource: 'pods' }, ref.name);
  if (pod.metadata.uid !== ref.uid) {
    throw forbidden(req.type, req.name, `the UID in the bound object reference (${ref.uid}) does not match the UID in record. The object might have been deleted and then recreated`);
  }
  if (nodeOfPod(pod) !== node) throw forbidden(req.type, req.name, 'node requested token bound to a pod scheduled on a different node');
}

function admitLease(node: string, req: AdmissionRequest): void {
  if (req.namespace !== nodeLeaseNamespace) throw forbidden(req.type, req.name, `can only access leases in the ${nodeLeaseNamespace} namespace`);
  if (req.name !== node) throw forbidden(req.type, req.name, `node ${q(node)} is not allowed to modify lease ${q(req.name)}: can only access node lease with the same name as the requesting node`);
}
