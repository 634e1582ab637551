import { bootstrapTokenNamespace, bootstrapTokenSecretName, checkBootstrapToken, parseBootstrapToken, type BootstrapTokenSecretObject } from '@skiff/auth';
import type { AuthenticationResult, TokenAuthenticator } from './authenticator';
import type { ObjectGetter } from './service-account-authenticator';

/**
 * `--enable-bootstrap-token-auth`: a bearer token shaped `<id>.<secret>` is checked against the Secret
 * kube-system/bootstrap-token-<id>. Tokens of another shape, or with no such Secret, are not this
 * authenticator's; one whose Secret refuses it is a failure.
 */
export class BootstrapTokenAuthenticator implements TokenAuthenticator {
  constructor(
    private readonly objects: ObjectGetter,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async authenticate(bearer: string): Promise<AuthenticationResult | undefined> {
    const token = parseBootstrapToken(bearer);
    if (!token) return undefined;
    const secret = await this.objects('secrets', bootstrapTokenNamespace, bootstrapTokenSecretName(token.id));
    if (!secret) return undefined;
    return checkBootstrapToken(token, secret as unknown as BootstrapTokenSecretObject, this.now());
  }
}
