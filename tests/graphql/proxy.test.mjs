// meshdexd's /graphql: forwarded to the gateway named by --graphql_upstream
// (POST and GET, status and body unchanged, the caller's token passed on);
// 503 with the error body {"code","message"} when it is not configured or
// cannot be reached.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { after, before, test } from 'node:test';
import { graphql, startGateway, startServer } from './harness.mjs';

// A loopback port nothing listens on: bound, then closed.
async function closedPort() {
  const socket = createServer();
  await new Promise((resolve) => socket.listen(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  await new Promise((resolve) => socket.close(resolve));
  return port;
}

// `demo`: a meshdexd with the demo mesh, and the gateway calling it;
// `front`: a meshdexd forwarding /graphql to that gateway; `bare`: one
// without --graphql_upstream; `dangling`: one whose upstream is down.
let demo;
let gateway;
let front;
let bare;
let dangling;
before(async () => {
  demo = await startServer(['--demo']);
  gateway = await startGateway(demo.grpc);
  [front, bare, dangling] = await Promise.all([
    startServer([`--graphql_upstream=${gateway.address}`]),
    startServer([]),
    closedPort().then((port) => startServer([`--graphql_upstream=127.0.0.1:${port}`])),
  ]);
});
after(() => Promise.all([front, bare, dangling, gateway, demo].map((process) => process?.stop())));

test('POST /graphql on meshdexd answers through the gateway', async () => {
  const data = await graphql(`${front.baseUrl}/graphql`,
    '{ product(urn: "urn:dp:sales:orders") { spec { title } } }');
  assert.equal(data.status, 200);
  assert.equal(data.body.errors, undefined);
  assert.equal(typeof data.body.data.product.spec.title, 'string');
  assert.ok(data.body.data.product.spec.title.length > 0);
});

test('GET /graphql?query= is forwarded with its query string', async () => {
  const query = encodeURIComponent('{ products(domain: "sales", first: 1) { nodes { metadata { domain } } } }');
  const response = await fetch(`${front.baseUrl}/graphql?query=${query}`);
  assert.equal(response.status, 200);
  const body = await response.json();
  assert.deepEqual(body.data.products.nodes, [{ metadata: { domain: 'sales' } }]);
});

test('the gateway\'s errors and statuses come back unchanged, Accept passed on', async () => {
  const url = `${front.baseUrl}/graphql`;
  const legacy = await graphql(url, '{ nope }');
  assert.equal(legacy.status, 200);
  const { status, body } = await graphql(url, '{ nope }',
    { headers: { accept: 'application/graphql-response+json' } });
  assert.equal(status, 400);
  assert.match(body.errors[0].message, /Cannot query field "nope" on type "Query"/);
  const unsupported = await fetch(`${front.baseUrl}/graphql`,
    { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{ __typename }' });
  assert.equal(unsupported.status, 415);
});

test('without --graphql_upstream /graphql is 503 naming the flag', async () => {
  const { status, body } = await graphql(`${bare.baseUrl}/graphql`, '{ __typename }');
  assert.equal(status, 503);
  assert.equal(body.code, 'UNAVAILABLE');
  assert.match(body.message, /--graphql_upstream/);
});

test('an unreachable gateway is 503, and meshdexd keeps serving', async () => {
  const { status, body } = await graphql(`${dangling.baseUrl}/graphql`, '{ __typename }');
  assert.equal(status, 503);
  assert.equal(body.code, 'UNAVAILABLE');
  assert.match(body.message, /GraphQL gateway at 127\.0\.0\.1:\d+ did not answer/);
  assert.equal((await fetch(`${dangling.baseUrl}/healthz`)).status, 200);
});

test('a --graphql_upstream that is not host:port (or has port 0) stops meshdexd at start', async () => {
  for (const [value, why] of [['nonsense', /want host:port/], ['127.0.0.1:0', /port is needed, not 0/]]) {
    const result = spawnSync(process.env.MESHDEXD, ['--data_dir=/nonexistent/never-created',
      '--grpc_listen=127.0.0.1:0', '--http_listen=127.0.0.1:0', `--graphql_upstream=${value}`],
    { encoding: 'utf8', timeout: 30_000 });
    assert.notEqual(result.status, 0, value);
    assert.match(result.stderr + result.stdout, /--graphql_upstream/);
    assert.match(result.stderr + result.stdout, why);
  }
});
