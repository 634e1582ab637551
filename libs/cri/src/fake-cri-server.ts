import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { criMethodNames, criMethods, type CriMethodName } from './cri-methods';
import { criMethodDefinition, type CriServiceName } from './cri-proto';
import { CRI_ERROR_CODES, CriError, type ContainerRuntime } from './types';

function toServiceError(err: unknown): Partial<grpc.StatusObject> {
  if (err instanceof CriError) {
    const code = CRI_ERROR_CODES.indexOf(err.code);
    return { code: code > 0 ? code : grpc.status.UNKNOWN, details: err.message };
  }
  return { code: grpc.status.UNKNOWN, details: err instanceof Error ? err.message : String(err) };
}

export interface FakeCriServerOptions {
  /** Where to listen; by default a fresh temporary folder's `cri.sock`, removed again by stop(). */
  socketPath?: string;
}

/**
 * A CRI runtime.v1 gRPC server on a unix socket that answers from any ContainerRuntime (normally an
 * InMemoryRuntime), so unit tests can drive the real CriClient — encoding, decoding, errors — without containerd.
 */
export class FakeCriServer {
  private server: grpc.Server | undefined;
  private tempDir: string | undefined;
  private socketPath: string | undefined;

  constructor(
    readonly runtime: ContainerRuntime,
    private readonly options: FakeCriServerOptions = {},
  ) {}

  /** The endpoint while started. */
  get endpoint(): string | undefined {
    return this.server && this.socketPath ? `unix://${this.socketPath}` : undefined;
  }

  /** Starts listening and returns the endpoint (`unix:///…/cri.sock`) to give a CriClient. */
  async start(): Promise<string> {
    if (this.server) throw new Error('FakeCriServer is already started');
    if (this.options.socketPath) {
      this.socketPath = this.options.socketPath;
    } else {
      this.tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'skiff-fake-cri-'));
      this.socketPath = path.join(this.tempDir, 'cri.sock');
    }
    const server = new grpc.Server();
    for (const service of ['RuntimeService', 'ImageService'] as const) {
      const methods = criMethodNames.filter((m) => criMethods[m].service === service);
      server.addService(this.definitionOf(service, methods), this.implementationOf(methods));
    }
    const endpoint = `unix://${this.socketPath}`;
    await new Promise<void>((resolve, reject) =>
      server.bindAsync(endpoint, grpc.ServerCredentials.createInsecure(), (err) => (err ? reject(err) : resolve())),
    );
    this.server = server;
    return endpoint;
  }

  /** Stops at once (open calls fail) and removes the socket's temporary folder. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) {
      server.forceShutdown();
    }
    if (this.tempDir) {
      fs.rmSync(this.tempDir, { recursive: true, force: true });
      this.tempDir = undefined;
    }
  }

  private definitionOf(service: CriServiceName, methods: CriMethodName[]): grpc.ServiceDefinition {
    return Object.fromEntries(methods.map((m) => [criMethods[m].rpc, criMethodDefinition(service, criMethods[m].rpc)]));
  }

  private implementationOf(methods: CriMethodName[]): grpc.UntypedServiceImplementation {
    return Object.fromEntries(methods.map((m) => [criMethods[m].rpc, this.handlerOf(m)]));
  }

  private handlerOf(method: CriMethodName): grpc.handleUnaryCall<Record<string, any>, object> {
    const spec = criMethods[method] as unknown as {
      fromRequest(r: object): unknown[];
      toResponse(result: unknown): object;
    };
    return (call, callback) => {
      let pending: Promise<unknown>;
      try {
        const args = spec.fromRequest(call.request);
        pending = (this.runtime[method] as (...a: unknown[]) => Promise<unknown>).apply(this.runtime, args);
      } catch (err) {
        return callback(toServiceError(err));
      }
      pending.then(
        (result) => callback(null, spec.toResponse(result)),
        (err) => callback(toServiceError(err)),
      );
    };
  }
}
