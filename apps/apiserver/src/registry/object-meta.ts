import { randomBytes, randomUUID } from 'node:crypto';
import { formatTime, type KObject } from '@skiff/api';

// Kubernetes' generateName alphabet: no vowels (no accidental words) and no look-alike characters.
const alphabet = 'bcdfghjklmnpqrstvwxz2456789';

export function randomSuffix(n = 5): string {
  const bytes = randomBytes(n);
  let out = '';
  for (const b of bytes) out += alphabet[b % alphabet.length];
  return out;
}

/** Fills server-owned metadata for a new object. */
export function initObjectMeta(obj: KObject, tracksGeneration: boolean, now = new Date()): void {
  const m = obj.metadata;
  m.uid = randomUUID();
  m.creationTimestamp = formatTime(now);
  delete m.deletionTimestamp;
  delete m.deletionGracePeriodSeconds;
  delete m.selfLink;
  if (tracksGeneration) m.generation = 1;
  else delete m.generation;
}

/** Carries server-owned metadata from the stored object into an update, whatever the client sent. */
export function keepSystemMeta(obj: KObject, old: KObject): void {
  const m = obj.metadata;
  const o = old.metadata;
  m.uid = o.uid;
  m.creationTimestamp = o.creationTimestamp;
  if (o.deletionTimestamp) m.deletionTimestamp = o.deletionTimestamp;
  else delete m.deletionTimestamp;
  if (o.deletionGracePeriodSeconds !== undefined) m.deletionGracePeriodSeconds = o.deletionGracePeriodSeconds;
  else delete m.deletionGracePeriodSeconds;
  if (o.generation !== undefined) m.generation = o.generation;
  else delete m.generation;
  delete m.selfLink;
}

/** Everything that is not metadata or status: what a generation counts changes of. */
export function specPart(obj: KObject): string {
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = obj;
  return JSON.stringify(rest);
}

export function deepClone<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}
