import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseControllerManagerFlags, UsageError } from './options';
import { readRootCAFile, withoutUnconfiguredControllers } from './root-ca-file';

// A self-signed P-256 CA made for this test with openssl; only its shape matters here.
const caPem = `-----BEGIN CERTIFICATE-----
MIIBhzCCAS2gAwIBAgIUEvodI3MnobdNtp4L3ysCtN0j+LQwCgYIKoZIzj0EAwIw
GDEWMBQGA1UEAwwNc2tpZmYtdGVzdC1jYTAgFw0yNjExMjIwNzMxMjVaGA8yMTI2
MTAyOTA3MzEyNVowGDEWMBQGA1UEAwwNc2tpZmYtdGVzdC1jYTBZMBMGByqGSM49
AgEGCCqGSM49AwEHA0IABFXeRapZiT9qqw9K2WSZ+aG4w4EzUsIWL4/SQ475n7a+
bCVvmLhmMQzKT1UC9zqQDB/l5yYnnwar/EgQDBoZWxyjUzBRMB0GA1UdDgQWBBQv
lXikqJJHDiCOisoq2RggZ68CvDAfBgNVHSMEGDAWgBQvlXikqJJHDiCOisoq2Rgg
Z68CvDAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0gAMEUCIQDelndi3u92
p3RqEopUwm2a1/5fRn5sQomaCHnoRZzBgAIgEOSCSdcKQhLQwm9Wi0Gcl7NP7ZUF
ilCGupp0jNvCraE=
-----END CERTIFICATE-----
`;

describe('--root-ca-file', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'skiff-root-ca-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, text: string) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    return file;
  };

  it('is parsed under Kubernetes’ name and absent by default', () => {
    expect(parseControllerManagerFlags(['--root-ca-file=/etc/skiff/ca.crt'])?.rootCAFile).toBe('/etc/skiff/ca.crt');
    expect(parseControllerManagerFlags([])?.rootCAFile).toBeUndefined();
    expect(() => parseControllerManagerFlags(['--root-ca-file='])).toThrow(UsageError);
  });

  it('reads a bundle of one or more certificates as it is', () => {
    expect(readRootCAFile(write('one.crt', caPem))).toBe(caPem);
    expect(readRootCAFile(write('two.crt', caPem + caPem))).toBe(caPem + caPem);
  });

  it('refuses a missing file, a file without certificates and a damaged certificate, in one line each', () => {
    const bad = [path.join(dir, 'missing.crt'), write('empty.crt', 'hello\n'), write('damaged.crt', caPem.replace('MIIBhz', 'AAAAhz'))];
    const messages = bad.map((file) => {
      try {
        readRootCAFile(file);
        return 'accepted';
      } catch (e) {
        expect(e).toBeInstanceOf(UsageError);
        return (e as Error).message;
      }
    });
    expect(messages[0]).toMatch(/^--root-ca-file: cannot read .*missing\.crt: ENOENT$/);
    expect(messages[1]).toMatch(/holds no PEM certificate$/);
    expect(messages[2]).toMatch(/certificate 1 in .*damaged\.crt does not parse/);
    for (const m of messages) expect(m).not.toContain('\n');
  });
});

describe('the root CA publisher without a CA file', () => {
  const selected = ['namespace', 'root-ca-cert-publisher', 'serviceaccount'];

  it('is left out of the selected controllers, with one log line saying why', () => {
    const lines: Array<[string, Record<string, unknown>]> = [];
    const logger = { info: (message: string, meta: Record<string, unknown>) => lines.push([message, meta]) };
    expect(withoutUnconfiguredControllers(selected, undefined, logger)).toEqual(['namespace', 'serviceaccount']);
    expect(lines).toEqual([['controller is disabled: no --root-ca-file given', { controller: 'root-ca-cert-publisher' }]]);
  });

  it('runs when a CA was read, and says nothing when it was not selected', () => {
    const lines: unknown[] = [];
    const logger = { info: (...args: unknown[]) => lines.push(args) };
    expect(withoutUnconfiguredControllers(selected, caPem, logger)).toEqual(selected);
    expect(withoutUnconfiguredControllers(['namespace'], undefined, logger)).toEqual(['namespace']);
    expect(lines).toEqual([]);
  });
});
