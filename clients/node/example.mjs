#!/usr/bin/env node
// meshdex from Node.js: register a data product, record one lineage run
// feeding it, find it with search (read-your-writes through min_sequence) and
// walk its upstream lineage. Prints the URNs and node ids it sees.
//
//   (cd clients/node && npm ci)    # or: make deps
//   node clients/node/example.mjs --server 127.0.0.1:50051 [--token T] [--tls_ca ca.pem]
//
// The .proto files of proto/meshdex/v1 are loaded unchanged at run time by
// @grpc/proto-loader; field names are the JSON (lowerCamelCase) names, as in
// the YAML/JSON documents.
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

const { values: args } = parseArgs({
  options: {
    server: { type: 'string', default: '127.0.0.1:50051' },
    token: { type: 'string' },
    tls_ca: { type: 'string' },
    timeout: { type: 'string', default: '10' },
    proto_dir: { type: 'string', default: fileURLToPath(new URL('../../proto', import.meta.url)) },
  },
});

const definition = protoLoader.loadSync(
  ['meshdex/v1/catalog.proto', 'meshdex/v1/search.proto', 'meshdex/v1/lineage.proto'],
  { includeDirs: [args.proto_dir], keepCase: false, longs: String, enums: String, defaults: true },
);
const v1 = grpc.loadPackageDefinition(definition).meshdex.v1;
const credentials = args.tls_ca
  ? grpc.credentials.createSsl(readFileSync(args.tls_ca))
  : grpc.credentials.createInsecure();
const catalog = new v1.CatalogService(args.server, credentials);
const search = new v1.SearchService(args.server, credentials);
const lineage = new v1.LineageService(args.server, credentials);

const metadata = new grpc.Metadata();
if (args.token) metadata.set('authorization', `Bearer ${args.token}`);

// One unary call as a promise, with its own deadline.
function call(client, method, request) {
  const deadline = new Date(Date.now() + Number(args.timeout) * 1000);
  return new Promise((resolve, reject) => {
    client[method](request, metadata, { deadline }, (error, response) =>
      error ? reject(error) : resolve(response));
  });
}

const broker = 'kafka://broker.example:9092';
const product = {
  apiVersion: 'meshdex.io/v1',
  kind: 'DataProduct',
  metadata: { domain: 'examples', name: 'parcel-events' },
  spec: {
    title: 'Parcel events (client example)',
    description: 'Every parcel scan, registered by the meshdex client examples.',
    owner: { team: 'examples', email: 'examples@example.com' },
    version: '1.0.0',
    lifecycle: 'experimental',
    tags: ['example', 'parcels'],
    outputPorts: [{ name: 'events', kind: 'kafka', address: `${broker}/examples.parcels.v1` }],
    inputPorts: [{ name: 'scans', kind: 'kafka', address: `${broker}/examples.scans.v1` }],
  },
};

// An OpenLineage RunEvent: job examples/parcel-builder read the scans topic
// and wrote the product's events topic.
const event = {
  eventType: 'COMPLETE',
  eventTime: new Date().toISOString(),
  producer: 'https://example.com/meshdex-client-examples',
  schemaURL: 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/definitions/RunEvent',
  run: { runId: randomUUID() },
  job: { namespace: 'examples', name: 'parcel-builder' },
  inputs: [{ namespace: broker, name: 'examples.scans.v1' }],
  outputs: [{ namespace: broker, name: 'examples.parcels.v1' }],
};

try {
  const applied = await call(catalog, 'ApplyProduct', { product });
  const urn = applied.product.metadata.urn;
  console.log(`applied ${urn} revision ${applied.product.metadata.revision} (${applied.outcome})`);

  const ingested = await call(lineage, 'IngestEvent', { eventJson: JSON.stringify(event) });

  // Sequences are uint64, as strings (longs: String): compare as BigInt.
  const minSequence = [applied.sequence, ingested.sequence]
    .map(BigInt).reduce((a, b) => (a > b ? a : b)).toString();
  // Wait (server-side, bounded) until the index has both writes.
  // The domain as a structured filter (no query syntax to build or quote).
  const found = await call(search, 'Search', {
    query: 'parcel events',
    minSequence,
    filters: [{ field: 'domain', value: 'examples' }],
  });
  for (const hit of found.hits) console.log(`search hit ${hit.urn} (${hit.type})`);

  const graph = await call(lineage, 'GetLineage',
    { nodeId: urn, direction: 'UPSTREAM', depth: 3, level: 'DATASET' });
  for (const node of graph.nodes) console.log(`lineage node ${node.id}`);
} catch (error) {
  console.error(`error: ${grpc.status[error.code] ?? error.code}: ${error.details ?? error.message}`);
  process.exitCode = 1;
} finally {
  for (const client of [catalog, search, lineage]) client.close();
}
