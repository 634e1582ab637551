import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { HttpKubeClient, type ClientConfig } from '@skiff/client';
import { WebSocketServer } from 'ws';
import { runRemoteCommand } from './remote-command-client';

/** exec's WebSocket and logs' streamed request go through the kubeconfig's TLS settings and credentials. */
let dir: string;
let cert: string;
let server: https.Server;
let base: string;
const authorizations: (string | undefined)[] = [];

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'skiff-cli-tls-'));
  const [keyFile, certFile] = [path.join(dir, 'key.pem'), path.join(dir, 'cert.pem')];
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', keyFile, '-out', certFile,
    '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  cert = fs.readFileSync(certFile, 'utf8');
  server = https.createServer({ key: fs.readFileSync(keyFile), cert }, (req, res) => {
    authorizations.push(req.headers.authorization);
    res.writeHead(200, { 'Content-Type': 'text/plain' }).end('a log line\n');
  });
  const wss = new WebSocketServer({ noServer: true, handleProtocols: () => 'v5.channel.k8s.io' });
  server.on('upgrade', (req, socket, head) => {
    authorizations.push(req.headers.authorization);
    wss.handleUpgrade(req, socket, head, (ws) => {
      ws.send(Buffer.concat([Buffer.from([1]), Buffer.from('over tls\n')]));
      ws.send(Buffer.concat([Buffer.from([3]), Buffer.from('{"metadata":{},"status":"Success"}')]));
      ws.close(1000);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  fs.rmSync(dir, { recursive: true, force: true });
});

async function execAndLog(config: Partial<ClientConfig>): Promise<{ exec: string; log: string }> {
  const client = new HttpKubeClient({ server: base, namespace: 'default', ...config });
  try {
    const stdout = new PassThrough();
    let exec = '';
    stdout.on('data', (c) => (exec += c));
    await runRemoteCommand(client.connectionTo('/api/v1/namespaces/default/pods/web/exec?command=true'), { stdout, stderr: new PassThrough() });
    const res = await client.streamRequest('GET', '/api/v1/namespaces/default/pods/web/log');
    let log = '';
    for await (const c of res) log += c;
    return { exec, log };
  } finally {
    client.close();
  }
}

describe('connections through the client\'s TLS settings', () => {
  it('trusts the kubeconfig\'s CA and sends its token', async () => {
    authorizations.length = 0;
    expect(await execAndLog({ caData: cert, token: 'sekret' })).toEqual({ exec: 'over tls\n', log: 'a log line\n' });
    expect(authorizations).toEqual(['Bearer sekret', 'Bearer sekret']);
  });

  it('refuses a server its CA does not vouch for, unless told to skip verification', async () => {
    await expect(execAndLog({})).rejects.toThrow(/self-signed certificate/);
    expect(await execAndLog({ insecureSkipTLSVerify: true })).toEqual({ exec: 'over tls\n', log: 'a log line\n' });
  });
});
