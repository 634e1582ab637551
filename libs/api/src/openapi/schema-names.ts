import type { TSchema } from '@sinclair/typebox';
import * as appsV1 from '../apps/v1';
import * as authenticationV1 from '../authentication/v1';
import * as authorizationV1 from '../authorization/v1';
import * as autoscalingV1 from '../autoscaling/v1';
import * as batchV1 from '../batch/v1';
import * as coordinationV1 from '../coordination/v1';
import * as coreV1 from '../core/v1';
import * as discoveryV1 from '../discovery/v1';
import * as condition from '../meta/condition';
import * as labelSelector from '../meta/label-selector-schema';
import * as objectMeta from '../meta/object-meta';
import * as options from '../meta/options';
import * as status from '../meta/status';
import * as policyV1 from '../policy/v1';
import * as rbacV1 from '../rbac/v1';
import * as schedulingV1 from '../scheduling/v1';

export const metaV1Package = 'io.k8s.apimachinery.pkg.apis.meta.v1';

/**
 * The definition-name prefix Kubernetes uses for a group-version: `io.k8s.api.core.v1`, `io.k8s.api.apps.v1`,
 * `io.k8s.api.coordination.v1` (built-in groups keep only their first label); other groups reverse their domain
 * the way CRDs are named (`com.example.v1`).
 */
export function packageOf(group: string, version: string): string {
  if (group === '') return `io.k8s.api.core.${version}`;
  if (!group.includes('.') || group.endsWith('.k8s.io')) return `io.k8s.api.${group.split('.')[0]}.${version}`;
  return `${group.split('.').reverse().join('.')}.${version}`;
}

/** The modules whose exported `FooSchema` structs get the name `<package>.Foo`, searched in this order. */
const namedModules: [string, Record<string, unknown>][] = [
  [metaV1Package, { ...objectMeta, ...condition, ...labelSelector, ...options, ...status }],
  [packageOf('', 'v1'), coreV1],
  [packageOf('apps', 'v1'), appsV1],
  [packageOf('batch', 'v1'), batchV1],
  [packageOf('autoscaling', 'v1'), autoscalingV1],
  [packageOf('coordination.k8s.io', 'v1'), coordinationV1],
  [packageOf('discovery.k8s.io', 'v1'), discoveryV1],
  [packageOf('policy', 'v1'), policyV1],
  [packageOf('scheduling.k8s.io', 'v1'), schedulingV1],
  [packageOf('rbac.authorization.k8s.io', 'v1'), rbacV1],
  [packageOf('authentication.k8s.io', 'v1'), authenticationV1],
  [packageOf('authorization.k8s.io', 'v1'), authorizationV1],
];

/** A struct schema: an object with declared properties (maps use patternProperties instead). */
export function isStruct(schema: unknown): schema is TSchema & { properties: Record<string, TSchema> } {
  const s = schema as TSchema | undefined;
  return typeof s === 'object' && s !== null && s.type === 'object' && typeof s.properties === 'object' && !s.patternProperties;
}

/**
 * Names struct schemas the Kubernetes way. A struct is recognised by its `properties` object, which TypeBox keeps
 * by reference when a schema is wrapped (Optional, added options), so `Opt(PodSpecSchema)` is still PodSpec.
 */
export class StructNames {
  private readonly nameByProperties = new Map<object, string>();
  private readonly schemaByName = new Map<string, TSchema>();

  constructor() {
    for (const [pkg, mod] of namedModules) {
      for (const [exportName, value] of Object.entries(mod)) {
        if (exportName.endsWith('Schema') && isStruct(value)) this.claim(`${pkg}.${exportName.slice(0, -'Schema'.length)}`, value);
      }
    }
  }

  /** Gives `schema` the name unless either is already taken; returns the name the struct ends up with. */
  claim(name: string, schema: TSchema): string {
    const existing = this.nameByProperties.get(schema.properties);
    if (existing) return existing;
    let unique = name;
    for (let n = 2; this.schemaByName.has(unique); n++) unique = `${name}${n}`;
    this.nameByProperties.set(schema.properties, unique);
    this.schemaByName.set(unique, schema);
    return unique;
  }

  nameOf(schema: TSchema): string | undefined {
    return this.nameByProperties.get(schema.properties);
  }

  schemaNamed(name: string): TSchema | undefined {
    return this.schemaByName.get(name);
  }
}
