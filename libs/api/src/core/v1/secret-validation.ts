import { isDeepStrictEqual } from 'node:util';
import { FieldPath, forbidden, invalid, required, tooLong, type FieldError } from '../../validation/field-errors';
import { check, isConfigMapKey } from '../../validation/names';
import type { Secret } from './secret';

/** The well-known secret types. */
export const secretTypes = {
  opaque: 'Opaque',
  serviceAccountToken: 'kubernetes.io/service-account-token',
  dockercfg: 'kubernetes.io/dockercfg',
  dockerConfigJson: 'kubernetes.io/dockerconfigjson',
  basicAuth: 'kubernetes.io/basic-auth',
  sshAuth: 'kubernetes.io/ssh-auth',
  tls: 'kubernetes.io/tls',
  bootstrapToken: 'bootstrap.kubernetes.io/token',
} as const;

const maxSecretBytes = 1024 * 1024;
const base64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const serviceAccountNameAnnotation = 'kubernetes.io/service-account.name';

/** Keys each well-known secret type must carry in data. */
const requiredKeys: Record<string, string[]> = {
  [secretTypes.dockercfg]: ['.dockercfg'],
  [secretTypes.dockerConfigJson]: ['.dockerconfigjson'],
  [secretTypes.sshAuth]: ['ssh-privatekey'],
  [secretTypes.tls]: ['tls.crt', 'tls.key'],
};

export function validateSecret(secret: Secret): FieldError[] {
  const errs: FieldError[] = [];
  const dataPath = FieldPath.root('data');
  const data = secret.data ?? {};
  let size = 0;
  for (const [k, v] of Object.entries(data)) {
    errs.push(...check(dataPath.key(k), k, isConfigMapKey));
    if (!base64.test(v)) errs.push(invalid(dataPath.key(k), '<secret contents redacted>', 'must be base64-encoded'));
    size += Math.floor((v.length * 3) / 4);
  }
  if (size > maxSecretBytes) errs.push(tooLong(dataPath, '', maxSecretBytes));

  const type = secret.type ?? secretTypes.opaque;
  for (const key of requiredKeys[type] ?? []) {
    if (!(key in data)) errs.push(required(dataPath.key(key)));
  }
  if (type === secretTypes.serviceAccountToken && !secret.metadata.annotations?.[serviceAccountNameAnnotation]) {
    errs.push(required(FieldPath.root('metadata', 'annotations').key(serviceAccountNameAnnotation)));
  }
  if (type === secretTypes.basicAuth && !('username' in data) && !('password' in data)) {
    errs.push(required(dataPath.key('username'), 'one of `username` or `password` must be set'));
  }
  return errs;
}

export function validateSecretUpdate(secret: Secret, old: Secret): FieldError[] {
  const errs: FieldError[] = [];
  if ((secret.type ?? '') !== (old.type ?? '')) errs.push(invalid(FieldPath.root('type'), secret.type, 'field is immutable'));
  if (old.immutable) {
    if (secret.immutable !== true) errs.push(forbidden(FieldPath.root('immutable'), 'field is immutable when `immutable` is set'));
    if (!isDeepStrictEqual(secret.data ?? {}, old.data ?? {})) {
      errs.push(forbidden(FieldPath.root('data'), 'field is immutable when `immutable` is set'));
    }
  }
  return errs;
}
