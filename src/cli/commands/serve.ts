/**
 * `mlops serve`: serves the model of mlops.yml over HTTP (Open Inference Protocol V2 and KServe V1
 * `:predict`), by stage (default production) or version from the local registry or a repository's
 * releases (`--github`), or an ONNX file (`--model`). Runs until SIGTERM or SIGINT, then drains:
 * requests in flight are answered and every accepted prediction is in the log before it exits.
 */
import path from 'node:path';
import { loadDatasetSchema } from '../../adapters/fs/load-dataset-schema.js';
import { toDisplayPath } from '../../adapters/fs/display-path.js';
import { createConsoleLogger } from '../../core/logger.js';
import { DEFAULT_STAGE } from '../../core/registry/registry-port.js';
import { serveModel, type ServeSource } from '../../steps/serve.js';
import { CliUsageError } from '../cli-usage-error.js';
import type { CommandInput } from '../command-definition.js';
import type { serveOptions } from '../command-definitions.js';
import { loadCommandConfig } from '../find-config.js';
import { openRegistry } from './registry.js';

export async function runServe({ values }: CommandInput<typeof serveOptions>): Promise<number> {
  const cwd = process.cwd();
  const chosen = [values.stage, values.version, values.model].filter((v) => v !== undefined);
  if (chosen.length > 1) throw new CliUsageError('give one of --stage, --version or --model');
  const logger = createConsoleLogger();
  const loaded = await loadCommandConfig(cwd, values.config);
  const schemaPath = path.resolve(loaded.dir, loaded.config.data.schema);
  const schema = await loadDatasetSchema(schemaPath, toDisplayPath(cwd, schemaPath), {
    cwd,
    field: 'data.schema',
    why: 'mlops serve checks every request against the dataset schema',
  });
  let source: ServeSource;
  if (values.model !== undefined) {
    source = { kind: 'file', path: path.resolve(cwd, values.model), displayName: values.model };
  } else if (values.version !== undefined) {
    source = { kind: 'version', version: values.version };
  } else {
    source = { kind: 'stage', stage: values.stage ?? DEFAULT_STAGE };
  }
  const registry = source.kind === 'file' ? null : openRegistry(values).registry;
  const server = await serveModel({
    config: loaded.config,
    schema,
    source,
    registry,
    host: values.host,
    port: values.port,
    pollMs: values.poll * 1000,
    logDir: values['no-log'] ? null : path.resolve(cwd, values['log-dir']),
    logMaxBytes: values['log-max-mb'] * 1024 * 1024,
    logMaxAgeMs: values['log-max-minutes'] * 60_000,
    limits: {
      bodyLimit: values['max-body-bytes'],
      maxBatch: values['max-batch'],
      maxInFlight: values['max-in-flight'],
    },
    logger,
  });
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  logger.info(`${signal}: finishing requests in flight and writing the prediction log`);
  await server.stop();
  return 0;
}
