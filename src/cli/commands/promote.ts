/**
 * `mlops promote`: the promote-model step against the local registry. The release is verified
 * (model and assets against the manifest's digests) before the stage event is recorded; rollback
 * is the same command with an older version. No review is checked: on GitHub, the promotion pull
 * request's approval is.
 */
import path from 'node:path';
import { toDisplayPath } from '../../adapters/fs/display-path.js';
import {
  DEFAULT_LOCAL_REGISTRY_ROOT,
  LocalRegistry,
} from '../../adapters/registry/local-registry.js';
import { createConsoleLogger } from '../../core/logger.js';
import { runContextFromEnv } from '../../core/provenance/run-context.js';
import { normalizeVersion } from '../../core/registry/registry-port.js';
import { promoteModel } from '../../steps/promote-model.js';
import type { CommandInput } from '../command-definition.js';
import type { promoteOptions } from '../command-definitions.js';
import { loadCommandConfig } from '../find-config.js';

export async function runPromote({ values }: CommandInput<typeof promoteOptions>): Promise<number> {
  const cwd = process.cwd();
  const loaded = await loadCommandConfig(cwd, values.config);
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
    allowFailedGates: values['allow-failed-gates'],
    allowFailedGatesHint: '--allow-failed-gates',
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
