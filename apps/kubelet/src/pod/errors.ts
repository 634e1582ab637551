/**
 * Why a container could not be given a config (a missing configmap, secret or key, a bad field reference, a
 * runAsNonRoot violation). The worker reports it as the container's waiting reason `CreateContainerConfigError`
 * with this message, as the kubelet does, and retries on the next sync.
 */
export class ContainerConfigError extends Error {
  readonly reason = 'CreateContainerConfigError';

  constructor(message: string) {
    super(message);
    this.name = 'ContainerConfigError';
  }
}
