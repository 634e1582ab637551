import { parseFieldSelector, parseLabelSelector, type ResourceType } from '@skiff/api';
import type { SelectableView } from '../storage/selectable-view';
import { badRequest } from './status-error';

/** Which objects a list or watch wants: namespace, label selector and field selector together. */
export interface Selection {
  namespace?: string;
  labelSelector: string;
  fieldSelector: string;
  matches(view: SelectableView): boolean;
  /** True when nothing narrows the selection beyond the namespace. */
  everything: boolean;
}

const alwaysSelectable = ['metadata.name', 'metadata.namespace'];

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
    matches(view: SelectableView) {
      if (namespace && view.namespace !== namespace) return false;
      if (!labelsEmpty && !labels.matches(view.labels)) return false;
      if (!fieldsEmpty && !fields.matches(view.fields)) return false;
      return true;
    },
  };
}
