import * as grpc from '@grpc/grpc-js';
import type { Clock } from '@skiff/client';
import { rpcErrorText } from './network-error';
import { joinHostPort } from './probe-port';
import { failure, success, type ProbeOutcome } from './probe-outcome';
import { withDeadline } from './with-deadline';

/** grpc.health.v1 ServingStatus values, by number. */
export const servingStatusNames = ['UNKNOWN', 'SERVING', 'NOT_SERVING', 'SERVICE_UNKNOWN'] as const;
export type ServingStatus = (typeof servingStatusNames)[number];

export const healthCheckMethod = '/grpc.health.v1.Health/Check';

/** HealthCheckRequest {string service = 1}, encoded by hand: the probe needs nothing else of protobuf. */
export function encodeHealthCheckRequest(service: string): Buffer {
  if (!service) return Buffer.alloc(0);
  const bytes = Buffer.from(service, 'utf8');
  return Buffer.concat([Buffer.from([0x0a]), encodeVarint(bytes.length), bytes]);
}

export function decodeHealthCheckRequest(buf: Buffer): string {
  let service = '';
  forEachField(buf, (field, wireType, value) => {
    if (field === 1 && wireType === 2) service = (value as Buffer).toString('utf8');
  });
  return service;
}

/** HealthCheckResponse {ServingStatus status = 1}. */
export function encodeHealthCheckResponse(status: ServingStatus): Buffer {
  const n = servingStatusNames.indexOf(status);
  return n === 0 ? Buffer.alloc(0) : Buffer.concat([Buffer.from([0x08]), encodeVarint(n)]);
}

export function decodeHealthCheckResponse(buf: Buffer): ServingStatus {
  let n = 0;
  forEachField(buf, (field, wireType, value) => {
    if (field === 1 && wireType === 0) n = value as number;
  });
  return servingStatusNames[n] ?? 'UNKNOWN';
}

function encodeVarint(n: number): Buffer {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return Buffer.from(out);
}

function forEachField(buf: Buffer, visit: (field: number, wireType: number, value: number | Buffer) => void): void {
  let pos = 0;
  const varint = () => {
    let result = 0;
    let scale = 1;
    for (;;) {
      if (pos >= buf.length) throw new Error('truncated protobuf message');
      const b = buf[pos++];
      result += (b & 0x7f) * scale;
      if (b < 0x80) return result;
      scale *= 128;
    }
  };
  while (pos < buf.length) {
    const key = varint();
    const field = Math.floor(key / 8);
    const wireType = key & 7;
    if (wireType === 0) visit(field, wireType, varint());
    else if (wireType === 2) {
      const len = varint();
      visit(field, wireType, buf.subarray(pos, pos + len));
      pos += len;
    } else if (wireType === 1) pos += 8;
    else if (wireType === 5) pos += 4;
    else throw new Error(`unsupported protobuf wire type ${wireType}`);
  }
}

export interface HealthCheckRequest {
  service: string;
}
export interface HealthCheckResponse {
  status: ServingStatus;
}

const healthCheckDefinition = {
  path: healthCheckMethod,
  requestStream: false,
  responseStream: false,
  requestSerialize: (req: HealthCheckRequest) => encodeHealthCheckRequest(req.service),
  requestDeserialize: (buf: Buffer): HealthCheckRequest => ({ service: decodeHealthCheckRequest(buf) }),
  responseSerialize: (res: HealthCheckResponse) => encodeHealthCheckResponse(res.status),
  responseDeserialize: (buf: Buffer): HealthCheckResponse => ({ status: decodeHealthCheckResponse(buf) }),
};

/** The service definition a test (or a hollow pod) can serve with a grpc-js Server. */
export const healthServiceDefinition: grpc.ServiceDefinition = { Check: healthCheckDefinition };

/**
 * Calls grpc.health.v1.Health/Check on host:port over plaintext: SERVING is success, any other status or RPC
 * error is failure. The connection is retried until the timeout, so a port nobody listens on fails when the
 * timeout runs out, saying the service could not be reached in time.
 */
export function runGrpcProbe(host: string, port: number, service: string, timeoutSeconds: number, clock: Clock): Promise<ProbeOutcome> {
  const target = joinHostPort(host, port);
  const client = new grpc.Client(target, grpc.credentials.createInsecure(), { 'grpc.enable_retries': 0 });
  let call: grpc.ClientUnaryCall | undefined;
  const connected = () => client.getChannel().getConnectivityState(false) === grpc.connectivityState.READY;
  return withDeadline(
    clock,
    timeoutSeconds * 1000,
    () =>
      new Promise<ProbeOutcome>((resolve) => {
        call = client.makeUnaryRequest<HealthCheckRequest, HealthCheckResponse>(
          healthCheckMethod,
          healthCheckDefinition.requestSerialize,
          healthCheckDefinition.responseDeserialize,
          { service },
          // Keep retrying the connection until the deadline rather than failing on the first refusal.
          new grpc.Metadata({ waitForReady: true }),
          {},
          (err, res) => {
            if (err) resolve(failure(describeRpcError(err, timeoutSeconds)));
            else if (res?.status === 'SERVING') resolve(success('service healthy'));
            else resolve(failure(`service unhealthy (responded with ${JSON.stringify(res?.status ?? 'UNKNOWN')})`));
          },
        );
      }),
    () =>
      failure(
        connected()
          ? `timeout: health rpc did not complete within ${timeoutSeconds}s`
          : `timeout: failed to connect service ${JSON.stringify(target)} within ${timeoutSeconds}s: context deadline exceeded`,
      ),
  ).finally(() => {
    call?.cancel();
    client.close();
  });
}

function describeRpcError(err: grpc.ServiceError, timeoutSeconds: number): string {
  if (err.code === grpc.status.UNIMPLEMENTED) {
    return `this server does not implement the grpc health protocol (grpc.health.v1.Health): ${err.details}`;
  }
  if (err.code === grpc.status.DEADLINE_EXCEEDED) return `timeout: health rpc did not complete within ${timeoutSeconds}s`;
  return `health rpc probe failed: ${rpcErrorText(grpc.status[err.code] ?? 'UNKNOWN', err.details)}`;
}
