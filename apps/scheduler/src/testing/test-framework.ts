import type { PodDisruptionBudget } from '@skiff/api';
import type { KubeClient } from '@skiff/client';
import type { PodInfo } from '../cache/pod-info';
import type { SchedulerCache } from '../cache/scheduler-cache';
import type { Framework } from '../framework/framework';
import { Nominator } from '../framework/nominator';
import { defaultFramework } from '../plugins/default-plugins';

/** What preemption asked the API to do, in order. */
export interface RecordedPreemption {
  preempted: string[];
  clearedNominations: string[];
}

/** The default profile over a cache, with binding and preemption writes recorded instead of sent. */
export function testFramework(cache: SchedulerCache, o: { budgets?: PodDisruptionBudget[]; random?: () => number } = {}): {
  framework: Framework;
  nominator: Nominator;
  recorded: RecordedPreemption;
  bound: { pod: string; node: string }[];
} {
  const recorded: RecordedPreemption = { preempted: [], clearedNominations: [] };
  const bound: { pod: string; node: string }[] = [];
  const nominator = new Nominator();
  const client = {
    create: async (_type: unknown, namespace: string, body: { target: { name: string } }, opts: { name: string }) => {
      bound.push({ pod: `${namespace}/${opts.name}`, node: body.target.name });
      return body;
    },
  } as unknown as KubeClient;
  const framework = defaultFramework({
    cache,
    nominator,
    client,
    namespaceLabels: () => undefined,
    budgets: () => o.budgets ?? [],
    preemption: {
      preempt: async (victim: PodInfo) => {
        recorded.preempted.push(victim.name);
      },
      clearNomination: async (pods: PodInfo[]) => {
        recorded.clearedNominations.push(...pods.map((p) => p.name));
      },
    },
    random: o.random ?? (() => 0),
  });
  return { framework, nominator, recorded, bound };
}

