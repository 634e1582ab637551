import { Int64, Opt, Str, Struct, Time, type Static } from '../schema/builders';

/** metav1.Condition, the standard condition shape of newer kinds. */
export const ConditionSchema = Struct({
  type: Str(),
  status: Str(),
  observedGeneration: Opt(Int64()),
  lastTransitionTime: Time(),
  reason: Str(),
  message: Str(),
});
export type Condition = Static<typeof ConditionSchema>;
