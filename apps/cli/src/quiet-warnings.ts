/**
 * Node's warning printer, minus DEP0123 ("Setting the TLS ServerName to an IP address"): grpc-js names a TLS server by
 * its address, so dialling etcd at an IP (skiff join --control-plane, skiff down --wipe) would print it to the user
 * every time, with nothing the user could do about it. Every other warning prints as before.
 */
export function hideTlsServerNameWarning(): void {
  const printers = process.listeners('warning');
  for (const print of printers) {
    process.removeListener('warning', print);
    process.on('warning', (w: Error & { code?: string }) => {
      if (w.code !== 'DEP0123') print(w);
    });
  }
}
