/**
 * `mlops publish`: the publish-model step against the local registry. The same checks as the
 * action (the model's digest against its manifest and against the evaluation report), the same
 * files in the version folder (model, manifest with its version, metrics, model card, profile);
 * no promotion pull request: promote with `mlops promote`.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { buildProfileFile } from '../../adapters/data/profile-dataset.js';
import { toDisplayPath } from '../../adapters/fs/display-path.js';
import { fileDigest } from '../../adapters/fs/file-digest.js';
import { loadMlopsConfig } from '../../adapters/fs/load-config.js';
import {
  DEFAULT_LOCAL_REGISTRY_ROOT,
  LocalRegistry,
} from '../../adapters/registry/local-registry.js';
import { ConfigError } from '../../core/errors.js';
import { createConsoleLogger } from '../../core/logger.js';
import { runContextFromEnv } from '../../core/provenance/run-context.js';
import { MANIFEST_FILE } from '../../core/registry/registry-port.js';
import { PROFILE_FILE, publishModel } from '../../steps/publish-model.js';
import { parseOptions } from '../parse-options.js';

/**
 * Where `mlops evaluate` writes its report (`defaultEvaluateReport` of steps/evaluate.ts, not
 * imported: that module loads onnxruntime, which publishing does not need).
 */
const defaultEvaluateReport = '.mlops/evaluate-report.json';

const help = `mlops publish: register the trained model as a new version in the local registry

Options:
  --config <file>     mlops.yml (default: ./mlops.yml)
  --model <file>      the ONNX model (default: the config's model.path)
  --manifest <file>   its manifest (default: manifest.json beside the model)
  --report <file>     evaluate's report of these bytes (default: ${defaultEvaluateReport}
                      when it is there and is for this model)
  --profile <file>    reference data profile (default: profile.json beside the model, else
                      built from the config's data.train)
  --version <v>       auto (default), major, minor, patch or a version such as 1.2.0
  --registry <dir>    local registry folder (default: ${DEFAULT_LOCAL_REGISTRY_ROOT})

Publishing the same model from the same commit again finds its version and writes nothing.`;

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

export async function runPublish(args: string[]): Promise<number> {
  const { values } = parseOptions(args, {
    config: { type: 'string' },
    model: { type: 'string' },
    manifest: { type: 'string' },
    report: { type: 'string' },
    profile: { type: 'string' },
    version: { type: 'string', default: 'auto' },
    registry: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  });
  if (values.help) {
    process.stdout.write(`${help}\n`);
    return 0;
  }
  const cwd = process.cwd();
  const logger = createConsoleLogger();
  const loaded = await loadMlopsConfig({ cwd, path: values.config ?? 'mlops.yml' });
  if (loaded === undefined) throw new ConfigError('mlops.yml is required');
  const { config, dir } = loaded;
  const shown = (file: string) => toDisplayPath(cwd, file);

  const modelPath = path.resolve(
    values.model !== undefined ? cwd : dir,
    values.model ?? config.model.path,
  );
  const besideModel = (name: string) => path.join(path.dirname(modelPath), name);
  const workDir = path.join(cwd, '.mlops', 'publish');

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

  const profilePath =
    values.profile !== undefined
      ? path.resolve(cwd, values.profile)
      : existsSync(besideModel(PROFILE_FILE))
        ? besideModel(PROFILE_FILE)
        : await buildProfileFile({
            cwd,
            loaded,
            output: path.join(workDir, PROFILE_FILE),
            logger,
            modelPath,
          });

  const registry = new LocalRegistry(
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
    workDir,
    logger,
  });
  const folder = shown(registry.versionFolder(config.model.name, result.version));
  process.stdout.write(
    [
      result.created
        ? `published ${result.tag}: ${folder}`
        : `${result.tag} already holds this model (${folder}): nothing written`,
      `model: ${shown(modelPath)} (${result.digest})`,
      `report: ${reportPath === null ? 'none (metrics from the manifest)' : shown(reportPath)}`,
      `profile: ${profilePath === null ? 'none (the config names no data.train)' : shown(profilePath)}`,
      `commit: ${commit ?? 'none (not a git repository)'}`,
      '',
    ].join('\n'),
  );
  return 0;
}
