import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { rolebindings, roles, secrets, type KObject, type Secret } from '@skiff/api';
import { createOrUpdate, getIfExists, type KubeClient } from '@skiff/client';
import { publicFileMode, secretFileMode, writeFileAtomic } from '@skiff/pki';

/**
 * What every control-plane machine must share, as kubeadm's upload-certs shares it: the cluster CA (so each issues its
 * own apiserver and client certificates), etcd's CA (its members' certificates), and the ServiceAccount key pair
 * (tokens one apiserver signs, the others verify). Secret key → file under the pki directory.
 */
export const sharedControlPlaneFiles: Record<string, string> = {
  'ca.crt': 'ca.crt',
  'ca.key': 'ca.key',
  'sa.key': 'sa.key',
  'sa.pub': 'sa.pub',
  'etcd-ca.crt': 'etcd/ca.crt',
  'etcd-ca.key': 'etcd/ca.key',
};

export const controlPlaneCertsNamespace = 'kube-system';
export const controlPlaneCertsSecretName = 'skiff-control-plane-certs';
/** The Role and RoleBinding that let join tokens read that Secret, and nothing else of kube-system's. */
const readerName = 'skiff:control-plane-certs';
const joinTokenGroup = 'system:bootstrappers:kubeadm:default-node-token';

/** A fresh certificate key: 32 random bytes as hex, what `--certificate-key` takes. */
export function newCertificateKey(): string {
  return crypto.randomBytes(32).toString('hex');
}

function keyBytes(certificateKey: string): Buffer {
  if (!/^[0-9a-f]{64}$/i.test(certificateKey)) throw new Error('--certificate-key must be 64 hex digits (skiff token create --print-join-command --control-plane prints it)');
  return Buffer.from(certificateKey, 'hex');
}

/** AES-256-GCM: nonce, ciphertext and tag together. */
export function sealWithKey(plain: Buffer, certificateKey: string): Buffer {
  const nonce = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv('aes-256-gcm', keyBytes(certificateKey), nonce);
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([nonce, body, cipher.getAuthTag()]);
}

export function openWithKey(sealed: Buffer, certificateKey: string): Buffer {
  const key = keyBytes(certificateKey);
  if (sealed.length < 28) throw new Error('the shared control-plane certificates are damaged (too short)');
  const decipher = crypto.createDecipheriv('aes-256-gcm', key, sealed.subarray(0, 12));
  decipher.setAuthTag(sealed.subarray(sealed.length - 16));
  try {
    return Buffer.concat([decipher.update(sealed.subarray(12, sealed.length - 16)), decipher.final()]);
  } catch {
    throw new Error('the certificate key does not open the shared control-plane certificates (a wrong --certificate-key, or they were uploaded again since)');
  }
}

/**
 * Uploads the shared files of `pkiDir`, each sealed with `certificateKey`, to kube-system/skiff-control-plane-certs,
 * owned by the bootstrap token's Secret so that it goes when the token does (garbage collection), and lets join
 * tokens read it.
 */
export async function uploadControlPlaneCerts(client: KubeClient, pkiDir: string, certificateKey: string, owner: { name: string; uid: string }): Promise<void> {
  const data: Record<string, string> = {};
  for (const [key, file] of Object.entries(sharedControlPlaneFiles)) {
    let plain: Buffer;
    try {
      plain = fs.readFileSync(path.join(pkiDir, file));
    } catch {
      throw new Error(`${path.join(pkiDir, file)} is missing: run this on a control-plane machine, with its --data-dir`);
    }
    data[key] = sealWithKey(plain, certificateKey).toString('base64');
  }
  const metadata = { namespace: controlPlaneCertsNamespace, name: controlPlaneCertsSecretName };
  await createOrUpdate<Secret>(client, secrets, {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { ...metadata, ownerReferences: [{ apiVersion: 'v1', kind: 'Secret', name: owner.name, uid: owner.uid }] },
    type: 'Opaque',
    data,
  } as Secret);
  await createOrUpdate(client, roles, {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { namespace: controlPlaneCertsNamespace, name: readerName },
    rules: [{ apiGroups: [''], resources: ['secrets'], resourceNames: [controlPlaneCertsSecretName], verbs: ['get'] }],
  } as KObject);
  await createOrUpdate(client, rolebindings, {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { namespace: controlPlaneCertsNamespace, name: readerName },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: readerName },
    subjects: [{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: joinTokenGroup }],
  } as KObject);
}

/** Reads the shared files with a join token's client, opens them with the certificate key and writes them to `pkiDir`. */
export async function downloadControlPlaneCerts(client: KubeClient, pkiDir: string, certificateKey: string): Promise<void> {
  keyBytes(certificateKey);
  const secret = await getIfExists<Secret>(client, secrets, controlPlaneCertsNamespace, controlPlaneCertsSecretName);
  if (!secret) throw new Error(`the cluster shares no control-plane certificates (${controlPlaneCertsNamespace}/${controlPlaneCertsSecretName} is gone: they go with their token); run \`skiff token create --print-join-command --control-plane\` on a control-plane machine again`);
  const opened: Array<[string, Buffer]> = [];
  for (const [key, file] of Object.entries(sharedControlPlaneFiles)) {
    const sealed = secret.data?.[key];
    if (sealed === undefined) throw new Error(`${controlPlaneCertsSecretName} has no ${key}`);
    opened.push([file, openWithKey(Buffer.from(sealed, 'base64'), certificateKey)]);
  }
  for (const [file, content] of opened) {
    const target = path.join(pkiDir, file);
    fs.mkdirSync(path.dirname(target), { recursive: true, mode: 0o700 });
    writeFileAtomic(target, content.toString('utf8'), file.endsWith('.key') ? secretFileMode : publicFileMode);
  }
}
