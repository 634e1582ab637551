import { controllerUidLabel, jobNameLabel, jobs, legacyControllerUidLabel, legacyJobNameLabel, type Job, type Pod } from '@skiff/api';
import { controllerReferenceTo } from '../replicaset/controller-ref';

export const completionIndexAnnotation = 'batch.kubernetes.io/job-completion-index';

/** The pod a Job runs: its template, the job's selector labels, the controller reference, and for Indexed jobs the index. */
export function podForJob(job: Job, index?: number): Pod {
  const template = structuredClone(job.spec.template);
  const name = job.metadata.name!;
  const uid = job.metadata.uid!;
  const labels: Record<string, string> = { ...(template.metadata?.labels ?? {}), [jobNameLabel]: name, [legacyJobNameLabel]: name, [controllerUidLabel]: uid, [legacyControllerUidLabel]: uid };
  const annotations = { ...(template.metadata?.annotations ?? {}) };
  const spec = template.spec!;
  if (index !== undefined) {
    labels[completionIndexAnnotation] = String(index);
    annotations[completionIndexAnnotation] = String(index);
    spec.hostname ??= `${name}-${index}`;
    for (const c of spec.containers) c.env = [...(c.env ?? []), { name: 'JOB_COMPLETION_INDEX', value: String(index) }];
  }
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { generateName: index === undefined ? `${name}-` : `${name}-${index}-`, labels, annotations, ownerReferences: [controllerReferenceTo(job, jobs)] },
    spec,
  };
}

export function podIndex(pod: Pod): number | undefined {
  const text = pod.metadata.annotations?.[completionIndexAnnotation];
  return text !== undefined && /^\d+$/.test(text) ? Number(text) : undefined;
}

const isActive = (p: Pod) => p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed' && !p.metadata.deletionTimestamp;

/** What the job's pods say: active ones, finished counts, and the failures that count toward backoffLimit. */
export interface JobPodCounts {
  active: Pod[];
  succeeded: number;
  failed: number;
  /** Failed pods, plus container restarts of active pods when restartPolicy is OnFailure (Kubernetes counts both). */
  failures: number;
  succeededIndexes: Set<number>;
}

export function countJobPods(job: Job, pods: Pod[]): JobPodCounts {
  const active = pods.filter(isActive);
  const succeededPods = pods.filter((p) => p.status?.phase === 'Succeeded');
  const failed = pods.filter((p) => p.status?.phase === 'Failed').length;
  const restarts =
    job.spec.template.spec?.restartPolicy === 'OnFailure'
      ? active.reduce((sum, p) => sum + (p.status?.containerStatuses ?? []).reduce((s, c) => s + (c.restartCount ?? 0), 0), 0)
      : 0;
  const succeededIndexes = new Set<number>();
  for (const p of succeededPods) {
    const i = podIndex(p);
    if (i !== undefined && i < (job.spec.completions ?? 0)) succeededIndexes.add(i);
  }
  return { active, succeeded: succeededPods.length, failed, failures: failed + restarts, succeededIndexes };
}

/** Indexes as Kubernetes writes status.completedIndexes: sorted intervals, `1,3-5,7`. */
export function formatIndexes(indexes: Set<number>): string {
  const sorted = [...indexes].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    parts.push(i === j ? String(sorted[i]) : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}
