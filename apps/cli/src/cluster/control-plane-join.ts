import fs from 'node:fs';
import path from 'node:path';
import { configmaps, type ConfigMap } from '@skiff/api';
import { createOrUpdate, getIfExists, HttpKubeClient, loadClientConfig, type KubeClient } from '@skiff/client';
import type { ClusterProgress } from './cluster-progress';
import { prepareClusterAccess, readEtcdHealthcheckTls } from './cluster-access';
import type { ClusterPaths } from './cluster-paths';
import { readSettings, resolveSettings, writeSettings, type ClusterSettings } from './cluster-settings';
import { downloadControlPlaneCerts } from './control-plane-certs';
import { addEtcdMember, promoteEtcdMember, removeEtcdMember } from './etcd-membership';
import { controlPlaneMembers, etcdAdvertisedClientUrl, etcdClientUrl, etcdPeerUrl, type ControlPlaneMember } from './control-plane-members';
import type { CheckTls } from './readiness';
import { discoverCluster } from './join-discovery';
import { joinTarget, sourceAddressTowards, type JoinOptions } from './cluster-join';

/** Where each control-plane machine's etcd member takes clients, for the next machine to add itself through. */
const membersConfigMap = { namespace: 'kube-system', name: 'skiff-control-plane', key: 'etcd-endpoints' };

/** A control plane other machines can reach says where its etcd member takes clients, for `skiff join --control-plane`. */
export async function publishEtcdEndpoints(client: KubeClient, members: readonly ControlPlaneMember[]): Promise<void> {
  for (const m of members) if (m.host) await publishEtcdEndpoint(client, etcdAdvertisedClientUrl(m));
}

/** The etcd client URLs listed in kube-system/skiff-control-plane: every control-plane machine's, in join order. */
async function listedEtcdEndpoints(client: KubeClient): Promise<string[]> {
  const { namespace, name, key } = membersConfigMap;
  const current = await getIfExists<ConfigMap>(client, configmaps, namespace, name);
  return current?.data?.[key]?.split(',').filter(Boolean) ?? [];
}

async function writeEtcdEndpoints(client: KubeClient, urls: string[]): Promise<void> {
  const { namespace, name, key } = membersConfigMap;
  await createOrUpdate<ConfigMap>(client, configmaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { namespace, name }, data: { [key]: urls.join(',') } });
}

/** Adds this machine's etcd client URL to the list. */
async function publishEtcdEndpoint(client: KubeClient, url: string): Promise<void> {
  const listed = await listedEtcdEndpoints(client);
  if (!listed.includes(url)) await writeEtcdEndpoints(client, [...listed, url]);
}

/**
 * `skiff down --wipe` of a control-plane machine other machines can reach: its etcd endpoint leaves the list joining
 * machines use, and its etcd member leaves the cluster (both while they still run). What cannot be done is returned
 * as notes: the wipe goes on, as `kubeadm reset` does.
 */
export async function leaveControlPlane(paths: ClusterPaths, settings: ClusterSettings): Promise<string[]> {
  const notes: string[] = [];
  const [member] = controlPlaneMembers(settings, paths);
  if (!member?.host || settings.ha) return notes;
  const url = etcdAdvertisedClientUrl(member);
  const admin = new HttpKubeClient(loadClientConfig({ kubeconfigPath: paths.adminKubeconfig }), { requestTimeoutMs: 10_000, userAgent: 'skiff-down' });
  let others: string[] = [];
  try {
    const listed = await listedEtcdEndpoints(admin);
    others = listed.filter((u) => u !== url);
    if (others.length !== listed.length) await writeEtcdEndpoints(admin, others);
  } catch (e) {
    notes.push(`could not take ${url} out of kube-system/${membersConfigMap.name}: ${(e as Error).message}`);
  } finally {
    admin.close();
  }
  try {
    // Through the other members when there are any: this one stops serving once it is out.
    const removed = await removeEtcdMember(others.length ? others : [etcdClientUrl(member)], readEtcdHealthcheckTls(paths), { name: member.etcdName, peerUrl: etcdPeerUrl(member) });
    if (removed === 'removed') notes.push(`etcd member ${member.etcdName} left the cluster`);
  } catch (e) {
    notes.push(`etcd member ${member.etcdName} stays in the cluster (${(e as Error).message}); once it is gone for good, remove it there with etcdctl member remove`);
  }
  return notes;
}

/**
 * Gives a member `skiff join --control-plane` added its vote, once its etcd runs and has caught up, through the members
 * it was added through (a learner serves no clients); recorded, so later starts skip it.
 */
export async function promoteJoinedEtcdMember(paths: ClusterPaths, settings: ClusterSettings, tls: CheckTls, report: ClusterProgress): Promise<void> {
  const member = settings.etcdMember;
  if (!member || member.promoted) return;
  const result = await promoteEtcdMember(member.addedThrough, tls, { name: member.name, peerUrl: etcdPeerUrl(controlPlaneMembers(settings, paths)[0]) });
  if (result === 'promoted') report.print(`etcd member ${member.name} caught up and has its vote.`);
  settings.etcdMember = { ...member, promoted: true };
  writeSettings(paths, settings);
}

/**
 * The first part of `skiff join --control-plane`, as kubeadm's: trusts the cluster through its token and CA pin, reads
 * the shared keys (cluster CA, etcd CA, ServiceAccount key) with the token and opens them with the certificate key,
 * issues this machine's certificates from them, and adds this machine's etcd member to the cluster's etcd. Then the
 * data directory is that of a control-plane machine, which `skiff up` runs (and runs again later). A data directory
 * that joined before skips all this.
 */
export async function bootstrapControlPlaneMember(paths: ClusterPaths, opts: JoinOptions, registry: boolean, report: ClusterProgress): Promise<void> {
  const recorded = readSettings(paths);
  if (recorded?.joined) throw new Error(`${paths.dir} holds a node joined as a worker; join the control plane with another --data-dir`);
  if (recorded && !recorded.etcdMember) throw new Error(`${paths.dir} holds a cluster \`skiff up\` made; join with another --data-dir`);
  // Added to etcd before: what is left is to run it (a token that expired since is not needed).
  if (recorded?.etcdMember) return;

  const { server, token } = joinTarget(opts, undefined);
  if (!token) throw new Error('give --token (skiff token create --print-join-command --control-plane prints the whole command)');
  if (!opts.certificateKey) throw new Error('give --certificate-key (skiff token create --print-join-command --control-plane prints the whole command)');
  const nodeIP = opts.nodeIP ?? recorded?.advertiseAddress ?? (await sourceAddressTowards(new URL(server).hostname));
  report.print(`Discovering the cluster at ${server} with token ${token.id}...`);
  const discovered = await discoverCluster({ server, token, caCertHashes: opts.caCertHashes, unsafeSkipCAVerification: opts.unsafeSkipCAVerification });

  const pkiDir = path.join(paths.dir, 'pki');
  const asToken = new HttpKubeClient({ server, caData: discovered.caPem, token: `${token.id}.${token.secret}`, namespace: 'default' }, { requestTimeoutMs: 10_000, userAgent: 'skiff-join' });
  try {
    await downloadControlPlaneCerts(asToken, pkiDir, opts.certificateKey);
  } finally {
    asToken.close();
  }
  // What the certificate key opened must be the CA the pin vouched for.
  if (fs.readFileSync(path.join(pkiDir, 'ca.crt'), 'utf8').trim() !== discovered.caPem.trim()) throw new Error('the shared cluster CA is not the one discovery trusted; refusing it');
  report.print('Read the shared cluster CA, etcd CA and ServiceAccount key.');

  const { settings } = await resolveSettings(
    paths,
    { advertiseAddress: nodeIP, nodeName: opts.nodeName, registryPort: opts.registryPort, cniBridge: opts.cniBridge, controlPlaneEndpoint: new URL(discovered.advertisedServer).host },
    { registry, podCIDRFromCluster: true },
  );
  const access = await prepareClusterAccess(paths, settings);
  const admin = new HttpKubeClient({ ...loadClientConfig({ kubeconfigPath: access.kubeconfig('admin') }), server }, { requestTimeoutMs: 10_000, userAgent: 'skiff-join' });
  let endpoints: string[];
  try {
    endpoints = await listedEtcdEndpoints(admin);
  } finally {
    admin.close();
  }
  if (!endpoints.length) throw new Error(`the cluster lists no etcd member other machines can reach (${membersConfigMap.namespace}/${membersConfigMap.name}); its first machine must run skiff up with --advertise-address`);
  const name = settings.nodeName;
  const initialCluster = await addEtcdMember(endpoints, access.etcd.healthcheckClient, { name, peerUrl: etcdPeerUrl(controlPlaneMembers(settings, paths)[0]) });
  report.print(`Added etcd member ${name} (a learner until it has caught up); the cluster is now ${initialCluster.split(',').length} members.`);
  writeSettings(paths, { ...settings, etcdMember: { name, initialCluster, addedThrough: endpoints } });
}
