/**
 * Resolves the evaluate step's `baseline` input to a model file: the registry's production
 * version (downloaded and digest-verified), a named version, a path, or nothing.
 */
import { access } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import { actionWording, type OptionWording } from '../../core/option-wording.js';
import { normalizeVersion, type RegistryReader } from '../../core/registry/registry-port.js';
import type { BaselineSource, ResolvedBaseline } from '../../core/evaluate/baseline-source-port.js';
import { toDisplayPath } from '../fs/display-path.js';
import { fileDigest } from '../fs/file-digest.js';

export function createBaselineSource(options: {
  registry: RegistryReader;
  /** Where downloaded models go. */
  downloadDir: string;
  logger: Logger;
  /** How errors name the baseline setting: the action's input (default) or the CLI's flag. */
  wording?: OptionWording;
}): BaselineSource {
  const where = (options.wording ?? actionWording).location('baseline');
  const fromRegistry = async (
    model: string,
    version: string,
    label: string,
  ): Promise<ResolvedBaseline> => {
    const dir = path.join(options.downloadDir, model, `v${version}`);
    const downloaded = await options.registry.downloadModel(model, version, dir);
    options.logger.info(
      `Baseline ${label}: ${downloaded.releaseUrl} (${downloaded.digest}, verified).`,
    );
    return {
      kind: 'model',
      path: downloaded.path,
      label,
      info: {
        label,
        version: `v${version}`,
        digest: downloaded.digest,
        path: downloaded.releaseUrl,
      },
    };
  };
  return {
    async resolve(spec, { model, cwd }) {
      if (spec === 'none')
        return { kind: 'none', note: 'no baseline was asked for (baseline: none)' };
      if (spec === 'production') {
        const stage = await options.registry.findStage(model, 'production');
        if (!stage) {
          return {
            kind: 'none',
            note: `${model} has no production version yet: this is its first model, so there is nothing to compare with`,
          };
        }
        return fromRegistry(model, stage.version, `production v${stage.version}`);
      }
      if (/^v?\d+\.\d+\.\d+(?:[-+].*)?$/.test(spec)) {
        const version = normalizeVersion(spec);
        const found = await options.registry.getVersion(model, version);
        if (!found) {
          throw new ConfigError(`there is no version ${spec} of ${model} in the registry`, {
            location: where,
          });
        }
        return fromRegistry(model, version, `v${version}`);
      }
      const file = path.resolve(cwd, spec);
      try {
        await access(file);
      } catch {
        throw new ConfigError(
          `"${spec}" is neither production, none, a version such as v1.2.0, nor an existing ONNX file`,
          { location: where },
        );
      }
      const label = toDisplayPath(cwd, file);
      const { digest } = await fileDigest(file);
      return {
        kind: 'model',
        path: file,
        label,
        info: { label, version: null, digest, path: label },
      };
    },
  };
}
