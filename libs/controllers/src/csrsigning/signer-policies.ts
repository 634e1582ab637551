import { kubeAPIServerClientKubeletSignerName, kubeAPIServerClientSignerName, kubeletServingSignerName, type ParsedCertificateRequest } from '@skiff/api';
import { kubeletClientProblem, kubeletServingProblem } from '../csrapproving/node-client-request';

/** Why a signer refuses a request it was addressed, or undefined when it signs it. */
export type SignerPolicy = (req: ParsedCertificateRequest, usages: readonly string[]) => string | undefined;

/** Any client certificate: client auth required, digital signature and key encipherment allowed, nothing else. */
function apiServerClientProblem(_req: ParsedCertificateRequest, usages: readonly string[]): string | undefined {
  for (const usage of usages) {
    if (usage !== 'digital signature' && usage !== 'key encipherment' && usage !== 'client auth') return `invalid usage for client certificate: ${usage}`;
  }
  if (!usages.includes('client auth')) return 'missing required usage for client certificate: client auth';
  return undefined;
}

/** The signers the controller-manager runs with the cluster CA, as kube-controller-manager's csrsigning does. */
export const signerPolicies: ReadonlyMap<string, SignerPolicy> = new Map<string, SignerPolicy>([
  [kubeAPIServerClientSignerName, apiServerClientProblem],
  [kubeAPIServerClientKubeletSignerName, kubeletClientProblem],
  [kubeletServingSignerName, kubeletServingProblem],
]);
