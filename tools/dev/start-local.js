#!/usr/bin/env node
// `npm start`: runs a local Skiff cluster (etcd, apiserver, scheduler, controller-manager, one node) in the foreground and prints how to point
// kubectl at it. State lives in .skiff/ at the repository root; Ctrl-C stops everything it started.
const { spawn, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..', '..');
const stateDir = process.env.SKIFF_STATE_DIR || path.join(root, '.skiff');

execFileSync(process.execPath, [path.join(__dirname, 'require-etcd.js')], { stdio: 'inherit' });
if (!fs.existsSync(path.join(root, 'apps/kubelet/dist/main.js'))) {
  console.error('building the workspace (tsc -b) ...');
  execFileSync('npx', ['tsc', '-b'], { cwd: root, stdio: 'inherit' });
}

function portFree(port) {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

async function pickPort(preferred) {
  if (await portFree(preferred)) return preferred;
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function waitHttp(url, what, child) {
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`${what} exited with code ${child.exitCode}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not become ready at ${url}`);
}

async function main() {
  fs.mkdirSync(stateDir, { recursive: true });
  const etcdPort = await pickPort(Number(process.env.SKIFF_ETCD_PORT || 2379));
  const peerPort = await pickPort(etcdPort === 2379 ? 2380 : 0);
  const apiPort = await pickPort(Number(process.env.SKIFF_API_PORT || 8080));
  const etcdUrl = `http://127.0.0.1:${etcdPort}`;
  const children = [];
  let stopping = false;
  const stoppers = [];
  const stopAll = async (code) => {
    if (stopping) return;
    stopping = true;
    // The node first (the kubelet stops its containerd; pods keep running and are adopted next time), then the rest.
    for (const c of children.reverse()) {
      if (c.exitCode !== null) continue;
      const exited = new Promise((r) => c.once('exit', r));
      c.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    }
    for (const stop of stoppers) await stop().catch(() => undefined);
    process.exit(code);
  };
  process.on('SIGINT', () => stopAll(0));
  process.on('SIGTERM', () => stopAll(0));

  const etcdLog = fs.openSync(path.join(stateDir, 'etcd.log'), 'a');
  const etcd = spawn('etcd', [
    '--name', 'skiff', '--data-dir', path.join(stateDir, 'etcd'),
    '--listen-client-urls', etcdUrl, '--advertise-client-urls', etcdUrl,
    '--listen-peer-urls', `http://127.0.0.1:${peerPort}`, '--initial-advertise-peer-urls', `http://127.0.0.1:${peerPort}`,
    '--initial-cluster', `skiff=http://127.0.0.1:${peerPort}`,
  ], { stdio: ['ignore', etcdLog, etcdLog] });
  children.push(etcd);
  await waitHttp(`${etcdUrl}/health`, 'etcd', etcd);

  const apiserver = spawn(process.execPath, [
    path.join(root, 'apps/apiserver/bin/skiff-apiserver.js'),
    `--etcd-servers=${etcdUrl}`, '--bind-address=127.0.0.1', `--port=${apiPort}`,
  ], { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, SKIFF_LOG_FORMAT: process.env.SKIFF_LOG_FORMAT || 'text' } });
  children.push(apiserver);
  apiserver.on('exit', (code) => {
    if (stopping) return;
    console.error(`skiff-apiserver exited (${code}); stopping`);
    stopAll(1);
  });
  await waitHttp(`http://127.0.0.1:${apiPort}/readyz`, 'apiserver', apiserver);

  const kubeconfig = path.join(stateDir, 'kubeconfig');
  fs.writeFileSync(
    kubeconfig,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      `- name: skiff\n  cluster:\n    server: http://127.0.0.1:${apiPort}`,
      'users:',
      '- name: skiff-admin\n  user: {}',
      'contexts:',
      '- name: skiff\n  context:\n    cluster: skiff\n    user: skiff-admin\n    namespace: default',
      'current-context: skiff',
      '',
    ].join('\n'),
  );
  // The rest of the control plane: clients of the apiserver, configured by the kubeconfig just written.
  const components = [
    ['skiff-scheduler', 'apps/scheduler/bin/skiff-scheduler.js'],
    ['skiff-controller-manager', 'apps/controller-manager/bin/skiff-controller-manager.js'],
  ].filter(([, bin]) => fs.existsSync(path.join(root, bin)));
  for (const [name, bin] of components) {
    const child = spawn(process.execPath, [path.join(root, bin), `--kubeconfig=${kubeconfig}`, '--port=0'], {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, SKIFF_LOG_FORMAT: process.env.SKIFF_LOG_FORMAT || 'text' },
    });
    children.push(child);
    child.on('exit', (code) => {
      if (stopping) return;
      console.error(`${name} exited (${code}); stopping`);
      stopAll(1);
    });
  }

  // The node: as root a real one (containerd, runc, CNI, and a local registry holding the images pods name, so
  // `image: busybox` pulls offline); otherwise a hollow node whose containers run without processes.
  const nodeName = os.hostname().toLowerCase();
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const kubeletArgs = [`--kubeconfig=${kubeconfig}`, '--address=127.0.0.1', '--node-ip=127.0.0.1', '--port=0', `--hostname-override=${nodeName}`, `--root-dir=${path.join(stateDir, 'kubelet')}`];
  let nodeKind = 'hollow (not root: containers go Running without processes)';
  if (isRoot) {
    require('./require-runtime.js').requireRuntime();
    const { TestRegistry } = require(path.join(root, 'libs/testing/dist/registry.js'));
    const registry = await TestRegistry.start({ dir: path.join(stateDir, 'registry'), port: await pickPort(Number(process.env.SKIFF_REGISTRY_PORT || 5000)) });
    stoppers.push(() => registry.stop());
    await require('../images/build-images.js').ensureImages({ registry: registry.url });
    kubeletArgs.push('--runtime=containerd-managed', '--cluster-dns=10.96.0.10', `--registry-mirror=${registry.url}`, `--pod-logs-dir=${path.join(stateDir, 'pod-logs')}`);
    nodeKind = `containerd (images from the local registry ${registry.url})`;
  } else {
    kubeletArgs.push('--runtime=fake');
  }
  const kubelet = spawn(process.execPath, [path.join(root, 'apps/kubelet/bin/skiff-kubelet.js'), ...kubeletArgs], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, SKIFF_LOG_FORMAT: process.env.SKIFF_LOG_FORMAT || 'text' },
  });
  children.push(kubelet);
  kubelet.on('exit', (code) => {
    if (stopping) return;
    console.error(`skiff-kubelet exited (${code}); stopping`);
    stopAll(1);
  });
  components.push(['skiff-kubelet']);

  // The service proxy needs iptables, so it runs with a real node only. NodePorts answer on loopback only.
  if (isRoot) {
    const proxy = spawn(process.execPath, [path.join(root, 'apps/proxy/bin/skiff-proxy.js'), `--kubeconfig=${kubeconfig}`, `--hostname-override=${nodeName}`, '--port=0', '--nodeport-addresses=127.0.0.0/8'], {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, SKIFF_LOG_FORMAT: process.env.SKIFF_LOG_FORMAT || 'text' },
    });
    children.push(proxy);
    proxy.on('exit', (code) => {
      if (stopping) return;
      console.error(`skiff-proxy exited (${code}); stopping`);
      stopAll(1);
    });
    components.push(['skiff-proxy']);
  }

  console.log(`
Skiff control plane is running.
  components: skiff-apiserver${components.map(([n]) => ', ' + n).join('')}
  etcd:       ${etcdUrl} (data in ${path.join(stateDir, 'etcd')})
  node:       ${nodeName}, ${nodeKind}
  apiserver:  http://127.0.0.1:${apiPort}

Point kubectl at it:
  export KUBECONFIG=${kubeconfig}
  kubectl get nodes
  kubectl run web --image=busybox -- httpd -f -p 8080
  kubectl get pods -o wide -w

Press Ctrl-C to stop.`);
}

main().catch((e) => {
  console.error(`error: ${e.message}`);
  process.exit(1);
});
