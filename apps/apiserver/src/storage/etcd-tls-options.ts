import { readPemFlagFile } from '@skiff/pki';

/** How the apiserver proves itself to etcd and checks etcd's certificate (PEM text). */
export interface EtcdTls {
  caPem?: string;
  certPem?: string;
  keyPem?: string;
}

export interface EtcdTlsFlags {
  etcdServers: string[];
  etcdCafile?: string;
  etcdCertfile?: string;
  etcdKeyfile?: string;
}

/**
 * `--etcd-cafile`, `--etcd-certfile` and `--etcd-keyfile`, as kube-apiserver takes them: etcd's CA, and the client
 * certificate and key the apiserver authenticates to etcd with (an etcd started with `--client-cert-auth` wants
 * one). They need https:// etcd servers, and an https:// server without a CA file is checked against the system's
 * roots. Undefined when none is given. Throws an Error whose message is the one line to print.
 */
export function etcdTlsFromFlags(f: EtcdTlsFlags): EtcdTls | undefined {
  if ((f.etcdCertfile === undefined) !== (f.etcdKeyfile === undefined)) throw new Error('--etcd-certfile and --etcd-keyfile go together');
  if (f.etcdCafile === undefined && f.etcdCertfile === undefined) return undefined;
  const plain = f.etcdServers.filter((s) => !s.startsWith('https://'));
  if (plain.length) throw new Error(`--etcd-cafile, --etcd-certfile and --etcd-keyfile are for https:// etcd servers, and ${plain[0]} is not one`);
  return {
    ...(f.etcdCafile !== undefined ? { caPem: readPemFlagFile(f.etcdCafile, '--etcd-cafile') } : {}),
    ...(f.etcdCertfile !== undefined ? { certPem: readPemFlagFile(f.etcdCertfile, '--etcd-certfile'), keyPem: readPemFlagFile(f.etcdKeyfile!, '--etcd-keyfile') } : {}),
  };
}
