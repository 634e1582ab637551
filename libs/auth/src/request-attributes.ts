import type { UserInfo } from './user';

/**
 * What an authorizer decides on (Kubernetes' authorizer.Attributes). A resource request (`/api/...`, `/apis/...`)
 * names a verb (`get`, `list`, `watch`, `create`, `update`, `patch`, `delete`, `deletecollection`, or a special one
 * such as `impersonate`), an API group ('' for core), a resource and maybe a subresource, namespace and name; any
 * other request is a non-resource one, with the lower-case HTTP method as verb and the URL path.
 */
export interface RequestAttributes {
  user: UserInfo;
  verb: string;
  resourceRequest: boolean;
  /** The URL path without the query; what non-resource rules match. */
  path?: string;
  apiGroup?: string;
  apiVersion?: string;
  /** The plural resource: `pods`. */
  resource?: string;
  /** `status`, `log`, `binding`, ... */
  subresource?: string;
  /** Empty or absent for cluster-scoped requests and requests across all namespaces. */
  namespace?: string;
  /** The name in the URL; absent for list, watch of a collection, create and deletecollection. */
  name?: string;
}
