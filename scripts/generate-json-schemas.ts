import { writeFile } from 'node:fs/promises';
import { jsonSchemaFiles, renderJsonSchema } from './json-schemas.js';

for (const file of Object.keys(jsonSchemaFiles) as (keyof typeof jsonSchemaFiles)[]) {
  await writeFile(file, renderJsonSchema(file));
  console.log(`wrote ${file}`);
}
