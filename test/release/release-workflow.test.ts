/**
 * Rules for our own release workflow (.github/workflows/release.yml), the one that moves the major
 * tag every user's publish and promote jobs run with `contents: write` (issue 13, finding 5): it is
 * started only by hand, runs its guards before anything is built, only its approved `release`
 * environment job writes, the commit is checked complete before any tag exists, the version tag
 * is created once (never forced) and only the major tag moves, and a GitHub Release carries the
 * CHANGELOG entry. Parsed with GitHub's own parser, read with the rules' YAML helpers.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseWorkflowFile } from '../workflows/workflow-parser.js';
import {
  events,
  jobs,
  loadWorkflow,
  repoRoot,
  resolveOwnWorkflow,
  type JobView,
} from '../workflows/workflow-rules.js';

const workflow = await loadWorkflow(path.join(repoRoot, '.github/workflows/release.yml'));
const byId = new Map(jobs(workflow).map((view) => [view.id, view]));
const job = (id: string): JobView => {
  const view = byId.get(id);
  if (view === undefined) throw new Error(`release.yml has no job ${id}`);
  return view;
};
const needsOf = (view: JobView): string[] => {
  const needs = view.job['needs'];
  return needs === undefined ? [] : Array.isArray(needs) ? needs.map(String) : [String(needs)];
};
/** Every `run:` of a job, in order, as one script. */
const script = (view: JobView): string =>
  view.steps.map((step) => (typeof step['run'] === 'string' ? step['run'] : '')).join('\n');
/** Shell lines without comments, continuation lines joined. */
const commands = (text: string): string[] =>
  text
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));

describe('release.yml', () => {
  it('is a valid workflow for GitHub’s parser', async () => {
    const parsed = await parseWorkflowFile(workflow.file, workflow.text, resolveOwnWorkflow);
    expect(parsed.errors).toEqual([]);
  });

  it('starts only by hand, with a required version, never from a pushed tag', () => {
    expect(Object.keys(events(workflow))).toEqual(['workflow_dispatch']);
    const dispatch = events(workflow)['workflow_dispatch'] as {
      inputs: Record<string, { required?: boolean; type?: string }>;
    };
    expect(dispatch.inputs['version']).toMatchObject({ required: true, type: 'string' });
    // One release at a time, and a started one is never cancelled half-pushed.
    expect(workflow.data['concurrency']).toEqual({ group: 'release', 'cancel-in-progress': false });
  });

  it('runs the source guard first, and everything else after it', () => {
    const guard = job('guard');
    expect(needsOf(guard)).toEqual([]);
    expect(script(guard)).toMatch(
      /node scripts\/release-guards\.mjs check-source --version "\$VERSION"/,
    );
    const check = guard.steps.find((step) => step['id'] === 'check');
    expect(check?.['env']).toMatchObject({ VERSION: '${{ inputs.version }}' });
    for (const view of byId.values()) {
      if (view.id !== 'guard') expect(needsOf(view), view.id).toContain('guard');
    }
    expect(needsOf(job('release'))).toEqual(expect.arrayContaining(['guard', 'build']));
  });

  it('writes only in the release job, behind the release environment', () => {
    const writers = [...byId.values()].filter((view) =>
      Object.values((view.job['permissions'] ?? {}) as Record<string, string>).includes('write'),
    );
    expect(writers.map((view) => view.id)).toEqual(['release']);
    expect(job('release').job['environment']).toBe('release');
    expect(workflow.data['permissions']).toEqual({});
    // The jobs that run npm (third-party code) hold no write token and no persisted credentials.
    for (const id of ['guard', 'build']) {
      const checkout = job(id).steps.find((s) => String(s['uses']).startsWith('actions/checkout@'));
      expect((checkout?.['with'] as Record<string, unknown>)['persist-credentials'], id).toBe(
        false,
      );
    }
    expect(script(job('release'))).not.toMatch(/\bnpm\b|\bnpx\b/);
    // The tags go out with the environment's deploy key, the ruleset's only bypass actor.
    const checkout = job('release').steps.find((s) =>
      String(s['uses']).startsWith('actions/checkout@'),
    );
    expect(checkout?.['with']).toMatchObject({
      'ssh-key': '${{ secrets.RELEASE_DEPLOY_KEY }}',
      'persist-credentials': true,
    });
  });

  it('checks the release commit complete before the tag exists, and pushes the version tag unforced', () => {
    const lines = commands(script(job('release')));
    const index = (pattern: RegExp) => {
      const i = lines.findIndex((line) => pattern.test(line));
      expect(i, String(pattern)).toBeGreaterThanOrEqual(0);
      return i;
    };
    const commitTree = index(/git commit-tree /);
    const check = index(/release-guards\.mjs check-tree --version "\$TAG" --commit "\$commit"/);
    const tag = index(/git tag --annotate "\$TAG"/);
    const push = index(/^git push /);
    const release = index(/^gh release create "\$TAG"/);
    expect(commitTree).toBeLessThan(check);
    expect(check).toBeLessThan(tag);
    expect(tag).toBeLessThan(push);
    expect(push).toBeLessThan(release);
    // `set -e`: a failed check stops the step before the tag.
    expect(lines[0]).toBe('set -euo pipefail');

    // Only the major tag is ever forced; the version tag's refspec has no `+`, the push no
    // --force, and both tags go in one atomic push.
    const tagLines = lines.filter((line) => /^git tag /.test(line));
    expect(tagLines).toEqual([
      'git tag --annotate "$TAG" -m "mlops-actions $TAG" "$commit"',
      'git tag --force --annotate "$MAJOR" -m "mlops-actions $TAG" "$commit"',
    ]);
    expect(lines.filter((line) => /^git push /.test(line) && /--force|-f\b/.test(line))).toEqual(
      [],
    );
    const forcedRefspecs = lines.flatMap((line) => line.match(/"\+[^"]+"/g) ?? []);
    expect(forcedRefspecs).toEqual(['"+refs/tags/$MAJOR:refs/tags/$MAJOR"']);
    expect(lines[push]).toMatch(/^git push --atomic origin "\$\{refs\[@\]\}"$/);
    expect(lines.find((line) => line.startsWith('refs=('))).toBe(
      'refs=("refs/tags/$TAG:refs/tags/$TAG")',
    );
    // The major moves only when the guard said so (not for prereleases or older minors).
    expect(script(job('release'))).toMatch(/if \[\[ "\$MOVE_MAJOR" == 'true' \]\]; then/);
    expect(job('release').steps.flatMap((s) => Object.entries((s['env'] ?? {}) as object))).toEqual(
      expect.arrayContaining([['MOVE_MAJOR', '${{ needs.guard.outputs.move-major }}']]),
    );
  });

  it('publishes a GitHub Release from the CHANGELOG entry, on the tag it just pushed', () => {
    const text = script(job('release'));
    expect(text).toMatch(
      /release-guards\.mjs notes --version "\$TAG" > "\$RUNNER_TEMP\/notes\.md"/,
    );
    expect(text).toMatch(/--verify-tag/);
    expect(text).toMatch(/--notes-file "\$RUNNER_TEMP\/notes\.md"/);
    expect(text).toMatch(
      /if \[\[ "\$LATEST" == 'true' \]\]; then flags\+=\(--latest\); else flags\+=\(--latest=false\); fi/,
    );
  });

  it('builds the tree for the guarded version and checks it before uploading it', () => {
    const text = script(job('build'));
    expect(text).toMatch(/build-release-tree\.mjs "\$RUNNER_TEMP\/release-tree" --version "\$TAG"/);
    expect(text).toMatch(/check-tree --version "\$TAG" --tree "\$RUNNER_TEMP\/release-tree"/);
    const upload = job('build').steps.find((s) =>
      String(s['uses']).startsWith('actions/upload-artifact@'),
    );
    // The reusable workflows live in .github/: a hidden folder upload-artifact skips by default.
    expect((upload?.['with'] as Record<string, unknown>)['include-hidden-files']).toBe(true);
  });
});
