/**
 * Socket errors worded as the kubelet words them in probe messages (`dial tcp 10.0.0.5:8080: connect: connection
 * refused`), so events read the same as on any Kubernetes node.
 */
export function describeDialError(err: unknown, hostPort: string): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ECONNREFUSED':
      return `dial tcp ${hostPort}: connect: connection refused`;
    case 'EHOSTUNREACH':
      return `dial tcp ${hostPort}: connect: no route to host`;
    case 'ENETUNREACH':
      return `dial tcp ${hostPort}: connect: network is unreachable`;
    case 'EADDRNOTAVAIL':
      return `dial tcp ${hostPort}: connect: cannot assign requested address`;
    case 'ETIMEDOUT':
      return `dial tcp ${hostPort}: i/o timeout`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `dial tcp: lookup ${hostPort.replace(/:\d+$/, '')}: no such host`;
    case 'ECONNRESET':
      return `read tcp ${hostPort}: connection reset by peer`;
    case 'EPIPE':
      return `write tcp ${hostPort}: broken pipe`;
    default:
      return err instanceof Error ? err.message : String(err);
  }
}

/** A gRPC failure worded as the kubelet prints one: `rpc error: code = NotFound desc = no such container`. */
export function rpcErrorText(codeName: string, desc: string): string {
  const code =
    codeName === 'CANCELLED'
      ? 'Canceled'
      : codeName
          .toLowerCase()
          .split('_')
          .map((w) => (w === 'ok' ? 'OK' : w.charAt(0).toUpperCase() + w.slice(1)))
          .join('');
  return `rpc error: code = ${code} desc = ${desc}`;
}
