import type { Service } from '@skiff/api';

/** The namespace and names whose services every pod sees, even with `enableServiceLinks: false`. */
const masterServiceNamespace = 'default';
const masterServices = new Set(['kubernetes']);

function isServiceIPSet(svc: Service): boolean {
  const ip = svc.spec?.clusterIP;
  return !!ip && ip !== 'None';
}

/** `my-svc` → `MY_SVC`. */
function envName(name: string): string {
  return name.toUpperCase().replace(/-/g, '_');
}

function joinHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** The variables one service contributes: `<NAME>_SERVICE_HOST/_PORT[_<PORTNAME>]` and the docker-link ones. */
export function serviceEnvVars(svc: Service): [string, string][] {
  const ip = svc.spec?.clusterIP ?? '';
  const ports = svc.spec?.ports ?? [];
  const prefix = envName(svc.metadata.name ?? '');
  const vars: [string, string][] = [[`${prefix}_SERVICE_HOST`, ip]];
  if (ports.length === 0) return vars;
  vars.push([`${prefix}_SERVICE_PORT`, String(ports[0].port)]);
  for (const p of ports) if (p.name) vars.push([`${prefix}_SERVICE_PORT_${envName(p.name)}`, String(p.port)]);
  ports.forEach((p, i) => {
    const proto = (p.protocol || 'TCP').toUpperCase();
    const url = `${proto.toLowerCase()}://${joinHostPort(ip, p.port)}`;
    if (i === 0) vars.push([`${prefix}_PORT`, url]);
    const portPrefix = `${prefix}_PORT_${p.port}_${proto}`;
    vars.push([portPrefix, url], [`${portPrefix}_PROTO`, proto.toLowerCase()], [`${portPrefix}_PORT`, String(p.port)], [`${portPrefix}_ADDR`, ip]);
  });
  return vars;
}

/**
 * The service environment of a pod in `namespace`: every service of that namespace with a cluster IP when
 * `enableServiceLinks` is on, plus the `kubernetes` service of `default` always (a same-named service in the
 * pod's own namespace takes its place). Headless and ExternalName services give nothing.
 */
export function serviceEnvironment(namespace: string, enableServiceLinks: boolean, services: Iterable<Service>): Map<string, string> {
  const chosen = new Map<string, Service>();
  for (const svc of services) {
    if (!isServiceIPSet(svc)) continue;
    const name = svc.metadata.name ?? '';
    if (svc.metadata.namespace === masterServiceNamespace && masterServices.has(name)) {
      if (!chosen.has(name)) chosen.set(name, svc);
    } else if (svc.metadata.namespace === namespace && enableServiceLinks) {
      chosen.set(name, svc);
    }
  }
  const env = new Map<string, string>();
  const names = [...chosen.keys()].sort();
  for (const name of names) for (const [k, v] of serviceEnvVars(chosen.get(name)!)) env.set(k, v);
  return env;
}
