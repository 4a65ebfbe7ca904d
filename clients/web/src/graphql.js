// The GraphQL query page: a textarea editor with example queries, a run
// button (or Ctrl+Enter) and a result pane. Queries go to this origin's
// /graphql, which meshdexd forwards to the GraphQL gateway. The functions
// above `start` touch no DOM, so they can be tested without a browser.

export const EXAMPLES = [
  {
    name: 'A product with its upstream products, two levels deep',
    query: `query Product($urn: String!) {
  product(urn: $urn) {
    metadata { urn revision updateTime }
    spec {
      title
      owner { team email }
      outputPorts { name kind address schema { fields { name type classification } } }
    }
    status { trust { state } governance { score } }
    upstream { metadata { urn } spec { title } upstream { metadata { urn } } }
  }
}`,
    variables: { urn: 'urn:dp:finance:revenue-recognition' },
  },
  {
    name: 'Search with facets',
    query: `{
  search(query: "orders", facets: ["domain", "kind"], first: 5) {
    totalEstimate
    nodes { urn type title domain score }
    facets { name values { value count } }
    pageInfo { hasNextPage endCursor }
  }
}`,
  },
  {
    name: 'Products of a domain, paged',
    query: `query Page($after: String) {
  products(domain: "sales", first: 3, after: $after) {
    nodes { metadata { urn } spec { title lifecycle } }
    pageInfo { hasNextPage endCursor }
  }
}`,
    variables: { after: null },
  },
  {
    name: 'Product-level lineage',
    query: `{
  lineage(nodeId: "urn:dp:sales:orders", direction: DOWNSTREAM, depth: 3, level: PRODUCT) {
    nodes { id type name productUrn }
    edges { source target }
    truncated
  }
}`,
  },
  {
    name: 'Runs of a job',
    query: `{
  runs(jobId: "job:sales:orders.build", first: 5) {
    nodes { runId state startTime endTime }
    pageInfo { hasNextPage }
  }
}`,
  },
  {
    name: 'Typeahead',
    query: '{\n  suggest(prefix: "ship") { text urn type }\n}',
  },
];

// Parses the variables box: empty → undefined; otherwise a JSON object.
export function parseVariables(text) {
  if (!text.trim()) return undefined;
  const value = JSON.parse(text);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new Error('variables must be a JSON object');
  }
  return value;
}

// Runs `query` against `endpoint` with `fetchFn`; resolves to
// { ok, status, text } where text is the pretty-printed response (or the
// reason there is none). Never throws.
export async function runQuery(fetchFn, endpoint, query, variablesText) {
  let variables;
  try {
    variables = parseVariables(variablesText);
  } catch (error) {
    return { ok: false, status: 0, text: `Variables: ${error.message}` };
  }
  let response;
  try {
    response = await fetchFn(endpoint, {
      method: 'POST',
      // The GraphQL-over-HTTP media type: a request that fails validation is
      // answered 400, not 200.
      headers: { 'Content-Type': 'application/json', Accept: 'application/graphql-response+json' },
      body: JSON.stringify({ query, variables }),
    });
  } catch (error) {
    return { ok: false, status: 0, text: `Cannot reach ${endpoint}: ${error.message}` };
  }
  const body = await response.text();
  let parsed;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { ok: false, status: response.status, text: body };
  }
  return {
    ok: response.ok && !parsed.errors,
    status: response.status,
    text: JSON.stringify(parsed, null, 2),
  };
}

function start(doc) {
  const form = doc.getElementById('gql-form');
  const example = doc.getElementById('gql-example');
  const query = doc.getElementById('gql-query');
  const variables = doc.getElementById('gql-variables');
  const run = doc.getElementById('gql-run');
  const status = doc.getElementById('gql-status');
  const result = doc.getElementById('gql-result');

  EXAMPLES.forEach((item, index) => example.add(new Option(item.name, String(index))));
  const load = (index) => {
    query.value = EXAMPLES[index].query;
    variables.value = EXAMPLES[index].variables
      ? JSON.stringify(EXAMPLES[index].variables, null, 2) : '';
  };
  example.addEventListener('change', () => load(Number(example.value)));
  load(0);

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    run.disabled = true;
    status.textContent = 'Running…';
    const started = performance.now();
    const outcome = await runQuery(fetch, '/graphql', query.value, variables.value);
    const millis = Math.round(performance.now() - started);
    result.textContent = outcome.text;
    result.classList.toggle('failed', !outcome.ok);
    status.textContent = `${outcome.status ? `HTTP ${outcome.status}` : 'failed'} · ${millis} ms`;
    run.disabled = false;
  });
  form.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
}

if (typeof document !== 'undefined') start(document);
