import { defaultPodSpec } from '../../core/v1/pod-defaults';
import { defaultPersistentVolumeClaimTemplate } from './persistent-volume-claim-template';
import type { StatefulSet } from './stateful-set';

/** apps/v1 StatefulSet defaults: ordered, rolling from partition 0, keeping claims on delete and scale-down. */
export function defaultStatefulSet(sts: StatefulSet): void {
  const spec = sts.spec;
  if (!spec) return;
  spec.replicas ??= 1;
  spec.podManagementPolicy ??= 'OrderedReady';
  spec.updateStrategy ??= {};
  spec.updateStrategy.type ??= 'RollingUpdate';
  if (spec.updateStrategy.type === 'RollingUpdate') {
    spec.updateStrategy.rollingUpdate ??= {};
    spec.updateStrategy.rollingUpdate.partition ??= 0;
  }
  spec.revisionHistoryLimit ??= 10;
  spec.persistentVolumeClaimRetentionPolicy ??= {};
  spec.persistentVolumeClaimRetentionPolicy.whenDeleted ??= 'Retain';
  spec.persistentVolumeClaimRetentionPolicy.whenScaled ??= 'Retain';
  for (const t of spec.volumeClaimTemplates ?? []) defaultPersistentVolumeClaimTemplate(t);
  if (spec.template?.spec) defaultPodSpec(spec.template.spec);
}
