import type { ResourceType } from '../../scheme/resource-type';
import { certificatesigningrequests } from './certificate-signing-request';

export * from './certificate-signing-request';
export * from './certificate-request-pem';
export * from './csr-validation';

/** certificates.k8s.io/v1 resources in discovery order. */
export const certificatesV1Resources: ResourceType<any>[] = [certificatesigningrequests];
