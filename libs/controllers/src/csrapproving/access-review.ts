import { subjectaccessreviews, type CertificateSigningRequest, type SubjectAccessReview } from '@skiff/api';
import type { KubeClient } from '@skiff/client';

/** Whether the user who made `csr` may create certificatesigningrequests/`subresource` (a SubjectAccessReview's answer). */
export type RequestorAccessCheck = (csr: CertificateSigningRequest, subresource: string) => Promise<boolean>;

/** Asks the apiserver with a SubjectAccessReview for the request's user, uid, groups and extra, as Kubernetes' approver does. */
export function subjectAccessReviewCheck(client: KubeClient): RequestorAccessCheck {
  return async (csr, subresource) => {
    const spec = csr.spec;
    const review: SubjectAccessReview = {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SubjectAccessReview',
      metadata: {},
      spec: {
        user: spec.username,
        ...(spec.uid ? { uid: spec.uid } : {}),
        groups: spec.groups ?? [],
        ...(spec.extra ? { extra: spec.extra } : {}),
        resourceAttributes: { group: 'certificates.k8s.io', version: '*', resource: 'certificatesigningrequests', subresource, verb: 'create' },
      },
    };
    const answer = await client.create<SubjectAccessReview>(subjectaccessreviews, undefined, review);
    return answer.status?.allowed === true;
  };
}
