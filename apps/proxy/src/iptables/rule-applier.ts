import { ownedChainPrefix } from './chain-names';
import { jumpRules, type Table } from './base-rules';
import { hostCommands, type CommandResult, type CommandRunner } from './host-commands';

/** Chains of ours present in the kernel, per table. */
export interface OwnedChains {
  nat: string[];
  filter: string[];
}

export interface RestoreResult {
  /** `-A` lines applied. */
  rules: number;
  /** Chains declared (created or flushed). */
  chains: number;
  /** Chains deleted with `-X`. */
  deletedChains: number;
}

export interface CleanupResult {
  jumpsRemoved: number;
  chainsRemoved: string[];
}

/** What the proxier needs from iptables; the unit tests use a fake. */
export interface RuleApplier {
  /** Creates the top-level chains and the jumps into them from the built-in chains; idempotent. */
  ensureBaseRules(): Promise<void>;
  /** Our chains that exist now, so a render can delete the ones it no longer declares (also after a restart). */
  listChains(): Promise<OwnedChains>;
  /** Applies restore input atomically, leaving every chain it does not name alone. */
  restore(text: string): Promise<RestoreResult>;
}

/** iptables failed; `line`/`lineText` say which restore input line when iptables-restore names one. */
export class IptablesError extends Error {
  constructor(
    message: string,
    readonly stderr: string,
    readonly line?: number,
    readonly lineText?: string,
  ) {
    super(message);
    this.name = 'IptablesError';
  }
}

export interface IptablesRuleApplierOptions {
  run?: CommandRunner;
  /** The iptables variant; legacy by default, as the nft variant's emulation warns and differs (see notes/runtime.md). */
  iptables?: string;
  restore?: string;
  save?: string;
  /** Seconds to wait for the xtables lock held by another program. */
  lockWaitSeconds?: number;
}

const firstLine = (text: string) => text.trim().split('\n')[0] ?? '';

/** Applies the proxy's rules with iptables-legacy and iptables-legacy-restore --noflush. */
export class IptablesRuleApplier implements RuleApplier {
  private readonly run: CommandRunner;
  private readonly iptables: string;
  private readonly restoreCommand: string;
  private readonly saveCommand: string;
  private readonly wait: string;

  constructor(opts: IptablesRuleApplierOptions = {}) {
    this.run = opts.run ?? hostCommands();
    this.iptables = opts.iptables ?? 'iptables-legacy';
    this.restoreCommand = opts.restore ?? 'iptables-legacy-restore';
    this.saveCommand = opts.save ?? 'iptables-legacy-save';
    this.wait = String(opts.lockWaitSeconds ?? 5);
  }

  async ensureBaseRules(): Promise<void> {
    const chains = new Map(jumpRules.map((j) => [`${j.table}/${j.to}`, j]));
    for (const j of chains.values()) {
      const r = await this.iptablesCommand(j.table, ['-N', j.to]);
      // Exit code 1 is "Chain already exists".
      if (r.code !== 0 && r.code !== 1) throw this.commandError(`cannot create chain ${j.to} in table ${j.table}`, r);
    }
    for (const j of jumpRules) {
      const check = await this.iptablesCommand(j.table, ['-C', j.from, ...j.args]);
      if (check.code === 0) continue;
      const insert = await this.iptablesCommand(j.table, ['-I', j.from, ...j.args]);
      if (insert.code !== 0) throw this.commandError(`cannot add the jump from ${j.from} to ${j.to} in table ${j.table}`, insert);
    }
  }

  async listChains(): Promise<OwnedChains> {
    return { nat: await this.ownedChains('nat'), filter: await this.ownedChains('filter') };
  }

  async restore(text: string): Promise<RestoreResult> {
    const r = await this.run(this.restoreCommand, ['--noflush', '-w', this.wait], text);
    if (r.code !== 0) throw restoreError(this.restoreCommand, text, r);
    const lines = text.split('\n');
    return {
      rules: lines.filter((l) => l.startsWith('-A ')).length,
      chains: lines.filter((l) => l.startsWith(':')).length,
      deletedChains: lines.filter((l) => l.startsWith('-X ')).length,
    };
  }

  /** Removes every jump and chain the proxy owns (`--cleanup`); what was never there is skipped. */
  async cleanup(): Promise<CleanupResult> {
    let jumpsRemoved = 0;
    for (const j of jumpRules) {
      // The same jump may have been inserted twice by an earlier version or by hand; remove every copy.
      for (let i = 0; i < 16; i++) {
        const r = await this.iptablesCommand(j.table, ['-D', j.from, ...j.args]);
        if (r.code !== 0) break;
        jumpsRemoved++;
      }
    }
    const owned = await this.listChains();
    const sections = (['filter', 'nat'] as const)
      .filter((t) => owned[t].length > 0)
      .map((t) => [`*${t}`, ...owned[t].map((c) => `:${c} - [0:0]`), ...owned[t].map((c) => `-X ${c}`), 'COMMIT', ''].join('\n'));
    if (sections.length > 0) await this.restore(sections.join(''));
    return { jumpsRemoved, chainsRemoved: [...owned.filter.map((c) => `filter/${c}`), ...owned.nat.map((c) => `nat/${c}`)] };
  }

  private async ownedChains(table: Table): Promise<string[]> {
    const r = await this.run(this.saveCommand, ['-t', table]);
    if (r.code !== 0) throw this.commandError(`cannot list the ${table} table`, r);
    return r.stdout
      .split('\n')
      .filter((l) => l.startsWith(`:${ownedChainPrefix}`))
      .map((l) => l.slice(1).split(' ')[0]);
  }

  private iptablesCommand(table: Table, args: string[]): Promise<CommandResult> {
    return this.run(this.iptables, ['-w', this.wait, '-t', table, ...args]);
  }

  private commandError(what: string, r: CommandResult): IptablesError {
    return new IptablesError(`${this.iptables}: ${what}: ${firstLine(r.stderr) || `exit code ${r.code}`}`, r.stderr);
  }
}

/** iptables-restore names the failing input line as "Error occurred at line: N" or "line N failed". */
function restoreError(command: string, text: string, r: CommandResult): IptablesError {
  const m = /Error occurred at line: (\d+)/.exec(r.stderr) ?? /line (\d+) failed/.exec(r.stderr);
  const reason = r.stderr
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l && !/^Error occurred at line/.test(l) && !/^Try `/.test(l));
  if (!m) return new IptablesError(`${command} failed: ${reason ?? `exit code ${r.code}`}`, r.stderr);
  const line = Number(m[1]);
  const lineText = text.split('\n')[line - 1] ?? '';
  return new IptablesError(`${command} failed at line ${line} (${lineText}): ${reason ?? `exit code ${r.code}`}`, r.stderr, line, lineText);
}
