import { Int, MicroTime, Opt, Str, Struct, type Static } from '../../schema/builders';
import { defineResource, kindHeader } from '../../scheme/define-resource';
import { FieldPath, forbidden, notSupported, type FieldError } from '../../validation/field-errors';
import { validateNonNegative, validatePositive } from '../../apps/v1/numeric-validation';

export const LeaseSpecSchema = Struct({
  holderIdentity: Opt(Str()),
  leaseDurationSeconds: Opt(Int()),
  acquireTime: Opt(MicroTime()),
  renewTime: Opt(MicroTime()),
  leaseTransitions: Opt(Int()),
  /** Coordinated leader election: how the holder is chosen among candidates. */
  strategy: Opt(Str()),
  preferredHolder: Opt(Str()),
});
export type LeaseSpec = Static<typeof LeaseSpecSchema>;

export const LeaseSchema = Struct({
  ...kindHeader(),
  spec: Opt(LeaseSpecSchema),
});
export type Lease = Static<typeof LeaseSchema>;

export const leaseStrategies = ['OldestEmulationVersion'] as const;

export function validateLease(lease: Lease): FieldError[] {
  const spec = lease.spec;
  if (!spec) return [];
  const p = FieldPath.root('spec');
  const errs = [
    ...validatePositive(spec.leaseDurationSeconds, p.child('leaseDurationSeconds')),
    ...validateNonNegative(spec.leaseTransitions, p.child('leaseTransitions')),
  ];
  if (spec.strategy && !(leaseStrategies as readonly string[]).includes(spec.strategy)) {
    errs.push(notSupported(p.child('strategy'), spec.strategy, leaseStrategies));
  }
  if (spec.preferredHolder && !spec.strategy) {
    errs.push(forbidden(p.child('preferredHolder'), 'may only be specified if `strategy` is defined'));
  }
  return errs;
}

export const leases = defineResource<Lease>({
  group: 'coordination.k8s.io',
  version: 'v1',
  kind: 'Lease',
  resource: 'leases',
  namespaced: true,
  schema: LeaseSchema,
  validate: validateLease,
});
