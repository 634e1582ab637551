import { DeleteOptionsSchema } from '../../meta/options';
import { Opt, Struct, type Static } from '../../schema/builders';
import { kindHeader } from '../../scheme/define-resource';

/**
 * A request to delete a pod subject to its disruption budgets. It is never stored: clients POST it to the
 * pods/eviction subresource, named like the pod.
 */
export const EvictionSchema = Struct({
  ...kindHeader(),
  deleteOptions: Opt(DeleteOptionsSchema),
});
export type Eviction = Static<typeof EvictionSchema>;
