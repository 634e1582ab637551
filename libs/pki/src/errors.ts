/** A certificate, key or kubeconfig that cannot be made, read or used, with the reason in the message. */
export class PkiError extends Error {
  override name = 'PkiError';
}
