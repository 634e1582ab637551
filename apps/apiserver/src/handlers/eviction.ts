import { labelSelectorFromObject, type DeleteOptions, type KObject } from '@skiff/api';
import type { UserInfo } from '../admission/admission';
import { registryByName, type ApiContext } from './api-context';
import { objectOf } from '../storage/watch-cache';
import { StatusError, tooManyRequests } from './status-error';

interface PDB extends KObject {
  spec?: { selector?: { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values?: string[] }[] } };
  status?: { disruptionsAllowed?: number; observedGeneration?: number; disruptedPods?: Record<string, string> };
}

const violation = 'Cannot evict pod as it would violate the pod\'s disruption budget.';

/**
 * pods/eviction: a delete that respects PodDisruptionBudgets. A running pod covered by a budget is evicted only
 * when the budget allows a disruption, which is taken from the budget (compare-and-swap) before the delete.
 */
export async function evictPod(ctx: ApiContext, namespace: string, name: string, opts: DeleteOptions, writeCtx: { user: UserInfo; dryRun: boolean }): Promise<void> {
  const { user, dryRun } = writeCtx;
  const pods = registryByName(ctx, '', 'v1', 'pods');
  const pdbs = registryByName(ctx, 'policy', 'v1', 'poddisruptionbudgets');
  const pod = (await pods.get(namespace, name)) as KObject & { status?: { phase?: string } };
  const phase = pod.status?.phase;
  // Finished or not-yet-running pods disrupt nothing.
  const needsBudget = phase === 'Running' && !pod.metadata.deletionTimestamp;
  if (needsBudget) {
    await pdbs.cache.start();
    const covering = pdbs.cache
      .list(`/registry/${pdbs.type.etcdPrefix}/${namespace}/`)
      .map((c) => objectOf(c) as PDB)
      .filter((p) => {
        try {
          const sel = labelSelectorFromObject(p.spec?.selector);
          return !sel.isEmpty() && sel.matches(pod.metadata.labels ?? {});
        } catch {
          return false;
        }
      });
    if (covering.length > 1) {
      throw new StatusError(500, 'InternalError', 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.');
    }
    if (covering.length === 1) {
      const pdb = covering[0];
      await pdbs.update(
        namespace,
        pdb.metadata.name!,
        (cur) => {
          const p = cur as PDB;
          if ((p.status?.observedGeneration ?? 0) < (p.metadata.generation ?? 0)) {
            throw tooManyRequests(`${violation} The disruption budget ${p.metadata.name} is still being processed by the server.`, 10, [
              { reason: 'DisruptionBudget', message: `The disruption budget ${p.metadata.name} is still being processed by the server.` },
            ]);
          }
          const allowed = p.status?.disruptionsAllowed ?? 0;
          if (allowed <= 0) {
            throw tooManyRequests(violation, 10, [
              { reason: 'DisruptionBudget', message: `The disruption budget ${p.metadata.name} needs ${allowed === 0 ? 'more healthy pods' : 'a recount'} and has 0 disruptions allowed` },
            ]);
          }
          p.status = { ...(p.status ?? {}), disruptionsAllowed: allowed - 1, disruptedPods: { ...(p.status?.disruptedPods ?? {}), [name]: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z') } };
          return p;
        },
        { user, dryRun },
        { subresource: 'status' },
      );
    }
  }
  await pods.delete(namespace, name, opts, { user, dryRun });
}
