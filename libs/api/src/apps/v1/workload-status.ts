import { Opt, Str, Struct, Time } from '../../schema/builders';

/** The condition shape of ReplicaSet, DaemonSet and StatefulSet status (Deployment adds lastUpdateTime). */
export const workloadConditionFields = {
  type: Str(),
  status: Str(),
  lastTransitionTime: Opt(Time()),
  reason: Opt(Str()),
  message: Opt(Str()),
};

export const WorkloadConditionSchema = Struct(workloadConditionFields);
