#!/usr/bin/env node
// The published command runs the bundle; in a clone, `npm run build` makes it.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const bundle = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(fileURLToPath(bundle))) {
  console.error('mlops: dist/cli.js is missing; run "npm run build" first');
  process.exit(3);
}
await import(bundle.href);
