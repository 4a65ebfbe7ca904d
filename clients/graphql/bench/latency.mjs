#!/usr/bin/env node
// What the GraphQL hop costs: the same product look-up, sequentially, N times
// each way, p50/p99 in milliseconds:
//   grpc     GetProduct straight to meshdexd (grpc-js, as the gateway calls it)
//   gateway  POST /graphql to the gateway (HTTP + graphql-js + one gRPC call)
//   proxied  POST /graphql to meshdexd, forwarded to the gateway (one more hop)
// Usage: node bench/latency.mjs GRPC_ADDR GATEWAY_ADDR [MESHDEXD_HTTP_ADDR] [N]
import { MeshdexClients, RequestBackend } from '../src/backend.js';

const [grpcTarget, gatewayAddress, meshdexdHttp, count = '1000'] = process.argv.slice(2);
if (!grpcTarget || !gatewayAddress) {
  process.stderr.write('usage: latency.mjs GRPC_ADDR GATEWAY_ADDR [MESHDEXD_HTTP_ADDR] [N]\n');
  process.exit(2);
}
const N = Number(count);
const URN = 'urn:dp:sales:orders';
const QUERY = JSON.stringify({ query: `{ product(urn: "${URN}") { metadata { urn } spec { title } } }` });

async function measure(name, once) {
  for (let i = 0; i < 50; i += 1) await once(); // warm-up: connections, JIT
  const samples = [];
  for (let i = 0; i < N; i += 1) {
    const start = process.hrtime.bigint();
    await once();
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  samples.sort((a, b) => a - b);
  const at = (q) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))];
  console.log(`${name.padEnd(8)} p50 ${at(0.5).toFixed(3)} ms   p99 ${at(0.99).toFixed(3)} ms   (n=${N})`);
}

async function postQuery(url) {
  const response = await fetch(url, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: QUERY,
  });
  const body = await response.json();
  if (!body.data?.product) throw new Error(JSON.stringify(body));
}

const clients = new MeshdexClients(grpcTarget);
const backend = new RequestBackend(clients);
await measure('grpc', () => backend.call('catalog', 'GetProduct', { urn: URN }));
await measure('gateway', () => postQuery(`http://${gatewayAddress}/graphql`));
if (meshdexdHttp) await measure('proxied', () => postQuery(`http://${meshdexdHttp}/graphql`));
clients.close();
