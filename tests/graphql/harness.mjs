// Shared set-up of the GraphQL tests: meshdexd (tests/browser/harness.mjs
// starts it on free loopback ports and waits for /readyz, so the index has
// caught up with the demo load) and the GraphQL gateway (clients/graphql) in
// front of it, plus a small GraphQL-over-HTTP client.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export { startServer } from '../browser/harness.mjs';

const START_TIMEOUT_MS = 30_000;
const POLL_MS = 25;

export const GRAPHQL_DIR = process.env.MESHDEX_GRAPHQL_DIR;

// Imports a module of the gateway (src/NAME.js).
export function gatewayModule(name) {
  return import(path.join(GRAPHQL_DIR, 'src', `${name}.js`));
}

// Starts the gateway calling meshdexd at `grpc`; resolves once it listens.
// `url` is its /graphql endpoint; `stop()` ends it (SIGTERM).
export async function startGateway(grpc, flags = []) {
  const dir = mkdtempSync(path.join(tmpdir(), 'meshdex-graphql-'));
  const readyFile = path.join(dir, 'ready.json');
  const log = [];
  const child = spawn(process.execPath, [path.join(GRAPHQL_DIR, 'src', 'main.js'),
    `--grpc_target=${grpc}`, '--listen=127.0.0.1:0', `--ready_file=${readyFile}`, ...flags],
  { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.on('data', (chunk) => log.push(chunk));
  child.stderr.on('data', (chunk) => log.push(chunk));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const deadline = Date.now() + START_TIMEOUT_MS;
  let ready = null;
  while (!ready) {
    try {
      ready = JSON.parse(readFileSync(readyFile, 'utf8'));
    } catch {
      if (child.exitCode !== null || Date.now() > deadline) {
        child.kill('SIGKILL');
        rmSync(dir, { recursive: true, force: true });
        throw new Error(`the gateway did not start:\n${Buffer.concat(log).toString()}`);
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }
  return {
    address: ready.http,
    url: `http://${ready.http}/graphql`,
    log: () => Buffer.concat(log).toString(),
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// POSTs a GraphQL request; resolves to {status, body} (body parsed as JSON).
export async function graphql(url, query, { variables, headers = {} } = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.text();
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`HTTP ${response.status}, not JSON: ${text}`);
  }
  return { status: response.status, body };
}

// The data of a query that must succeed (no errors).
export async function queryData(url, query, options) {
  const { status, body } = await graphql(url, query, options);
  if (status !== 200 || body.errors) {
    throw new Error(`HTTP ${status}: ${JSON.stringify(body.errors ?? body)}`);
  }
  return body.data;
}
