import {
  bootstrapTokenSecret,
  checkBootstrapToken,
  formatBootstrapToken,
  generateBootstrapToken,
  parseBootstrapToken,
  type BootstrapTokenSecretObject,
} from './bootstrap-token';

const token = { id: 'abcdef', secret: '0123456789abcdef' };
const now = new Date('2026-06-01T12:00:00Z');

// The Secret as the apiserver stores it: stringData folded into base64 data.
function stored(data: Record<string, string>, extra: Partial<BootstrapTokenSecretObject> = {}): BootstrapTokenSecretObject {
  return {
    metadata: { name: 'bootstrap-token-abcdef' },
    type: 'bootstrap.kubernetes.io/token',
    data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
    ...extra,
  };
}

const valid = { 'token-id': 'abcdef', 'token-secret': '0123456789abcdef', 'usage-bootstrap-authentication': 'true' };

describe('bootstrap token format', () => {
  it('parses <6 chars>.<16 chars> of [a-z0-9] and nothing else', () => {
    expect(parseBootstrapToken('abcdef.0123456789abcdef')).toEqual(token);
    for (const bad of ['ABCDEF.0123456789abcdef', 'abcde.0123456789abcdef', 'abcdef.0123456789abcde', 'abcdef0123456789abcdef', 'abcdef.0123456789abcdef ', 'a.b.c']) {
      expect([bad, parseBootstrapToken(bad)]).toEqual([bad, undefined]);
    }
  });

  it('generates fresh tokens that parse back', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const t = generateBootstrapToken();
      expect(parseBootstrapToken(t.token)).toEqual({ id: t.id, secret: t.secret });
      expect(formatBootstrapToken(t)).toBe(t.token);
      seen.add(t.token);
    }
    expect(seen.size).toBe(50);
  });

  it('builds the Secret a token needs, refusing extra groups outside system:bootstrappers:', () => {
    expect(bootstrapTokenSecret(token, { expiration: new Date('2026-06-02T00:00:00.500Z'), extraGroups: ['system:bootstrappers:kubeadm:default-node-token'], description: 'join' })).toEqual({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'bootstrap-token-abcdef', namespace: 'kube-system' },
      type: 'bootstrap.kubernetes.io/token',
      stringData: {
        'token-id': 'abcdef',
        'token-secret': '0123456789abcdef',
        description: 'join',
        expiration: '2026-06-02T00:00:00Z',
        'usage-bootstrap-authentication': 'true',
        'usage-bootstrap-signing': 'true',
        'auth-extra-groups': 'system:bootstrappers:kubeadm:default-node-token',
      },
    });
    expect(bootstrapTokenSecret(token, { usages: ['signing'] }).stringData).not.toHaveProperty('usage-bootstrap-authentication');
    expect(() => bootstrapTokenSecret(token, { extraGroups: ['system:masters'] })).toThrow('bootstrap token extra group "system:masters" must start with system:bootstrappers:');
  });
});

describe('checkBootstrapToken', () => {
  it('makes a good token system:bootstrap:<id> in system:bootstrappers and its extra groups', () => {
    expect(checkBootstrapToken(token, stored(valid), now)).toEqual({ ok: true, user: { name: 'system:bootstrap:abcdef', groups: ['system:bootstrappers'] } });
    const withGroups = stored({ ...valid, 'auth-extra-groups': 'system:bootstrappers:a, system:bootstrappers:b', expiration: '2026-06-01T13:00:00Z' });
    expect(checkBootstrapToken(token, withGroups, now)).toEqual({ ok: true, user: { name: 'system:bootstrap:abcdef', groups: ['system:bootstrappers', 'system:bootstrappers:a', 'system:bootstrappers:b'] } });
  });

  it('refuses a wrong secret, a mismatched id, the wrong type and a Secret being deleted', () => {
    expect(checkBootstrapToken({ ...token, secret: '0123456789abcdee' }, stored(valid), now)).toEqual({ ok: false, reason: 'the token secret does not match secret bootstrap-token-abcdef' });
    expect(checkBootstrapToken(token, stored({ ...valid, 'token-id': 'zzzzzz' }), now)).toMatchObject({ ok: false, reason: expect.stringContaining('has token-id "zzzzzz"') });
    expect(checkBootstrapToken(token, stored(valid, { type: 'Opaque' }), now)).toMatchObject({ ok: false, reason: expect.stringContaining('has type "Opaque"') });
    expect(checkBootstrapToken(token, stored(valid, { metadata: { name: 'bootstrap-token-abcdef', deletionTimestamp: '2026-06-01T11:00:00Z' } }), now)).toMatchObject({ ok: false });
  });

  it('refuses an expired token, an unparseable expiration, and a token without the authentication usage', () => {
    expect(checkBootstrapToken(token, stored({ ...valid, expiration: '2026-06-01T11:59:59Z' }), now)).toEqual({ ok: false, reason: 'bootstrap token abcdef expired at 2026-06-01T11:59:59Z' });
    expect(checkBootstrapToken(token, stored({ ...valid, expiration: 'tomorrow' }), now)).toMatchObject({ ok: false, reason: expect.stringContaining('not RFC 3339') });
    const { 'usage-bootstrap-authentication': _, ...signingOnly } = valid;
    expect(checkBootstrapToken(token, stored({ ...signingOnly, 'usage-bootstrap-signing': 'true' }), now)).toEqual({ ok: false, reason: 'secret bootstrap-token-abcdef does not allow usage-bootstrap-authentication' });
    expect(checkBootstrapToken(token, stored({ ...valid, 'usage-bootstrap-authentication': 'yes' }), now)).toMatchObject({ ok: false });
  });

  it('refuses extra groups outside system:bootstrappers:', () => {
    expect(checkBootstrapToken(token, stored({ ...valid, 'auth-extra-groups': 'system:bootstrappers:ok,system:masters' }), now)).toEqual({
      ok: false,
      reason: 'secret bootstrap-token-abcdef has auth-extra-groups "system:masters", which does not start with system:bootstrappers:',
    });
  });
});
