import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { adminIdentity, apiserverKubeletClientIdentity, ClusterCA, nodeIdentity, writeKubeconfig, type IssuedCertificate } from '@skiff/pki';

/** A certificate and its key, written out as files for a program's flags. */
export interface TestCertificateFiles extends IssuedCertificate {
  certFile: string;
  keyFile: string;
}

/**
 * A throwaway cluster CA in a temp folder for tests that run the control plane and kubelets over TLS: the
 * apiserver's serving certificate and its client certificate towards kubelets, an admin, and per node a kubelet
 * serving and client certificate, with the flags each program takes them by. `remove()` deletes the folder.
 */
export class TestPki {
  private readonly nodes = new Map<string, { serving: TestCertificateFiles; client: TestCertificateFiles }>();

  private constructor(
    readonly dir: string,
    readonly ca: ClusterCA,
    readonly caFile: string,
    readonly apiserverServing: TestCertificateFiles,
    readonly apiserverKubeletClient: TestCertificateFiles,
    readonly admin: TestCertificateFiles,
  ) {}

  static async create(): Promise<TestPki> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'skiff-test-pki-'));
    try {
      const ca = await ClusterCA.create();
      const caFile = path.join(dir, 'ca.crt');
      fs.writeFileSync(caFile, ca.certPem);
      const serving = await ca.issueServing({ commonName: 'kube-apiserver', dnsNames: ['localhost', 'kubernetes'], ipAddresses: ['127.0.0.1'] });
      const kubeletClient = await ca.issueClient(apiserverKubeletClientIdentity);
      const admin = await ca.issueClient(adminIdentity);
      return new TestPki(dir, ca, caFile, write(dir, 'apiserver', serving), write(dir, 'apiserver-kubelet-client', kubeletClient), write(dir, 'admin', admin));
    } catch (e) {
      fs.rmSync(dir, { recursive: true, force: true });
      throw e;
    }
  }

  /** A client certificate for any user, e.g. one RBAC does not know. */
  async client(name: string, groups: string[] = []): Promise<TestCertificateFiles> {
    return write(this.dir, `client-${name.replace(/[^a-zA-Z0-9.-]/g, '_')}`, await this.ca.issueClient({ commonName: name, organizations: groups }));
  }

  /** The kubelet of `nodeName`: its serving certificate (loopback) and its client certificate (system:node:<name>). */
  async node(nodeName: string): Promise<{ serving: TestCertificateFiles; client: TestCertificateFiles }> {
    let certs = this.nodes.get(nodeName);
    if (!certs) {
      const id = nodeIdentity(nodeName);
      const serving = await this.ca.issueServing({ commonName: id.commonName, organizations: id.organizations, dnsNames: ['localhost', nodeName], ipAddresses: ['127.0.0.1'] });
      const client = await this.ca.issueClient(id);
      certs = { serving: write(this.dir, `kubelet-${nodeName}`, serving), client: write(this.dir, `kubelet-client-${nodeName}`, client) };
      this.nodes.set(nodeName, certs);
    }
    return certs;
  }

  /**
   * The apiserver's flags: HTTPS with client certificates and Node,RBAC, and HTTPS with its client certificate
   * towards kubelets, verifying them against the CA.
   */
  apiserverArgs(): string[] {
    return [
      '--secure-port=0',
      `--tls-cert-file=${this.apiserverServing.certFile}`,
      `--tls-private-key-file=${this.apiserverServing.keyFile}`,
      `--client-ca-file=${this.caFile}`,
      '--authorization-mode=Node,RBAC',
      `--kubelet-client-certificate=${this.apiserverKubeletClient.certFile}`,
      `--kubelet-client-key=${this.apiserverKubeletClient.keyFile}`,
      `--kubelet-certificate-authority=${this.caFile}`,
    ];
  }

  /** A kubelet's flags: HTTPS with its serving certificate, client certificates from the CA, Webhook authorization. */
  async kubeletArgs(nodeName: string): Promise<string[]> {
    const { serving } = await this.node(nodeName);
    return [`--tls-cert-file=${serving.certFile}`, `--tls-private-key-file=${serving.keyFile}`, `--client-ca-file=${this.caFile}`, '--authorization-mode=Webhook', '--healthz-port=0'];
  }

  /** Writes a kubeconfig for `server` (https) that trusts the CA and signs in with `cert`; returns its path. */
  writeKubeconfig(file: string, server: string, cert: IssuedCertificate, user: string): string {
    writeKubeconfig(file, { server, caPem: this.ca.certPem, certPem: cert.certPem, keyPem: cert.keyPem, user, cluster: 'test' });
    return file;
  }

  remove(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

function write(dir: string, name: string, cert: IssuedCertificate): TestCertificateFiles {
  const certFile = path.join(dir, `${name}.crt`);
  const keyFile = path.join(dir, `${name}.key`);
  fs.writeFileSync(certFile, cert.certPem);
  fs.writeFileSync(keyFile, cert.keyPem, { mode: 0o600 });
  return { ...cert, certFile, keyFile };
}
