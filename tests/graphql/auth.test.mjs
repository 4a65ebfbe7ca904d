// Auth pass-through: the gateway forwards the caller's `authorization` header
// to meshdexd (started with --auth_file), and a refused call surfaces as a
// GraphQL error whose extensions.code is the gRPC status name. Every meshdexd
// role may read, so PERMISSION_DENIED comes from a stub CatalogService (grpc-js
// on the same protos) that refuses and records the metadata it was sent.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { gatewayModule, graphql, startGateway, startServer } from './harness.mjs';

const grpc = (await import(`${process.env.MESHDEX_GRAPHQL_DIR}/node_modules/@grpc/grpc-js/build/src/index.js`)).default;
const { loadServices } = await gatewayModule('protos');

const READER_TOKEN = 'tok-GQL-READER-4c1d9e27';
const sha256 = (text) => createHash('sha256').update(text).digest('hex');

const QUERY = '{ product(urn: "urn:dp:sales:orders") { metadata { urn } spec { title } } }';

// `server`: meshdexd with --auth_file; `gateway` in front of it; `front`: a
// meshdexd forwarding /graphql to that gateway.
let dir;
let server;
let gateway;
let front;
before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'meshdex-graphql-auth-'));
  const authFile = path.join(dir, 'auth.yaml');
  writeFileSync(authFile, [
    'tokens:',
    `  - {principal: catalog-ui, sha256: ${sha256(READER_TOKEN)}, roles: [reader]}`,
    '',
  ].join('\n'));
  server = await startServer(['--demo', `--auth_file=${authFile}`]);
  gateway = await startGateway(server.grpc);
  front = await startServer([`--graphql_upstream=${gateway.address}`]);
});
after(async () => {
  await front?.stop();
  await gateway?.stop();
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('a reader token is passed through and answered', async () => {
  const { status, body } = await graphql(gateway.url, QUERY,
    { headers: { authorization: `Bearer ${READER_TOKEN}` } });
  assert.equal(status, 200);
  assert.equal(body.errors, undefined);
  assert.equal(body.data.product.metadata.urn, 'urn:dp:sales:orders');
});

test('no token is UNAUTHENTICATED, as a GraphQL error on the field', async () => {
  const { body } = await graphql(gateway.url, QUERY);
  assert.equal(body.data.product, null);
  assert.equal(body.errors.length, 1);
  assert.equal(body.errors[0].extensions.code, 'UNAUTHENTICATED');
  assert.deepEqual(body.errors[0].path, ['product']);
});

test('an unknown token is UNAUTHENTICATED', async () => {
  const { body } = await graphql(gateway.url, QUERY,
    { headers: { authorization: 'Bearer tok-not-in-the-file' } });
  assert.equal(body.errors[0].extensions.code, 'UNAUTHENTICATED');
  assert.doesNotMatch(JSON.stringify(body), /tok-not-in-the-file/);
});

// A CatalogService that refuses every BatchGetProducts as `principal`
// would be refused, recording the authorization metadata of each call.
async function startDenyingCatalog(seen) {
  const server = new grpc.Server();
  server.addService(loadServices().CatalogService.service, {
    batchGetProducts: (call, callback) => {
      seen.push(call.metadata.get('authorization'));
      callback({ code: grpc.status.PERMISSION_DENIED,
        details: 'principal nobody (no roles) may not read' });
    },
  });
  const port = await new Promise((resolve, reject) => server.bindAsync('127.0.0.1:0',
    grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))));
  return { address: `127.0.0.1:${port}`, stop: () => server.forceShutdown() };
}

test('PERMISSION_DENIED surfaces with its code and message; the header goes as it came', async () => {
  const seen = [];
  const stub = await startDenyingCatalog(seen);
  const stubGateway = await startGateway(stub.address);
  try {
    const { status, body } = await graphql(stubGateway.url, QUERY,
      { headers: { authorization: 'Bearer tok-NOBODY' } });
    assert.equal(status, 200);
    assert.deepEqual(body.data, { product: null });
    assert.equal(body.errors[0].extensions.code, 'PERMISSION_DENIED');
    assert.equal(body.errors[0].message, 'principal nobody (no roles) may not read');
    assert.deepEqual(seen, [['Bearer tok-NOBODY']]);
  } finally {
    await stubGateway.stop();
    stub.stop();
  }
});

test('meshdexd\'s /graphql passes the caller\'s token on', async () => {
  const url = `${front.baseUrl}/graphql`;
  const allowed = await graphql(url, QUERY, { headers: { authorization: `Bearer ${READER_TOKEN}` } });
  assert.equal(allowed.body.data.product.metadata.urn, 'urn:dp:sales:orders');
  const refused = await graphql(url, QUERY);
  assert.equal(refused.body.errors[0].extensions.code, 'UNAUTHENTICATED');
});
