import type { CommandRunner } from '../iptables/host-commands';

/**
 * The routing protocol number the proxy marks its pod routes with (iproute2's `proto`), so it can tell them
 * from every other route on the node and remove exactly its own. Unassigned in /etc/iproute2/rt_protos.
 */
export const podRouteProtocol = 211;

/** A pod route as the kernel holds it. */
export interface InstalledRoute {
  cidr: string;
  via?: string;
}

/** The node's main routing table as far as the proxy's pod routes go, through `ip route`. */
export class PodRouteTable {
  constructor(private readonly run: CommandRunner) {}

  /** The routes carrying the proxy's protocol mark. */
  async list(): Promise<InstalledRoute[]> {
    const r = await this.run('ip', ['-json', '-4', 'route', 'show', 'proto', String(podRouteProtocol)]);
    if (r.code !== 0) throw new Error(`ip route show: ${r.stderr.trim() || `exit code ${r.code}`}`);
    const text = r.stdout.trim();
    if (!text) return [];
    const rows = JSON.parse(text) as Array<{ dst?: string; gateway?: string }>;
    // A host route is printed without its /32.
    return rows.filter((row) => row.dst).map((row) => ({ cidr: row.dst!.includes('/') ? row.dst! : `${row.dst}/32`, via: row.gateway }));
  }

  /** Adds the route, or points an existing one for the CIDR at `via`. */
  async replace(cidr: string, via: string): Promise<void> {
    const r = await this.run('ip', ['-4', 'route', 'replace', cidr, 'via', via, 'proto', String(podRouteProtocol)]);
    if (r.code !== 0) throw new Error(`ip route replace ${cidr} via ${via}: ${r.stderr.trim() || `exit code ${r.code}`}`);
  }

  /** Removes the proxy's route for the CIDR; one already gone is fine. */
  async remove(cidr: string): Promise<void> {
    const r = await this.run('ip', ['-4', 'route', 'del', cidr, 'proto', String(podRouteProtocol)]);
    if (r.code !== 0 && !/No such process|not found/i.test(r.stderr)) throw new Error(`ip route del ${cidr}: ${r.stderr.trim() || `exit code ${r.code}`}`);
  }

  /** Removes every route the proxy made (for --cleanup); returns how many. */
  async removeAll(): Promise<number> {
    const routes = await this.list();
    for (const route of routes) await this.remove(route.cidr);
    return routes.length;
  }
}
