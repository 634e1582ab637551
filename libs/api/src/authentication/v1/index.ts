import type { ResourceType } from '../../scheme/resource-type';
import { selfsubjectreviews } from './self-subject-review';
import { tokenreviews } from './token-review';

export * from './self-subject-review';
export * from './token-request';
export * from './token-review';

/** authentication.k8s.io/v1 resources served from the scheme (TokenRequest is served as serviceaccounts/token). */
export const authenticationV1Resources: ResourceType<any>[] = [selfsubjectreviews, tokenreviews];
