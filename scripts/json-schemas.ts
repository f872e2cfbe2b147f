/**
 * The JSON Schemas shipped for editors (`# yaml-language-server: $schema=...`) and for tools that
 * read our profiles (`profile.json`), generated from the
 * zod schemas that validate the files, so the two cannot disagree. A test checks that the
 * committed files are up to date; `npm run schema:json` rewrites them.
 */
import { z } from 'zod';
import { mlopsConfigSchema } from '../src/core/config/mlops-config.js';
import { profileJsonSchema } from '../src/core/profile/profile-schema.js';
import { datasetSchemaSchema } from '../src/core/schema/dataset-schema.js';

export const jsonSchemaFiles = {
  'schemas/mlops.schema.json': { schema: mlopsConfigSchema, title: 'mlops.yml' },
  'schemas/dataset-schema.schema.json': { schema: datasetSchemaSchema, title: 'schema.yml' },
  'schemas/profile.schema.json': { schema: profileJsonSchema, title: 'profile.json' },
} as const;

export function renderJsonSchema(file: keyof typeof jsonSchemaFiles): string {
  const { schema, title } = jsonSchemaFiles[file];
  // Editors check what people write, which is the schema's input side (before defaults).
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
  return `${JSON.stringify({ ...json, $id: `https://github.com/mlops-actions/mlops-actions/${file}`, title }, null, 2)}\n`;
}
