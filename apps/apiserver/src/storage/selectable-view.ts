import type { KObject, ResourceType } from '@skiff/api';

/**
 * What label and field selectors look at. The watch cache keeps this small view beside each object's JSON
 * instead of the parsed object, which would cost several times the memory of its text.
 */
export interface SelectableView {
  namespace?: string;
  labels: Record<string, string>;
  fields: Record<string, string>;
}

const noLabels: Record<string, string> = Object.freeze({}) as Record<string, string>;

/** Field values for field selectors: metadata.name, metadata.namespace and the kind's own. */
export function fieldsOf(type: ResourceType, obj: KObject): Record<string, string> {
  return {
    'metadata.name': obj.metadata.name ?? '',
    'metadata.namespace': obj.metadata.namespace ?? '',
    ...(type.selectableFields?.(obj) ?? {}),
  };
}

export function viewOf(type: ResourceType, obj: KObject): SelectableView {
  return { namespace: obj.metadata.namespace, labels: obj.metadata.labels ?? noLabels, fields: fieldsOf(type, obj) };
}
