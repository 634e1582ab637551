import { bootstrapTokenNamespace, bootstrapTokenSecretName, checkBootstrapToken, parseBootstrapToken, type BootstrapTokenSecretObject } from '@skiff/auth';
import { audienceAgnostic, type TokenAuthentication, type TokenAuthenticator } from './authenticator';
import type { ObjectGetter } from './service-account-authenticator';

/**
 * `--enable-bootstrap-token-auth`: a bearer token shaped `<id>.<secret>` is checked against the Secret
 * kube-system/bootstrap-token-<id>. Tokens of another shape, or with no such Secret, are not this
 * authenticator's; one whose Secret refuses it is a failure.
 */
export class BootstrapTokenAuthenticator implements TokenAuthenticator {
  constructor(
    private readonly objects: ObjectGetter,
    /** Bootstrap tokens name no audience: they are for these (`--api-audiences`). */
    private readonly apiAudiences: readonly string[] = [],
    private readonly now: () => Date = () => new Date(),
  ) {}

  async authenticate(bearer: string, audiences: readonly string[] = []): Promise<TokenAuthentication | undefined> {
    const token = parseBootstrapToken(bearer);
    if (!token) return undefined;
    const secret = await this.objects('secrets', bootstrapTokenNamespace, bootstrapTokenSecretName(token.id));
    if (!secret) return undefined;
    const checked = checkBootstrapToken(token, secret as unknown as BootstrapTokenSecretObject, this.now());
    return audienceAgnostic(this.apiAudiences, audiences, checked.ok ? { ok: true, user: checked.user, audiences: [] } : checked);
  }
}
