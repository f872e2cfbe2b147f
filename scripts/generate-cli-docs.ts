import { readFileSync, writeFileSync } from 'node:fs';
import { withCliReference } from './cli-docs.js';

// README.md's command reference, from the definitions `mlops --help` prints.
const file = 'README.md';
writeFileSync(file, await withCliReference(readFileSync(file, 'utf8')));
console.log(`wrote the mlops command reference in ${file}`);
