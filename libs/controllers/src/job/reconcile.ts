import { formatTime, jobs, parseTime, pods, type Job, type JobCondition, type JobStatus, type Pod } from '@skiff/api';
import { isNotFound, objectKey, splitObjectKey, type Clock, type EventRecorder, type KubeClient, type Lister } from '@skiff/client';
import { controllerOf } from '../replicaset/controller-ref';
import type { ControllerExpectations } from '../replicaset/expectations';
import { countJobPods, formatIndexes, podForJob, podIndex, type JobPodCounts } from './job-pods';

export interface JobDeps {
  client: KubeClient;
  jobs: Lister<Job>;
  pods: Lister<Pod>;
  recorder: EventRecorder;
  clock: Clock;
  expectations: ControllerExpectations;
  /** Looks at the job again after `ms`: its active deadline or its TTL after finishing. */
  requeueAfter(key: string, ms: number): void;
}

type Finish = { type: 'Complete' } | { type: 'Failed'; reason: 'BackoffLimitExceeded' | 'DeadlineExceeded'; message: string };

export function finishedCondition(job: Job): JobCondition | undefined {
  return job.status?.conditions?.find((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
}

/** Runs a Job's pods to `completions` successes within backoffLimit and activeDeadlineSeconds, then cleans it up after its TTL. */
export async function reconcileJob(key: string, deps: JobDeps): Promise<void> {
  const { namespace, name } = splitObjectKey(key);
  const job = deps.jobs.get(namespace, name);
  if (!job) {
    deps.expectations.forget(key);
    return;
  }
  if (job.metadata.deletionTimestamp) return;
  const finished = finishedCondition(job);
  if (finished) return deleteAfterTtl(key, job, finished, deps);
  if (!deps.expectations.satisfied(key)) return;

  const now = deps.clock.now();
  const owned = deps.pods.listInNamespace(namespace!).filter((p) => controllerOf(p)?.uid === job.metadata.uid);
  const counts = countJobPods(job, owned);
  const indexed = job.spec.completionMode === 'Indexed';
  const status: JobStatus = { ...(job.status ?? {}) };
  if (!job.spec.suspend) status.startTime ??= formatTime(new Date(now));
  // Pods may be garbage-collected after they finish; the counts already reported never go down.
  status.succeeded = Math.max(job.status?.succeeded ?? 0, indexed ? counts.succeededIndexes.size : counts.succeeded);
  status.failed = Math.max(job.status?.failed ?? 0, counts.failed);
  if (indexed) status.completedIndexes = formatIndexes(counts.succeededIndexes);

  const finish = decideFinish(job, status, counts, now);
  let active = counts.active;
  if (finish) {
    await deletePods(key, job, active, deps);
    active = [];
    status.completionTime = finish.type === 'Complete' ? formatTime(new Date(now)) : status.completionTime;
    status.conditions = [...(status.conditions ?? []).filter((c) => c.type !== finish.type), finishCondition(finish, now)];
  } else {
    active = await manageActivePods(key, job, counts, status.succeeded, deps);
  }
  status.active = active.length;
  status.ready = active.filter(isReady).length;
  await writeStatus(job, status, deps);

  if (finish?.type === 'Complete') deps.recorder.event(job, 'Normal', 'Completed', 'Job completed');
  if (finish?.type === 'Failed') deps.recorder.event(job, 'Warning', finish.reason, finish.message);
  if (finish && job.spec.ttlSecondsAfterFinished !== undefined) deps.requeueAfter(key, job.spec.ttlSecondsAfterFinished * 1000);
  if (!finish && job.spec.activeDeadlineSeconds !== undefined && status.startTime) {
    deps.requeueAfter(key, Math.max(0, parseTime(status.startTime).getTime() + job.spec.activeDeadlineSeconds * 1000 - now));
  }
}

function decideFinish(job: Job, status: JobStatus, counts: JobPodCounts, now: number): Finish | undefined {
  const backoffLimit = job.spec.backoffLimit ?? 6;
  if (Math.max(counts.failures, status.failed ?? 0) > backoffLimit) {
    return { type: 'Failed', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' };
  }
  const deadline = job.spec.activeDeadlineSeconds;
  if (deadline !== undefined && status.startTime && now >= parseTime(status.startTime).getTime() + deadline * 1000) {
    return { type: 'Failed', reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline' };
  }
  const succeeded = status.succeeded ?? 0;
  const completions = job.spec.completions;
  // Without completions the job is a work queue: done once a pod succeeded and the rest have finished.
  const complete = completions !== undefined ? succeeded >= completions : succeeded > 0 && counts.active.length === 0;
  return complete ? { type: 'Complete' } : undefined;
}

function finishCondition(finish: Finish, now: number): JobCondition {
  const at = formatTime(new Date(now));
  const base = { type: finish.type, status: 'True', lastProbeTime: at, lastTransitionTime: at };
  return finish.type === 'Failed' ? { ...base, reason: finish.reason, message: finish.message } : base;
}

/** Active pods = min(parallelism, what is still to do); creates or deletes the difference. Returns the active pods after. */
async function manageActivePods(key: string, job: Job, counts: JobPodCounts, succeeded: number, deps: JobDeps): Promise<Pod[]> {
  const parallelism = job.spec.parallelism ?? 1;
  const completions = job.spec.completions;
  const active = counts.active;
  // A work queue job that has a success starts nothing new but lets the running pods finish.
  if (completions === undefined && succeeded > 0 && !job.spec.suspend) return active;
  const remaining = completions !== undefined ? Math.max(0, completions - succeeded) : parallelism;
  const wanted = job.spec.suspend ? 0 : Math.min(parallelism, remaining);
  if (active.length > wanted) {
    // Not-ready pods go first: they have done the least work.
    const victims = [...active].sort((a, b) => Number(isReady(a)) - Number(isReady(b))).slice(0, active.length - wanted);
    await deletePods(key, job, victims, deps);
    return active.filter((p) => !victims.includes(p));
  }
  if (active.length === wanted) return active;
  let toCreate: (number | undefined)[];
  if (job.spec.completionMode === 'Indexed') {
    const busy = new Set(active.map(podIndex));
    const pending = [...Array(completions ?? 0).keys()].filter((i) => !counts.succeededIndexes.has(i) && !busy.has(i));
    toCreate = pending.slice(0, wanted - active.length);
  } else {
    toCreate = Array(wanted - active.length).fill(undefined);
  }
  deps.expectations.expectCreations(key, toCreate.length);
  const created: Pod[] = [];
  let firstError: unknown;
  for (const index of toCreate) {
    try {
      const pod = await deps.client.create<Pod>(pods, job.metadata.namespace, podForJob(job, index));
      created.push(pod);
      deps.recorder.event(job, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`);
    } catch (e) {
      deps.expectations.creationObserved(key);
      firstError ??= e;
    }
  }
  if (firstError) throw firstError;
  return [...active, ...created];
}

const isReady = (p: Pod) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

async function deletePods(key: string, job: Job, victims: Pod[], deps: JobDeps): Promise<void> {
  if (victims.length === 0) return;
  deps.expectations.expectDeletions(key, victims.map(objectKey));
  for (const pod of victims) {
    try {
      await deps.client.delete(pods, pod.metadata.namespace, pod.metadata.name!);
      deps.recorder.event(job, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`);
    } catch (e) {
      deps.expectations.deletionObserved(key, objectKey(pod));
      if (!isNotFound(e)) throw e;
    }
  }
}

const statusFields: (keyof JobStatus)[] = ['active', 'ready', 'succeeded', 'failed', 'startTime', 'completionTime', 'conditions', 'completedIndexes'];

async function writeStatus(job: Job, status: JobStatus, deps: JobDeps): Promise<void> {
  const changed = statusFields.filter((f) => JSON.stringify(status[f]) !== JSON.stringify(job.status?.[f]));
  if (changed.length === 0) return;
  const patch = Object.fromEntries(changed.map((f) => [f, status[f] ?? null]));
  await deps.client.patch(jobs, job.metadata.namespace, job.metadata.name!, 'merge', { status: patch }, { subresource: 'status' });
}

/** Kubernetes' TTL-after-finished controller: a finished Job with ttlSecondsAfterFinished is deleted (Background) once it runs out. */
async function deleteAfterTtl(key: string, job: Job, finished: JobCondition, deps: JobDeps): Promise<void> {
  const ttl = job.spec.ttlSecondsAfterFinished;
  if (ttl === undefined) return;
  const finishedAt = job.status?.completionTime ?? finished.lastTransitionTime;
  const expiresAt = (finishedAt ? parseTime(finishedAt).getTime() : deps.clock.now()) + ttl * 1000;
  const now = deps.clock.now();
  if (now < expiresAt) {
    deps.requeueAfter(key, expiresAt - now);
    return;
  }
  try {
    await deps.client.delete(jobs, job.metadata.namespace, job.metadata.name!, { propagationPolicy: 'Background', preconditions: { uid: job.metadata.uid } });
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
}
