import { Bool, MapOf, Opt, Str, StringMap, Struct, type Static } from '../../schema/builders';
import { defineResource, kindHeader } from '../../scheme/define-resource';
import { secretTypes, validateSecret, validateSecretUpdate } from './secret-validation';

export const SecretSchema = Struct({
  ...kindHeader(),
  data: Opt(MapOf(Str({ contentEncoding: 'base64' }))),
  // Write-only convenience: merged into data (base64-encoded) when the secret is stored.
  stringData: Opt(StringMap()),
  type: Opt(Str()),
  immutable: Opt(Bool()),
});
export type Secret = Static<typeof SecretSchema>;

export const secrets = defineResource<Secret>({
  group: '',
  version: 'v1',
  kind: 'Secret',
  resource: 'secrets',
  namespaced: true,
  schema: SecretSchema,
  applyDefaults(secret) {
    secret.type ||= secretTypes.opaque;
    // A non-string value (YAML `x: yes`) is left for validation to report with its field path.
    if (secret.stringData && Object.values(secret.stringData).every((v) => typeof v === 'string')) {
      secret.data ??= {};
      for (const [k, v] of Object.entries(secret.stringData)) secret.data[k] = Buffer.from(v, 'utf8').toString('base64');
      delete secret.stringData;
    }
  },
  validate: validateSecret,
  validateUpdate: validateSecretUpdate,
  selectableFields: (secret) => ({ type: secret.type ?? '' }),
});
