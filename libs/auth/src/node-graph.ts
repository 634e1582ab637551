/**
 * The part of a pod the Node authorizer reads: where it is bound and which objects it references. Structural, so
 * a watch cache's parsed objects and test fixtures both fit.
 */
export interface GraphPod {
  metadata: { name?: string; namespace?: string; annotations?: Readonly<Record<string, string>> };
  spec?: {
    nodeName?: string;
    serviceAccountName?: string;
    serviceAccount?: string;
    imagePullSecrets?: readonly { name?: string }[];
    volumes?: readonly GraphVolume[];
    containers?: readonly GraphContainer[];
    initContainers?: readonly GraphContainer[];
    ephemeralContainers?: readonly GraphContainer[];
  };
}

interface GraphVolume {
  name?: string;
  secret?: { secretName?: string };
  configMap?: { name?: string };
  persistentVolumeClaim?: { claimName?: string };
  ephemeral?: unknown;
  csi?: { nodePublishSecretRef?: { name?: string } };
  projected?: { sources?: readonly { secret?: { name?: string }; configMap?: { name?: string } }[] };
}

interface GraphContainer {
  env?: readonly { valueFrom?: { secretKeyRef?: { name?: string }; configMapKeyRef?: { name?: string } } }[];
  envFrom?: readonly { secretRef?: { name?: string }; configMapRef?: { name?: string } }[];
}

/** Marks the API copy of a static pod the kubelet runs from a file (a mirror pod). */
export const mirrorPodAnnotation = 'kubernetes.io/config.mirror';

/** The current pods across all namespaces; `version` moves whenever one is added, changed or removed. */
export interface PodLister {
  list(): readonly GraphPod[];
  version(): string | number;
}

/** The kinds of object a pod can give its node access to. */
export type ReferencedKind = 'secrets' | 'configmaps' | 'persistentvolumeclaims' | 'serviceaccounts';

const refKey = (kind: ReferencedKind, namespace: string, name: string) => `${kind}/${namespace}/${name}`;

/**
 * Kubernetes' node authorization graph, reduced to what it decides: which node each pod is bound to, and which
 * secrets, configmaps, claims and service accounts the pods on a node reference. Rebuilt from the pod lister
 * whenever its version moves, so a deleted or rebound pod takes its node's access with it.
 */
export class NodeGraph {
  private builtAt: string | number | undefined;
  private podNodes = new Map<string, string>();
  private nodeRefs = new Map<string, Set<string>>();

  constructor(private readonly pods: PodLister) {}

  /** The node a pod is bound to, or undefined when it is unbound or unknown. */
  nodeOfPod(namespace: string, name: string): string | undefined {
    this.refresh();
    return this.podNodes.get(`${namespace}/${name}`);
  }

  /** Whether some pod bound to `node` references the object. */
  references(node: string, kind: ReferencedKind, namespace: string, name: string): boolean {
    this.refresh();
    return this.nodeRefs.get(node)?.has(refKey(kind, namespace, name)) ?? false;
  }

  private refresh(): void {
    const version = this.pods.version();
    if (version === this.builtAt) return;
    const podNodes = new Map<string, string>();
    const nodeRefs = new Map<string, Set<string>>();
    for (const pod of this.pods.list()) {
      const node = pod.spec?.nodeName;
      const namespace = pod.metadata.namespace ?? '';
      if (!node || !pod.metadata.name) continue;
      podNodes.set(`${namespace}/${pod.metadata.name}`, node);
      let refs = nodeRefs.get(node);
      if (!refs) nodeRefs.set(node, (refs = new Set()));
      for (const [kind, name] of podReferences(pod)) refs.add(refKey(kind, namespace, name));
    }
    this.podNodes = podNodes;
    this.nodeRefs = nodeRefs;
    this.builtAt = version;
  }
}

/** Every object a pod references by name, as the kubelet would fetch them to run it. */
export function podReferences(pod: GraphPod): [ReferencedKind, string][] {
  const refs: [ReferencedKind, string | undefined][] = [];
  const spec = pod.spec ?? {};
  // A mirror pod's service account is only the API's default (Kubernetes' ServiceAccount admission skips mirror
  // pods): it must not let a node mint tokens by creating a mirror pod.
  if (pod.metadata.annotations?.[mirrorPodAnnotation] === undefined) refs.push(['serviceaccounts', spec.serviceAccountName || spec.serviceAccount]);
  for (const s of spec.imagePullSecrets ?? []) refs.push(['secrets', s.name]);
  for (const v of spec.volumes ?? []) {
    refs.push(['secrets', v.secret?.secretName], ['configmaps', v.configMap?.name], ['persistentvolumeclaims', v.persistentVolumeClaim?.claimName]);
    refs.push(['secrets', v.csi?.nodePublishSecretRef?.name]);
    // A generic ephemeral volume's claim is named after the pod and the volume.
    if (v.ephemeral && v.name && pod.metadata.name) refs.push(['persistentvolumeclaims', `${pod.metadata.name}-${v.name}`]);
    for (const source of v.projected?.sources ?? []) refs.push(['secrets', source.secret?.name], ['configmaps', source.configMap?.name]);
  }
  for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? []), ...(spec.ephemeralContainers ?? [])]) {
    for (const e of c.env ?? []) refs.push(['secrets', e.valueFrom?.secretKeyRef?.name], ['configmaps', e.valueFrom?.configMapKeyRef?.name]);
    for (const e of c.envFrom ?? []) refs.push(['secrets', e.secretRef?.name], ['configmaps', e.configMapRef?.name]);
  }
  return refs.filter((r): r is [ReferencedKind, string] => !!r[1]);
}
