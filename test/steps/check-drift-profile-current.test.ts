/**
 * check-drift with `current` given as profiles (the shards of a sharded drift check, written by
 * the profile-data step): merged, they give the report of the data they came from; prediction
 * drift uses the profiles' predictions only when they are this model's (the recorded digest),
 * and is otherwise skipped with a note saying why; profiles that cannot merge, or profiles mixed
 * with data files, are refused with the file or setting named.
 *
 * The data: the breast-cancer example (its training data as the reference, its evaluation rows
 * with every feature scaled by 1.3 as the current data, split into shards of 40, 40 and 34
 * records), a logistic-regression baseline as the model.
 */
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFeatureMatrix } from '../../src/adapters/data/load-feature-matrix.js';
import { fileDigest } from '../../src/adapters/fs/file-digest.js';
import { loadMlopsConfig, type LoadedConfig } from '../../src/adapters/fs/load-config.js';
import type { DriftRegistry } from '../../src/core/drift-report/drift-ports.js';
import { ConfigError, DataError } from '../../src/core/errors.js';
import { createSilentLogger } from '../../src/core/logger.js';
import type { DownloadedModel } from '../../src/core/registry/registry-port.js';
import { parseDatasetSchema } from '../../src/core/schema/dataset-schema.js';
import { trainBaseline } from '../../src/core/train/baselines.js';
import { checkDrift } from '../../src/steps/check-drift.js';
import { profileData } from '../../src/steps/profile-data.js';
import { createWorkspace, type Workspace } from '../support/temp-workspace.js';

const root = path.resolve(import.meta.dirname, '../..');
const logger = createSilentLogger();
let workspace: Workspace;
let loaded: LoadedConfig;

beforeAll(async () => {
  workspace = await createWorkspace({});
  await workspace.copyInto(path.join(root, 'examples/breast-cancer'), '.');
  const schema = parseDatasetSchema(
    await readFile(workspace.path('schema.yml'), 'utf8'),
    'schema.yml',
  );
  const train = await loadFeatureMatrix([workspace.path('data/train.csv')], schema);
  await writeFile(
    workspace.path('model.onnx'),
    trainBaseline({ kind: 'logistic-regression', matrix: train, seed: 42 }).onnx,
  );
  // Another model: the same baseline trained on the evaluation data (other weights, other digest).
  const other = await loadFeatureMatrix([workspace.path('data/eval.csv')], schema);
  await writeFile(
    workspace.path('other.onnx'),
    trainBaseline({ kind: 'logistic-regression', matrix: other, seed: 42 }).onnx,
  );
  const lines = (await readFile(workspace.path('data/eval.csv'), 'utf8')).trim().split('\n');
  const header = lines[0] as string;
  const target = header.split(',').indexOf('diagnosis');
  const shifted = lines.slice(1).map((line) =>
    line
      .split(',')
      .map((cell, i) => (i === target ? cell : String(Number(cell) * 1.3)))
      .join(','),
  );
  const csv = (rows: readonly string[]) => `${[header, ...rows].join('\n')}\n`;
  await workspace.write('data/current.csv', csv(shifted));
  for (const [i, [from, to]] of [
    [0, 40],
    [40, 80],
    [80, shifted.length],
  ].entries()) {
    await workspace.write(`shards/${i}/part.csv`, csv(shifted.slice(from, to)));
  }
  const config = await loadMlopsConfig({ cwd: workspace.dir, path: 'mlops.yml' });
  if (config === undefined) throw new Error('no config');
  loaded = config;
}, 60_000);

afterAll(async () => {
  await workspace.cleanup();
});

/** Profiles the three shards into `<prefix>-<i>.json`, with `model`'s predictions when given. */
async function profileShards(prefix: string, model?: string): Promise<string[]> {
  const outputs: string[] = [];
  for (const i of [0, 1, 2]) {
    const output = workspace.path(`${prefix}-${i}.json`);
    await profileData({
      cwd: workspace.dir,
      loaded,
      data: [`shards/${i}/*.csv`],
      model,
      output,
      registry: null,
      workDir: workspace.path('.mlops/profile'),
      logger,
    });
    outputs.push(path.relative(workspace.dir, output));
  }
  return outputs;
}

function check(current: readonly string[], report: string, model = 'model.onnx') {
  return checkDrift({
    cwd: workspace.dir,
    loaded,
    current,
    reference: ['data/train.csv'],
    model,
    reportPath: workspace.path(report),
    registry: null,
    issues: null,
    dispatcher: null,
    runUrl: null,
    workDir: workspace.path('.mlops/drift'),
    logger,
  });
}

describe('check-drift on profiles of shards', () => {
  it("merges them and uses their predictions: the report of the whole data's, bit for bit", async () => {
    const shards = await profileShards('with-model', 'model.onnx');
    const fromProfiles = await check(shards, 'from-profiles.json');
    const fromData = await check(['data/current.csv'], 'from-data.json');
    const a = JSON.parse(await workspace.read('from-profiles.json')) as Record<string, unknown>;
    const b = JSON.parse(await workspace.read('from-data.json')) as Record<string, unknown>;
    expect(a['current']).toBe('with-model-0.json, with-model-1.json, with-model-2.json');
    expect({ ...a, current: '' }).toEqual({ ...b, current: '' });
    // The prediction test ran on both (every feature scaled by 1.3 moves the predictions).
    const prediction = fromData.report.columns.find((c) => c.kind === 'prediction');
    expect(prediction?.test).toBe('z');
    expect(fromProfiles.report.prediction_drift).toBe(prediction?.drifted);
  });

  it('skips prediction drift, saying why, when the profiles hold no predictions', async () => {
    const shards = await profileShards('no-model');
    const result = await check(shards, 'no-predictions.json');
    expect(result.report.columns.some((c) => c.kind === 'prediction')).toBe(false);
    expect(result.report.prediction_drift).toBeNull();
    expect(result.report.notes).toContain(
      'Prediction drift was skipped: the current profiles hold no predictions; profile the current data with the model (mlops profile --model) to test prediction drift',
    );
  });

  it("skips prediction drift, naming the other model, when they hold another model's", async () => {
    const shards = await profileShards('other-model', 'other.onnx');
    const other = (await fileDigest(workspace.path('other.onnx'))).digest;
    expect(other).not.toBe((await fileDigest(workspace.path('model.onnx'))).digest);
    const result = await check(shards, 'other-predictions.json');
    expect(result.report.columns.some((c) => c.kind === 'prediction')).toBe(false);
    expect(result.report.notes).toContain(
      `Prediction drift was skipped: the current profiles hold the predictions of another model (${other}); profile the current data with this model (mlops profile --model) to test prediction drift`,
    );
  });

  it('refuses profiles that cannot merge, naming the file', async () => {
    const [first] = await profileShards('no-model');
    const [withModel] = await profileShards('with-model', 'model.onnx');
    const error = await check([first!, withModel!], 'unmergeable.json').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataError);
    expect((error as DataError).message).toContain(
      'cannot merge profiles: one holds the predictions of no model',
    );
    expect((error as DataError).location).toEqual({ file: 'with-model-0.json' });
  });

  it('takes drift.current from mlops.yml as profiles too (a glob), and names that field when mixed', async () => {
    const config = await readFile(workspace.path('mlops.yml'), 'utf8');
    await writeFile(
      workspace.path('profiles.yml'),
      `${config}drift:\n  current: [no-model-*.json]\n`,
    );
    await writeFile(
      workspace.path('mixed.yml'),
      `${config}drift:\n  current: [no-model-0.json, data/current.csv]\n`,
    );
    const run = async (file: string) => {
      const fromConfig = await loadMlopsConfig({ cwd: workspace.dir, path: file });
      if (fromConfig === undefined) throw new Error('no config');
      return checkDrift({
        cwd: workspace.dir,
        loaded: fromConfig,
        reference: ['data/train.csv'],
        model: 'none',
        reportPath: workspace.path(`${file}.report.json`),
        registry: null,
        issues: null,
        dispatcher: null,
        runUrl: null,
        workDir: workspace.path('.mlops/drift'),
        logger,
      });
    };
    await profileShards('no-model');
    const result = await run('profiles.yml');
    expect(result.report.current).toBe('no-model-0.json, no-model-1.json, no-model-2.json');
    const error = await run('mixed.yml').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).location).toEqual({ file: 'mixed.yml', field: 'drift.current' });
  });

  it('refuses profiles and data files mixed, naming the input', async () => {
    const error = await check(['no-model-0.json', 'shards/1/part.csv'], 'mixed.json').catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain(
      'current mixes profiles ("no-model-0.json") and data files ("shards/1/part.csv"): give either profile files (.json, merged into one current profile) or data files, not both',
    );
    expect((error as ConfigError).location).toEqual({ file: 'action inputs', field: 'current' });
  });
});

describe('profile-data with model: production', () => {
  /** A registry whose production version's model is model.onnx (or that has none). */
  function registry(production: boolean): DriftRegistry {
    return {
      findStage: async (model) =>
        production
          ? {
              model,
              stage: 'production',
              version: '1.0.0',
              tag: `${model}#production#1`,
              n: 1,
              commit: null,
              pullRequest: null,
              approvedBy: [],
              run: null,
            }
          : null,
      downloadModel: async (_model, _version, destDir) => {
        const target = path.join(destDir, 'model.onnx');
        await workspace.write(path.relative(workspace.dir, target), '');
        await copyFile(workspace.path('model.onnx'), target);
        const { digest } = await fileDigest(target);
        return {
          path: target,
          manifestPath: '',
          digest,
          releaseUrl: '',
        } as unknown as DownloadedModel;
      },
      downloadAsset: () => Promise.reject(new Error('not used')),
    };
  }

  it("records the production model's predictions", async () => {
    const output = workspace.path('production.json');
    const result = await profileData({
      cwd: workspace.dir,
      loaded,
      data: ['shards/0/part.csv'],
      model: 'production',
      output,
      registry: registry(true),
      workDir: workspace.path('.mlops/profile-production'),
      logger,
    });
    expect(result.profile.rows).toBe(40);
    expect(result.profile.predictions?.model).toBe(
      (await fileDigest(workspace.path('model.onnx'))).digest,
    );
  });

  it('fails before reading the data when there is no production version', async () => {
    const error = await profileData({
      cwd: workspace.dir,
      loaded,
      data: ['no/such/file.csv'],
      model: 'production',
      output: workspace.path('none.json'),
      registry: registry(false),
      workDir: workspace.path('.mlops/profile-none'),
      logger,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataError);
    expect((error as DataError).message).toContain('breast-cancer has no production version');
  });
});
