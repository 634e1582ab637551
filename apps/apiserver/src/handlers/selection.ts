import { parseFieldSelector, parseLabelSelector, type KObject, type ResourceType } from '@skiff/api';
import { badRequest } from './status-error';

/** Which objects a list or watch wants: namespace, label selector and field selector together. */
export interface Selection {
  namespace?: string;
  labelSelector: string;
  fieldSelector: string;
  matches(obj: KObject): boolean;
  /** True when nothing narrows the selection beyond the namespace. */
  everything: boolean;
}

const alwaysSelectable = ['metadata.name', 'metadata.namespace'];

/** Field values of an object for field selectors: metadata.name, metadata.namespace and the kind's own. */
export function fieldsOf(type: ResourceType, obj: KObject): Record<string, string> {
  return {
    'metadata.name': obj.metadata.name ?? '',
    'metadata.namespace': obj.metadata.namespace ?? '',
    ...(type.selectableFields?.(obj) ?? {}),
  };
}

function selectableFieldNames(type: ResourceType): string[] {
  try {
    return [...alwaysSelectable, ...Object.keys(type.selectableFields?.({ metadata: {} }) ?? {})];
  } catch {
    return alwaysSelectable;
  }
}

export function parseSelection(type: ResourceType, namespace: string | undefined, query: Record<string, unknown>): Selection {
  const ls = typeof query.labelSelector === 'string' ? query.labelSelector : '';
  const fs = typeof query.fieldSelector === 'string' ? query.fieldSelector : '';
  let labels;
  let fields;
  try {
    labels = parseLabelSelector(ls);
  } catch (e) {
    throw badRequest(`unable to parse requirement: ${(e as Error).message}`);
  }
  try {
    fields = parseFieldSelector(fs);
  } catch (e) {
    throw badRequest(`invalid field selector: ${(e as Error).message}`);
  }
  const allowed = selectableFieldNames(type);
  for (const r of fields.requirements) {
    if (!allowed.includes(r.field)) throw badRequest(`field label not supported: ${r.field}`);
  }
  const labelsEmpty = labels.isEmpty();
  const fieldsEmpty = fields.isEmpty();
  return {
    namespace,
    labelSelector: ls,
    fieldSelector: fs,
    everything: labelsEmpty && fieldsEmpty,
    matches(obj: KObject) {
      if (namespace && obj.metadata.namespace !== namespace) return false;
      if (!labelsEmpty && !labels.matches(obj.metadata.labels ?? {})) return false;
      if (!fieldsEmpty && !fields.matches(fieldsOf(type, obj))) return false;
      return true;
    },
  };
}
