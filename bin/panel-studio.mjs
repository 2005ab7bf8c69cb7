#!/usr/bin/env node
// The `panel-studio` command. The CLI is built by `npm ci` (prepare) into out/node/cli.js.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const cli = join(dirname(fileURLToPath(import.meta.url)), '..', 'out', 'node', 'cli.js');
if (!existsSync(cli)) {
  process.stderr.write('panel-studio: the CLI is not built; run `npm run build:node` in the Panel Studio folder\n');
  process.exit(2);
}
const { main } = await import(pathToFileURL(cli).href);
process.exitCode = await main(process.argv.slice(2));
