/** The journey interpreter's expressions: GitHub's values, and loud failures on bad references. */
import { describe, expect, it } from 'vitest';
import { evaluateString } from './expressions.js';

const contexts = {
  github: { token: 'ghs_x', event: { pull_request: { merged: true } } },
  inputs: { config: 'mlops.yml', flag: true, empty: '' },
  secrets: { token: '' },
  steps: { train: { outputs: { 'model-digest': 'sha256:ab' } } },
};
const rules = {
  inputs: new Set(['config', 'flag', 'empty']),
  secrets: new Set(['token']),
  stepOutputs: new Map([['train', new Set(['model-digest', 'model'])]]),
};
const value = (text: unknown) => evaluateString(text, contexts, rules, 'test');

describe('journey expressions', () => {
  it('evaluates inputs, secrets, steps and github as the runner passes them to a step', () => {
    expect(value('${{ inputs.config }}')).toBe('mlops.yml');
    expect(value('${{ inputs.flag }}')).toBe('true');
    expect(value(true)).toBe('true');
    expect(value('${{ secrets.token || github.token }}')).toBe('ghs_x');
    expect(value('digest ${{ steps.train.outputs.model-digest }}!')).toBe('digest sha256:ab!');
    expect(value('${{ github.event.pull_request.merged && inputs.empty }}')).toBe('');
  });

  it('fails loudly on an undeclared input, an unknown step or output, or an unknown context', () => {
    expect(() => value('${{ inputs.confg }}')).toThrow(
      /inputs\.confg, which the workflow does not declare/,
    );
    expect(() => value('${{ steps.evaluate.outputs.passed }}')).toThrow(/has not run/);
    expect(() => value('${{ steps.train.outputs.digest }}')).toThrow(/not declared/);
    expect(() => value('${{ matrix.os }}')).toThrow(/matrix\.os outside a matrix job/);
    expect(() => value('${{ runnr.os }}')).toThrow(/cannot evaluate/);
    const inMatrix = { ...rules, matrix: new Set(['shard']) };
    expect(
      evaluateString(
        '${{ matrix.shard }}',
        { ...contexts, matrix: { shard: 2 } },
        inMatrix,
        'test',
      ),
    ).toBe('2');
    expect(() => evaluateString('${{ matrix.os }}', contexts, inMatrix, 'test')).toThrow(
      /matrix\.os, which the job's matrix does not define/,
    );
  });
});
