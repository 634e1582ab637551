import type { Container } from '@skiff/api';

/**
 * The port a probe targets: a number as given, or a name looked up in the container's declared ports (a name
 * that is all digits and matches no port is read as a number, as the kubelet does). Throws with a message that
 * names the problem when the port cannot be resolved or is out of range.
 */
export function resolveProbePort(port: number | string | undefined, container: Pick<Container, 'name' | 'ports'>): number {
  let resolved: number;
  if (typeof port === 'number') {
    resolved = port;
  } else if (typeof port === 'string' && port !== '') {
    const named = container.ports?.find((p) => p.name === port);
    if (named) resolved = named.containerPort;
    else if (/^\d+$/.test(port)) resolved = Number(port);
    else throw new Error(`port ${JSON.stringify(port)} not found in the ports of container ${JSON.stringify(container.name)}`);
  } else {
    throw new Error('probe has no port');
  }
  if (!Number.isInteger(resolved) || resolved < 1 || resolved > 65535) throw new Error(`invalid port number: ${resolved}`);
  return resolved;
}

/** `host:port`, with brackets around an IPv6 host, as addresses appear in probe messages. */
export function joinHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
