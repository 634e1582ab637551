import type { GroupVersionKindRef, KubernetesAction } from './types';

/** The parts of Swagger 2.0 (OpenAPI v2) that Skiff's generated document uses, as served at `/openapi/v2`. */

export interface SwaggerSchema {
  $ref?: string;
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  format?: string;
  description?: string;
  properties?: Record<string, SwaggerSchema>;
  required?: string[];
  additionalProperties?: SwaggerSchema | boolean;
  items?: SwaggerSchema;
  allOf?: SwaggerSchema[];
  enum?: unknown[];
  default?: unknown;
  [extension: `x-${string}`]: unknown;
  [keyword: string]: unknown;
}

export interface SwaggerParameter {
  name: string;
  in: 'path' | 'query' | 'body';
  description?: string;
  required?: boolean;
  /** Path and query parameters only. */
  type?: 'string' | 'boolean' | 'integer' | 'number';
  format?: string;
  uniqueItems?: boolean;
  /** The body parameter only. */
  schema?: SwaggerSchema;
}

export interface SwaggerResponse {
  description: string;
  schema?: SwaggerSchema;
}

export interface SwaggerOperation {
  description?: string;
  operationId: string;
  tags?: string[];
  consumes?: string[];
  produces?: string[];
  schemes?: string[];
  parameters?: SwaggerParameter[];
  responses: Record<string, SwaggerResponse>;
  'x-kubernetes-action': KubernetesAction;
  'x-kubernetes-group-version-kind': GroupVersionKindRef;
}

export interface SwaggerPathItem {
  parameters?: SwaggerParameter[];
  get?: SwaggerOperation;
  put?: SwaggerOperation;
  post?: SwaggerOperation;
  delete?: SwaggerOperation;
  patch?: SwaggerOperation;
}

export interface SwaggerDocument {
  swagger: '2.0';
  info: { title: string; version: string };
  paths: Record<string, SwaggerPathItem>;
  definitions: Record<string, SwaggerSchema>;
}
