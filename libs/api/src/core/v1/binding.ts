import { Struct, type Static } from '../../schema/builders';
import { defineResource, kindHeader } from '../../scheme/define-resource';
import { FieldPath, invalid, required, type FieldError } from '../../validation/field-errors';
import { ObjectReferenceSchema } from './object-reference';

/** Binds a pod to a node; created through `pods/<name>/binding` or `bindings`, never stored itself. */
export const BindingSchema = Struct({
  ...kindHeader(),
  target: ObjectReferenceSchema,
});
export type Binding = Static<typeof BindingSchema>;

export const bindings = defineResource<Binding>({
  group: '',
  version: 'v1',
  kind: 'Binding',
  resource: 'bindings',
  namespaced: true,
  verbs: ['create'],
  stored: false,
  schema: BindingSchema,
  validate(b) {
    const errs: FieldError[] = [];
    const target = FieldPath.root('target');
    if (!b.target?.name) errs.push(required(target.child('name')));
    if (b.target?.kind && b.target.kind !== 'Node') errs.push(invalid(target.child('kind'), b.target.kind, "must be empty or 'Node'"));
    return errs;
  },
});
