import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ClusterPaths } from './cluster-paths';
import type { ProcessSpec } from './supervisor';
import { formatUnitEnv, parseUnitEnv, unitEnvFile, unitEnvFor, writeUnitEnvs } from './unit-env';

describe('systemd environment files of the components', () => {
  let paths: ClusterPaths;
  let bin: string;

  beforeEach(() => {
    paths = new ClusterPaths(fs.mkdtempSync(path.join(os.tmpdir(), 'skiff-unit-env-')));
    bin = path.join(paths.dir, 'bin');
    fs.mkdirSync(bin);
    fs.writeFileSync(path.join(bin, 'etcd'), '#!/bin/sh\n', { mode: 0o755 });
  });

  afterEach(() => fs.rmSync(paths.dir, { recursive: true, force: true }));

  const spec = (name: string, command: string, args: string[], env: NodeJS.ProcessEnv): ProcessSpec => ({ name, command, args, env, logFile: paths.log(name) });

  it('names the program by its absolute path, keeps the arguments in order and only the variables the supervisor adds', () => {
    const inherited = { PATH: `/nonexistent:${bin}`, HOME: '/root' };
    const unit = unitEnvFor(spec('etcd', 'etcd', ['--name=skiff', `--data-dir=${paths.etcdDataDir}`], { ...inherited, SKIFF_LOG_FORMAT: 'text' }), paths, inherited);
    expect(unit).toMatchObject({ program: path.join(bin, 'etcd'), args: ['--name=skiff', `--data-dir=${paths.etcdDataDir}`], env: { SKIFF_LOG_FORMAT: 'text' } });
  });

  it('gives etcd, the apiserver and the registry the post-start step of the skiff CLI, on their data directory', () => {
    const unit = unitEnvFor(spec('apiserver', process.execPath, ['apiserver.js', '--secure-port=6443'], {}), paths, {});
    expect(unit.postStart?.slice(-3)).toEqual(['post-start', 'apiserver', `--data-dir=${paths.dir}`]);
    expect(unitEnvFor(spec('etcd', process.execPath, [], {}), paths, {}).postStart?.slice(-3)).toEqual(['post-start', 'etcd', `--data-dir=${paths.dir}`]);
    expect(unit.postStart?.[0]).toBe(process.execPath);
    expect(unitEnvFor(spec('scheduler', process.execPath, ['scheduler.js'], {}), paths, {}).postStart).toBeUndefined();
  });

  it('reads back what it writes', () => {
    const unit = { program: '/usr/bin/node', args: ['/opt/skiff/kubelet.js', '--port=0', '--controllers=*,bootstrapsigner'], env: { SKIFF_LOG_FORMAT: 'text' }, postStart: ['/usr/bin/node', 'skiff.js', 'post-start', 'registry'] };
    const text = formatUnitEnv('kubelet', 'skiff up', unit);
    expect(text.split('\n')[1]).toBe('SKIFF_PROGRAM="/usr/bin/node"');
    expect(parseUnitEnv(text)).toEqual(unit);
  });

  it('refuses an argument systemd would split or unquote, naming it', () => {
    const unit = { program: '/usr/bin/node', args: ['--root-dir=/var/lib/my skiff'], env: {} };
    expect(() => formatUnitEnv('kubelet', 'skiff up', unit)).toThrow(`kubelet's argument "--root-dir=/var/lib/my skiff" cannot go into a systemd unit`);
    expect(() => formatUnitEnv('kubelet', 'skiff up', { ...unit, args: ['--token=a$b'] })).toThrow('cannot go into a systemd unit');
  });

  it('fails on a program that is not installed', () => {
    expect(() => unitEnvFor(spec('registry', 'docker-registry-missing', [], { PATH: bin }), paths)).toThrow('docker-registry-missing is not installed (not found in PATH)');
  });

  it("writes one file per component and removes those of components the plan no longer has, writing nothing when one can't be written", () => {
    const env = { PATH: bin };
    expect(writeUnitEnvs(paths, 'skiff up', [spec('etcd', 'etcd', ['--a'], env), spec('registry', 'etcd', ['--b'], env)])).toEqual(['etcd', 'registry']);
    expect(writeUnitEnvs(paths, 'skiff up', [spec('etcd', 'etcd', ['--c'], env)])).toEqual(['etcd']);
    expect(fs.readdirSync(path.dirname(unitEnvFile(paths, 'etcd')))).toEqual(['etcd.env']);
    expect(parseUnitEnv(fs.readFileSync(unitEnvFile(paths, 'etcd'), 'utf8')).args).toEqual(['--c']);
    expect(() => writeUnitEnvs(paths, 'skiff up', [spec('etcd', 'etcd', ['--d'], env), spec('kubelet', 'etcd', ['--x y'], env)])).toThrow('cannot go into a systemd unit');
    expect(parseUnitEnv(fs.readFileSync(unitEnvFile(paths, 'etcd'), 'utf8')).args).toEqual(['--c']);
  });
});
