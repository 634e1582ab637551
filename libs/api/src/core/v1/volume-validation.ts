import { duplicate, forbidden, invalid, notSupported, required, type FieldError, type FieldPath } from '../../validation/field-errors';
import { check, isConfigMapKey, isDNS1123Label } from '../../validation/names';
import { validateObjectFieldPath, validateRelativePath, validateResourceFieldRef } from './container-validation';
import { volumeSourceNames, type Volume, type VolumeProjection } from './volume';

const hostPathTypes = ['', 'DirectoryOrCreate', 'Directory', 'FileOrCreate', 'File', 'Socket', 'CharDevice', 'BlockDevice'];
const maxFileMode = 0o777;
const minTokenExpirationSeconds = 600;
const maxTokenExpirationSeconds = 2 ** 32;

function validateMode(mode: number | undefined, path: FieldPath): FieldError[] {
  if (mode === undefined || (mode >= 0 && mode <= maxFileMode)) return [];
  return [invalid(path, mode, 'must be a number between 0 and 0777 (octal), both inclusive')];
}

function validateKeyToPaths(items: { key: string; path: string; mode?: number }[] | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  (items ?? []).forEach((item, i) => {
    const p = path.index(i);
    if (!item.key) errs.push(required(p.child('key')));
    else errs.push(...check(p.child('key'), item.key, isConfigMapKey));
    if (!item.path) errs.push(required(p.child('path')));
    else errs.push(...validateRelativePath(item.path, p.child('path')));
    errs.push(...validateMode(item.mode, p.child('mode')));
  });
  return errs;
}

type DownwardAPIFile = NonNullable<NonNullable<Volume['downwardAPI']>['items']>[number];

function validateDownwardAPIFiles(items: DownwardAPIFile[] | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  (items ?? []).forEach((item, i) => {
    const p = path.index(i);
    if (!item.path) errs.push(required(p.child('path')));
    else errs.push(...validateRelativePath(item.path, p.child('path')));
    errs.push(...validateMode(item.mode, p.child('mode')));
    if (item.fieldRef && item.resourceFieldRef) {
      errs.push(invalid(p, 'resource', 'fieldRef and resourceFieldRef can not be specified simultaneously'));
    } else if (!item.fieldRef && !item.resourceFieldRef) {
      errs.push(required(p, 'one of fieldRef and resourceFieldRef is required'));
    }
    // Files, unlike env vars, may hold every label or annotation at once.
    if (item.fieldRef) errs.push(...validateObjectFieldPath(item.fieldRef.fieldPath, p.child('fieldRef', 'fieldPath'), ['metadata.labels', 'metadata.annotations']));
    if (item.resourceFieldRef) errs.push(...validateResourceFieldRef(item.resourceFieldRef.resource, p.child('resourceFieldRef', 'resource')));
  });
  return errs;
}

function validateProjection(src: VolumeProjection, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const kinds = (['secret', 'configMap', 'downwardAPI', 'serviceAccountToken'] as const).filter((k) => src[k] !== undefined);
  if (kinds.length === 0) errs.push(required(path, 'must specify exactly 1 of secret, configMap, downwardAPI or serviceAccountToken'));
  for (const extra of kinds.slice(1)) errs.push(forbidden(path.child(extra), 'may not specify more than 1 volume type per source'));
  if (src.secret) errs.push(...validateKeyToPaths(src.secret.items, path.child('secret', 'items')));
  if (src.configMap) errs.push(...validateKeyToPaths(src.configMap.items, path.child('configMap', 'items')));
  if (src.downwardAPI) errs.push(...validateDownwardAPIFiles(src.downwardAPI.items, path.child('downwardAPI', 'items')));
  const token = src.serviceAccountToken;
  if (token) {
    const tp = path.child('serviceAccountToken');
    if (!token.path) errs.push(required(tp.child('path')));
    else errs.push(...validateRelativePath(token.path, tp.child('path')));
    const exp = token.expirationSeconds;
    if (exp !== undefined && exp < minTokenExpirationSeconds) errs.push(invalid(tp.child('expirationSeconds'), exp, 'may not specify a duration less than 10 minutes'));
    if (exp !== undefined && exp > maxTokenExpirationSeconds) errs.push(invalid(tp.child('expirationSeconds'), exp, 'may not specify a duration larger than 2^32 seconds'));
  }
  return errs;
}

function validateVolumeSource(v: Volume, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const sources = volumeSourceNames.filter((k) => v[k] !== undefined);
  if (sources.length === 0) return [required(path, 'must specify a volume type')];
  for (const extra of sources.slice(1)) errs.push(forbidden(path.child(extra), 'may not specify more than 1 volume type'));
  if (v.hostPath) {
    const p = path.child('hostPath');
    if (!v.hostPath.path) errs.push(required(p.child('path')));
    else if (v.hostPath.path.split('/').includes('..')) errs.push(invalid(p.child('path'), v.hostPath.path, "must not contain '..'"));
    if (v.hostPath.type !== undefined && !hostPathTypes.includes(v.hostPath.type)) errs.push(notSupported(p.child('type'), v.hostPath.type, hostPathTypes));
  }
  if (v.secret) {
    const p = path.child('secret');
    if (!v.secret.secretName) errs.push(required(p.child('secretName')));
    errs.push(...validateMode(v.secret.defaultMode, p.child('defaultMode')));
    errs.push(...validateKeyToPaths(v.secret.items, p.child('items')));
  }
  if (v.configMap) {
    const p = path.child('configMap');
    if (!v.configMap.name) errs.push(required(p.child('name')));
    errs.push(...validateMode(v.configMap.defaultMode, p.child('defaultMode')));
    errs.push(...validateKeyToPaths(v.configMap.items, p.child('items')));
  }
  if (v.persistentVolumeClaim && !v.persistentVolumeClaim.claimName) errs.push(required(path.child('persistentVolumeClaim', 'claimName')));
  if (v.nfs) {
    const p = path.child('nfs');
    if (!v.nfs.server) errs.push(required(p.child('server')));
    if (!v.nfs.path) errs.push(required(p.child('path')));
    else if (!v.nfs.path.startsWith('/')) errs.push(invalid(p.child('path'), v.nfs.path, 'must be an absolute path'));
  }
  if (v.downwardAPI) {
    errs.push(...validateMode(v.downwardAPI.defaultMode, path.child('downwardAPI', 'defaultMode')));
    errs.push(...validateDownwardAPIFiles(v.downwardAPI.items, path.child('downwardAPI', 'items')));
  }
  if (v.projected) {
    const p = path.child('projected');
    errs.push(...validateMode(v.projected.defaultMode, p.child('defaultMode')));
    (v.projected.sources ?? []).forEach((src, i) => errs.push(...validateProjection(src, p.child('sources').index(i))));
  }
  if (v.csi && !v.csi.driver) errs.push(required(path.child('csi', 'driver')));
  return errs;
}

/** Validates a pod's volumes; returns the errors and the set of valid names that mounts may refer to. */
export function validateVolumes(volumes: Volume[] | undefined, path: FieldPath): { errors: FieldError[]; names: Set<string> } {
  const errors: FieldError[] = [];
  const names = new Set<string>();
  (volumes ?? []).forEach((v, i) => {
    const p = path.index(i);
    const nameErrors = v.name ? check(p.child('name'), v.name, isDNS1123Label) : [required(p.child('name'))];
    if (v.name && names.has(v.name)) nameErrors.push(duplicate(p.child('name'), v.name));
    errors.push(...nameErrors, ...validateVolumeSource(v, p));
    if (nameErrors.length === 0) names.add(v.name);
  });
  return { errors, names };
}
