// The gateway calls a meshdexd serving gRPC over TLS (--tls_cert/--tls_key)
// when given the CA (--grpc_tls_ca), and gets nothing from it without one.
// The certificate is made with the openssl command line, for 127.0.0.1.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { graphql, queryData, startGateway } from './harness.mjs';

const START_TIMEOUT_MS = 60_000;
const QUERY = '{ product(urn: "urn:dp:sales:orders") { metadata { urn } } }';

let dir;
let server;
let ready;
before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'meshdex-graphql-tls-'));
  const cert = path.join(dir, 'cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1',
    '-keyout', path.join(dir, 'key.pem'), '-out', cert, '-subj', '/CN=127.0.0.1',
    '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  const readyFile = path.join(dir, 'ready.json');
  server = spawn(process.env.MESHDEXD, ['--demo', `--data_dir=${path.join(dir, 'data')}`,
    '--grpc_listen=127.0.0.1:0', '--http_listen=127.0.0.1:0', `--ready_file=${readyFile}`,
    `--tls_cert=${cert}`, `--tls_key=${path.join(dir, 'key.pem')}`], { stdio: 'ignore' });
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!ready) {
    try {
      ready = JSON.parse(readFileSync(readyFile, 'utf8'));
    } catch {
      assert.ok(server.exitCode === null && Date.now() < deadline, 'meshdexd did not start');
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
});
after(async () => {
  if (server && server.exitCode === null) {
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGTERM');
    await exited;
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('with --grpc_tls_ca the gateway answers from a TLS meshdexd', async () => {
  const gateway = await startGateway(ready.grpc, [`--grpc_tls_ca=${path.join(dir, 'cert.pem')}`]);
  try {
    const data = await queryData(gateway.url, QUERY);
    assert.equal(data.product.metadata.urn, 'urn:dp:sales:orders');
  } finally {
    await gateway.stop();
  }
});

test('without it the call fails as UNAVAILABLE', async () => {
  const gateway = await startGateway(ready.grpc);
  try {
    const { body } = await graphql(gateway.url, QUERY);
    assert.equal(body.errors[0].extensions.code, 'UNAVAILABLE');
  } finally {
    await gateway.stop();
  }
});
