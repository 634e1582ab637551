#!/usr/bin/env node
// Makes sure etcd is installed before tests or a local cluster run: installs it with apt-get when running
// as root, otherwise stops with one line naming what to install.
const { execSync } = require('node:child_process');

function has(cmd) {
  try {
    execSync(`command -v ${cmd}`, { stdio: 'ignore', shell: '/bin/sh' });
    return true;
  } catch {
    return false;
  }
}

if (!has('etcd')) {
  if (process.getuid && process.getuid() === 0 && has('apt-get')) {
    console.error('etcd is missing: installing etcd-server and etcd-client with apt-get');
    try {
      execSync('apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq etcd-server etcd-client', { stdio: 'inherit', shell: '/bin/sh' });
    } catch {
      console.error('error: installing etcd with apt-get failed; install the Debian packages etcd-server and etcd-client and retry');
      process.exit(1);
    }
  } else {
    console.error('error: etcd is not installed; run `sudo apt-get install -y etcd-server etcd-client` and retry');
    process.exit(1);
  }
}
