import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { hasCommand } from './host-command';
import { haproxyConfig } from './apiserver-front';

describe('the load balancer in front of skiff up --ha', () => {
  const config = haproxyConfig({ port: 6443, members: [{ suffix: '-1', apiPort: 6444 }, { suffix: '-2', apiPort: 6445 }, { suffix: '-3', apiPort: 6446 }] });

  it('passes TLS through on the apiserver port to every member, checked by /readyz over TLS', () => {
    expect(config).toContain('  mode tcp\n');
    expect(config).toContain('  bind :6443\n');
    expect(config).toContain('  option httpchk GET /readyz\n');
    expect(config).toContain('  default-server check check-ssl verify none inter 1s fall 2 rise 2\n');
    expect(config.match(/^ {2}server .*$/gm)).toEqual(['  server apiserver-1 127.0.0.1:6444', '  server apiserver-2 127.0.0.1:6445', '  server apiserver-3 127.0.0.1:6446']);
  });

  it('retries a connection a dead member refused on another member', () => {
    expect(config).toMatch(/^ {2}retries [1-9]$/m);
    expect(config).toContain('  option redispatch');
  });

  it('is a configuration haproxy accepts', () => {
    // haproxy is installed with etcd by tools/dev/require-control-plane.js; its check is what would refuse a typo.
    expect(hasCommand('haproxy')).toBe(true);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'skiff-haproxy-')), 'haproxy.cfg');
    fs.writeFileSync(file, config);
    expect(execFileSync('haproxy', ['-c', '-f', file], { encoding: 'utf8' })).toContain('Configuration file is valid');
    fs.rmSync(path.dirname(file), { recursive: true });
  });
});
