export { buildOpenAPIV3Documents, groupVersionPath, type OpenAPIV3Options } from './documents';
export { packageOf } from './schema-names';
export type * from './types';
