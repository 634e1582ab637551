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
  // Served only when the apiserver has a signing key; without one it answers 404 as an unknown subresource.
  subresources: [{ name: 'token', kind: { group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest' }, verbs: ['create'] }],
  validate(sa) {
    const errs: FieldError[] = [];
    (sa.secrets ?? []).forEach((s, i) => {
      if (!s.name) errs.push(required(FieldPath.root('secrets').index(i).child('name')));
    });
    return errs;
  },
});
