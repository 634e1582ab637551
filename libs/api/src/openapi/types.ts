/** The parts of OpenAPI 3.0 that Skiff's generated documents use. */

export interface OpenAPISchema {
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  format?: string;
  description?: string;
  properties?: Record<string, OpenAPISchema>;
  required?: string[];
  additionalProperties?: OpenAPISchema | boolean;
  items?: OpenAPISchema;
  enum?: unknown[];
  $ref?: string;
  allOf?: OpenAPISchema[];
  default?: unknown;
  [extension: `x-${string}`]: unknown;
  [keyword: string]: unknown;
}

export interface GroupVersionKindRef {
  group: string;
  version: string;
  kind: string;
}

export interface OpenAPIParameter {
  name: string;
  in: 'path' | 'query';
  description?: string;
  required?: boolean;
  schema: OpenAPISchema;
  uniqueItems?: boolean;
}

export interface OpenAPIMediaType {
  schema?: OpenAPISchema;
}

export interface OpenAPIOperation {
  description?: string;
  operationId: string;
  tags?: string[];
  parameters?: OpenAPIParameter[];
  requestBody?: { content: Record<string, OpenAPIMediaType>; required?: boolean };
  responses: Record<string, { description: string; content?: Record<string, OpenAPIMediaType> }>;
  'x-kubernetes-action': KubernetesAction;
  'x-kubernetes-group-version-kind': GroupVersionKindRef;
}

/** Upstream's action names: create is `post`, update is `put`. */
export type KubernetesAction = 'get' | 'list' | 'post' | 'put' | 'patch' | 'delete' | 'deletecollection' | 'connect';

export type HttpMethod = 'get' | 'put' | 'post' | 'delete' | 'patch';

export interface OpenAPIPathItem {
  parameters?: OpenAPIParameter[];
  get?: OpenAPIOperation;
  put?: OpenAPIOperation;
  post?: OpenAPIOperation;
  delete?: OpenAPIOperation;
  patch?: OpenAPIOperation;
}

export interface OpenAPIDocument {
  openapi: '3.0.0';
  info: { title: string; version: string };
  paths: Record<string, OpenAPIPathItem>;
  components: { schemas: Record<string, OpenAPISchema> };
}
