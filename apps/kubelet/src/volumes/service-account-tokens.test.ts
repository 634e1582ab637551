import { FakeClock } from '@skiff/client';
import { ServiceAccountTokens } from './service-account-tokens';
import type { TokenRequest, TokenRequestSpec } from '@skiff/api';

/** A TokenRequest endpoint that issues numbered tokens valid for the asked lifetime from the fake clock's now. */
class FakeTokenApi {
  requests: { namespace: string; serviceAccount: string; request: TokenRequest }[] = [];
  failWith?: Error;
  private issued = 0;

  constructor(private readonly clock: FakeClock) {}

  readonly request = async (namespace: string, serviceAccount: string, request: TokenRequest): Promise<TokenRequest> => {
    this.requests.push({ namespace, serviceAccount, request });
    if (this.failWith) throw this.failWith;
    const seconds = request.spec.expirationSeconds ?? 3600;
    return { ...request, status: { token: `token-${++this.issued}`, expirationTimestamp: new Date(this.clock.now() + seconds * 1000).toISOString() } };
  };
}

const podRef = (uid: string) => ({ apiVersion: 'v1', kind: 'Pod', name: `pod-${uid}`, uid });
const spec = (over: Partial<TokenRequestSpec> = {}): TokenRequestSpec => ({ audiences: [], expirationSeconds: 3600, boundObjectRef: podRef('u1'), ...over });

describe('ServiceAccountTokens', () => {
  let clock: FakeClock;
  let api: FakeTokenApi;
  let tokens: ServiceAccountTokens;

  beforeEach(() => {
    clock = new FakeClock();
    api = new FakeTokenApi(clock);
    tokens = new ServiceAccountTokens(api.request, { clock, jitterMs: () => 0 });
  });

  it('requests a token for the account with the spec given and reuses it', async () => {
    const first = await tokens.get('shop', 'builder', spec({ audiences: ['vault'] }));
    expect(first.token).toBe('token-1');
    expect(first.expiresAtMs).toBe(clock.now() + 3600_000);
    expect(api.requests).toEqual([
      {
        namespace: 'shop',
        serviceAccount: 'builder',
        request: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', metadata: {}, spec: { audiences: ['vault'], expirationSeconds: 3600, boundObjectRef: podRef('u1') } },
      },
    ]);
    expect((await tokens.get('shop', 'builder', spec({ audiences: ['vault'] }))).token).toBe('token-1');
    expect(api.requests).toHaveLength(1);
  });

  it('keeps one token per namespace, account, audiences, lifetime and pod', async () => {
    await tokens.get('shop', 'builder', spec());
    await tokens.get('other', 'builder', spec());
    await tokens.get('shop', 'default', spec());
    await tokens.get('shop', 'builder', spec({ audiences: ['vault'] }));
    await tokens.get('shop', 'builder', spec({ expirationSeconds: 7200 }));
    await tokens.get('shop', 'builder', spec({ boundObjectRef: podRef('u2') }));
    await tokens.get('shop', 'builder', spec());
    expect(api.requests).toHaveLength(6);
    expect(tokens.size).toBe(6);
  });

  it('asks for a new token once 80% of the lifetime has passed', async () => {
    await tokens.get('shop', 'default', spec());
    await clock.advance(2879_000);
    expect((await tokens.get('shop', 'default', spec())).token).toBe('token-1');
    await clock.advance(1_000);
    const renewed = await tokens.get('shop', 'default', spec());
    expect(renewed.token).toBe('token-2');
    expect(renewed.expiresAtMs).toBe(clock.now() + 3600_000);
    expect((await tokens.get('shop', 'default', spec())).token).toBe('token-2');
  });

  it('refreshes the jitter earlier, so pods do not all refresh at once', async () => {
    const jittered = new ServiceAccountTokens(api.request, { clock, jitterMs: () => 10_000 });
    await jittered.get('shop', 'default', spec());
    await clock.advance(2870_000);
    expect((await jittered.get('shop', 'default', spec())).token).toBe('token-2');
  });

  it('asks for a new token after 24 h even when the token lives longer', async () => {
    const week = spec({ expirationSeconds: 7 * 24 * 3600 });
    await tokens.get('shop', 'default', week);
    await clock.advance(24 * 3600_000 - 1_000);
    expect((await tokens.get('shop', 'default', week)).token).toBe('token-1');
    await clock.advance(1_000);
    expect((await tokens.get('shop', 'default', week)).token).toBe('token-2');
  });

  it('uses the lifetime the apiserver answered with, when it differs from the one asked', async () => {
    const shorter = new ServiceAccountTokens(
      async (_ns, _sa, req) => ({ ...req, spec: { ...req.spec, expirationSeconds: 1000 }, status: { token: 't', expirationTimestamp: new Date(clock.now() + 1000_000).toISOString() } }),
      { clock, jitterMs: () => 0 },
    );
    const issued = await shorter.get('shop', 'default', spec());
    expect(issued.expirationSeconds).toBe(1000);
  });

  it('keeps using a valid token when a refresh fails, and fails once it has expired', async () => {
    await tokens.get('shop', 'default', spec());
    await clock.advance(3000_000);
    api.failWith = new Error('connection refused');
    expect((await tokens.get('shop', 'default', spec())).token).toBe('token-1');
    expect(api.requests).toHaveLength(2);
    await clock.advance(600_000);
    await expect(tokens.get('shop', 'default', spec())).rejects.toThrow(
      'token for service account shop/default expired and refresh failed: connection refused',
    );
    api.failWith = undefined;
    expect((await tokens.get('shop', 'default', spec())).token).toBe('token-2');
  });

  it('fails with the apiserver\'s reason when there is no token yet', async () => {
    api.failWith = new Error('serviceaccounts "ghost" not found');
    await expect(tokens.get('shop', 'ghost', spec())).rejects.toThrow('failed to fetch token: serviceaccounts "ghost" not found');
    expect(tokens.size).toBe(0);
  });

  it('refuses an answer without a token', async () => {
    const empty = new ServiceAccountTokens(async (_ns, _sa, req) => req, { clock });
    await expect(empty.get('shop', 'default', spec())).rejects.toThrow('failed to fetch token: the TokenRequest answer has no status.token and expirationTimestamp');
  });

  it('sends one request for concurrent asks of the same token', async () => {
    const [a, b] = await Promise.all([tokens.get('shop', 'default', spec()), tokens.get('shop', 'default', spec())]);
    expect(a.token).toBe('token-1');
    expect(b.token).toBe('token-1');
    expect(api.requests).toHaveLength(1);
  });

  it('forgets the tokens of a pod that is gone, and only those', async () => {
    await tokens.get('shop', 'default', spec());
    await tokens.get('shop', 'default', spec({ audiences: ['vault'] }));
    await tokens.get('shop', 'default', spec({ boundObjectRef: podRef('u2') }));
    tokens.forgetPod('u1');
    expect(tokens.size).toBe(1);
    expect((await tokens.get('shop', 'default', spec({ boundObjectRef: podRef('u2') }))).token).toBe('token-3');
    expect((await tokens.get('shop', 'default', spec())).token).toBe('token-4');
  });

  it('drops expired tokens from the cache', async () => {
    await tokens.get('shop', 'default', spec({ expirationSeconds: 600 }));
    await clock.advance(601_000);
    await tokens.get('shop', 'default', spec({ boundObjectRef: podRef('u2') }));
    expect(tokens.size).toBe(1);
  });
});
