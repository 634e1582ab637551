import { Bool, List, ListMap, Opt, Struct, type Static } from '../../schema/builders';
import { defineResource, kindHeader } from '../../scheme/define-resource';
import { FieldPath, required, type FieldError } from '../../validation/field-errors';
import { LocalObjectReferenceSchema } from './container';
import { ObjectReferenceSchema } from './object-reference';

export const ServiceAccountSchema = Struct({
  ...kindHeader(),
  secrets: Opt(ListMap(ObjectReferenceSchema, 'name')),
  imagePullSecrets: Opt(List(LocalObjectReferenceSchema)),
  automountServiceAccountToken: Opt(Bool()),
});
export type ServiceAccount = Static<typeof ServiceAccountSchema>;

export const serviceaccounts = defineResource<ServiceAccount>({
  group: '',
  version: 'v1',
  kind: 'ServiceAccount',
  resource: 'serviceaccounts',
  shortNames: ['sa'],
  namespaced: true,
  schema: ServiceAccountSchema,
  validate(sa) {
    const errs: FieldError[] = [];
    (sa.secrets ?? []).forEach((s, i) => {
      if (!s.name) errs.push(required(FieldPath.root('secrets').index(i).child('name')));
    });
    return errs;
  },
});
