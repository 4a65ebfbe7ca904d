// Typical queries through the gateway against `meshdexd --demo`: a product
// with its upstream products two levels deep, search with facets, lineage,
// runs, connection paging, and the answers compared with meshdexd's own
// HTTP/JSON API (the same data on both).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { graphql, queryData, startGateway, startServer } from './harness.mjs';

let server;
let gateway;
before(async () => {
  server = await startServer(['--demo']);
  gateway = await startGateway(server.grpc);
});
after(async () => {
  await gateway?.stop();
  await server?.stop();
});

async function restJson(path) {
  const response = await fetch(`${server.baseUrl}${path}`);
  assert.equal(response.status, 200, path);
  return response.json();
}

const urnsOf = (products) => products.map((product) => product.metadata.urn).sort();

test('a product in the proto JSON shape, as the HTTP/JSON API gives it', async () => {
  const data = await queryData(gateway.url, `{
    product(urn: "urn:dp:sales:orders") {
      apiVersion kind
      metadata { domain name urn revision labels createTime }
      spec {
        title description version lifecycle tags links
        owner { team email }
        outputPorts { name kind address schema { fields { name type required classification } }
                      slo { freshnessSeconds availabilityPercent } }
      }
      status { trust { state } governance { score } }
    }
  }`);
  const rest = await restJson('/v1/products/sales/orders');
  const { product } = data;
  assert.equal(product.metadata.urn, 'urn:dp:sales:orders');
  assert.equal(product.metadata.revision, Number(rest.metadata.revision));
  assert.equal(product.metadata.createTime, rest.metadata.createTime);
  assert.deepEqual(product.metadata.labels, rest.metadata.labels ?? {});
  assert.equal(product.spec.title, rest.spec.title);
  assert.deepEqual(product.spec.tags, rest.spec.tags);
  assert.deepEqual(product.spec.owner, rest.spec.owner);
  assert.deepEqual(product.spec.outputPorts.map((port) => port.address),
    rest.spec.outputPorts.map((port) => port.address));
  const restFields = rest.spec.outputPorts[0].schema.fields;
  assert.deepEqual(product.spec.outputPorts[0].schema.fields.map((field) => field.name),
    restFields.map((field) => field.name));
  assert.ok(['FRESH', 'STALE', 'UNKNOWN'].includes(product.status.trust.state));
  assert.equal(product.status.governance.score, rest.status.governance.score);
});

test('an unknown product is null, without an error', async () => {
  const { body } = await graphql(gateway.url, '{ product(urn: "urn:dp:sales:nope") { kind } }');
  assert.deepEqual(body, { data: { product: null } });
});

test('a product with its upstream products, two levels deep', async () => {
  const data = await queryData(gateway.url, `{
    product(urn: "urn:dp:finance:revenue-recognition") {
      metadata { urn }
      upstream {
        metadata { urn }
        spec { title }
        upstream { metadata { urn } }
      }
      twoHops: upstream(depth: 2) { metadata { urn } }
    }
  }`);
  const { upstream, twoHops } = data.product;
  assert.deepEqual(urnsOf(upstream),
    ['urn:dp:finance:fx-rates', 'urn:dp:finance:invoices', 'urn:dp:logistics:shipments']);
  const invoices = upstream.find((product) => product.metadata.urn === 'urn:dp:finance:invoices');
  assert.ok(invoices.spec.title.length > 0);
  for (const urn of ['urn:dp:sales:orders', 'urn:dp:sales:customers', 'urn:dp:sales:returns']) {
    assert.ok(urnsOf(invoices.upstream).includes(urn), `${urn} feeds invoices`);
  }
  const shipments = upstream.find((p) => p.metadata.urn === 'urn:dp:logistics:shipments');
  assert.deepEqual(urnsOf(shipments.upstream), ['urn:dp:sales:orders']);
  // depth 2 = the union of both levels.
  const both = new Set([...urnsOf(upstream), ...upstream.flatMap((p) => urnsOf(p.upstream))]);
  assert.deepEqual(urnsOf(twoHops), [...both].sort());
});

test('downstream is the reverse of upstream', async () => {
  const data = await queryData(gateway.url, `{
    product(urn: "urn:dp:finance:invoices") { downstream { metadata { urn } } }
  }`);
  assert.ok(urnsOf(data.product.downstream).includes('urn:dp:finance:revenue-recognition'));
});

test('search with facets matches /v1/search', async () => {
  const data = await queryData(gateway.url, `{
    search(query: "orders", facets: ["domain", "kind"], first: 5) {
      totalEstimate approximate didYouMean
      nodes { urn type title domain score product { spec { title } } }
      facets { name values { value count } }
      pageInfo { hasNextPage endCursor }
    }
  }`);
  const rest = await restJson('/v1/search?q=orders&facet=domain&facet=kind&page_size=5');
  const { search } = data;
  assert.equal(search.totalEstimate, Number(rest.totalEstimate));
  assert.deepEqual(search.nodes.map((hit) => hit.urn), rest.hits.map((hit) => hit.urn));
  assert.ok(search.nodes.length > 0);
  for (const hit of search.nodes.filter((h) => h.type === 'product')) {
    assert.equal(hit.product.spec.title, hit.title);
  }
  assert.deepEqual(search.facets.map((facet) => facet.name).sort(), ['domain', 'kind']);
  const domains = search.facets.find((facet) => facet.name === 'domain').values;
  assert.ok(domains.some((value) => value.value === 'sales' && value.count > 0));
  assert.equal(search.pageInfo.hasNextPage, Boolean(rest.nextPageToken));
});

test('search filters match /v1/search?filter=', async () => {
  const data = await queryData(gateway.url, `{
    search(query: "", filters: [{ field: "domain", value: "sales" },
                                { field: "type", value: "job", exclude: true }], first: 50) {
      nodes { urn domain }
    }
  }`);
  const rest = await restJson('/v1/search?filter=domain:sales&filter=-type:job&page_size=50');
  assert.ok(data.search.nodes.length > 0);
  assert.ok(data.search.nodes.every((hit) => hit.domain === 'sales'), JSON.stringify(data));
  assert.deepEqual(data.search.nodes.map((hit) => hit.urn), rest.hits.map((hit) => hit.urn));
  const all = await restJson('/v1/search?page_size=50');
  assert.ok(all.hits.length > rest.hits.length);
});

test('products page through a connection: every product once, in order', async () => {
  const query = `query Page($after: String) {
    products(first: 4, after: $after) {
      edges { node { metadata { urn } } }
      nodes { metadata { urn } }
      pageInfo { hasNextPage endCursor }
    }
  }`;
  const seen = [];
  let after = null;
  let pages = 0;
  do {
    const { products } = await queryData(gateway.url, query, { variables: { after } });
    assert.ok(products.nodes.length <= 4);
    assert.deepEqual(products.edges.map((edge) => edge.node), products.nodes);
    seen.push(...products.nodes.map((node) => node.metadata.urn));
    after = products.pageInfo.endCursor;
    assert.equal(products.pageInfo.hasNextPage, after !== null);
    pages += 1;
  } while (after && pages < 50);
  const rest = await restJson('/v1/products?page_size=1000');
  assert.deepEqual(seen, rest.products.map((product) => product.metadata.urn));
  assert.equal(new Set(seen).size, seen.length);
  assert.ok(pages >= 4, `${seen.length} products in ${pages} pages`);
});

test('products of one domain', async () => {
  const { products } = await queryData(gateway.url,
    '{ products(domain: "logistics", first: 100) { nodes { metadata { domain } } } }');
  assert.ok(products.nodes.length >= 3);
  assert.ok(products.nodes.every((node) => node.metadata.domain === 'logistics'));
});

test('search pages with after = endCursor', async () => {
  const query = `query Page($after: String) {
    search(query: "", first: 5, after: $after) { nodes { urn } pageInfo { endCursor } }
  }`;
  const first = await queryData(gateway.url, query);
  const second = await queryData(gateway.url, query,
    { variables: { after: first.search.pageInfo.endCursor } });
  const overlap = second.search.nodes.filter((hit) =>
    first.search.nodes.some((other) => other.urn === hit.urn));
  assert.equal(second.search.nodes.length, 5);
  assert.deepEqual(overlap, []);
});

test('suggest completes a prefix', async () => {
  const { suggest } = await queryData(gateway.url, '{ suggest(prefix: "ship") { text urn type } }');
  assert.ok(suggest.length > 0);
  assert.ok(suggest.every((item) => item.text.toLowerCase().includes('ship')), JSON.stringify(suggest));
});

test('product-level lineage matches /v1/lineage', async () => {
  const data = await queryData(gateway.url, `{
    lineage(nodeId: "urn:dp:sales:orders", direction: DOWNSTREAM, depth: 2, level: PRODUCT) {
      nodes { id type productUrn product { metadata { urn } } }
      edges { source target }
      truncated
    }
  }`);
  const rest = await restJson(
    '/v1/lineage?node_id=urn:dp:sales:orders&direction=down&depth=2&level=product');
  const { lineage } = data;
  assert.deepEqual(lineage.nodes.map((node) => node.id).sort(),
    rest.nodes.map((node) => node.id).sort());
  assert.equal(lineage.edges.length, rest.edges?.length ?? 0);
  assert.equal(lineage.truncated, false);
  for (const node of lineage.nodes.filter((n) => n.type === 'product')) {
    assert.equal(node.product.metadata.urn, node.productUrn);
  }
  assert.ok(lineage.nodes.some((node) => node.id === 'urn:dp:finance:invoices'));
});

test('dataset-level lineage has dataset and job nodes', async () => {
  const { lineage } = await queryData(gateway.url, `{
    lineage(nodeId: "dataset:kafka://broker.sales:9092:sales.orders.v1", direction: DOWNSTREAM,
            depth: 2) { nodes { id type } edges { source target } }
  }`);
  const types = new Set(lineage.nodes.map((node) => node.type));
  assert.ok(types.has('dataset') && types.has('job'), [...types].join());
  assert.ok(lineage.edges.length > 0);
});

test('a bad lineage node is INVALID_ARGUMENT or NOT_FOUND, as a GraphQL error', async () => {
  const { body } = await graphql(gateway.url,
    '{ lineage(nodeId: "dataset:nowhere:nothing") { truncated } }');
  assert.equal(body.data, null);
  assert.ok(['NOT_FOUND', 'INVALID_ARGUMENT'].includes(body.errors[0].extensions.code),
    JSON.stringify(body.errors));
  assert.deepEqual(body.errors[0].path, ['lineage']);
});

test('runs of a job, newest first, paged', async () => {
  const jobId = 'job:sales:orders.build';
  const all = await queryData(gateway.url, `{
    runs(jobId: "${jobId}", first: 100) {
      nodes { runId state startTime endTime jobId }
      pageInfo { hasNextPage }
    }
  }`);
  const rest = await restJson(`/v1/runs?job_id=${encodeURIComponent(jobId)}&page_size=100`);
  assert.deepEqual(all.runs.nodes.map((run) => run.runId), rest.runs.map((run) => run.runId));
  assert.ok(all.runs.nodes.length >= 2, `${all.runs.nodes.length} runs`);
  assert.ok(all.runs.nodes.every((run) => run.jobId === jobId));
  assert.ok(all.runs.nodes.some((run) => run.state === 'COMPLETE'));
  assert.match(all.runs.nodes[0].startTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
  const firstPage = await queryData(gateway.url,
    `{ runs(jobId: "${jobId}", first: 1) { nodes { runId } pageInfo { hasNextPage endCursor } } }`);
  assert.deepEqual(firstPage.runs.nodes.map((run) => run.runId), [all.runs.nodes[0].runId]);
  assert.equal(firstPage.runs.pageInfo.hasNextPage, true);
});

// meshdexd's count of BatchGetProducts calls (its /metrics).
async function batchGetCalls() {
  const text = await (await fetch(`${server.baseUrl}/metrics`)).text();
  return text.split('\n')
    .filter((line) => line.startsWith('meshdex_grpc_requests_total{')
      && line.includes('method="BatchGetProducts"'))
    .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
}

test('the products of a page of search hits are fetched in one BatchGetProducts', async () => {
  const before = await batchGetCalls();
  const { search } = await queryData(gateway.url, `{
    search(query: "type:product", first: 20) { nodes { urn product { metadata { urn } } } }
  }`);
  assert.ok(search.nodes.length >= 10, `${search.nodes.length} hits`);
  for (const hit of search.nodes) assert.equal(hit.product.metadata.urn, hit.urn);
  assert.equal(await batchGetCalls() - before, 1);
});
