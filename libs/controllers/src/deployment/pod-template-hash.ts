import type { PodTemplateSpec } from '@skiff/api';

export const podTemplateHashLabel = 'pod-template-hash';

/** True for what Kubernetes' semantic equality treats as absent: null, and empty maps and lists. */
function isEmptyValue(v: unknown): boolean {
  if (v === undefined || v === null) return true;
  if (Array.isArray(v)) return v.length === 0;
  return typeof v === 'object' && Object.values(v as object).every(isEmptyValue);
}

/**
 * JSON with object keys sorted and empty values left out, so templates that are equal as Kubernetes compares them
 * (`resources: {}` or no resources at all) serialize to the same text.
 */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => !isEmptyValue(v));
    return `{${entries
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

function fnv32a(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

// Kubernetes' SafeEncodeString alphabet: no vowels (no accidental words) and no look-alike characters.
const safeAlphabet = 'bcdfghjklmnpqrstvwxz2456789';

/** The template without its pod-template-hash label: what a Deployment's template is compared and hashed as. */
export function templateWithoutHash(template: PodTemplateSpec | undefined): PodTemplateSpec {
  const copy: PodTemplateSpec = structuredClone(template ?? ({} as PodTemplateSpec));
  if (copy.metadata?.labels) {
    delete copy.metadata.labels[podTemplateHashLabel];
    if (Object.keys(copy.metadata.labels).length === 0) delete copy.metadata.labels;
  }
  return copy;
}

/** A stable short hash of a pod template (and the collision count, which changes it when two templates collide). */
export function podTemplateHash(template: PodTemplateSpec | undefined, collisionCount?: number): string {
  const text = canonicalJson(templateWithoutHash(template)) + (collisionCount ? `#${collisionCount}` : '');
  return [...String(fnv32a(text))].map((c) => safeAlphabet[c.charCodeAt(0) % safeAlphabet.length]).join('');
}

/** Whether two templates are the same apart from the pod-template-hash label. */
export function templatesEqual(a: PodTemplateSpec | undefined, b: PodTemplateSpec | undefined): boolean {
  return canonicalJson(templateWithoutHash(a)) === canonicalJson(templateWithoutHash(b));
}
