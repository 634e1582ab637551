#!/usr/bin/env node
// `npm start`: `skiff up` in the foreground, with the cluster's data, logs and admin kubeconfig in .skiff/ at the
// repository root. Before that it does what a fresh clone on a fresh machine needs: installs etcd and haproxy (and, as root, the
// node runtime: containerd, runc, CNI plugins, the registry) and builds the workspace when it is not built.
// Environment overrides: SKIFF_STATE_DIR (the data dir), SKIFF_API_PORT, SKIFF_ETCD_PORT, SKIFF_REGISTRY_PORT;
// arguments after `npm start --` go to `skiff up` (e.g. `npm start -- --hollow`). Ctrl-C stops the cluster.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..', '..');
const stateDir = process.env.SKIFF_STATE_DIR || path.join(root, '.skiff');
const programs = ['cli', 'apiserver', 'scheduler', 'controller-manager', 'kubelet', 'proxy'];

// Exits with one line naming what to install when etcd or haproxy is missing and cannot be installed.
require('./require-control-plane.js');
if (typeof process.getuid === 'function' && process.getuid() === 0) {
  try {
    require('./require-runtime.js').requireRuntime();
  } catch {
    // `skiff up` then runs a hollow node and its warning names the missing packages.
  }
}
if (programs.some((p) => !fs.existsSync(path.join(root, 'apps', p, 'dist', 'main.js')))) {
  console.error('building the workspace (tsc -b) ...');
  execFileSync('npx', ['tsc', '-b'], { cwd: root, stdio: 'inherit' });
}

const args = ['up', `--data-dir=${stateDir}`];
for (const [env, flag] of [
  ['SKIFF_API_PORT', '--api-port'],
  ['SKIFF_ETCD_PORT', '--etcd-port'],
  ['SKIFF_REGISTRY_PORT', '--registry-port'],
]) {
  if (process.env[env]) args.push(`${flag}=${process.env[env]}`);
}
args.push(...process.argv.slice(2));

require(path.join(root, 'apps/cli/dist/main.js'))
  .main(args)
  .then((code) => {
    process.exitCode = code;
  });
