// The gateway's HTTP server: GraphQL over HTTP (graphql-http, the reference
// implementation of the GraphQL-over-HTTP spec) at /graphql, POST and GET
// (`?query=`, queries only), plus /healthz (the process is up) and /readyz
// (meshdexd answers). Each request gets its own RequestBackend carrying the
// caller's `authorization` header to meshdexd.
import http from 'node:http';
import { createHandler } from 'graphql-http';
import { RequestBackend } from './backend.js';
import { DEFAULT_LIMITS, costLimitRule, depthLimitRule } from './limits.js';
import { buildSchema } from './schema.js';

const MAX_BODY_BYTES = 1 << 20;

class BodyTooLarge extends Error {}

// The request body as text, refusing (BodyTooLarge) past MAX_BODY_BYTES
// whether or not a Content-Length announced it.
function readBody(request) {
  return new Promise((resolve, reject) => {
    if (Number(request.headers['content-length'] ?? 0) > MAX_BODY_BYTES) {
      reject(new BodyTooLarge());
      return;
    }
    const chunks = [];
    let size = 0;
    request.on('data', (chunk) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        request.destroy();
        reject(new BodyTooLarge());
      } else {
        chunks.push(chunk);
      }
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function sendGraphQLError(response, status, code, message) {
  sendJson(response, status, { errors: [{ message, extensions: { code } }] });
}

function sendJson(response, status, body) {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify(body));
}

// `getClients()`: the MeshdexClients to call, or null while meshdexd's address
// is not known yet (/graphql and /readyz then answer 503); `limits`:
// overrides of DEFAULT_LIMITS.
export function createGatewayServer({ getClients, limits: overrides = {} }) {
  const limits = { ...DEFAULT_LIMITS, ...overrides };
  const { schema } = buildSchema(limits);
  const handler = createHandler({
    schema,
    context: (request) => ({
      backend: new RequestBackend(getClients(), request.headers.authorization),
    }),
    validationRules: (_request, args, specifiedRules) => [
      ...specifiedRules,
      depthLimitRule(limits.maxDepth),
      costLimitRule(limits.maxCost, args.variableValues),
    ],
  });

  return http.createServer((request, response) => {
    const { pathname } = new URL(request.url, 'http://gateway');
    if (pathname === '/healthz') {
      sendJson(response, 200, { status: 'ok' });
    } else if (pathname === '/readyz') {
      const clients = getClients();
      if (!clients) {
        sendJson(response, 503, { code: 'UNAVAILABLE', message: 'meshdexd address not known yet' });
        return;
      }
      clients.ready().then(
        () => sendJson(response, 200, { status: 'ready' }),
        (error) => sendJson(response, 503, { code: 'UNAVAILABLE', message: error.message }));
    } else if (pathname === '/graphql') {
      if (!getClients()) {
        sendGraphQLError(response, 503, 'UNAVAILABLE', 'meshdexd address not known yet');
        return;
      }
      // The body is read (bounded) before graphql-http sees it, which would
      // report an oversized body as unparsable.
      const body = request.method === 'POST' ? readBody(request) : Promise.resolve('');
      body.then((text) => handler({
        url: request.url, method: request.method, headers: request.headers,
        body: text, raw: request, context: null,
      })).then(([result, init]) => {
        response.writeHead(init.status, init.statusText, init.headers).end(result);
      }, (error) => {
        if (error instanceof BodyTooLarge) {
          response.setHeader('connection', 'close');
          sendGraphQLError(response, 413, 'PAYLOAD_TOO_LARGE',
            `request body larger than ${MAX_BODY_BYTES} bytes`);
        } else {
          sendGraphQLError(response, 500, 'INTERNAL', error.message);
        }
      });
    } else {
      sendJson(response, 404, { code: 'NOT_FOUND', message: `no route for ${request.method} ${pathname}` });
    }
  });
}
