import { HttpKubeClient, loadClientConfig, readKubeconfig, type ClientConfig } from '@skiff/client';

/** The flags every command accepts, as kubectl's. */
export interface GlobalOptions {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  server?: string;
}

/**
 * What a command needs to talk to the cluster: the resolved kubeconfig context, a client, and the namespace
 * (`-n`, else the context's, else `default`). The kubeconfig is read on first use, so `skiff version --client`
 * and `skiff config` verbs work without one.
 */
export class CliContext {
  private config?: ClientConfig;
  private httpClient?: HttpKubeClient;

  constructor(readonly flags: GlobalOptions) {}

  get clientConfig(): ClientConfig {
    if (!this.config) {
      const opts = { kubeconfigPath: this.flags.kubeconfig, context: this.flags.context };
      this.config = this.flags.server ? { server: this.flags.server, namespace: 'default' } : loadClientConfig(opts);
    }
    return this.config;
  }

  get client(): HttpKubeClient {
    this.httpClient ??= new HttpKubeClient(this.clientConfig, { userAgent: 'skiff' });
    return this.httpClient;
  }

  get namespace(): string {
    return this.flags.namespace || this.clientConfig.namespace || 'default';
  }

  /** Whether the namespace came from `-n` (it then must match a manifest's own namespace). */
  get namespaceIsExplicit(): boolean {
    return Boolean(this.flags.namespace);
  }

  /** Where the server came from, for messages about an unreachable apiserver. */
  describeSource(): { server?: string; kubeconfig?: string } {
    const server = this.config?.server;
    if (this.flags.server) return { server };
    try {
      return { server, kubeconfig: readKubeconfig({ kubeconfigPath: this.flags.kubeconfig }).files.join(', ') };
    } catch {
      return { server };
    }
  }

  close(): void {
    this.httpClient?.close();
  }
}
