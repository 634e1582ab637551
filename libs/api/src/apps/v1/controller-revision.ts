import { Int64, Opt, RawJSON, Struct, type Static } from '../../schema/builders';
import { defineResource, kindHeader } from '../../scheme/define-resource';
import { FieldPath, required, type FieldError } from '../../validation/field-errors';
import { validateImmutableField } from './immutable-field';
import { validateNonNegative } from './numeric-validation';

/** An immutable snapshot of a DaemonSet's or StatefulSet's template, kept for rollbacks. */
export const ControllerRevisionSchema = Struct({
  ...kindHeader(),
  /** The serialized state (a strategic-merge patch of the owner), kept exactly as written. */
  data: Opt(RawJSON()),
  revision: Int64(),
});
export type ControllerRevision = Static<typeof ControllerRevisionSchema>;

export function validateControllerRevision(cr: ControllerRevision): FieldError[] {
  const errs: FieldError[] = [];
  if (cr.data === undefined || cr.data === null) errs.push(required(FieldPath.root('data'), 'data is mandatory'));
  errs.push(...validateNonNegative(cr.revision, FieldPath.root('revision')));
  return errs;
}

export const controllerrevisions = defineResource<ControllerRevision>({
  group: 'apps',
  version: 'v1',
  kind: 'ControllerRevision',
  resource: 'controllerrevisions',
  namespaced: true,
  schema: ControllerRevisionSchema,
  validate: validateControllerRevision,
  validateUpdate: (cr, old) => validateImmutableField(cr.data, old.data, FieldPath.root('data')),
});
