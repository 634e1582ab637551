import type { Scheme } from '../scheme/scheme';
import { refPrefix } from './component-schemas';
import { buildOpenAPIModel, sortKeys, type OpenAPIV3Options } from './documents';
import type { SwaggerDocument, SwaggerOperation, SwaggerParameter, SwaggerPathItem, SwaggerResponse, SwaggerSchema } from './swagger-types';
import type { HttpMethod, OpenAPIOperation, OpenAPIParameter, OpenAPIPathItem, OpenAPISchema } from './types';

export type OpenAPIV2Options = OpenAPIV3Options;

export const definitionsPrefix = '#/definitions/';

const methods: HttpMethod[] = ['get', 'put', 'post', 'delete', 'patch'];
const scalarTypes = new Set(['string', 'integer', 'number', 'boolean']);

/**
 * The Swagger 2.0 document Kubernetes serves at `/openapi/v2`: every path of every group-version and every
 * definition, built from the same model as the v3 documents. kubectl finds a kind's schema by the
 * `x-kubernetes-group-version-kind` of the definitions, and whether the server validates fields by the PATCH
 * operations' GVK and parameters.
 */
export function buildSwaggerDocument(scheme: Scheme, opts: OpenAPIV2Options): SwaggerDocument {
  const model = buildOpenAPIModel(scheme, opts);
  const paths: Record<string, SwaggerPathItem> = {};
  const roots = new Set<string>();
  for (const gv of model.groupVersions) {
    for (const [path, item] of Object.entries(gv.paths)) paths[path] = toSwaggerPathItem(item);
    for (const root of gv.roots) roots.add(root);
  }
  const definitions: Record<string, SwaggerSchema> = {};
  for (const [name, schema] of Object.entries(model.closure(roots))) definitions[name] = toSwaggerSchema(schema);
  return { swagger: '2.0', info: { title: opts.title ?? 'Kubernetes', version: opts.version }, paths: sortKeys(paths), definitions };
}

/**
 * One OpenAPI 3.0 schema in Swagger 2.0 terms: references point into `#/definitions/`; a described reference
 * (allOf of one $ref in v3) is a $ref with siblings, as Kubernetes' v2 has them and kubectl's parser expects;
 * `nullable` has no v2 form; a oneOf/anyOf of scalars (int-or-string, Quantity) is a string, which is how
 * Kubernetes publishes them and which kubectl's validator accepts any scalar for.
 */
export function toSwaggerSchema(schema: OpenAPISchema): SwaggerSchema {
  const out: SwaggerSchema = {};
  let alternatives: OpenAPISchema[] | undefined;
  for (const [key, value] of Object.entries(schema)) {
    if (key === '$ref') out.$ref = definitionRef(value as string);
    else if (key === 'allOf') {
      const all = value as OpenAPISchema[];
      if (all.length === 1 && all[0].$ref && Object.keys(all[0]).length === 1) out.$ref = definitionRef(all[0].$ref);
      else out.allOf = all.map(toSwaggerSchema);
    } else if (key === 'oneOf' || key === 'anyOf') alternatives = value as OpenAPISchema[];
    else if (key === 'nullable') continue;
    else if (key === 'properties') {
      out.properties = Object.fromEntries(Object.entries(value as Record<string, OpenAPISchema>).map(([k, v]) => [k, toSwaggerSchema(v)]));
    } else if (key === 'items') out.items = toSwaggerSchema(value as OpenAPISchema);
    else if (key === 'additionalProperties') out.additionalProperties = typeof value === 'object' ? toSwaggerSchema(value as OpenAPISchema) : (value as boolean);
    else out[key] = value;
  }
  if (alternatives && !out.type && !out.$ref) {
    const type = commonType(alternatives);
    if (type) out.type = type;
  }
  return out;
}

/** The single type of a union: the alternatives' own when they agree, string for a mix of scalars, none otherwise. */
function commonType(alternatives: OpenAPISchema[]): SwaggerSchema['type'] {
  const types = new Set(alternatives.map((a) => a.type));
  if (types.size === 1 && !types.has(undefined)) return [...types][0];
  if ([...types].every((t) => t !== undefined && scalarTypes.has(t))) return 'string';
  return undefined;
}

function definitionRef(ref: string): string {
  if (!ref.startsWith(refPrefix)) throw new Error(`reference ${ref} is not to a component schema`);
  return definitionsPrefix + ref.slice(refPrefix.length);
}

function toSwaggerParameter(p: OpenAPIParameter): SwaggerParameter {
  const out: SwaggerParameter = { name: p.name, in: p.in };
  if (p.description) out.description = p.description;
  if (p.required) out.required = true;
  out.type = p.schema.type as SwaggerParameter['type'];
  if (p.schema.format) out.format = p.schema.format;
  if (p.uniqueItems) out.uniqueItems = true;
  return out;
}

function toSwaggerPathItem(item: OpenAPIPathItem): SwaggerPathItem {
  const out: SwaggerPathItem = {};
  if (item.parameters) out.parameters = item.parameters.map(toSwaggerParameter);
  for (const m of methods) {
    const op = item[m];
    if (op) out[m] = toSwaggerOperation(op);
  }
  return out;
}

/** v3's requestBody becomes the `body` parameter and `consumes`; the response media types become `produces`. */
function toSwaggerOperation(op: OpenAPIOperation): SwaggerOperation {
  const parameters: SwaggerParameter[] = [];
  let consumes: string[] | undefined;
  if (op.requestBody) {
    consumes = Object.keys(op.requestBody.content);
    const body = Object.values(op.requestBody.content).find((m) => m.schema)?.schema;
    parameters.push({ name: 'body', in: 'body', ...(op.requestBody.required ? { required: true } : {}), schema: body ? toSwaggerSchema(body) : { type: 'object' } });
  }
  parameters.push(...(op.parameters ?? []).map(toSwaggerParameter));
  const produces = new Set<string>();
  const responses: Record<string, SwaggerResponse> = {};
  for (const [code, r] of Object.entries(op.responses)) {
    const content = r.content ?? {};
    for (const type of Object.keys(content)) produces.add(type);
    const schema = Object.values(content).find((m) => m.schema)?.schema;
    responses[code] = schema ? { description: r.description, schema: toSwaggerSchema(schema) } : { description: r.description };
  }
  return {
    ...(op.description ? { description: op.description } : {}),
    operationId: op.operationId,
    ...(op.tags ? { tags: op.tags } : {}),
    ...(consumes ? { consumes } : {}),
    ...(produces.size ? { produces: [...produces] } : {}),
    schemes: ['https'],
    ...(parameters.length ? { parameters } : {}),
    responses,
    'x-kubernetes-action': op['x-kubernetes-action'],
    'x-kubernetes-group-version-kind': op['x-kubernetes-group-version-kind'],
  };
}
