import { joinHostPort, resolveProbePort } from './probe-port';

describe('resolveProbePort', () => {
  const container = { name: 'web', ports: [{ name: 'http', containerPort: 8080 }, { name: 'metrics', containerPort: 9090 }] };

  it('takes numbers as given and looks names up in the container ports', () => {
    expect(resolveProbePort(80, container)).toBe(80);
    expect(resolveProbePort('http', container)).toBe(8080);
    expect(resolveProbePort('metrics', container)).toBe(9090);
  });

  it('reads an all-digit string that names no port as a number', () => {
    expect(resolveProbePort('8081', container)).toBe(8081);
  });

  it('names the missing port and rejects out-of-range numbers', () => {
    expect(() => resolveProbePort('grpc', container)).toThrow('port "grpc" not found in the ports of container "web"');
    expect(() => resolveProbePort('grpc', { name: 'bare' })).toThrow('port "grpc" not found');
    expect(() => resolveProbePort(0, container)).toThrow('invalid port number: 0');
    expect(() => resolveProbePort('70000', container)).toThrow('invalid port number: 70000');
    expect(() => resolveProbePort(undefined, container)).toThrow('probe has no port');
  });

  it('joins IPv6 hosts with brackets', () => {
    expect(joinHostPort('10.0.0.1', 80)).toBe('10.0.0.1:80');
    expect(joinHostPort('fd00::1', 80)).toBe('[fd00::1]:80');
  });
});
