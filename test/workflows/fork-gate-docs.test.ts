/**
 * Issue 13, finding 2: for `pull_request` events GitHub runs the workflow files as the pull
 * request changed them, so no label, environment or `if:` in our files keeps a fork's own job off
 * a self-hosted runner. The documents a team reads (README, docs/workflows.md, docs/gpu-runners.md,
 * the reusable workflow's header) must not call the label or the environment a gate a fork cannot
 * remove, and must require what does stop it: approval of fork runs for all external
 * contributors, a runner group limited to the repository and its workflows, ephemeral runners.
 * `mlops init`'s printed steps are checked in test/cli/init-cli.test.ts.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './workflow-rules.js';

const DOCUMENTS = [
  'README.md',
  'docs/workflows.md',
  'docs/gpu-runners.md',
  '.github/workflows/mlops-pull-request.yml',
  'workflows/mlops-pull-request.yml',
];

/** Claims that a setting inside the workflow files stops a fork. */
const WRONG = [
  /gate a fork cannot edit away/i,
  /only then does fork code reach/i,
  /code from a fork never reaches the GPU runner unless/i,
];

/** What actually stops it, as each document must name it (case-insensitive, any line breaks). */
const REQUIRED = [
  /approval for all (external|outside) (contributors|collaborators)/,
  /runner group/,
  /ephemeral/,
];

const flat = (text: string) => text.replace(/\s*\n\s*(#\s*)?/g, ' ').toLowerCase();

describe('the fork gate is described as it works (finding 2)', () => {
  for (const file of DOCUMENTS) {
    it(`${file} makes no false claim and names the settings that stop a fork`, async () => {
      const text = await readFile(path.join(repoRoot, file), 'utf8');
      for (const wrong of WRONG) expect(text, `${file}: ${String(wrong)}`).not.toMatch(wrong);
      const words = flat(text);
      // The starter names them through docs/gpu-runners.md and mlops doctor, in fewer words.
      const required = file.startsWith('workflows/')
        ? [/mlops doctor/, /gpu-runners\.md/]
        : REQUIRED;
      for (const needed of required) expect(words, `${file}: ${String(needed)}`).toMatch(needed);
    });
  }

  it('the docs say a missing environment is created unprotected, and that mlops doctor reports it', async () => {
    for (const file of ['docs/workflows.md', 'docs/gpu-runners.md', 'README.md']) {
      const words = flat(await readFile(path.join(repoRoot, file), 'utf8'));
      expect(words, file).toMatch(/(creates|created) [^.]*unprotected/);
      expect(words, file).toContain('mlops doctor');
    }
  });
});
