import type { ResourceType } from '../../scheme/resource-type';
import { localsubjectaccessreviews, selfsubjectaccessreviews, subjectaccessreviews } from './access-review';
import { selfsubjectrulesreviews } from './rules-review';

export * from './access-review';
export * from './rules-review';

/** authorization.k8s.io/v1: questions to the authorizer, answered at once and never stored. */
export const authorizationV1Resources: ResourceType<any>[] = [localsubjectaccessreviews, selfsubjectaccessreviews, selfsubjectrulesreviews, subjectaccessreviews];
