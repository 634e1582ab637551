import type { ResourceType } from '../../scheme/resource-type';
import { selfsubjectreviews } from './self-subject-review';

export * from './self-subject-review';
export * from './token-request';

/** authentication.k8s.io/v1 resources served from the scheme (TokenRequest is served as serviceaccounts/token). */
export const authenticationV1Resources: ResourceType<any>[] = [selfsubjectreviews];
