import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { certificateInfo } from '@skiff/pki';
import { prepareClusterAccess, type ClusterClient } from './cluster-access';
import { ClusterPaths } from './cluster-paths';
import { settingDefaults, type ClusterSettings } from './cluster-settings';

interface Kubeconfig {
  clusters: Array<{ cluster: { server: string; 'certificate-authority-data': string } }>;
  users: Array<{ name: string; user: { 'client-certificate-data': string; 'client-key-data': string } }>;
}

const settings: ClusterSettings = { ...settingDefaults, apiPort: 16443, nodeName: 'node-a' };
const fromBase64 = (text: string) => Buffer.from(text, 'base64').toString();

describe('prepareClusterAccess', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'skiff-access-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes an https kubeconfig per client with the cluster CA and that client’s certificate', async () => {
    const paths = new ClusterPaths(dir);
    const access = await prepareClusterAccess(paths, settings);
    expect(access.apiServerUrl).toBe('https://127.0.0.1:16443');
    expect(access.kubeconfig('admin')).toBe(path.join(dir, 'admin.kubeconfig'));
    const caPem = fs.readFileSync(access.caCertFile, 'utf8');
    const expected: Record<ClusterClient, { commonName: string; organizations: string[] }> = {
      admin: { commonName: 'kubernetes-admin', organizations: ['system:masters'] },
      scheduler: { commonName: 'system:kube-scheduler', organizations: [] },
      'controller-manager': { commonName: 'system:kube-controller-manager', organizations: [] },
      kubelet: { commonName: 'system:node:node-a', organizations: ['system:nodes'] },
      proxy: { commonName: 'system:kube-proxy', organizations: [] },
    };
    for (const [who, subject] of Object.entries(expected) as Array<[ClusterClient, (typeof expected)[ClusterClient]]>) {
      const file = access.kubeconfig(who);
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      const config = parse(fs.readFileSync(file, 'utf8')) as Kubeconfig;
      expect(config.clusters[0].cluster.server).toBe('https://127.0.0.1:16443');
      expect(fromBase64(config.clusters[0].cluster['certificate-authority-data'])).toBe(caPem);
      expect(config.users[0].name).toBe(subject.commonName);
      const cert = certificateInfo(fromBase64(config.users[0].user['client-certificate-data']));
      expect({ commonName: cert.commonName, organizations: cert.organizations }).toEqual(subject);
      expect(cert.purposes).toEqual(['clientAuth']);
    }
  });

  it('asks the apiserver for HTTPS only, with client certificates and Node,RBAC, and etcd for certificates from its own CA', async () => {
    const access = await prepareClusterAccess(new ClusterPaths(dir), settings);
    const pki = path.join(dir, 'pki');
    expect(access.apiserverArgs).toEqual([
      '--advertise-address=10.244.0.1',
      `--tls-cert-file=${pki}/apiserver.crt`,
      `--tls-private-key-file=${pki}/apiserver.key`,
      `--client-ca-file=${pki}/ca.crt`,
      '--authorization-mode=Node,RBAC',
      `--service-account-key-file=${pki}/sa.pub`,
      `--service-account-signing-key-file=${pki}/sa.key`,
      '--enable-bootstrap-token-auth',
      `--kubelet-client-certificate=${pki}/apiserver-kubelet-client.crt`,
      `--kubelet-client-key=${pki}/apiserver-kubelet-client.key`,
      `--etcd-cafile=${pki}/etcd/ca.crt`,
      `--etcd-certfile=${pki}/apiserver-etcd-client.crt`,
      `--etcd-keyfile=${pki}/apiserver-etcd-client.key`,
    ]);
    expect(access.etcd.memberArgs).toEqual([
      '--client-cert-auth',
      `--trusted-ca-file=${pki}/etcd/ca.crt`,
      `--cert-file=${pki}/etcd/server.crt`,
      `--key-file=${pki}/etcd/server.key`,
      '--peer-client-cert-auth',
      `--peer-trusted-ca-file=${pki}/etcd/ca.crt`,
      `--peer-cert-file=${pki}/etcd/peer.crt`,
      `--peer-key-file=${pki}/etcd/peer.key`,
    ]);
    expect(access.controllerManagerArgs).toEqual([
      `--root-ca-file=${pki}/ca.crt`,
      `--cluster-signing-cert-file=${pki}/ca.crt`,
      `--cluster-signing-key-file=${pki}/ca.key`,
      '--controllers=*,bootstrapsigner,tokencleaner',
    ]);
    expect(access.kubeletServingArgs).toEqual([`--tls-cert-file=${pki}/kubelet.crt`, `--tls-private-key-file=${pki}/kubelet.key`, `--client-ca-file=${pki}/ca.crt`, '--authorization-mode=Webhook']);
    expect(access.clusterInfo).toEqual({ server: 'https://127.0.0.1:16443', caPem: fs.readFileSync(path.join(pki, 'ca.crt'), 'utf8') });
    expect(access.apiserverArgs.some((a) => a.startsWith('--port'))).toBe(false);
    const serving = certificateInfo(fs.readFileSync(path.join(pki, 'apiserver.crt'), 'utf8'));
    expect(serving.ipAddresses).toEqual(expect.arrayContaining(['127.0.0.1', '10.96.0.1', '10.244.0.1']));
    expect(access.nodeIP).toBe('127.0.0.1');
  });

  it('advertises the apiserver and the node on --advertise-address, with it in both serving certificates', async () => {
    const access = await prepareClusterAccess(new ClusterPaths(dir), { ...settings, advertiseAddress: '192.168.60.10' });
    expect(access.apiserverArgs).toContain('--advertise-address=192.168.60.10');
    expect(access.nodeIP).toBe('192.168.60.10');
    expect(access.clusterInfo.server).toBe('https://192.168.60.10:16443');
    const pki = path.join(dir, 'pki');
    expect(certificateInfo(fs.readFileSync(path.join(pki, 'apiserver.crt'), 'utf8')).ipAddresses).toContain('192.168.60.10');
    expect(certificateInfo(fs.readFileSync(path.join(pki, 'kubelet.crt'), 'utf8')).ipAddresses).toContain('192.168.60.10');
  });

  it('keeps the CA and certificates of an earlier start', async () => {
    const paths = new ClusterPaths(dir);
    await prepareClusterAccess(paths, settings);
    const before = fs.readFileSync(path.join(dir, 'pki', 'ca.crt'), 'utf8');
    const adminBefore = fs.readFileSync(paths.adminKubeconfig, 'utf8');
    await prepareClusterAccess(paths, settings);
    expect(fs.readFileSync(path.join(dir, 'pki', 'ca.crt'), 'utf8')).toBe(before);
    expect(fs.readFileSync(paths.adminKubeconfig, 'utf8')).toBe(adminBefore);
  });
});
