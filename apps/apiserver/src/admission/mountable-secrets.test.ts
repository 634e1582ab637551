import type { PodSpec, ServiceAccount } from '@skiff/api';
import { enforcesMountableSecrets, ephemeralSecretsProblem, mountableSecretsProblem } from './mountable-secrets';

const account = (annotation?: string): ServiceAccount => ({
  metadata: { name: 'builder', namespace: 'ns', ...(annotation === undefined ? {} : { annotations: { 'kubernetes.io/enforce-mountable-secrets': annotation } }) },
  secrets: [{ name: 'allowed' }],
  imagePullSecrets: [{ name: 'registry' }],
});
const spec = (extra: Partial<PodSpec>): PodSpec => ({ containers: [{ name: 'c', image: 'busybox' }], ...extra });

describe('mountable secrets', () => {
  it('is enforced only when the annotation reads as Go\'s true', () => {
    for (const v of ['true', 'True', 'TRUE', 't', 'T', '1']) expect(enforcesMountableSecrets(account(v))).toBe(true);
    for (const v of [undefined, 'false', 'yes', '']) expect(enforcesMountableSecrets(account(v))).toBe(false);
  });

  it('allows the secrets and pull secrets the account lists', () => {
    const ok = spec({
      volumes: [{ name: 'v', secret: { secretName: 'allowed' } }],
      containers: [{ name: 'c', image: 'busybox', env: [{ name: 'E', valueFrom: { secretKeyRef: { name: 'allowed', key: 'k' } } }], envFrom: [{ secretRef: { name: 'allowed' } }] }],
      imagePullSecrets: [{ name: 'registry' }],
    });
    expect(mountableSecretsProblem(account('true'), ok)).toBeUndefined();
  });

  it('names the first volume, env, envFrom or pull secret the account does not list', () => {
    const sa = account('true');
    expect(mountableSecretsProblem(sa, spec({ volumes: [{ name: 'v', secret: { secretName: 'other' } }] }))).toBe(
      'volume with secret.secretName="other" is not allowed because service account builder does not reference that secret',
    );
    expect(mountableSecretsProblem(sa, spec({ initContainers: [{ name: 'i', image: 'busybox', env: [{ name: 'E', valueFrom: { secretKeyRef: { name: 'other', key: 'k' } } }] }] }))).toBe(
      'init container i with envVar E referencing secret.secretName="other" is not allowed because service account builder does not reference that secret',
    );
    expect(mountableSecretsProblem(sa, spec({ containers: [{ name: 'c', image: 'busybox', envFrom: [{ secretRef: { name: 'other' } }] }] }))).toBe(
      'container c with envFrom referencing secret.secretName="other" is not allowed because service account builder does not reference that secret',
    );
    expect(mountableSecretsProblem(sa, spec({ imagePullSecrets: [{ name: 'registry' }, { name: 'elsewhere' }] }))).toBe(
      'imagePullSecrets[1].name="elsewhere" is not allowed because service account builder does not reference that imagePullSecret',
    );
  });

  it('checks ephemeral containers\' env and envFrom', () => {
    const problem = ephemeralSecretsProblem(account('true'), [{ name: 'debug', image: 'busybox', env: [{ name: 'E', valueFrom: { secretKeyRef: { name: 'other', key: 'k' } } }] }]);
    expect(problem).toBe('ephemeral container debug with envVar E referencing secret.secretName="other" is not allowed because service account builder does not reference that secret');
    expect(ephemeralSecretsProblem(account('true'), [{ name: 'debug', image: 'busybox', envFrom: [{ secretRef: { name: 'allowed' } }] }])).toBeUndefined();
  });
});
