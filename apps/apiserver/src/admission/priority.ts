import { systemPriorityClasses, type KObject, type PriorityClass } from '@skiff/api';
import { registryByName, type ApiContext } from '../handlers/api-context';
import { forbidden } from '../handlers/status-error';
import { collectionPrefix, decodeStored } from '../storage/keys';
import type { CachedObject } from '../storage/watch-cache';
import type { AdmissionPlugin, AdmissionRequest } from './admission';

interface PodSpecPriority {
  priorityClassName?: string;
  priority?: number;
  preemptionPolicy?: string;
}

/** Reads PriorityClasses: from the watch cache once it is ready, else from etcd. Parsed objects are kept per version. */
class PriorityClassReader {
  private readonly parsed = new Map<string, { json: string; obj: PriorityClass }>();

  constructor(private readonly context: () => ApiContext) {}

  async all(): Promise<PriorityClass[]> {
    const reg = registryByName(this.context(), 'scheduling.k8s.io', 'v1', 'priorityclasses');
    if (!reg.cache.ready) {
      const res = await this.context().store.rangeAll(collectionPrefix(reg.type));
      return res.kvs.map((kv) => decodeStored<PriorityClass>(kv.value, kv.modRevision));
    }
    return reg.cache.list().map((c) => this.parse(c));
  }

  private parse(c: CachedObject): PriorityClass {
    const memo = this.parsed.get(c.key);
    if (memo?.json === c.json) return memo.obj;
    const obj = JSON.parse(c.json) as PriorityClass;
    this.parsed.set(c.key, { json: c.json, obj });
    return obj;
  }
}

/** A stored class wins over the built-in one of the same name (they are identical once the apiserver creates them). */
function findClass(stored: PriorityClass[], name: string): PriorityClass | undefined {
  return stored.find((pc) => pc.metadata.name === name) ?? systemPriorityClasses.find((pc) => pc.metadata.name === name);
}

/** With several global defaults (a race between writers), the lowest value wins, as in Kubernetes. */
function globalDefault(stored: PriorityClass[]): PriorityClass | undefined {
  let best: PriorityClass | undefined;
  for (const pc of stored) if (pc.globalDefault && (!best || pc.value < best.value)) best = pc;
  return best;
}

const isPods = (req: AdmissionRequest) => req.type.group === '' && req.type.resource === 'pods' && !req.subresource;
const isPriorityClasses = (req: AdmissionRequest) => req.type.group === 'scheduling.k8s.io' && req.type.resource === 'priorityclasses';

/**
 * Kubernetes' Priority admission: a new pod's priorityClassName (or the global default class, or none) is
 * resolved into spec.priority and spec.preemptionPolicy; a pod naming a class that does not exist, or carrying a
 * priority that disagrees with its class, is refused. system-node-critical and system-cluster-critical always
 * exist. Only one PriorityClass may be the global default.
 */
export function priorityAdmission(context: () => ApiContext): AdmissionPlugin {
  const reader = new PriorityClassReader(context);
  return {
    name: 'Priority',
    async mutate(req) {
      if (!isPods(req) || !req.object) return;
      const spec = (req.object as KObject & { spec?: PodSpecPriority }).spec;
      if (!spec) return;
      if (req.operation === 'UPDATE') {
        // Priority is set once at create; an update that leaves it out keeps it.
        const old = (req.oldObject as KObject & { spec?: PodSpecPriority } | undefined)?.spec;
        if (spec.priority === undefined && old?.priority !== undefined) spec.priority = old.priority;
        if (spec.preemptionPolicy === undefined && old?.preemptionPolicy !== undefined) spec.preemptionPolicy = old.preemptionPolicy;
        return;
      }
      if (req.operation !== 'CREATE') return;
      const stored = await reader.all();
      let priority = 0;
      let policy: string | undefined = 'PreemptLowerPriority';
      if (!spec.priorityClassName) {
        const def = globalDefault(stored);
        if (def) {
          spec.priorityClassName = def.metadata.name;
          priority = def.value;
          policy = def.preemptionPolicy;
        }
      } else {
        const pc = findClass(stored, spec.priorityClassName);
        if (!pc) throw forbidden(req.type, req.name, `no PriorityClass with name ${spec.priorityClassName} was found`);
        priority = pc.value;
        policy = pc.preemptionPolicy;
      }
      if (spec.priority !== undefined && spec.priority !== priority) {
        throw forbidden(
          req.type,
          req.name,
          `the integer value of priority (${spec.priority}) must not be provided in pod spec; priority admission controller computed ${priority} from the given PriorityClass name`,
        );
      }
      spec.priority = priority;
      if (policy) {
        if (spec.preemptionPolicy !== undefined && spec.preemptionPolicy !== policy) {
          throw forbidden(
            req.type,
            req.name,
            `the string value of PreemptionPolicy (${spec.preemptionPolicy}) must not be provided in pod spec; priority admission controller computed ${policy} from the given PriorityClass name`,
          );
        }
        spec.preemptionPolicy = policy;
      }
    },
    async validate(req) {
      if (!isPriorityClasses(req) || (req.operation !== 'CREATE' && req.operation !== 'UPDATE') || !req.object) return;
      const pc = req.object as PriorityClass;
      if (!pc.globalDefault) return;
      const other = (await reader.all()).find((c) => c.globalDefault && c.metadata.name !== pc.metadata.name);
      if (other) throw forbidden(req.type, req.name, `PriorityClass ${other.metadata.name} is already marked as default. Only one default can exist`);
    },
  };
}
