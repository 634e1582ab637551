import { secrets, type Secret } from '@skiff/api';
import { silentLogger } from '@skiff/logging';
import { ControllerTestKit } from '@skiff/testing';
import { defaultControllerOptions, type ControllerContext } from '../controller';
import { TokenCleaner } from './tokencleaner-controller';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const token = (id: string, expiration?: string, extra: Partial<Secret> = {}): Secret => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: `bootstrap-token-${id}`, namespace: 'kube-system', uid: `uid-${id}` },
  type: 'bootstrap.kubernetes.io/token',
  data: { 'token-id': b64(id), 'token-secret': b64('0123456789abcdef'), ...(expiration ? { expiration: b64(expiration) } : {}) },
  ...extra,
});
const contextFrom = (kit: ControllerTestKit): ControllerContext => ({
  client: kit.client,
  informers: kit.informers,
  recorder: () => kit.recorder,
  clock: kit.clock,
  logger: silentLogger(),
  options: defaultControllerOptions,
});
const exists = (kit: ControllerTestKit, name: string, namespace = 'kube-system') => kit.client.tracker.get(secrets, namespace, name) !== undefined;

async function drain(c: TokenCleaner): Promise<void> {
  while (c.queue.len() > 0) await c.processNext();
}

describe('the token cleaner', () => {
  let kit: ControllerTestKit;
  let controller: TokenCleaner;

  beforeEach(async () => {
    // The kit's clock starts at 2024-05-01T10:00:00Z.
    kit = new ControllerTestKit();
    kit.seed(
      secrets,
      token('old111', '2024-05-01T09:00:00Z'),
      token('soon22', '2024-05-01T11:00:00Z'),
      token('never3'),
      token('typo44', 'tomorrow'),
      token('other5', '2024-05-01T09:00:00Z', { metadata: { name: 'bootstrap-token-other5', namespace: 'default', uid: 'x' } }),
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'plain', namespace: 'kube-system' }, type: 'Opaque', data: { expiration: b64('2000-01-01T00:00:00Z') } },
    );
    controller = new TokenCleaner(contextFrom(kit));
    await kit.start();
  });
  afterEach(() => kit.stop());

  it('deletes expired tokens, with their uid as a precondition, and tokens whose expiration does not parse', async () => {
    await drain(controller);
    expect(kit.writeActions().map((a) => [a.verb, a.name, a.deleteOptions?.preconditions?.uid]).sort()).toEqual([
      ['delete', 'bootstrap-token-old111', 'uid-old111'],
      ['delete', 'bootstrap-token-typo44', 'uid-typo44'],
    ]);
    expect(exists(kit, 'bootstrap-token-soon22')).toBe(true);
    expect(exists(kit, 'bootstrap-token-never3')).toBe(true);
  });

  it('leaves other Secrets, and tokens outside kube-system, alone', async () => {
    await drain(controller);
    expect(exists(kit, 'plain')).toBe(true);
    expect(exists(kit, 'bootstrap-token-other5', 'default')).toBe(true);
  });

  it('deletes a live token when its expiration comes, not before', async () => {
    await drain(controller);
    kit.client.clearActions();
    await kit.clock.advance(59 * 60_000);
    await drain(controller);
    expect(exists(kit, 'bootstrap-token-soon22')).toBe(true);
    await kit.clock.advance(60_000);
    await drain(controller);
    expect(kit.writes()).toEqual(['delete secrets']);
    expect(exists(kit, 'bootstrap-token-soon22')).toBe(false);
  });

  it('takes a token deleted meanwhile as done', async () => {
    await kit.client.delete(secrets, 'kube-system', 'bootstrap-token-old111');
    await expect(controller.reconcile('kube-system/bootstrap-token-old111')).resolves.toBeUndefined();
  });
});
