import { ResourceListSchema } from '../../core/v1/container';
import { LabelSelectorSchema } from '../../meta/label-selector-schema';
import { ObjectMetaSchema } from '../../meta/object-meta';
import { compareQuantities, isValidQuantity } from '../../quantity';
import { List, Opt, Str, StrEnum, Struct, type Static } from '../../schema/builders';
import { forbidden, invalid, required, type FieldError, type FieldPath } from '../../validation/field-errors';
import { check, isDNS1123Subdomain, validateAnnotations, validateLabels } from '../../validation/names';
import { validateLabelSelector } from '../../validation/label-selector';

export const persistentVolumeAccessModes = ['ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOncePod'] as const;

/**
 * The part of a PersistentVolumeClaim a StatefulSet stamps claims from. Skiff serves no PersistentVolumeClaim
 * kind, so only the fields a claim template needs are here.
 */
export const PersistentVolumeClaimTemplateSchema = Struct({
  apiVersion: Opt(Str()),
  kind: Opt(Str()),
  metadata: Opt(ObjectMetaSchema),
  spec: Opt(
    Struct({
      accessModes: Opt(List(StrEnum([...persistentVolumeAccessModes]))),
      selector: Opt(LabelSelectorSchema),
      resources: Opt(Struct({ limits: Opt(ResourceListSchema), requests: Opt(ResourceListSchema) })),
      volumeName: Opt(Str()),
      storageClassName: Opt(Str()),
      volumeMode: Opt(StrEnum(['Filesystem', 'Block'])),
    }),
  ),
  status: Opt(Struct({ phase: Opt(Str()) })),
});
export type PersistentVolumeClaimTemplate = Static<typeof PersistentVolumeClaimTemplateSchema>;

/** Kubernetes defaults embedded claims as it does claims: a filesystem volume, and a Pending phase. */
export function defaultPersistentVolumeClaimTemplate(t: PersistentVolumeClaimTemplate): void {
  t.spec ??= {};
  t.spec.volumeMode ??= 'Filesystem';
  t.status ??= {};
  t.status.phase ??= 'Pending';
}

export function validatePersistentVolumeClaimTemplate(t: PersistentVolumeClaimTemplate, path: FieldPath): FieldError[] {
  const mp = path.child('metadata');
  const errs: FieldError[] = [];
  // Pods mount the claim by this name, so a template without one is of no use.
  if (!t.metadata?.name) errs.push(required(mp.child('name')));
  else errs.push(...check(mp.child('name'), t.metadata.name, isDNS1123Subdomain));
  errs.push(...validateLabels(t.metadata?.labels, mp.child('labels')), ...validateAnnotations(t.metadata?.annotations, mp.child('annotations')));

  const sp = path.child('spec');
  const spec = t.spec ?? {};
  const modes = spec.accessModes ?? [];
  if (modes.length === 0) errs.push(required(sp.child('accessModes'), 'at least 1 access mode is required'));
  if (modes.includes('ReadWriteOncePod') && modes.length > 1) {
    errs.push(forbidden(sp.child('accessModes'), 'may not use ReadWriteOncePod with other access modes'));
  }
  if (spec.selector) errs.push(...validateLabelSelector(spec.selector, sp.child('selector')));
  if (spec.storageClassName) errs.push(...check(sp.child('storageClassName'), spec.storageClassName, isDNS1123Subdomain));

  const storagePath = sp.child('resources').key('storage');
  const storage = spec.resources?.requests?.storage;
  if (storage === undefined) errs.push(required(storagePath));
  else if (!isValidQuantity(storage)) errs.push(invalid(storagePath, storage, 'must be a valid quantity'));
  else if (compareQuantities(storage, 0) <= 0) errs.push(invalid(storagePath, storage, 'must be greater than zero'));
  return errs;
}
