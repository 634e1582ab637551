import { Bool, MapOf, Opt, Str, StringMap, Struct, type Static } from '../../schema/builders';
import { defineResource, kindHeader } from '../../scheme/define-resource';
import { FieldPath, invalid, type FieldError } from '../../validation/field-errors';
import { check, isConfigMapKey } from '../../validation/names';

export const ConfigMapSchema = Struct({
  ...kindHeader(),
  data: Opt(StringMap()),
  binaryData: Opt(MapOf(Str({ contentEncoding: 'base64' }))),
  immutable: Opt(Bool()),
});
export type ConfigMap = Static<typeof ConfigMapSchema>;

const maxConfigMapBytes = 1024 * 1024;

export const configmaps = defineResource<ConfigMap>({
  group: '',
  version: 'v1',
  kind: 'ConfigMap',
  resource: 'configmaps',
  shortNames: ['cm'],
  namespaced: true,
  schema: ConfigMapSchema,
  validate(cm) {
    const errs: FieldError[] = [];
    let size = 0;
    for (const [k, v] of Object.entries(cm.data ?? {})) {
      errs.push(...check(FieldPath.root('data').key(k), k, isConfigMapKey));
      size += v.length;
    }
    for (const [k, v] of Object.entries(cm.binaryData ?? {})) {
      errs.push(...check(FieldPath.root('binaryData').key(k), k, isConfigMapKey));
      if (cm.data && k in cm.data) errs.push(invalid(FieldPath.root('binaryData').key(k), k, 'duplicate of key present in data'));
      size += v.length;
    }
    if (size > maxConfigMapBytes) errs.push(invalid('', '<total size>', `Too long: must have at most ${maxConfigMapBytes} bytes`));
    return errs;
  },
  validateUpdate(cm, old) {
    if (old.immutable && (JSON.stringify(cm.data) !== JSON.stringify(old.data) || JSON.stringify(cm.binaryData) !== JSON.stringify(old.binaryData) || cm.immutable !== true)) {
      return [invalid('data', '', 'field is immutable when `immutable` is set')];
    }
    return [];
  },
});
