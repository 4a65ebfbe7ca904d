// The lineage graph in a real browser against `meshdexd --demo`: runs are
// posted to the OpenLineage endpoint (POST /api/v1/lineage, as a producer's
// HTTP transport would), then the product page draws the product-level
// graph, switches to dataset level, and its nodes lead to their pages; the
// dataset page of an unowned dataset shows the job writing it and its run.
// Needs LineageService behind the gateway (registered in ctest, disabled
// until then).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launchBrowser, newPage, screenshot, startServer } from './harness.mjs';

// orders -> pack_shipments -> shipments.events -> daily_shipments ->
// shipments.daily -> delivery_kpis -> an unowned warehouse table.
const RUNS = [
  ['0b6f1f9e-0001-4c1e-8f00-000000000001', 'pack_shipments',
   ['kafka://broker.sales:9092', 'sales.orders.v1'], ['kafka://broker.logistics:9092', 'logistics.shipments.v1']],
  ['0b6f1f9e-0002-4c1e-8f00-000000000002', 'daily_shipments',
   ['kafka://broker.logistics:9092', 'logistics.shipments.v1'], ['s3://acme-logistics-lake', 'shipments/daily']],
  ['0b6f1f9e-0003-4c1e-8f00-000000000003', 'delivery_kpis',
   ['s3://acme-logistics-lake', 'shipments/daily'], ['postgres://warehouse:5432', 'analytics.public.delivery_kpis']],
];

function runEvent([runId, job, [inNamespace, inName], [outNamespace, outName]]) {
  return {
    eventType: 'COMPLETE', eventTime: new Date().toISOString(), producer: 'https://example.com/browser-test',
    schemaURL: 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/definitions/RunEvent',
    run: { runId }, job: { namespace: 'airflow', name: job },
    inputs: [{ namespace: inNamespace, name: inName }], outputs: [{ namespace: outNamespace, name: outName }],
  };
}

let server;
let browser;
let page;
const errors = [];

before(async () => {
  server = await startServer(['--demo']);
  browser = await launchBrowser();
  page = await newPage(browser, errors);
  for (const run of RUNS) {
    const response = await fetch(`${server.baseUrl}/api/v1/lineage`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(runEvent(run)),
    });
    assert.equal(response.status, 201, await response.text());
  }
});

after(async () => {
  await browser?.close();
  await server?.stop();
  assert.deepEqual(errors, [], 'the pages logged errors');
});

const nodeCount = () => Number(document.querySelector('.graph')?.dataset.nodeCount ?? 0);

test('the product page draws its lineage at product and dataset level', async () => {
  await page.goto(`${server.baseUrl}/products/logistics/shipments`);
  await page.waitForFunction(nodeCount, null, { timeout: 15_000 });
  const products = await page.evaluate(nodeCount);
  assert.ok(products > 1, `product-level graph has ${products} node(s)`);
  await page.waitForSelector('.graph canvas', { timeout: 15_000 });  // cytoscape drew it
  await page.locator('.lineage').scrollIntoViewIfNeeded();
  await screenshot(page, 'lineage-products');

  await page.locator('.segmented label', { hasText: 'Datasets' }).click();
  await page.waitForFunction(() => [...document.querySelectorAll('.graph-nodes .badge')]
    .some((badge) => badge.textContent === 'job'));
  assert.ok(await page.evaluate(nodeCount) > products, 'dataset level shows no more than product level');
  await screenshot(page, 'lineage-datasets');
});

test('the dataset page of an unowned dataset shows the job that writes it', async () => {
  const namespace = encodeURIComponent('postgres://warehouse:5432');
  await page.goto(`${server.baseUrl}/datasets/${namespace}/analytics.public.delivery_kpis`);
  await page.locator('.job', { hasText: 'delivery_kpis' }).waitFor();
  await page.locator('.job .badge', { hasText: 'COMPLETE' }).waitFor();
  // The owner and the producers are separate requests: wait for the owner's
  // answer rather than reading the section while it still says Loading.
  await page.locator('.owner', { hasText: 'No data product owns this dataset' }).waitFor();
  await page.waitForFunction(nodeCount, null, { timeout: 15_000 });
  await screenshot(page, 'dataset-lineage');
});

test('a lineage node opens its page', async () => {
  await page.goto(`${server.baseUrl}/products/logistics/shipments`);
  await page.waitForFunction(nodeCount, null, { timeout: 15_000 });
  await page.locator('.graph-list summary').click();
  const link = page.locator('.graph-nodes a').first();
  const href = await link.getAttribute('href');
  await link.click();
  await page.waitForURL(`**${href}`);
  assert.notEqual(new URL(page.url()).pathname, '/products/logistics/shipments');
});
