import { List, Opt, Str, Struct, type Static } from '../../schema/builders';
import { defineResource, kindHeader } from '../../scheme/define-resource';
import { FieldPath, invalid, notSupported, required, type FieldError } from '../../validation/field-errors';
import { check, isDNS1123Subdomain, isPathSegmentName } from '../../validation/names';
import { rbacGroupName } from './policy-rule';

export const subjectKinds = ['ServiceAccount', 'User', 'Group'] as const;
export type SubjectKind = (typeof subjectKinds)[number];

/** The role a binding grants. It cannot change: delete and re-create the binding instead. */
export const RoleRefSchema = Struct({
  apiGroup: Opt(Str()),
  kind: Str(),
  name: Str(),
});
export type RoleRef = Static<typeof RoleRefSchema>;

/**
 * Who a binding grants its role to. Users and groups are names the authenticator produced, in the
 * rbac.authorization.k8s.io group; a ServiceAccount is in the core group and lives in a namespace (in a
 * RoleBinding, the binding's own when none is given).
 */
export const SubjectSchema = Struct({
  kind: Str(),
  apiGroup: Opt(Str()),
  name: Str(),
  namespace: Opt(Str()),
});
export type Subject = Static<typeof SubjectSchema>;

export const RoleBindingSchema = Struct({
  ...kindHeader(),
  subjects: Opt(List(SubjectSchema)),
  roleRef: RoleRefSchema,
});
export type RoleBinding = Static<typeof RoleBindingSchema>;

export const ClusterRoleBindingSchema = Struct({
  ...kindHeader(),
  subjects: Opt(List(SubjectSchema)),
  roleRef: RoleRefSchema,
});
export type ClusterRoleBinding = Static<typeof ClusterRoleBindingSchema>;

/** SetDefaults_Subject and SetDefaults_*RoleBinding: users and groups, and role references, are RBAC's. */
function applyBindingDefaults(binding: RoleBinding | ClusterRoleBinding): void {
  if (binding.roleRef && !binding.roleRef.apiGroup) binding.roleRef.apiGroup = rbacGroupName;
  for (const s of binding.subjects ?? []) {
    if (!s.apiGroup && (s.kind === 'User' || s.kind === 'Group')) s.apiGroup = rbacGroupName;
  }
}

function validateSubject(s: Subject, namespaced: boolean, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (typeof s.name === 'string' && s.name.length === 0) errs.push(required(p.child('name')));
  switch (s.kind) {
    case 'ServiceAccount':
      if (s.name) errs.push(...check(p.child('name'), s.name, isDNS1123Subdomain));
      if (s.apiGroup) errs.push(notSupported(p.child('apiGroup'), s.apiGroup, ['']));
      if (!namespaced && !s.namespace) errs.push(required(p.child('namespace')));
      break;
    case 'User':
    case 'Group':
      if (s.apiGroup !== rbacGroupName) errs.push(notSupported(p.child('apiGroup'), s.apiGroup ?? '', [rbacGroupName]));
      break;
    default:
      errs.push(notSupported(p.child('kind'), s.kind, subjectKinds));
  }
  return errs;
}

function validateBinding(binding: RoleBinding | ClusterRoleBinding, namespaced: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const ref = binding.roleRef;
  if (ref) {
    const p = FieldPath.root('roleRef');
    const apiGroup = ref.apiGroup ?? '';
    if (apiGroup !== rbacGroupName) errs.push(notSupported(p.child('apiGroup'), apiGroup, [rbacGroupName]));
    const kinds = namespaced ? ['Role', 'ClusterRole'] : ['ClusterRole'];
    if (typeof ref.kind === 'string' && !kinds.includes(ref.kind)) errs.push(notSupported(p.child('kind'), ref.kind, kinds));
    if (ref.name === '') errs.push(required(p.child('name')));
    else if (typeof ref.name === 'string') errs.push(...check(p.child('name'), ref.name, isPathSegmentName));
  }
  (binding.subjects ?? []).forEach((s, i) => errs.push(...validateSubject(s, namespaced, FieldPath.root('subjects').index(i))));
  return errs;
}

function validateRoleRefUnchanged(binding: RoleBinding | ClusterRoleBinding, old: RoleBinding | ClusterRoleBinding): FieldError[] {
  const a = binding.roleRef;
  const b = old.roleRef;
  const same = a?.apiGroup === b?.apiGroup && a?.kind === b?.kind && a?.name === b?.name;
  return same ? [] : [invalid(FieldPath.root('roleRef'), a, 'cannot change roleRef')];
}

export const rolebindings = defineResource<RoleBinding>({
  group: rbacGroupName,
  version: 'v1',
  kind: 'RoleBinding',
  resource: 'rolebindings',
  namespaced: true,
  schema: RoleBindingSchema,
  nameRule: 'path-segment',
  applyDefaults: applyBindingDefaults,
  validate: (rb) => validateBinding(rb, true),
  validateUpdate: validateRoleRefUnchanged,
});

export const clusterrolebindings = defineResource<ClusterRoleBinding>({
  group: rbacGroupName,
  version: 'v1',
  kind: 'ClusterRoleBinding',
  resource: 'clusterrolebindings',
  namespaced: false,
  schema: ClusterRoleBindingSchema,
  nameRule: 'path-segment',
  applyDefaults: applyBindingDefaults,
  validate: (crb) => validateBinding(crb, false),
  validateUpdate: validateRoleRefUnchanged,
});
