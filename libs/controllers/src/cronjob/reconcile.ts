import { cronjobs, CronScheduleError, formatTime, jobs, parseCronSchedule, parseTime, type CronJob, type CronJobStatus, type Job, type ObjectReference } from '@skiff/api';
import { isAlreadyExists, isNotFound, splitObjectKey, type Clock, type EventRecorder, type KubeClient, type Lister } from '@skiff/client';
import { finishedCondition } from '../job/reconcile';
import { controllerOf, controllerReferenceTo } from '../replicaset/controller-ref';
import { isKnownTimeZone, mostRecentScheduleTime, nextScheduleTime } from './schedule-times';

export const scheduledTimestampAnnotation = 'batch.kubernetes.io/cronjob-scheduled-timestamp';

export interface CronJobDeps {
  client: KubeClient;
  cronJobs: Lister<CronJob>;
  jobs: Lister<Job>;
  recorder: EventRecorder;
  clock: Clock;
  /** Looks at the CronJob again after `ms` (its next schedule time). */
  requeueAfter(key: string, ms: number): void;
}

/** Job names carry the scheduled time in minutes since the epoch, so a run is created at most once. */
export function jobNameFor(cj: CronJob, scheduledMs: number): string {
  return `${cj.metadata.name}-${Math.floor(scheduledMs / 60_000)}`;
}

const refTo = (job: Job): ObjectReference => ({ kind: 'Job', namespace: job.metadata.namespace, name: job.metadata.name, uid: job.metadata.uid, apiVersion: 'batch/v1', resourceVersion: job.metadata.resourceVersion });

/** Starts the CronJob's Jobs on schedule under its concurrency policy, tracks them in status, and trims finished ones to the history limits. */
export async function reconcileCronJob(key: string, deps: CronJobDeps): Promise<void> {
  const { namespace, name } = splitObjectKey(key);
  const cj = deps.cronJobs.get(namespace, name);
  if (!cj || cj.metadata.deletionTimestamp) return;
  const now = deps.clock.now();
  const owned = deps.jobs.listInNamespace(namespace!).filter((j) => controllerOf(j)?.uid === cj.metadata.uid);
  const status: CronJobStatus = { ...(cj.status ?? {}) };
  let active = trackActive(cj, owned, status, deps);
  await trimHistory(cj, owned, deps);

  const timeZone = cj.spec.timeZone ?? 'UTC';
  if (!isKnownTimeZone(timeZone)) {
    deps.recorder.event(cj, 'Warning', 'UnknownTimeZone', `invalid timeZone: "${timeZone}"`);
    return writeStatus(cj, status, active, deps);
  }
  let schedule;
  try {
    schedule = parseCronSchedule(cj.spec.schedule);
  } catch (e) {
    if (!(e instanceof CronScheduleError)) throw e;
    deps.recorder.event(cj, 'Warning', 'UnparseableSchedule', `unparseable schedule: "${cj.spec.schedule}" : ${e.message}`);
    return writeStatus(cj, status, active, deps);
  }
  const requeueForNext = () => {
    const next = nextScheduleTime(schedule, now, timeZone);
    if (next !== undefined) deps.requeueAfter(key, next - now + 100);
  };
  if (cj.spec.suspend) return writeStatus(cj, status, active, deps);

  // Missed runs are looked for since the last one, but no further back than startingDeadlineSeconds.
  let earliest = parseTime(status.lastScheduleTime ?? cj.metadata.creationTimestamp ?? formatTime(new Date(now))).getTime();
  const deadlineSeconds = cj.spec.startingDeadlineSeconds;
  if (deadlineSeconds !== undefined && deadlineSeconds !== null) earliest = Math.max(earliest, now - deadlineSeconds * 1000);
  const { latest: scheduled, missed } = mostRecentScheduleTime(schedule, earliest, now, timeZone);
  if (missed > 100) {
    deps.recorder.event(cj, 'Warning', 'TooManyMissedTimes', 'too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew');
  }
  if (scheduled === undefined || owned.some((j) => j.metadata.name === jobNameFor(cj, scheduled))) {
    requeueForNext();
    return writeStatus(cj, status, active, deps);
  }
  if (active.length > 0 && cj.spec.concurrencyPolicy === 'Forbid') {
    deps.recorder.event(cj, 'Normal', 'JobAlreadyActive', 'Not starting job because prior execution is running and concurrency policy is Forbid');
    requeueForNext();
    return writeStatus(cj, status, active, deps);
  }
  if (active.length > 0 && cj.spec.concurrencyPolicy === 'Replace') {
    for (const ref of active) await deleteJob(cj, ref.name!, deps);
    active = [];
  }
  const job = await createJob(cj, scheduled, deps);
  if (job) active = [...active, refTo(job)];
  status.lastScheduleTime = formatTime(new Date(scheduled));
  await writeStatus(cj, status, active, deps);
  requeueForNext();
}

/** status.active as the Jobs say: finished ones leave (a success moves lastSuccessfulTime), running ones we own are listed. */
function trackActive(cj: CronJob, owned: Job[], status: CronJobStatus, deps: CronJobDeps): ObjectReference[] {
  const byUid = new Map(owned.map((j) => [j.metadata.uid, j]));
  const active: ObjectReference[] = [];
  for (const ref of cj.status?.active ?? []) {
    const job = byUid.get(ref.uid);
    if (!job) continue;
    const finished = finishedCondition(job);
    if (!finished) {
      active.push(ref);
      continue;
    }
    deps.recorder.event(cj, 'Normal', 'SawCompletedJob', `Saw completed job: ${job.metadata.name}, status: ${finished.type}`);
    const doneAt = job.status?.completionTime;
    if (finished.type === 'Complete' && doneAt && (!status.lastSuccessfulTime || parseTime(doneAt) > parseTime(status.lastSuccessfulTime))) status.lastSuccessfulTime = doneAt;
  }
  for (const job of owned) {
    if (!finishedCondition(job) && !job.metadata.deletionTimestamp && !active.some((r) => r.uid === job.metadata.uid)) active.push(refTo(job));
  }
  return active;
}

/** Keeps the newest successfulJobsHistoryLimit complete and failedJobsHistoryLimit failed Jobs; older ones are deleted. */
async function trimHistory(cj: CronJob, owned: Job[], deps: CronJobDeps): Promise<void> {
  const started = (j: Job) => parseTime(j.status?.startTime ?? j.metadata.creationTimestamp ?? '1970-01-01T00:00:00Z').getTime();
  for (const [type, limit] of [
    ['Complete', cj.spec.successfulJobsHistoryLimit ?? 3],
    ['Failed', cj.spec.failedJobsHistoryLimit ?? 1],
  ] as const) {
    const finished = owned.filter((j) => !j.metadata.deletionTimestamp && finishedCondition(j)?.type === type).sort((a, b) => started(a) - started(b));
    for (const job of finished.slice(0, Math.max(0, finished.length - limit))) await deleteJob(cj, job.metadata.name!, deps);
  }
}

async function deleteJob(cj: CronJob, name: string, deps: CronJobDeps): Promise<void> {
  try {
    await deps.client.delete(jobs, cj.metadata.namespace, name, { propagationPolicy: 'Background' });
    deps.recorder.event(cj, 'Normal', 'SuccessfulDelete', `Deleted job ${name}`);
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
}

async function createJob(cj: CronJob, scheduledMs: number, deps: CronJobDeps): Promise<Job | undefined> {
  const template = structuredClone(cj.spec.jobTemplate);
  const job: Job = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: jobNameFor(cj, scheduledMs),
      namespace: cj.metadata.namespace,
      labels: template.metadata?.labels,
      annotations: { ...(template.metadata?.annotations ?? {}), [scheduledTimestampAnnotation]: formatTime(new Date(scheduledMs)) },
      ownerReferences: [controllerReferenceTo(cj, cronjobs)],
    },
    spec: template.spec,
  };
  try {
    const created = await deps.client.create<Job>(jobs, cj.metadata.namespace, job);
    deps.recorder.event(cj, 'Normal', 'SuccessfulCreate', `Created job ${created.metadata.name}`);
    return created;
  } catch (e) {
    // Made already (a previous attempt whose answer was lost): the informer will list it as active.
    if (isAlreadyExists(e)) return undefined;
    throw e;
  }
}

async function writeStatus(cj: CronJob, status: CronJobStatus, active: ObjectReference[], deps: CronJobDeps): Promise<void> {
  const next = { ...status, active: active.length ? active : undefined };
  const fields = ['active', 'lastScheduleTime', 'lastSuccessfulTime'] as const;
  const changed = fields.filter((f) => JSON.stringify(next[f]) !== JSON.stringify(cj.status?.[f]));
  if (changed.length === 0) return;
  const patch = Object.fromEntries(changed.map((f) => [f, next[f] ?? null]));
  await deps.client.patch(cronjobs, cj.metadata.namespace, cj.metadata.name!, 'merge', { status: patch }, { subresource: 'status' });
}
