/**
 * The warning a version published with allow-failed-gates opens with, and the registry's
 * "already holds these bytes" rule.
 */
import { describe, expect, it } from 'vitest';
import type { GateResult } from '../../src/core/evaluate/report.js';
import { describeFailedGates, failedGatesWarning } from '../../src/core/registry/failed-gates.js';
import { stageNote } from '../../src/core/registry/release-notes.js';
import { holdsSameModel, sameRelease } from '../../src/core/registry/registry-writer.js';

const gate = (metric: string, status: GateResult['status']): GateResult => ({
  metric,
  rule: '≥ 0.9',
  status,
  detail: status === 'failed' ? '0.8 < 0.9' : '0.95 ≥ 0.9',
});

describe('failed gates', () => {
  it('names only the failed gates, at most five, and how many more', () => {
    expect(describeFailedGates([gate('f1', 'passed'), gate('accuracy', 'failed')])).toBe(
      'accuracy ≥ 0.9: 0.8 < 0.9',
    );
    const many = ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((m) => gate(m, 'failed'));
    expect(describeFailedGates(many)).toMatch(/^a ≥ 0\.9: .*; e ≥ 0\.9: 0\.8 < 0\.9; and 2 more$/);
  });

  it('escapes what comes from mlops.yml in the warning (a metric name cannot inject markdown)', () => {
    const warning = failedGatesWarning([gate('acc](https://evil.example)<b>', 'failed')]);
    expect(warning).toMatchInlineSnapshot(
      `"> ⚠️ **This version FAILED its evaluation gates** and was published anyway (allow-failed-gates): acc\\]\\(https://evil.example\\)&lt;b&gt; ≥ 0.9: 0.8 &lt; 0.9."`,
    );
  });

  it('a promotion note says when the version failed its gates', () => {
    const note = {
      kind: 'assigned' as const,
      stage: 'production',
      tag: 'm#production#2',
      version: '1.1.0',
      pullRequest: null,
      approvedBy: [],
      run: null,
      at: new Date('2026-12-06T00:00:00Z'),
    };
    expect(stageNote(note)).toBe(
      '- 2026-12-06T00:00:00Z: promoted to **production** as `m#production#2`.',
    );
    expect(stageNote({ ...note, failedGates: true })).toBe(
      '- 2026-12-06T00:00:00Z: promoted to **production** as `m#production#2`, although its evaluation FAILED its gates (allow-failed-gates).',
    );
  });
});

describe('which release holds a model', () => {
  const digest = `sha256:${'a'.repeat(64)}`;
  const wanted = { model: 'm', commit: 'b'.repeat(40), digest };

  it('the same bytes from another commit are held; a draft is resumed only for the same commit', () => {
    const other = { ...wanted, commit: 'c'.repeat(40) };
    expect(holdsSameModel(other, wanted)).toBe(true);
    expect(sameRelease(other, wanted)).toBe(false);
    expect(holdsSameModel({ ...wanted, digest: `sha256:${'d'.repeat(64)}` }, wanted)).toBe(false);
    expect(holdsSameModel({ ...wanted, model: 'n' }, wanted)).toBe(false);
    expect(holdsSameModel(null, wanted)).toBe(false);
  });
});
