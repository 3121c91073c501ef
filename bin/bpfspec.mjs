#!/usr/bin/env node
// The CLI is TypeScript run by Node's own type stripping (Node >= 22.18 / 23.6).
// When the node on PATH is older (Debian's Node 20), re-run under the Node 24 that
// the `node` npm dependency installs into node_modules.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
const main = join(here, '..', 'src', 'cli', 'main.ts');
const [major, minor] = process.versions.node.split('.').map(Number);
const modern = major > 23 || (major === 23 && minor >= 6) || (major === 22 && minor >= 18);

if (modern) {
  await import(main);
} else {
  const require = createRequire(import.meta.url);
  let nodeBin;
  try {
    nodeBin = join(dirname(require.resolve('node/package.json')), 'bin', 'node');
  } catch {
    process.stderr.write('bpfspec: needs Node >= 22.18; run `npm ci` to install the bundled Node 24\n');
    process.exit(2);
  }
  const r = spawnSync(nodeBin, [main, ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(r.status ?? 2);
}
