// Runs one GraphQL test file with `node --test`, or exits 77 (ctest: skipped)
// when the gateway's npm packages are not installed.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

const graphqlDir = process.env.MESHDEX_GRAPHQL_DIR;
if (!graphqlDir || !existsSync(path.join(graphqlDir, 'node_modules', 'graphql'))) {
  console.log(`skipped: ${graphqlDir ?? 'MESHDEX_GRAPHQL_DIR'}/node_modules is missing (make deps)`);
  process.exit(77);
}
const { status, signal } = spawnSync(process.execPath,
  ['--test', '--test-reporter=spec', process.argv[2]], { stdio: 'inherit' });
process.exit(signal ? 1 : status);
