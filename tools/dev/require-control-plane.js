#!/usr/bin/env node
// Makes sure the control plane's programs from Debian are installed before tests or a local cluster run: etcd (and
// etcdctl), and haproxy, which `skiff up --ha` puts in front of its apiservers. Installs what is missing with apt-get
// when running as root, otherwise stops with one line naming what to install.
const { execSync } = require('node:child_process');
const { hasCommand: has } = require('./require-runtime.js');

/** The command each package provides, by package. */
const PACKAGES = [
  ['etcd-server', 'etcd'],
  ['etcd-client', 'etcdctl'],
  ['haproxy', 'haproxy'],
];

const missing = PACKAGES.filter(([, cmd]) => !has(cmd)).map(([pkg]) => pkg);
if (missing.length) {
  if (process.getuid && process.getuid() === 0 && has('apt-get')) {
    console.error(`installing ${missing.join(' ')} with apt-get`);
    try {
      execSync(`apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${missing.join(' ')}`, { stdio: 'inherit', shell: '/bin/sh' });
    } catch {
      console.error(`error: installing ${missing.join(' ')} with apt-get failed; install these Debian packages and retry`);
      process.exit(1);
    }
  } else {
    console.error(`error: ${missing.join(' ')} ${missing.length > 1 ? 'are' : 'is'} not installed; run \`sudo apt-get install -y ${missing.join(' ')}\` and retry`);
    process.exit(1);
  }
}
