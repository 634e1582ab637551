import * as grpc from '@grpc/grpc-js';
import { FakeClock } from '@skiff/client';
import { freePort } from '@skiff/testing';
import {
  decodeHealthCheckRequest,
  decodeHealthCheckResponse,
  encodeHealthCheckRequest,
  encodeHealthCheckResponse,
  healthServiceDefinition,
  runGrpcProbe,
  type HealthCheckRequest,
  type HealthCheckResponse,
  type ServingStatus,
} from './grpc-probe';

function bind(server: grpc.Server): Promise<number> {
  return new Promise((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, port) => (err ? reject(err) : resolve(port))),
  );
}

describe('grpc health messages', () => {
  it('round-trip the service name and every status', () => {
    expect(decodeHealthCheckRequest(encodeHealthCheckRequest(''))).toBe('');
    expect(decodeHealthCheckRequest(encodeHealthCheckRequest('a'.repeat(300)))).toBe('a'.repeat(300));
    for (const s of ['UNKNOWN', 'SERVING', 'NOT_SERVING', 'SERVICE_UNKNOWN'] as const) {
      expect(decodeHealthCheckResponse(encodeHealthCheckResponse(s))).toBe(s);
    }
  });
});

describe('grpc probe', () => {
  const clock = new FakeClock();
  const statuses: Record<string, ServingStatus> = { '': 'SERVING', payments: 'NOT_SERVING' };
  const asked: string[] = [];
  let health: grpc.Server;
  let bare: grpc.Server;
  let port = 0;
  let barePort = 0;

  beforeAll(async () => {
    health = new grpc.Server();
    health.addService(healthServiceDefinition, {
      Check: (call: grpc.ServerUnaryCall<HealthCheckRequest, HealthCheckResponse>, cb: grpc.sendUnaryData<HealthCheckResponse>) => {
        asked.push(call.request.service);
        const status = statuses[call.request.service];
        if (status) cb(null, { status });
        else cb({ code: grpc.status.NOT_FOUND, details: 'unknown service' });
      },
    });
    port = await bind(health);
    bare = new grpc.Server();
    barePort = await bind(bare);
  });
  afterAll(() => {
    health.forceShutdown();
    bare.forceShutdown();
  });

  it('is success when the service answers SERVING', async () => {
    await expect(runGrpcProbe('127.0.0.1', port, '', 1, clock)).resolves.toEqual({ result: 'success', output: 'service healthy' });
    expect(asked).toContain('');
  });

  it('is failure naming the status otherwise', async () => {
    await expect(runGrpcProbe('127.0.0.1', port, 'payments', 1, clock)).resolves.toEqual({
      result: 'failure',
      output: 'service unhealthy (responded with "NOT_SERVING")',
    });
    expect(asked).toContain('payments');
  });

  it('is failure with the RPC error for an unknown service', async () => {
    await expect(runGrpcProbe('127.0.0.1', port, 'nope', 1, clock)).resolves.toEqual({
      result: 'failure',
      output: 'health rpc probe failed: rpc error: code = NotFound desc = unknown service',
    });
  });

  it('says so when the server does not serve the health protocol', async () => {
    const outcome = await runGrpcProbe('127.0.0.1', barePort, '', 1, clock);
    expect(outcome.result).toBe('failure');
    expect(outcome.output).toMatch(/^this server does not implement the grpc health protocol \(grpc\.health\.v1\.Health\): /);
  });

  it('keeps trying to connect until the timeout, then fails saying so', async () => {
    const fake = new FakeClock();
    const closed = await freePort();
    let settled: unknown;
    void runGrpcProbe('127.0.0.1', closed, '', 2, fake).then((o) => (settled = o));
    await fake.advance(1999);
    expect(settled).toBeUndefined();
    await fake.advance(1);
    expect(settled).toEqual({
      result: 'failure',
      output: `timeout: failed to connect service "127.0.0.1:${closed}" within 2s: context deadline exceeded`,
    });
  });
});
