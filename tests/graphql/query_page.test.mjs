// The GraphQL query page of the web UI (clients/web/src/graphql.html): its
// script without a DOM (examples, variables, result formatting), and the page
// in Debian's chromium (playwright-core from clients/web) against meshdexd
// forwarding /graphql to the gateway: every example query runs without
// errors. The browser part is skipped when chromium or playwright-core is
// not installed.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { queryData, startGateway, startServer } from './harness.mjs';

const WEB_DIR = process.env.MESHDEX_WEB_DIR;
const page = await import(path.join(WEB_DIR, 'src', 'graphql.js'));

// A fetch stand-in answering `status` with `body` and recording the request.
function fakeFetch(status, body, calls) {
  return async (url, init) => {
    calls.push({ url, init });
    return { ok: status < 300, status, text: async () => body };
  };
}

test('parseVariables: empty is none, an object is taken, anything else refused', () => {
  assert.equal(page.parseVariables('  '), undefined);
  assert.deepEqual(page.parseVariables('{"urn": "x"}'), { urn: 'x' });
  assert.throws(() => page.parseVariables('[1]'), /JSON object/);
  assert.throws(() => page.parseVariables('{nope'), SyntaxError);
});

test('runQuery posts JSON and pretty-prints the answer', async () => {
  const calls = [];
  const outcome = await page.runQuery(fakeFetch(200, '{"data":{"a":1}}', calls), '/graphql',
    '{ a }', '{"x": 2}');
  assert.deepEqual(outcome, { ok: true, status: 200, text: '{\n  "data": {\n    "a": 1\n  }\n}' });
  assert.equal(calls[0].init.method, 'POST');
  assert.deepEqual(JSON.parse(calls[0].init.body), { query: '{ a }', variables: { x: 2 } });
});

test('runQuery reports GraphQL errors, bad variables and unreachable servers as failures', async () => {
  const errors = await page.runQuery(fakeFetch(200, '{"errors":[{"message":"m"}]}', []), '/g', 'q', '');
  assert.equal(errors.ok, false);
  const variables = await page.runQuery(fakeFetch(200, '{}', []), '/g', 'q', '{');
  assert.match(variables.text, /^Variables: /);
  const down = await page.runQuery(async () => { throw new Error('refused'); }, '/g', 'q', '');
  assert.deepEqual(down, { ok: false, status: 0, text: 'Cannot reach /g: refused' });
  const html = await page.runQuery(fakeFetch(502, '<html>', []), '/g', 'q', '');
  assert.deepEqual(html, { ok: false, status: 502, text: '<html>' });
});

function playwright() {
  const module = path.join(WEB_DIR, 'node_modules', 'playwright-core');
  const chromium = process.env.CHROMIUM ?? '/usr/bin/chromium';
  return existsSync(module) && existsSync(chromium) ? { module, chromium } : null;
}

describe('in the browser', { skip: playwright() ? false : 'chromium or playwright-core missing' }, () => {
  let demo;
  let gateway;
  let front;
  before(async () => {
    demo = await startServer(['--demo']);
    gateway = await startGateway(demo.grpc);
    front = await startServer([`--graphql_upstream=${gateway.address}`]);
  });
  after(() => Promise.all([front, gateway, demo].map((process) => process?.stop())));

  test('every example query answers without errors, straight to the gateway', async () => {
    for (const example of page.EXAMPLES) {
      const data = await queryData(gateway.url, example.query, { variables: example.variables });
      assert.ok(Object.values(data).every((value) => value !== null), example.name);
    }
  });

  test('the page runs the selected example and shows the result', async () => {
    const { chromium } = (await import(path.join(playwright().module, 'index.mjs'))).default;
    const browser = await chromium.launch({ executablePath: playwright().chromium });
    try {
      const tab = await browser.newPage();
      const problems = [];
      tab.on('pageerror', (error) => problems.push(error.message));
      await tab.goto(`${front.baseUrl}/ui/graphql.html`);
      const options = tab.locator('#gql-example option');
      assert.equal(await options.count(), page.EXAMPLES.length);
      assert.match(await tab.locator('#gql-query').inputValue(), /upstream/);
      await tab.click('#gql-run');
      await tab.locator('#gql-status', { hasText: 'HTTP 200' }).waitFor();
      const result = JSON.parse(await tab.locator('#gql-result').textContent());
      assert.equal(result.data.product.metadata.urn, 'urn:dp:finance:revenue-recognition');
      await tab.selectOption('#gql-example', { label: 'Search with facets' });
      await tab.locator('#gql-query').press('Control+Enter');
      await tab.locator('#gql-result', { hasText: '"facets"' }).waitFor();
      await tab.fill('#gql-query', '{ nope }');
      await tab.click('#gql-run');
      await tab.locator('#gql-status', { hasText: 'HTTP 400' }).waitFor();
      assert.equal(await tab.locator('#gql-result.failed').count(), 1);
      assert.deepEqual(problems, []);
    } finally {
      await browser.close();
    }
  });
});
