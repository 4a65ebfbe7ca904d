#!/usr/bin/env node
// meshdex-graphql: the GraphQL gateway in front of meshdexd's gRPC API.
//
//   node src/main.js --grpc_target=127.0.0.1:50051 --listen=127.0.0.1:8090
//   node src/main.js --meshdexd_ready_file=build/meshdexd.ready.json --listen=127.0.0.1:0 \
//       --ready_file=/tmp/graphql.ready.json
//
// --grpc_target          meshdexd's gRPC address (host:port)
// --meshdexd_ready_file  instead: wait for meshdexd's ready file and use its "grpc" address
// --grpc_tls_ca          PEM CA certificates: call meshdexd over TLS (its --tls_cert), verified
// --listen               HTTP address (default 127.0.0.1:8090; port 0 picks a free one)
// --ready_file           once listening, write {"http":"host:port"} there
// --max_depth, --max_cost, --max_first   query limits (limits.js)
// SIGTERM/SIGINT close the listener and the gRPC channels.
import { readFileSync, writeFileSync, renameSync } from 'node:fs';
import { parseArgs } from 'node:util';
import grpc from '@grpc/grpc-js';
import { MeshdexClients } from './backend.js';
import { DEFAULT_LIMITS } from './limits.js';
import { createGatewayServer } from './server.js';

const READY_FILE_POLL_MS = 50;

function usage(message) {
  process.stderr.write(`meshdex-graphql: ${message}\n`);
  process.exit(2);
}

function splitHostPort(address, flag) {
  const colon = address.lastIndexOf(':');
  const port = Number(address.slice(colon + 1));
  if (colon <= 0 || !Number.isInteger(port) || port < 0 || port > 65535) {
    usage(`${flag}: expected host:port, got "${address}"`);
  }
  return { host: address.slice(0, colon), port };
}

function positiveInt(value, flag) {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) usage(`${flag}: expected a positive integer`);
  return number;
}

// Polls `path` until it holds meshdexd's ready JSON, then calls `found(grpc)`.
function watchReadyFile(path, found) {
  const poll = () => {
    try {
      const ready = JSON.parse(readFileSync(path, 'utf8'));
      if (ready.grpc) {
        found(ready.grpc);
        return;
      }
    } catch {
      // Not written yet (or being written): poll again.
    }
    setTimeout(poll, READY_FILE_POLL_MS).unref();
  };
  poll();
}

const { values: flags } = (() => {
  try {
    return parseArgs({
      options: {
        grpc_target: { type: 'string' },
        meshdexd_ready_file: { type: 'string' },
        grpc_tls_ca: { type: 'string' },
        listen: { type: 'string', default: '127.0.0.1:8090' },
        ready_file: { type: 'string' },
        max_depth: { type: 'string', default: String(DEFAULT_LIMITS.maxDepth) },
        max_cost: { type: 'string', default: String(DEFAULT_LIMITS.maxCost) },
        max_first: { type: 'string', default: String(DEFAULT_LIMITS.maxFirst) },
      },
      strict: true,
    });
  } catch (error) {
    return usage(error.message);
  }
})();

if (Boolean(flags.grpc_target) === Boolean(flags.meshdexd_ready_file)) {
  usage('give exactly one of --grpc_target and --meshdexd_ready_file');
}
const listen = splitHostPort(flags.listen, '--listen');
const credentials = (() => {
  if (!flags.grpc_tls_ca) return grpc.credentials.createInsecure();
  try {
    return grpc.credentials.createSsl(readFileSync(flags.grpc_tls_ca));
  } catch (error) {
    return usage(`--grpc_tls_ca: ${error.message}`);
  }
})();
let clients = null;
const connect = (target) => {
  clients = new MeshdexClients(target, credentials);
  process.stderr.write(`meshdex-graphql: calling meshdexd at ${target}\n`);
};
if (flags.grpc_target) {
  splitHostPort(flags.grpc_target, '--grpc_target');
  connect(flags.grpc_target);
} else {
  watchReadyFile(flags.meshdexd_ready_file, connect);
}

const server = createGatewayServer({
  getClients: () => clients,
  limits: {
    maxDepth: positiveInt(flags.max_depth, '--max_depth'),
    maxCost: positiveInt(flags.max_cost, '--max_cost'),
    maxFirst: positiveInt(flags.max_first, '--max_first'),
  },
});
server.on('error', (error) => {
  process.stderr.write(`meshdex-graphql: --listen ${flags.listen}: ${error.message}\n`);
  process.exit(1);
});
server.listen(listen.port, listen.host, () => {
  const { port } = server.address();
  const bound = `${listen.host}:${port}`;
  process.stderr.write(`meshdex-graphql: serving GraphQL on http://${bound}/graphql\n`);
  if (flags.ready_file) {
    // Written whole, then renamed: a reader never sees half a file.
    writeFileSync(`${flags.ready_file}.tmp`, JSON.stringify({ http: bound }));
    renameSync(`${flags.ready_file}.tmp`, flags.ready_file);
  }
});

const shutdown = () => {
  server.close();
  server.closeAllConnections();
  clients?.close();
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
