// The gateway's view of meshdexd: promise-returning gRPC calls that carry the
// caller's `authorization` header as metadata, map gRPC failures to GraphQL
// errors (extensions.code = the gRPC status name, e.g. UNAUTHENTICATED,
// PERMISSION_DENIED, INVALID_ARGUMENT) and batch product look-ups per request.
//
// A MeshdexClients holds one channel per service for the whole process; a
// RequestBackend is made per GraphQL request (its DataLoaders cache only for
// that request, so one caller never sees another caller's answers).
import grpc from '@grpc/grpc-js';
import DataLoader from 'dataloader';
import { GraphQLError } from 'graphql';
import { loadServices } from './protos.js';

// Each call to meshdexd gets this long (the request's whole budget is the
// client's concern; this bounds a stuck server).
const CALL_DEADLINE_MS = 10_000;

// BatchGetProducts takes at most 1000 URNs (README, Limits).
const MAX_BATCH_URNS = 1000;

const STATUS_NAMES = Object.fromEntries(
  Object.entries(grpc.status).map(([name, code]) => [code, name]));

export function toGraphQLError(error) {
  const code = STATUS_NAMES[error.code] ?? 'INTERNAL';
  return new GraphQLError(error.details || error.message, {
    extensions: { code, grpcCode: error.code },
  });
}

export class MeshdexClients {
  // `target`: meshdexd's gRPC address (host:port); `credentials`: grpc-js
  // channel credentials (insecure by default).
  constructor(target, credentials = grpc.credentials.createInsecure()) {
    const services = loadServices();
    const options = { 'grpc.max_receive_message_length': 64 << 20 };
    this.catalog = new services.CatalogService(target, credentials, options);
    this.search = new services.SearchService(target, credentials, options);
    this.lineage = new services.LineageService(target, credentials, options);
  }

  // Resolves once the channel to meshdexd is connected (within `timeoutMs`).
  ready(timeoutMs = 2000) {
    return new Promise((resolve, reject) => {
      this.catalog.waitForReady(Date.now() + timeoutMs, (error) => (error
        ? reject(new Error(`meshdexd not reachable: ${error.message}`)) : resolve()));
    });
  }

  close() {
    for (const client of [this.catalog, this.search, this.lineage]) client.close();
  }
}

export class RequestBackend {
  // `authorization`: the caller's header value, forwarded as is (or absent).
  constructor(clients, authorization) {
    this.clients = clients;
    this.metadata = new grpc.Metadata();
    if (authorization) this.metadata.set('authorization', authorization);
    this.productLoader = new DataLoader((urns) => this.batchGetProducts(urns),
      { maxBatchSize: MAX_BATCH_URNS });
    this.lineageLoader = new DataLoader(
      (requests) => Promise.all(requests.map((request) => this.call('lineage', 'GetLineage', request)
        .catch((error) => error))),
      { cacheKeyFn: (request) => JSON.stringify(request) });
  }

  call(service, method, request) {
    return new Promise((resolve, reject) => {
      this.clients[service][method](request, this.metadata,
        { deadline: Date.now() + CALL_DEADLINE_MS }, (error, response) => {
          if (error) reject(toGraphQLError(error));
          else resolve(response);
        });
    });
  }

  // One BatchGetProducts for every product this request asked for in the same
  // tick; a URN not found resolves to null.
  async batchGetProducts(urns) {
    const response = await this.call('catalog', 'BatchGetProducts', { urns });
    const byUrn = new Map(response.products.map((product) => [product.metadata.urn, product]));
    return urns.map((urn) => byUrn.get(urn) ?? null);
  }

  product(urn) {
    return this.productLoader.load(urn);
  }

  products(urns) {
    return this.productLoader.loadMany(urns).then((results) => results.map((result) => {
      if (result instanceof Error) throw result;
      return result;
    }));
  }

  // GetLineage, deduplicated within the request (the same node asked twice).
  lineage(request) {
    return this.lineageLoader.load(request);
  }
}
