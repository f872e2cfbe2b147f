/**
 * `mlops publish`: the publish-model step against the local registry. The same checks as the
 * action (the model's digest against its manifest and against the evaluation report), the same
 * files in the version folder (model, manifest with its version, metrics, model card, profile);
 * no promotion pull request: promote with `mlops promote`.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { buildProfileFile } from '../../adapters/data/profile-dataset.js';
import { toDisplayPath } from '../../adapters/fs/display-path.js';
import { fileDigest } from '../../adapters/fs/file-digest.js';
import { DEFAULT_LOCAL_REGISTRY_ROOT } from '../../adapters/registry/local-registry.js';
import { createMetricsHistorySource } from '../../adapters/registry/metrics-history-source.js';
import { LocalAssetRegistry } from '../../adapters/registry/version-asset.js';
import { createConsoleLogger } from '../../core/logger.js';
import { runContextFromEnv } from '../../core/provenance/run-context.js';
import { MANIFEST_FILE } from '../../core/registry/registry-port.js';
import { PROFILE_FILE, publishModel } from '../../steps/publish-model.js';
import type { CommandInput } from '../command-definition.js';
import type { publishOptions } from '../command-definitions.js';
import { loadCommandConfig } from '../find-config.js';

/**
 * Where `mlops evaluate` writes its report (`defaultEvaluateReport` of steps/evaluate.ts, not
 * imported: that module loads onnxruntime, which publishing does not need).
 */
const defaultEvaluateReport = '.mlops/evaluate-report.json';

const execFileAsync = promisify(execFile);

/** The checked-out commit when `dir` is inside a git repository; null otherwise. */
async function gitCommit(dir: string): Promise<string | null> {
  try {
    const { stdout } = await execFileAsync('git', ['rev-parse', 'HEAD'], { cwd: dir });
    const commit = stdout.trim();
    return /^[0-9a-f]{40}([0-9a-f]{24})?$/.test(commit) ? commit : null;
  } catch {
    return null;
  }
}

/** The candidate digest of an evaluation report, or null when the file is not one. */
async function reportDigest(file: string): Promise<string | null> {
  try {
    const json = JSON.parse(await readFile(file, 'utf8')) as { candidate?: { digest?: unknown } };
    return typeof json.candidate?.digest === 'string' ? json.candidate.digest : null;
  } catch {
    return null;
  }
}

export async function runPublish({ values }: CommandInput<typeof publishOptions>): Promise<number> {
  const cwd = process.cwd();
  const logger = createConsoleLogger();
  const loaded = await loadCommandConfig(cwd, values.config);
  const { config, dir } = loaded;
  const shown = (file: string) => toDisplayPath(cwd, file);

  const modelPath = path.resolve(
    values.model !== undefined ? cwd : dir,
    values.model ?? config.model.path,
  );
  const besideModel = (name: string) => path.join(path.dirname(modelPath), name);
  // The release's files are made in a temporary folder and copied into the registry: a refused,
  // failed or repeated publish leaves nothing behind in the repository.
  const workDir = await mkdtemp(path.join(os.tmpdir(), 'mlops-publish-'));
  try {
    let reportPath: string | null = null;
    if (values.report !== undefined) {
      reportPath = path.resolve(cwd, values.report);
    } else {
      const fallback = path.resolve(cwd, defaultEvaluateReport);
      if (existsSync(fallback) && existsSync(modelPath)) {
        const [reported, actual] = await Promise.all([
          reportDigest(fallback),
          fileDigest(modelPath).then((d) => d.digest),
        ]);
        if (reported === actual) {
          reportPath = fallback;
        } else {
          process.stdout.write(
            `report: ${shown(fallback)} is not for this model (evaluate it again to publish its metrics); publishing without a report\n`,
          );
        }
      }
    }

    // Built by the step only once the model, manifest and report have passed their checks.
    let built = 'none' as 'built' | 'none';
    const profilePath =
      values.profile !== undefined
        ? path.resolve(cwd, values.profile)
        : existsSync(besideModel(PROFILE_FILE))
          ? besideModel(PROFILE_FILE)
          : async (output: string) => {
              const file = await buildProfileFile({ cwd, loaded, output, logger, modelPath });
              built = file === null ? 'none' : 'built';
              return file;
            };

    // The asset reader too: the release notes chart earlier versions' verified metrics.
    const registry = new LocalAssetRegistry(
      path.resolve(cwd, values.registry ?? DEFAULT_LOCAL_REGISTRY_ROOT),
    );
    const run = runContextFromEnv(process.env);
    const commit = await gitCommit(dir);
    const result = await publishModel({
      config,
      modelPath,
      manifestPath: path.resolve(cwd, values.manifest ?? besideModel(MANIFEST_FILE)),
      reportPath,
      profilePath,
      version: values.version,
      commit,
      pullRequest: run.pullRequest,
      runUrl: run.runUrl,
      registry,
      promotion: null,
      history: createMetricsHistorySource({
        registry,
        downloadDir: path.join(workDir, 'history'),
        logger,
      }),
      workDir,
      logger,
      allowFailedGates: values['allow-failed-gates'],
      allowFailedGatesHint: '--allow-failed-gates',
    });
    const folder = shown(registry.versionFolder(config.model.name, result.version));
    process.stdout.write(
      [
        result.created
          ? `published ${result.tag}: ${folder}`
          : `${result.tag} already holds this model (${folder}): nothing written`,
        `model: ${shown(modelPath)} (${result.digest})`,
        `report: ${reportPath === null ? 'none (metrics from the manifest)' : shown(reportPath)}`,
        `profile: ${
          typeof profilePath === 'string'
            ? shown(profilePath)
            : built === 'built'
              ? "built from the config's data.train"
              : 'none (the config names no data.train)'
        }`,
        `commit: ${commit ?? 'none (not a git repository)'}`,
        '',
      ].join('\n'),
    );
    return 0;
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}
