import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EncryptionConfigError, loadEncryptionConfig, parseEncryptionConfig } from './encryption-config';

const secret32 = Buffer.alloc(32, 7).toString('base64');
const header = 'apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\n';
const problem = (text: string): string => {
  try {
    parseEncryptionConfig(text);
  } catch (e) {
    expect(e).toBeInstanceOf(EncryptionConfigError);
    expect((e as Error).message).not.toContain('\n');
    return (e as Error).message;
  }
  throw new Error('the configuration was accepted');
};
const withResources = (resources: string) => header + resources;

describe('parseEncryptionConfig', () => {
  it("reads the documented YAML form: providers in order, keys decoded", () => {
    const c = parseEncryptionConfig(
      withResources(`resources:
  - resources:
      - secrets
      - configmaps
    providers:
      - aescbc:
          keys:
            - name: key1
              secret: ${secret32}
      - identity: {}
`),
    );
    expect(c.rules.map((r) => r.gr)).toEqual([
      { group: '', resource: 'secrets' },
      { group: '', resource: 'configmaps' },
    ]);
    expect(c.rules[0].providers).toEqual([{ type: 'aescbc', keys: [{ name: 'key1', secret: Buffer.alloc(32, 7) }] }, { type: 'identity' }]);
  });

  it('reads JSON too, with groups and wildcards', () => {
    const c = parseEncryptionConfig(
      JSON.stringify({
        apiVersion: 'apiserver.config.k8s.io/v1',
        kind: 'EncryptionConfiguration',
        resources: [
          { resources: ['deployments.apps', 'pandas.awesome.bears.example'], providers: [{ aesgcm: { keys: [{ name: 'k', secret: Buffer.alloc(16).toString('base64') }] } }] },
          { resources: ['*.*'], providers: [{ identity: {} }] },
        ],
      }),
    );
    expect(c.rules.map((r) => r.gr)).toEqual([
      { group: 'apps', resource: 'deployments' },
      { group: 'awesome.bears.example', resource: 'pandas' },
      { group: '*', resource: '*' },
    ]);
  });

  it('joins the providers of a resource named in two entries, in order', () => {
    const c = parseEncryptionConfig(
      withResources(`resources:
  - resources: [secrets]
    providers: [{aesgcm: {keys: [{name: new, secret: ${secret32}}]}}]
  - resources: [secrets]
    providers: [{aescbc: {keys: [{name: old, secret: ${secret32}}]}}, {identity: {}}]
`),
    );
    expect(c.rules).toHaveLength(1);
    expect(c.rules[0].providers.map((p) => p.type)).toEqual(['aesgcm', 'aescbc', 'identity']);
  });

  it.each([
    ['an empty file', '  \n', 'the encryption provider configuration file is empty'],
    ['text that is not YAML', 'resources: [\n', 'not valid YAML or JSON'],
    ['another kind', 'apiVersion: v1\nkind: ConfigMap\n', 'expected apiVersion "apiserver.config.k8s.io/v1" and kind "EncryptionConfiguration", got apiVersion "v1" and kind "ConfigMap"'],
    ['no resources', header, 'resources: Required value: at least one resources is required'],
    ['an entry without resources', withResources('resources:\n- providers: [{identity: {}}]\n'), 'resources[0].resources: Required value'],
    ['an entry without providers', withResources('resources:\n- resources: [secrets]\n'), 'resources[0].providers: Required value'],
    ['two providers in one element', withResources(`resources:\n- resources: [secrets]\n  providers: [{identity: {}, aescbc: {keys: [{name: a, secret: ${secret32}}]}}]\n`), 'resources[0].providers[0]: Invalid value: more than one provider specified in a single element'],
    ['an empty provider', withResources('resources:\n- resources: [secrets]\n  providers: [{identity: }]\n'), 'provider does not contain any of the expected providers'],
    ['an unknown provider', withResources('resources:\n- resources: [secrets]\n  providers: [{aes: {}}]\n'), 'unknown provider "aes"'],
    ['secretbox', withResources(`resources:\n- resources: [secrets]\n  providers: [{secretbox: {keys: [{name: a, secret: ${secret32}}]}}]\n`), 'resources[0].providers[0].secretbox: the secretbox provider is not supported'],
    ['kms', withResources('resources:\n- resources: [secrets]\n  providers: [{kms: {name: x}}]\n'), 'the kms provider is not supported'],
    ['a provider without keys', withResources('resources:\n- resources: [secrets]\n  providers: [{aescbc: {}}]\n'), 'resources[0].providers[0].aescbc.keys: Required value: at least one keys is required'],
    ['a key without a name', withResources(`resources:\n- resources: [secrets]\n  providers: [{aesgcm: {keys: [{secret: ${secret32}}]}}]\n`), 'resources[0].providers[0].aesgcm.keys[0].name: Required value'],
    ['a key without a secret', withResources('resources:\n- resources: [secrets]\n  providers: [{aesgcm: {keys: [{name: a}]}}]\n'), 'keys[0].secret: Required value'],
    ['a secret that is not base64', withResources('resources:\n- resources: [secrets]\n  providers: [{aescbc: {keys: [{name: a, secret: "not base64!"}]}}]\n'), 'keys[0].secret: Invalid value: "REDACTED": secrets must be base64 encoded'],
    ['a secret of the wrong length', withResources('resources:\n- resources: [secrets]\n  providers: [{aescbc: {keys: [{name: a, secret: c2V2ZW50ZWVuIGJ5dGVzISE=}]}}]\n'), 'secret is not of the expected length, got 17, expected one of [16 24 32]'],
    ['a capitalised resource', withResources('resources:\n- resources: [Secrets]\n  providers: [{identity: {}}]\n'), 'resource name should not contain capital letters'],
    ['a bare *', withResources("resources:\n- resources: ['*']\n  providers: [{identity: {}}]\n"), "use '*.' to encrypt all the resources from core API group"],
    ['events.k8s.io', withResources('resources:\n- resources: [events.events.k8s.io]\n  providers: [{identity: {}}]\n'), "Use 'events' instead"],
    ['a resource across groups', withResources("resources:\n- resources: ['secrets.*']\n  providers: [{identity: {}}]\n"), 'encrypting the same resource across groups is not supported'],
    ['an allocation store', withResources('resources:\n- resources: [serviceipallocations]\n  providers: [{identity: {}}]\n'), 'resources which do not have REST API/s cannot be encrypted'],
    ['a duplicate in one list', withResources('resources:\n- resources: [secrets, secrets]\n  providers: [{identity: {}}]\n'), 'the same resource cannot be specified multiple times'],
    ['an overlap in one list', withResources("resources:\n- resources: [secrets, '*.']\n  providers: [{identity: {}}]\n"), "using overlapping resources such as 'secrets' and '*.'"],
    ['a rule masked by an earlier wildcard', withResources("resources:\n- resources: ['*.']\n  providers: [{identity: {}}]\n- resources: [secrets]\n  providers: [{identity: {}}]\n"), 'resource "secrets" is masked by earlier rule "*."'],
    ['a rule after *.*', withResources("resources:\n- resources: ['*.*']\n  providers: [{identity: {}}]\n- resources: [deployments.apps]\n  providers: [{identity: {}}]\n"), 'resource "deployments.apps" is masked by earlier rule "*.*"'],
  ])('refuses %s with a one-line reason', (_what, text, reason) => {
    expect(problem(text)).toContain(reason);
  });

  it('never repeats key material in a message', () => {
    const short = Buffer.from('sixteen-bytes!!!x').toString('base64');
    const msg = problem(withResources(`resources:\n- resources: [secrets]\n  providers: [{aescbc: {keys: [{name: a, secret: ${short}}]}}]\n`));
    expect(msg).not.toContain(short);
  });

  it('reports every problem at once', () => {
    const msg = problem(withResources('resources:\n- resources: [Secrets]\n  providers: [{aescbc: {keys: [{name: a, secret: "!!"}]}}]\n'));
    expect(msg).toContain('capital letters');
    expect(msg).toContain('base64');
  });
});

describe('loadEncryptionConfig', () => {
  it('reads a file, and says so when it cannot', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'skiff-enc-'));
    try {
      const file = path.join(dir, 'enc.yaml');
      fs.writeFileSync(file, withResources(`resources:\n- resources: [secrets]\n  providers: [{aesgcm: {keys: [{name: k, secret: ${secret32}}]}}]\n`));
      expect(loadEncryptionConfig(file).rules[0].providers[0].type).toBe('aesgcm');
      expect(() => loadEncryptionConfig(path.join(dir, 'missing.yaml'))).toThrow('cannot read the encryption provider configuration: ENOENT: no such file or directory');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
