import fs from 'node:fs';
import path from 'node:path';
import type { ClusterPaths } from './cluster-paths';
import type { ProcessSpec } from './supervisor';

/**
 * A component as a systemd unit of deploy/systemd runs it, from DIR/units/<component>.env:
 * `ExecStart=/usr/bin/env ${SKIFF_PROGRAM} $SKIFF_ARGS` (systemd splits an unbraced variable at whitespace), with the
 * variables the supervisor adds to its own environment, and for some an `ExecStartPost` of `$SKIFF_POST_START`.
 */
export interface UnitEnv {
  program: string;
  args: string[];
  /** What the supervisor sets for the component beyond the environment it inherits itself (SKIFF_LOG_FORMAT). */
  env: Record<string, string>;
  /** The step `skiff up`/`skiff join` takes once the component is ready, as a command line (`skiff post-start ...`). */
  postStart?: string[];
}

/**
 * Components whose start is followed by a step of the CLI: a joined etcd member's vote once it has caught up,
 * cluster-info (and where etcd takes members) once the apiserver serves, images once the registry does.
 */
export const postStartComponents = ['etcd', 'apiserver', 'registry'] as const;

const programKey = 'SKIFF_PROGRAM';
const argsKey = 'SKIFF_ARGS';
const postStartKey = 'SKIFF_POST_START';

export function unitEnvDir(paths: ClusterPaths): string {
  return path.join(paths.dir, 'units');
}

export function unitEnvFile(paths: ClusterPaths, component: string): string {
  return path.join(unitEnvDir(paths), `${component}.env`);
}

/** The `skiff` program this CLI is, as a command line (node and its bin script). */
function skiffCommand(): string[] {
  return [process.execPath, path.resolve(__dirname, '..', '..', 'bin', 'skiff.js')];
}

/** A program named without a directory, as the supervisor's PATH finds it: units name their programs by absolute path. */
function absoluteProgram(program: string, pathVar = ''): string {
  if (program.includes('/')) return path.resolve(program);
  for (const dir of pathVar.split(':')) {
    const candidate = path.join(dir || '.', program);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return path.resolve(candidate);
    } catch {
      // Not in this directory.
    }
  }
  throw new Error(`${program} is not installed (not found in PATH)`);
}

export function unitEnvFor(spec: ProcessSpec, paths: ClusterPaths, inherited: NodeJS.ProcessEnv = process.env): UnitEnv {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(spec.env ?? {})) {
    if (value !== undefined && inherited[key] !== value) env[key] = value;
  }
  const postStart = (postStartComponents as readonly string[]).includes(spec.name) ? [...skiffCommand(), 'post-start', spec.name, `--data-dir=${paths.dir}`] : undefined;
  return { program: absoluteProgram(spec.command, (spec.env ?? inherited).PATH), args: [...spec.args], env, ...(postStart ? { postStart } : {}) };
}

/**
 * A word systemd passes through unchanged when it splits `$SKIFF_ARGS`, and an env file keeps inside double quotes:
 * no whitespace, quotes, backslashes or `$`.
 */
function checkWord(component: string, word: string): string {
  if (word === '' || /[\s"'\\$]/.test(word)) {
    throw new Error(`${component}'s argument ${JSON.stringify(word)} cannot go into a systemd unit (no spaces, quotes, backslashes or $); use a data directory and names without them`);
  }
  return word;
}

/** The file's text: a comment saying where it comes from, then KEY="value" lines. */
export function formatUnitEnv(component: string, command: string, unit: UnitEnv): string {
  const words = (ws: string[]) => ws.map((w) => checkWord(component, w)).join(' ');
  const lines = [
    `# skiff-${component}.service runs: ${programKey} ${argsKey}. Written by \`${command} --init-only\`; run that again to change it.`,
    `${programKey}="${checkWord(component, unit.program)}"`,
    `${argsKey}="${words(unit.args)}"`,
    ...(unit.postStart ? [`${postStartKey}="${words(unit.postStart)}"`] : []),
    ...Object.entries(unit.env).map(([key, value]) => `${key}="${checkWord(component, value)}"`),
  ];
  return lines.join('\n') + '\n';
}

/** Reads a file formatUnitEnv wrote (only that subset of systemd's EnvironmentFile syntax). */
export function parseUnitEnv(text: string): UnitEnv {
  const vars = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line.trim() === '' || line.startsWith('#')) continue;
    const m = /^([A-Z_][A-Z0-9_]*)="([^"]*)"$/.exec(line);
    if (!m) throw new Error(`not a KEY="value" line: ${line}`);
    vars.set(m[1], m[2]);
  }
  const split = (v: string | undefined) => (v ? v.split(' ') : []);
  const program = vars.get(programKey);
  if (!program) throw new Error(`no ${programKey}`);
  const env: Record<string, string> = {};
  for (const [key, value] of vars) if (![programKey, argsKey, postStartKey].includes(key)) env[key] = value;
  const postStart = vars.get(postStartKey);
  return { program, args: split(vars.get(argsKey)), env, ...(postStart ? { postStart: split(postStart) } : {}) };
}

/**
 * Writes one env file per spec into DIR/units (each checked before any is written) and removes those of components
 * the plan no longer has (a node that became hollow runs no registry). Returns the components written.
 */
export function writeUnitEnvs(paths: ClusterPaths, command: string, specs: readonly ProcessSpec[]): string[] {
  const texts = specs.map((spec) => [spec.name, formatUnitEnv(spec.name, command, unitEnvFor(spec, paths))] as const);
  const dir = unitEnvDir(paths);
  fs.mkdirSync(dir, { recursive: true });
  for (const [name, text] of texts) {
    const file = unitEnvFile(paths, name);
    fs.writeFileSync(`${file}.tmp`, text, { mode: 0o644 });
    fs.renameSync(`${file}.tmp`, file);
  }
  const wanted = new Set(texts.map(([name]) => `${name}.env`));
  for (const entry of fs.readdirSync(dir)) {
    if (entry.endsWith('.env') && !wanted.has(entry)) fs.rmSync(path.join(dir, entry), { force: true });
  }
  return texts.map(([name]) => name);
}
