import type { TokenReview } from '@skiff/api';
import { TokenWebhookAuthenticator } from './token-webhook-authenticator';

describe('TokenWebhookAuthenticator', () => {
  let now: number;
  let asked: string[];
  const make = (answer: (token: string) => TokenReview['status']) =>
    new TokenWebhookAuthenticator(
      async (r) => {
        asked.push(r.spec.token!);
        return { ...r, status: answer(r.spec.token!) };
      },
      { cacheTtlMs: 120_000, now: () => now },
    );

  beforeEach(() => {
    now = 0;
    asked = [];
  });

  it('turns an authenticated review into the user, extra included, and keeps it for the TTL', async () => {
    const a = make(() => ({ authenticated: true, user: { username: 'u', uid: 'id', groups: ['g'], extra: { 'authentication.kubernetes.io/pod-name': ['p'] } } }));
    const expected = { ok: true, user: { name: 'u', uid: 'id', groups: ['g'], extra: { 'authentication.kubernetes.io/pod-name': ['p'] } } };
    expect(await a.authenticate('t')).toEqual(expected);
    now += 119_000;
    expect(await a.authenticate('t')).toEqual(expected);
    expect(asked).toEqual(['t']);
    now += 2_000;
    await a.authenticate('t');
    expect(asked).toEqual(['t', 't']);
  });

  it('passes on the reason of a refusal, or none', async () => {
    expect(await make(() => ({ authenticated: false, error: 'token has expired' })).authenticate('x')).toEqual({ ok: false, reason: 'token has expired' });
    expect(await make(() => ({ authenticated: false })).authenticate('y')).toEqual({ ok: false, reason: '' });
  });

  it('never turns a failed review into a user', async () => {
    const failing = new TokenWebhookAuthenticator(async () => Promise.reject(new Error('connection refused')), { cacheTtlMs: 1 });
    await expect(failing.authenticate('t')).rejects.toThrow('connection refused');
  });
});
