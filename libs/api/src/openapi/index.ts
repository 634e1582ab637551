export { buildOpenAPIV3Documents, groupVersionPath, type OpenAPIV3Options } from './documents';
export { buildSwaggerDocument, type OpenAPIV2Options } from './swagger-document';
export { packageOf } from './schema-names';
export type * from './types';
export type * from './swagger-types';
