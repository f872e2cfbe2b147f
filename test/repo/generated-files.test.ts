/** Generated files are committed for users and editors; they must match their sources. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { actionNames, renderActionReadme } from '../../scripts/action-docs.js';
import { withCliReference } from '../../scripts/cli-docs.js';
import { jsonSchemaFiles, renderJsonSchema } from '../../scripts/json-schemas.js';

const root = path.resolve(import.meta.dirname, '../..');

describe('generated files are up to date (npm run docs rewrites them)', () => {
  it.each(Object.keys(jsonSchemaFiles) as (keyof typeof jsonSchemaFiles)[])('%s', (file) => {
    expect(readFileSync(path.join(root, file), 'utf8')).toBe(renderJsonSchema(file));
  });

  it.each(actionNames(root))('actions/%s/README.md', async (name) => {
    expect(readFileSync(path.join(root, 'actions', name, 'README.md'), 'utf8')).toBe(
      await renderActionReadme(root, name),
    );
  });

  it("README.md's mlops command reference (from the definitions --help prints)", async () => {
    const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
    expect(readme).toBe(await withCliReference(readme));
  });

  it('every action runs on node24 from the bundle', () => {
    for (const name of actionNames(root)) {
      const text = readFileSync(path.join(root, 'actions', name, 'action.yml'), 'utf8');
      expect(text).toContain('using: node24');
      expect(text).toContain(`main: ../../dist/${name}.js`);
    }
  });
});
