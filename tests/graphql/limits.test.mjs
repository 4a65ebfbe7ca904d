// Query limits and request errors of the gateway. Limits are checked before
// anything runs, so this gateway calls no meshdexd (its target is a closed
// port): a query that passed the limits fails later with UNAVAILABLE instead.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { graphql, gatewayModule, startGateway } from './harness.mjs';

const { getIntrospectionQuery } = await import(`${process.env.MESHDEX_GRAPHQL_DIR}/node_modules/graphql/index.mjs`);
const { DEFAULT_LIMITS } = await gatewayModule('limits');

// A gateway with the default limits, and one allowing only SHALLOW_DEPTH.
const SHALLOW_DEPTH = 5;
let gateway;
let shallow;
before(async () => {
  [gateway, shallow] = await Promise.all([startGateway('127.0.0.1:1'),
    startGateway('127.0.0.1:1', [`--max_depth=${SHALLOW_DEPTH}`])]);
});
after(() => Promise.all([gateway?.stop(), shallow?.stop()]));

function errorCodes(body) {
  return (body.errors ?? []).map((error) => error.extensions?.code);
}

// Queries SHALLOW_DEPTH + 1 and SHALLOW_DEPTH fields deep that no list multiplies.
const TOO_DEEP = '{ product(urn: "urn:dp:sales:orders") { spec { outputPorts { schema { fields { name } } } } } }';
const AT_LIMIT = '{ product(urn: "urn:dp:sales:orders") { spec { outputPorts { slo { freshnessSeconds } } } } }';

test('a query deeper than the limit is refused before it runs', async () => {
  const { body } = await graphql(shallow.url, TOO_DEEP);
  assert.deepEqual(errorCodes(body), ['QUERY_TOO_DEEP']);
  assert.equal(body.data, undefined);
  assert.match(body.errors[0].message,
    new RegExp(`query depth ${SHALLOW_DEPTH + 1} exceeds the limit of ${SHALLOW_DEPTH}`));
});

test('a query at the depth limit passes it', async () => {
  const { body } = await graphql(shallow.url, AT_LIMIT);
  assert.deepEqual(errorCodes(body), ['UNAVAILABLE']);
});

test('a query whose lists multiply past the cost limit is refused', async () => {
  const query = `{ products(first: 100) { nodes { upstream { downstream { metadata { urn } } } } } }`;
  const { body } = await graphql(gateway.url, query);
  assert.deepEqual(errorCodes(body), ['QUERY_TOO_COMPLEX']);
  assert.ok(body.errors[0].extensions.cost > DEFAULT_LIMITS.maxCost);
});

test('the cost counts `first` given as a variable', async () => {
  const query = `query Q($n: Int) { products(first: $n) { nodes { upstream { downstream {
    metadata { urn } } } } } }`;
  const cheap = await graphql(gateway.url, query, { variables: { n: 2 } });
  assert.deepEqual(errorCodes(cheap.body), ['UNAVAILABLE']);
  const costly = await graphql(gateway.url, query, { variables: { n: 100 } });
  assert.deepEqual(errorCodes(costly.body), ['QUERY_TOO_COMPLEX']);
});

test('first above the maximum is refused with BAD_USER_INPUT', async () => {
  for (const field of ['products', 'search', 'runs(jobId: "job:x:y", ']) {
    const call = field.endsWith(', ') ? `${field}first: ${DEFAULT_LIMITS.maxFirst + 1})`
      : `${field}(first: ${DEFAULT_LIMITS.maxFirst + 1})`;
    const { body } = await graphql(gateway.url, `{ ${call} { pageInfo { hasNextPage } } }`);
    assert.deepEqual(errorCodes(body), ['BAD_USER_INPUT'], call);
    assert.match(body.errors[0].message, /first must be between 1 and 100/);
    assert.deepEqual(body.errors[0].path, [field.split('(')[0]]);
  }
});

test('a fragment cycle is refused without hanging the limit checks', async () => {
  const query = `fragment Up on DataProduct { upstream { ...Up } }
    { product(urn: "urn:dp:sales:orders") { ...Up } }`;
  const { body } = await graphql(gateway.url, query);
  assert.ok(body.errors.some((error) => /Cannot spread fragment "Up" within itself/.test(error.message)),
    JSON.stringify(body.errors));
});

test('introspection is exempt from the limits', async () => {
  const { status, body } = await graphql(gateway.url, getIntrospectionQuery());
  assert.equal(status, 200);
  assert.equal(body.errors, undefined);
  assert.ok(body.data.__schema.types.some((type) => type.name === 'DataProduct'));
});

test('syntax and validation errors come in the GraphQL error format', async () => {
  const syntax = await graphql(gateway.url, '{ product(urn: ) }');
  assert.match(syntax.body.errors[0].message, /Syntax Error/);
  assert.deepEqual(syntax.body.errors[0].locations, [{ line: 1, column: 16 }]);
  const unknown = await graphql(gateway.url, '{ product(urn: "x") { nope } }');
  assert.match(unknown.body.errors[0].message, /Cannot query field "nope" on type "DataProduct"/);
});

test('GET takes the query in ?query= (400 without one)', async () => {
  const response = await fetch(`${gateway.url}?query=${encodeURIComponent('{ __typename }')}`);
  assert.equal(response.status, 200);
  assert.deepEqual(await response.json(), { data: { __typename: 'Query' } });
  const missing = await fetch(gateway.url);
  assert.equal(missing.status, 400);
});

test('a body over 1 MiB is refused with 413 before it is parsed', async () => {
  const { status, body } = await graphql(gateway.url, `{ __typename } # ${'x'.repeat(1 << 20)}`);
  assert.equal(status, 413);
  assert.deepEqual(errorCodes(body), ['PAYLOAD_TOO_LARGE']);
});

test('/healthz answers; /readyz says meshdexd is unreachable', async () => {
  const base = `http://${gateway.address}`;
  assert.equal((await fetch(`${base}/healthz`)).status, 200);
  const ready = await fetch(`${base}/readyz`);
  assert.equal(ready.status, 503);
  assert.equal((await ready.json()).code, 'UNAVAILABLE');
});
