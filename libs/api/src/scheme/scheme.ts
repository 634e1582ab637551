import type { KObject } from '../meta/object-meta';
import { apiVersionOf, type ResourceType } from './resource-type';

/**
 * The scheme: every served resource, looked up by group/version/resource, by kind, or by any of the names a
 * user may type (plural, singular, short name).
 */
export class Scheme {
  private readonly byGVR = new Map<string, ResourceType>();
  private readonly byGVK = new Map<string, ResourceType>();
  readonly all: ResourceType[] = [];

  constructor(types: ResourceType<any>[] = []) {
    for (const t of types) this.add(t);
  }

  add(t: ResourceType<any>): void {
    const gvr = `${t.group}/${t.version}/${t.resource}`;
    if (this.byGVR.has(gvr)) throw new Error(`resource ${gvr} registered twice`);
    this.byGVR.set(gvr, t);
    this.byGVK.set(`${apiVersionOf(t)}/${t.kind}`, t);
    this.all.push(t);
  }

  forResource(group: string, version: string, resource: string): ResourceType | undefined {
    return this.byGVR.get(`${group}/${version}/${resource}`);
  }

  forKind(apiVersion: string, kind: string): ResourceType | undefined {
    return this.byGVK.get(`${apiVersion}/${kind}`);
  }

  forObject(obj: KObject): ResourceType | undefined {
    return obj.apiVersion && obj.kind ? this.forKind(obj.apiVersion, obj.kind) : undefined;
  }

  /** Resolves what a user typed (`po`, `pod`, `pods`, `deployments.apps`, `Deployment`) to a resource. */
  resolve(name: string): ResourceType | undefined {
    const [base, ...groupParts] = name.split('.');
    const group = groupParts.join('.');
    const lower = base.toLowerCase();
    return this.all.find(
      (t) =>
        (groupParts.length === 0 || t.group === group) &&
        (t.resource === lower || t.singular === lower || t.shortNames.includes(lower) || t.kind.toLowerCase() === lower),
    );
  }

  /** Group versions in serving order: core first, then groups by name. */
  groupVersions(): { group: string; version: string }[] {
    const seen = new Map<string, { group: string; version: string }>();
    for (const t of this.all) seen.set(apiVersionOf(t), { group: t.group, version: t.version });
    return [...seen.values()].sort((a, b) => (a.group === '' ? -1 : b.group === '' ? 1 : a.group.localeCompare(b.group)));
  }
}
