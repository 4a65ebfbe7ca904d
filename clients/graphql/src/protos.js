// The meshdex API contract, loaded unchanged from proto/meshdex/v1/*.proto:
// once through @grpc/proto-loader for the gRPC clients, once through
// protobufjs reflection from which the GraphQL object types are generated
// (proto-types.js). Both read the same files, so the GraphQL schema cannot
// drift from the messages meshdexd sends.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import grpc from '@grpc/grpc-js';
import protoLoader from '@grpc/proto-loader';
import protobuf from 'protobufjs';

const here = path.dirname(fileURLToPath(import.meta.url));

// The repository's proto/ directory; MESHDEX_PROTO_DIR overrides it for an
// installation that ships the protos elsewhere (the container image).
export const PROTO_DIR = process.env.MESHDEX_PROTO_DIR ?? path.resolve(here, '../../../proto');

// The files whose services the gateway calls (they import resources.proto).
export const PROTO_FILES = [
  'meshdex/v1/catalog.proto',
  'meshdex/v1/search.proto',
  'meshdex/v1/lineage.proto',
];

// Decoded messages use the proto JSON names (lowerCamelCase), int64 as JS
// numbers, enums as their names and every scalar field present with its
// default: the shape the generated GraphQL types resolve by default.
export const LOADER_OPTIONS = {
  includeDirs: [PROTO_DIR],
  keepCase: false,
  longs: Number,
  enums: String,
  defaults: true,
  arrays: true,
  objects: true,
  oneofs: true,
};

export function loadPackageDefinition() {
  return protoLoader.loadSync(PROTO_FILES, LOADER_OPTIONS);
}

// Service constructors of meshdex.v1 (CatalogService, SearchService,
// LineageService), each taking (target, credentials, options).
export function loadServices() {
  return grpc.loadPackageDefinition(loadPackageDefinition()).meshdex.v1;
}

// protobufjs reflection of the same files, for type generation. Field names
// are converted to lowerCamelCase, which is their proto JSON name.
export function loadReflectionRoot() {
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) =>
    target.startsWith('google/protobuf/') ? target : path.join(PROTO_DIR, target);
  root.loadSync(PROTO_FILES, { keepCase: false, alternateCommentMode: true });
  root.resolveAll();
  return root;
}
