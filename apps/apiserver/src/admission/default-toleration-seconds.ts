import type { KObject, Toleration } from '@skiff/api';
import type { AdmissionPlugin } from './admission';

/** How long a pod stays on a not-ready or unreachable node unless it says otherwise (Kubernetes' 300 s). */
export const defaultTolerationSeconds = 300;
const defaultedTaintKeys = ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable'];

/** A toleration already covers the NoExecute taint with this key when it names the key (or none) and NoExecute (or no effect). */
function covers(t: Toleration, key: string): boolean {
  return (t.key === key || (!t.key && t.operator === 'Exists')) && (!t.effect || t.effect === 'NoExecute');
}

/**
 * Kubernetes' DefaultTolerationSeconds admission: every new pod tolerates the node lifecycle controller's
 * not-ready and unreachable NoExecute taints for 300 s, so a brief node outage does not evict it at once.
 */
export function defaultTolerationSecondsAdmission(): AdmissionPlugin {
  return {
    name: 'DefaultTolerationSeconds',
    mutate(req) {
      if (req.operation !== 'CREATE' || req.subresource || req.type.group !== '' || req.type.resource !== 'pods' || !req.object) return;
      const spec = (req.object as KObject & { spec?: { tolerations?: Toleration[] } }).spec;
      if (!spec) return;
      const tolerations = spec.tolerations ?? [];
      for (const key of defaultedTaintKeys) {
        if (!tolerations.some((t) => covers(t, key))) tolerations.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: defaultTolerationSeconds });
      }
      spec.tolerations = tolerations;
    },
  };
}
