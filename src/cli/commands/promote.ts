/**
 * `mlops promote`: the promote-model step against the local registry. The release is verified
 * (model and assets against the manifest's digests) before the stage event is recorded; rollback
 * is the same command with an older version. No review is checked: on GitHub, the promotion pull
 * request's approval is.
 */
import path from 'node:path';
import { toDisplayPath } from '../../adapters/fs/display-path.js';
import { loadMlopsConfig } from '../../adapters/fs/load-config.js';
import {
  DEFAULT_LOCAL_REGISTRY_ROOT,
  LocalRegistry,
} from '../../adapters/registry/local-registry.js';
import { ConfigError } from '../../core/errors.js';
import { createConsoleLogger } from '../../core/logger.js';
import { runContextFromEnv } from '../../core/provenance/run-context.js';
import { DEFAULT_STAGE, normalizeVersion } from '../../core/registry/registry-port.js';
import { promoteModel } from '../../steps/promote-model.js';
import { CliUsageError } from '../cli-usage-error.js';
import { parseOptions } from '../parse-options.js';

const help = `mlops promote: move a registered version into a stage of the local registry

Options:
  --version <v>       the version to promote, such as 1.2.0 or v1.2.0 (required); an older
                      version rolls back
  --stage <name>      the stage (default: ${DEFAULT_STAGE})
  --config <file>     mlops.yml (default: ./mlops.yml): names the model
  --registry <dir>    local registry folder (default: ${DEFAULT_LOCAL_REGISTRY_ROOT})

Locally no review is checked; on GitHub, promote-model requires the promotion pull request's
approval.`;

export async function runPromote(args: string[]): Promise<number> {
  const { values } = parseOptions(args, {
    version: { type: 'string' },
    stage: { type: 'string', default: DEFAULT_STAGE },
    config: { type: 'string' },
    registry: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  });
  if (values.help) {
    process.stdout.write(`${help}\n`);
    return 0;
  }
  if (values.version === undefined) {
    throw new CliUsageError('promote needs --version <v>, such as --version 1.2.0');
  }
  const cwd = process.cwd();
  const loaded = await loadMlopsConfig({ cwd, path: values.config ?? 'mlops.yml' });
  if (loaded === undefined) throw new ConfigError('mlops.yml is required');
  const registry = new LocalRegistry(
    path.resolve(cwd, values.registry ?? DEFAULT_LOCAL_REGISTRY_ROOT),
  );
  const model = loaded.config.model.name;
  const result = await promoteModel({
    config: loaded.config,
    version: values.version,
    stage: values.stage,
    requireApproval: false,
    pullRequest: null,
    runUrl: runContextFromEnv(process.env).runUrl,
    reviews: null,
    registry,
    logger: createConsoleLogger(),
  });
  const version = normalizeVersion(values.version);
  process.stdout.write(
    result.created
      ? `promoted ${model} v${version} to ${values.stage} (${result.stageTag})${result.previousVersion !== null ? `, replacing v${result.previousVersion}` : ''}; registry: ${toDisplayPath(cwd, registry.root)}\n`
      : `${model} v${version} already holds ${values.stage} (${result.stageTag}): nothing written\n`,
  );
  process.stdout.write(
    'review: not checked locally (on GitHub the promotion pull request must be approved)\n',
  );
  return 0;
}
