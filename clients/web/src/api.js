// The meshdex HTTP/JSON API as used by the UI. Every call resolves to the
// parsed JSON body or throws an ApiError carrying the server's error code.

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

// `params`: values may be arrays (repeated parameters); empty ones are left out.
async function getJson(path, params = {}) {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item !== undefined && item !== null && item !== '') query.append(name, String(item));
    }
  }
  const text = query.toString();
  const url = text ? `${path}?${text}` : path;
  let response;
  try {
    response = await fetch(url, { headers: { Accept: 'application/json' } });
  } catch (error) {
    throw new ApiError(0, 'UNAVAILABLE', `cannot reach the server (${error.message})`);
  }
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    throw new ApiError(response.status, body.code ?? 'UNKNOWN',
                       body.message ?? `HTTP ${response.status}`);
  }
  return body;
}

const productPath = (domain, name) =>
  `/v1/products/${encodeURIComponent(domain)}/${encodeURIComponent(name)}`;

export const api = {
  search: ({ query, facets, pageToken, pageSize = 20 }) => getJson('/v1/search', {
    q: query, facet: facets, page_token: pageToken, page_size: pageSize, highlight: true,
  }),
  suggest: (prefix, limit = 8) => getJson('/v1/suggest', { q: prefix, limit }),
  product: (domain, name, revision) =>
    getJson(productPath(domain, name), { revision: revision || undefined }),
  revisions: (domain, name) =>
    getJson(`${productPath(domain, name)}/revisions`, { page_size: 1000 }),
  resolve: (params) => getJson('/v1/resolve', params),
  lineage: ({ nodeId, level, direction, depth }) => getJson('/v1/lineage', {
    node_id: nodeId, level, direction, depth,
  }),
  runs: (jobId, pageSize = 10) => getJson('/v1/runs', { job_id: jobId, page_size: pageSize }),
};

// Where the UI shows an entity: product URNs and dataset/job node ids.
export function productHref(domain, name) {
  return `/products/${encodeURIComponent(domain)}/${encodeURIComponent(name)}`;
}

export function datasetHref(namespace, name) {
  return `/datasets/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}`;
}

// "dataset:<namespace>:<name>" / "job:<namespace>:<name>" -> {type, namespace,
// name}. Namespaces may hold colons (kafka://host:9092), names do not.
export function parseNodeId(id) {
  const text = String(id ?? '');
  const first = text.indexOf(':');
  const last = text.lastIndexOf(':');
  if (first < 0 || last <= first) return null;
  return { type: text.slice(0, first), namespace: text.slice(first + 1, last), name: text.slice(last + 1) };
}

// urn:dp:<domain>:<name> -> {domain, name}, or null.
export function parseProductUrn(urn) {
  const match = /^urn:dp:([^:]+):([^:]+)$/.exec(urn ?? '');
  return match ? { domain: match[1], name: match[2] } : null;
}
