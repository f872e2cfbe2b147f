/**
 * `mlops init` → `validate` → `train` → `evaluate` through the bundled CLI, as a new user runs it
 * on their own data, for three real data sets: the Seattle weather (a datetime feature, numeric
 * features, a category target), the wine data (13 numeric features, 3 classes) and the breast
 * cancer example (30 numeric features, 2 classes). `init` picks the built-in baseline; the model
 * trained on the encoded features must be scored by `evaluate` (onnxruntime) on the same columns.
 *
 * Expected accuracies are scikit-learn's for the same objective on the same split (the split:
 * record i, 0-based in file order, is held out when i % 5 == 0): weather from
 * test/fixtures/train/weather-sklearn-reference.json (scripts/reference/feature_encoding_reference.py),
 * wine 36 of 36 and breast cancer 107 of 114 (test/train/sklearn-reference.test.ts).
 */
import { mkdtemp, readFile, rm, writeFile, mkdir, cp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mlops, repoRoot } from '../support/run-cli.js';

const reference = JSON.parse(
  await readFile(path.join(repoRoot, 'test/fixtures/train/weather-sklearn-reference.json'), 'utf8'),
) as { classification: { evalCorrect: number; evalRecords: number } };

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

/** A fresh repository with data/train.csv and data/eval.csv split from one file. */
async function repoFromOneFile(file: string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mlops-journey-'));
  dirs.push(dir);
  const [header, ...rows] = (await readFile(file, 'utf8')).trim().split(/\r?\n/);
  await mkdir(path.join(dir, 'data'));
  const write = (name: string, keep: (i: number) => boolean) =>
    writeFile(
      path.join(dir, 'data', name),
      `${[header, ...rows.filter((_, i) => keep(i))].join('\n')}\n`,
    );
  await write('train.csv', (i) => i % 5 !== 0);
  await write('eval.csv', (i) => i % 5 === 0);
  return dir;
}

interface Report {
  rows: number;
  candidate: { metrics: { values: Record<string, number> } };
  passed: boolean;
}

async function journey(dir: string, name: string, target: string): Promise<Report> {
  const init = await mlops(dir, 'init', '--name', name, '--target', target);
  expect(init.code, init.stderr + init.stdout).toBe(0);
  const validate = await mlops(dir, 'validate');
  expect(validate.code, validate.stderr + validate.stdout).toBe(0);
  const train = await mlops(dir, 'train');
  expect(train.code, train.stderr + train.stdout).toBe(0);
  const evaluate = await mlops(dir, 'evaluate');
  expect(evaluate.code, evaluate.stderr + evaluate.stdout).toBe(0);
  return JSON.parse(
    await readFile(path.join(dir, '.mlops/evaluate-report.json'), 'utf8'),
  ) as Report;
}

describe('init → validate → train → evaluate with the built-in baselines', () => {
  it('Seattle weather: a datetime feature becomes its parts, in training and in scoring', async () => {
    const dir = await repoFromOneFile(
      path.join(repoRoot, 'test/fixtures/datasets/seattle-weather.csv'),
    );
    const report = await journey(dir, 'weather', 'weather');
    expect(report.rows).toBe(reference.classification.evalRecords);
    expect(report.candidate.metrics.values.accuracy).toBeCloseTo(
      reference.classification.evalCorrect / reference.classification.evalRecords,
      12,
    );
    const manifest = JSON.parse(
      await readFile(path.join(dir, '.mlops/train/manifest.json'), 'utf8'),
    ) as { model: { features: string[]; inputs: { shape: unknown[] }[] } };
    expect(manifest.model.features).toEqual([
      'date.year',
      'date.month_sin',
      'date.month_cos',
      'date.day_of_year_sin',
      'date.day_of_year_cos',
      'date.day_of_week_sin',
      'date.day_of_week_cos',
      'date.hour_sin',
      'date.hour_cos',
      'precipitation',
      'temp_max',
      'temp_min',
      'wind',
    ]);
    expect(manifest.model.inputs[0]?.shape).toEqual(['N', 13]);
  });

  it('wine: 13 numeric features, 3 classes', async () => {
    const dir = await repoFromOneFile(path.join(repoRoot, 'test/fixtures/datasets/wine.csv'));
    const report = await journey(dir, 'wine', 'cultivar');
    expect(report.rows).toBe(36);
    expect(report.candidate.metrics.values.accuracy).toBe(1);
  });

  it('breast cancer: the example, 2 classes', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'mlops-journey-'));
    dirs.push(dir);
    await cp(path.join(repoRoot, 'examples/breast-cancer/data'), path.join(dir, 'data'), {
      recursive: true,
    });
    const report = await journey(dir, 'breast-cancer', 'diagnosis');
    expect(report.rows).toBe(114);
    expect(report.candidate.metrics.values.accuracy).toBeCloseTo(107 / 114, 12);
  });
});
