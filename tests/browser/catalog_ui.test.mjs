// The catalog UI in a real browser against a real `meshdexd --demo`: search
// with results, facets (governance among them) and typeahead, a result
// opening its product page, the PII marker, the governance section, the
// dataset page and a revision diff. A screenshot of each page is saved in
// SCREENSHOT_DIR.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launchBrowser, newPage, screenshot, startServer } from './harness.mjs';

let server;
let browser;
let page;
const errors = [];

before(async () => {
  server = await startServer(['--demo']);
  browser = await launchBrowser();
  page = await newPage(browser, errors);
});

after(async () => {
  await browser?.close();
  await server?.stop();
  assert.deepEqual(errors, [], 'the pages logged errors');
});

test('search shows results with highlighted snippets and facet counts', async () => {
  await page.goto(`${server.baseUrl}/?q=shipments`);
  const hits = page.locator('.hit');
  await hits.first().waitFor();
  assert.ok(await hits.count() > 0);
  assert.equal(await page.locator('.hit-title', { hasText: /^Shipments$/ }).count(), 1,
               'the Shipments product is not among the hits');
  assert.ok(await page.locator('.snippet mark').count() > 0, 'no highlighted match in the snippets');
  const domains = page.locator('.facet[data-facet="domain"] .facet-value');
  assert.ok(await domains.count() > 0, 'no domain facet');
  const count = Number(await domains.first().locator('.count').textContent());
  assert.ok(count > 0, 'facet without a count');
  assert.equal(await page.locator('#search-input').inputValue(), 'shipments');
  await screenshot(page, 'search');
});

test('a facet value becomes a filter chip, in the URL, and narrows the results', async () => {
  await page.goto(`${server.baseUrl}/`);
  const finance = page.locator('.facet[data-facet="domain"] .facet-value', { hasText: 'finance' });
  await finance.waitFor();
  const expected = Number(await finance.locator('.count').textContent());
  await finance.click();
  await page.locator('.chip', { hasText: 'finance' }).waitFor();
  assert.match(page.url(), /f=domain%3Afinance/);
  // One page of 20 at most.
  await page.waitForFunction((n) => document.querySelectorAll('.hit').length === n,
                             Math.min(expected, 20));
  const domains = await page.locator('.hit .badge.domain').allTextContents();
  assert.ok(domains.length > 0 && domains.every((domain) => domain === 'finance'), domains.join());
  await screenshot(page, 'search-filtered');
  await page.locator('.chip-remove').click();
  await page.waitForFunction(() => document.querySelectorAll('.chip').length === 0);
  assert.doesNotMatch(page.url(), /f=/);
});

test('typing shows typeahead suggestions that can be picked with the keyboard', async () => {
  await page.goto(`${server.baseUrl}/`);
  const input = page.locator('#search-input');
  await input.click();
  await input.pressSequentially('shipm', { delay: 30 });
  const suggestion = page.locator('#suggestions .suggestion').first();
  await suggestion.waitFor();
  assert.equal(await input.getAttribute('aria-expanded'), 'true');
  assert.match(await suggestion.textContent(), /shipm/i);
  await screenshot(page, 'typeahead');
  await input.press('ArrowDown');
  assert.equal(await suggestion.getAttribute('aria-selected'), 'true');
  await input.press('Enter');
  await page.waitForURL((url) => url.pathname.startsWith('/products/') || url.search.includes('q='));
});

test('clicking a result opens the product page', async () => {
  await page.goto(`${server.baseUrl}/?q=shipments`);
  await page.locator('.hit-title', { hasText: /^Shipments$/ }).click();
  await page.waitForURL('**/products/logistics/shipments');
  assert.equal(await page.locator('h1').textContent(), 'Shipments');
  assert.match(await page.locator('.urn').textContent(), /urn:dp:logistics:shipments/);
  assert.ok(await page.locator('.port').count() >= 2, 'ports missing');
  assert.match(await page.locator('.facts').textContent(), /logistics-core/);
  await page.locator('.revisions tbody tr').first().waitFor();
  await screenshot(page, 'product');
});

test('a product with personal data shows the PII marker on the field', async () => {
  await page.goto(`${server.baseUrl}/products/logistics/shipments`);
  const row = page.locator('table.schema tr.pii', { hasText: 'recipient_name' });
  await row.waitFor();
  assert.ok(await row.locator('.pii-marker').isVisible());
  assert.ok(await page.locator('.product-head .pii-marker').isVisible(), 'no marker in the header');
  // A field classified confidential is not marked.
  const confidential = page.locator('table.schema tr', { hasText: 'recipient_hash' });
  assert.equal(await confidential.locator('.pii-marker').count(), 0);
});

test('the product page lists the policy violations with their enforcement', async () => {
  await page.goto(`${server.baseUrl}/products/sales/returns`);
  const section = page.locator('section.governance');
  const violations = section.locator('.violation');
  await violations.first().waitFor();
  assert.equal(await violations.count(), 2);
  assert.match(await section.locator('.governance-summary').textContent(), /\d+ % · 2 violations/);
  const freshness = violations.filter({ hasText: 'experimental-declares-freshness' });
  assert.equal(await freshness.locator('.badge.enforcement-warn').textContent(), 'warn');
  assert.equal(await freshness.locator('.violation-path').textContent(),
               'spec.outputPorts[0].slo.freshnessSeconds');
  const format = violations.filter({ hasText: 'sales/kafka-registry-formats' });
  assert.match(await format.locator('.violation-message').textContent(), /not one of avro, protobuf/);
  assert.equal(await section.locator('.governance-ok').count(), 0);
  await section.scrollIntoViewIfNeeded();
  await screenshot(page, 'product-governance');

  await page.goto(`${server.baseUrl}/products/sales/orders`);
  await page.locator('section.governance .governance-ok').waitFor();
  assert.match(await page.locator('section.governance').textContent(), /100 %/);
  assert.equal(await page.locator('section.governance .violation').count(), 0);
});

test('the governance facet narrows the search to violating products', async () => {
  await page.goto(`${server.baseUrl}/`);
  const violating = page.locator('.facet[data-facet="governance"] .facet-value', { hasText: 'violating' });
  await violating.waitFor();
  const expected = Number(await violating.locator('.count').textContent());
  assert.ok(expected > 0, 'no violating products counted');
  assert.ok(await page.locator('.facet[data-facet="governance"] .facet-value', { hasText: 'ok' }).count() === 1);
  await violating.click();
  await page.locator('.chip', { hasText: 'violating' }).waitFor();
  assert.match(page.url(), /f=governance%3Aviolating/);
  await page.waitForFunction((n) => document.querySelectorAll('.hit').length === n, Math.min(expected, 20));
  const titles = await page.locator('.hit-title').allTextContents();
  assert.ok(titles.includes('Returns and Refunds'), titles.join());
  await screenshot(page, 'search-governance');
});

test('the dataset page names the product port that owns the dataset', async () => {
  const namespace = encodeURIComponent('kafka://broker.logistics:9092');
  await page.goto(`${server.baseUrl}/datasets/${namespace}/logistics.shipments.v1`);
  const owner = page.locator('.owner a', { hasText: 'urn:dp:logistics:shipments' });
  await owner.waitFor();
  assert.match(await page.locator('.owner').textContent(), /events/);
  await page.locator('.owner table.schema').waitFor();
  await screenshot(page, 'dataset');
  await owner.click();
  await page.waitForURL('**/products/logistics/shipments');
});

test('the revision history diffs two revisions', async () => {
  const url = `${server.baseUrl}/v1/products/sales/returns`;
  const current = await (await fetch(url)).json();
  current.spec.version = '9.9.9';
  current.spec.tags = [...(current.spec.tags ?? []), 'browser-test'];
  const put = await fetch(url, {
    method: 'PUT', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ metadata: current.metadata, spec: current.spec }),
  });
  assert.equal(put.status, 200, await put.text());
  await page.goto(`${server.baseUrl}/products/sales/returns`);
  const added = page.locator('.diff .added', { hasText: '9.9.9' });
  await added.waitFor();
  assert.ok(await page.locator('.diff .removed').count() > 0);
  assert.equal(await page.locator('.revisions tbody tr').count(), 2);
  await page.locator('.diff-view').scrollIntoViewIfNeeded();
  await screenshot(page, 'product-history');
});
