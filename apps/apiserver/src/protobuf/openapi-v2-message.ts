import * as path from 'node:path';
import type { SwaggerDocument, SwaggerOperation, SwaggerParameter, SwaggerPathItem, SwaggerSchema } from '@skiff/api';
import * as protobuf from 'protobufjs';

/** proto/gnostic/openapiv2.proto at the workspace root; the same depth from src/protobuf (tests) and dist/protobuf. */
export const openAPIV2ProtoFile = path.resolve(__dirname, '../../../../proto/gnostic/openapiv2.proto');

/** The media type kubectl and client-go ask /openapi/v2 for; gnostic's `openapi_v2.Document` message. */
export const openAPIV2ProtobufMediaType = 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf';
/** What Kubernetes answers with for that request (its Content-Type spells the version with a dot). */
export const openAPIV2ProtobufContentType = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';

/** The openapi.v2.Document type; field names kept as written (snake_case), like the Kubernetes protos. */
export function loadOpenAPIV2Document(file = openAPIV2ProtoFile): protobuf.Type {
  const root = new protobuf.Root();
  root.loadSync(file, { keepCase: true });
  root.resolveAll();
  return root.lookupType('openapi.v2.Document');
}

type Message = Record<string, unknown>;

/**
 * A JSON value as gnostic keeps it: YAML text, which kubectl unmarshals again. JSON is YAML (flow style), and
 * writing it is several times faster than a YAML emitter over the document's thousands of extensions.
 */
const anyValue = (value: unknown): Message => ({ yaml: `${JSON.stringify(value)}\n` });

function vendorExtensions(obj: object): Message[] {
  return Object.entries(obj)
    .filter(([k]) => k.startsWith('x-'))
    .map(([name, value]) => ({ name, value: anyValue(value) }));
}

const schemaScalars: Record<string, string> = {
  format: 'format',
  title: 'title',
  description: 'description',
  pattern: 'pattern',
  discriminator: 'discriminator',
  multipleOf: 'multiple_of',
  maxLength: 'max_length',
  minLength: 'min_length',
  maxItems: 'max_items',
  minItems: 'min_items',
  uniqueItems: 'unique_items',
  maxProperties: 'max_properties',
  minProperties: 'min_properties',
  readOnly: 'read_only',
};

function schemaMessage(s: SwaggerSchema): Message {
  const m: Message = {};
  for (const [key, value] of Object.entries(s)) {
    if (value === undefined) continue;
    if (key in schemaScalars) m[schemaScalars[key]] = value;
    else if (key === '$ref') m._ref = value;
    else if (key === 'type') m.type = { value: [value] };
    else if (key === 'required') m.required = value;
    else if (key === 'default' || key === 'example') m[key] = anyValue(value);
    else if (key === 'enum') m.enum = (value as unknown[]).map(anyValue);
    else if (key === 'items') m.items = { schema: [schemaMessage(value as SwaggerSchema)] };
    else if (key === 'allOf') m.all_of = (value as SwaggerSchema[]).map(schemaMessage);
    else if (key === 'properties') {
      m.properties = { additional_properties: Object.entries(value as Record<string, SwaggerSchema>).map(([name, v]) => ({ name, value: schemaMessage(v) })) };
    } else if (key === 'additionalProperties') {
      m.additional_properties = typeof value === 'boolean' ? { boolean: value } : { schema: schemaMessage(value as SwaggerSchema) };
    } else if (key === 'maximum' || key === 'minimum') {
      if (typeof m[key] !== 'number') m[key] = value;
    } else if (key === 'exclusiveMaximum' || key === 'exclusiveMinimum') {
      // Swagger 2.0 flags the bound; a numeric (JSON Schema draft 6+) bound becomes the bound plus the flag.
      const bound = key === 'exclusiveMaximum' ? 'maximum' : 'minimum';
      if (typeof value === 'number') m[bound] = value;
      m[key === 'exclusiveMaximum' ? 'exclusive_maximum' : 'exclusive_minimum'] = value !== false;
    }
  }
  const extensions = vendorExtensions(s);
  if (extensions.length) m.vendor_extension = extensions;
  return m;
}

function parameterMessage(p: SwaggerParameter): Message {
  if (p.in === 'body') {
    const body: Message = { name: p.name, in: 'body', schema: schemaMessage(p.schema ?? {}) };
    if (p.description) body.description = p.description;
    if (p.required) body.required = true;
    return { parameter: { body_parameter: body } };
  }
  const sub: Message = { name: p.name, in: p.in };
  if (p.description) sub.description = p.description;
  if (p.required) sub.required = true;
  if (p.type) sub.type = p.type;
  if (p.format) sub.format = p.format;
  if (p.uniqueItems) sub.unique_items = true;
  const which = p.in === 'path' ? 'path_parameter_sub_schema' : 'query_parameter_sub_schema';
  return { parameter: { non_body_parameter: { [which]: sub } } };
}

function operationMessage(op: SwaggerOperation): Message {
  return {
    tags: op.tags ?? [],
    description: op.description ?? '',
    operation_id: op.operationId,
    produces: op.produces ?? [],
    consumes: op.consumes ?? [],
    parameters: (op.parameters ?? []).map(parameterMessage),
    responses: {
      response_code: Object.entries(op.responses).map(([name, r]) => ({
        name,
        value: { response: { description: r.description, ...(r.schema ? { schema: { schema: schemaMessage(r.schema) } } : {}) } },
      })),
    },
    schemes: op.schemes ?? [],
    vendor_extension: vendorExtensions(op),
  };
}

function pathItemMessage(item: SwaggerPathItem): Message {
  const m: Message = { parameters: (item.parameters ?? []).map(parameterMessage) };
  for (const method of ['get', 'put', 'post', 'delete', 'patch'] as const) {
    const op = item[method];
    if (op) m[method] = operationMessage(op);
  }
  return m;
}

/** The document as an `openapi.v2.Document` plain object, in the document's own key order. */
export function swaggerDocumentMessage(doc: SwaggerDocument): Message {
  return {
    swagger: doc.swagger,
    info: { title: doc.info.title, version: doc.info.version },
    paths: { path: Object.entries(doc.paths).map(([name, item]) => ({ name, value: pathItemMessage(item) })) },
    definitions: { additional_properties: Object.entries(doc.definitions).map(([name, s]) => ({ name, value: schemaMessage(s) })) },
  };
}

/** Encodes the document the way kubectl reads /openapi/v2. */
export function encodeSwaggerDocument(doc: SwaggerDocument, type = loadOpenAPIV2Document()): Buffer {
  return Buffer.from(type.encode(swaggerDocumentMessage(doc)).finish());
}
