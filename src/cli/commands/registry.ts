/**
 * `mlops registry list|show`: what a registry holds (the local folder, or a repository's
 * releases and tags with `--github`), as `gto show` prints a GTO
 * registry: every model with its latest and production versions, and one model's versions and
 * stage history. Tables for people, `--json` for scripts.
 */
import path from 'node:path';
import { toDisplayPath } from '../../adapters/fs/display-path.js';
import { GitHubRegistryWriter } from '../../adapters/github/github-registry-writer.js';
import { createOctokit } from '../../adapters/github/octokit.js';
import {
  DEFAULT_LOCAL_REGISTRY_ROOT,
  createLocalRegistry,
} from '../../adapters/registry/local-registry.js';
import { DataError } from '../../core/errors.js';
import { DEFAULT_STAGE, assertModelName } from '../../core/registry/registry-port.js';
import type { RegistryWriter, StageHistoryEntry } from '../../core/registry/registry-writer.js';
import { CliUsageError } from '../cli-usage-error.js';
import type { CommandInput } from '../command-definition.js';
import type { registryOptions } from '../command-definitions.js';

/** `mlops registry list` as JSON. */
export interface RegistryListJson {
  readonly registry: string;
  readonly models: readonly {
    readonly model: string;
    /** Newest version, without `v`; null when the model has none. */
    readonly latest: string | null;
    readonly production: string | null;
    readonly versions: number;
    readonly stageEvents: number;
  }[];
}

/** `mlops registry show <model>` as JSON. */
export interface RegistryShowJson {
  readonly registry: string;
  readonly model: string;
  /** Newest first. */
  readonly versions: readonly {
    readonly version: string;
    readonly tag: string;
    /** The manifest's `createdAt`; null when the manifest cannot be read. */
    readonly createdAt: string | null;
    /** The manifest's `model.file.digest`; null when the manifest cannot be read. */
    readonly modelDigest: string | null;
    /** The stages this version holds now. */
    readonly stages: readonly string[];
    readonly releaseUrl: string;
    /** Why the manifest could not be read, else null. */
    readonly problem: string | null;
  }[];
  /** Current holder of each stage that has one, by stage name. */
  readonly stages: readonly { stage: string; version: string; n: number; tag: string }[];
  /** Every stage event, newest first; `current` marks the event that decides a holder. */
  readonly history: readonly (StageHistoryEntry & { readonly current: boolean })[];
}

/** The local folder, or a repository's releases and tags with `--github owner/repo`. */
export function openRegistry(values: {
  registry?: string | undefined;
  github?: string | undefined;
}): {
  registry: RegistryWriter;
  location: string;
  shown: string;
} {
  const cwd = process.cwd();
  if (values.github !== undefined) {
    if (values.registry !== undefined) {
      throw new CliUsageError('give --registry or --github, not both');
    }
    const [owner, repo, ...rest] = values.github.split('/');
    if (!owner || !repo || rest.length > 0) {
      throw new CliUsageError(`--github expects owner/repo, got "${values.github}"`);
    }
    const token = process.env.GITHUB_TOKEN ?? process.env.GH_TOKEN;
    if (!token) {
      throw new CliUsageError('--github needs a token in GITHUB_TOKEN or GH_TOKEN');
    }
    // GITHUB_API_URL, when set, points the client at GitHub Enterprise (or a test server).
    const octokit = createOctokit({ token });
    const registry = new GitHubRegistryWriter({ octokit, owner, repo });
    return { registry, location: `${owner}/${repo}`, shown: `${owner}/${repo}` };
  }
  const registry = createLocalRegistry(
    path.resolve(cwd, values.registry ?? DEFAULT_LOCAL_REGISTRY_ROOT),
  );
  return { registry, location: registry.root, shown: toDisplayPath(cwd, registry.root) };
}

export async function runRegistryList({
  values,
}: CommandInput<typeof registryOptions>): Promise<number> {
  const { registry, location, shown } = openRegistry(values);
  const models: RegistryListJson['models'][number][] = [];
  for (const model of await registry.listModels()) {
    const versions = await registry.listVersions(model);
    models.push({
      model,
      latest: versions[0]?.version ?? null,
      production: (await registry.findStage(model, DEFAULT_STAGE))?.version ?? null,
      versions: versions.length,
      stageEvents: (await registry.stageHistory(model)).length,
    });
  }
  if (values.json) {
    const json: RegistryListJson = { registry: location, models };
    process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
    return 0;
  }
  if (models.length === 0) {
    process.stdout.write(`no models in ${shown}\n`);
    return 0;
  }
  process.stdout.write(
    formatColumns([
      ['MODEL', 'LATEST', 'PRODUCTION', 'VERSIONS', 'STAGE EVENTS'],
      ...models.map((m) => [
        m.model,
        versionText(m.latest),
        versionText(m.production),
        String(m.versions),
        String(m.stageEvents),
      ]),
    ]),
  );
  return 0;
}

export async function runRegistryShow({
  values,
  positionals,
}: CommandInput<typeof registryOptions>): Promise<number> {
  // The definition asks for exactly one argument.
  const model = positionals[0]!;
  assertModelName(model);
  const { registry, location, shown } = openRegistry(values);
  const models = await registry.listModels();
  if (!models.includes(model)) {
    throw new DataError(
      `model "${model}" is not in the registry ${shown}; ` +
        (models.length === 0 ? 'it has no models.' : `it has: ${models.join(', ')}.`),
    );
  }

  const history = await registry.stageHistory(model);
  const stageNames = [...new Set(history.map((event) => event.stage))].sort();
  const holders: RegistryShowJson['stages'][number][] = [];
  for (const stage of stageNames) {
    const holder = await registry.findStage(model, stage);
    if (holder !== null) {
      holders.push({ stage, version: holder.version, n: holder.n, tag: holder.tag });
    }
  }
  const isCurrent = (event: StageHistoryEntry) =>
    event.action === 'assign' && holders.some((h) => h.stage === event.stage && h.n === event.n);

  const versions: RegistryShowJson['versions'][number][] = [];
  for (const version of await registry.listVersions(model)) {
    let createdAt: string | null = null;
    let modelDigest: string | null = null;
    let problem: string | null = null;
    try {
      const manifest = await registry.readManifest(model, version.version);
      createdAt = manifest.createdAt;
      modelDigest = manifest.model.file.digest;
    } catch (error) {
      if (!(error instanceof DataError)) throw error;
      problem = error.message;
    }
    versions.push({
      version: version.version,
      tag: version.tag,
      createdAt,
      modelDigest,
      stages: holders.filter((h) => h.version === version.version).map((h) => h.stage),
      releaseUrl: version.releaseUrl,
      problem,
    });
  }

  if (values.json) {
    const json: RegistryShowJson = {
      registry: location,
      model,
      versions,
      stages: holders,
      history: history.map((event) => ({ ...event, current: isCurrent(event) })),
    };
    process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
    return 0;
  }

  const lines: string[] = [
    `${model} in ${shown}: ${plural(versions.length, 'version')}, ` +
      `${plural(history.length, 'stage event')}`,
    '',
  ];
  if (versions.length === 0) {
    lines.push('no versions', '');
  } else {
    lines.push(
      formatColumns([
        ['VERSION', 'CREATED', 'MODEL DIGEST', 'STAGES'],
        ...versions.map((v) => [
          `v${v.version}`,
          v.createdAt ?? '-',
          v.modelDigest === null ? '-' : shortDigest(v.modelDigest),
          v.stages.join(', '),
        ]),
      ]),
    );
  }
  if (history.length === 0) {
    lines.push('no stage history');
  } else {
    lines.push(
      'Stage history, newest first (* marks the current holder of a stage):',
      '',
      formatColumns([
        ['', '#', 'STAGE', 'VERSION', 'PULL REQUEST', 'APPROVED BY', 'RUN'],
        ...history.map((event) => [
          isCurrent(event) ? '*' : '',
          `#${event.n}`,
          event.action === 'unassign' ? `${event.stage} (unassigned)` : event.stage,
          versionText(event.version),
          event.pullRequest === null ? '-' : `#${event.pullRequest}`,
          event.approvedBy.length === 0 ? '-' : event.approvedBy.join(', '),
          event.run ?? '-',
        ]),
      ]),
    );
  }
  process.stdout.write(`${lines.join('\n').replace(/\n*$/, '\n')}`);
  for (const version of versions) {
    if (version.problem !== null) console.error(`mlops: warning: ${version.problem}`);
  }
  return 0;
}

function versionText(version: string | null): string {
  return version === null ? '-' : `v${version}`;
}

/** `sha256:` and the first 12 hex digits: enough to tell versions apart in a table. */
function shortDigest(digest: string): string {
  return digest.startsWith('sha256:') ? digest.slice(0, 'sha256:'.length + 12) : digest;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** Rows as left-aligned columns two spaces apart, one line each (trailing spaces trimmed). */
export function formatColumns(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, cell.length);
    });
  }
  return rows
    .map(
      (row) =>
        `${row
          .map((cell, i) => cell.padEnd(widths[i] ?? 0))
          .join('  ')
          .trimEnd()}\n`,
    )
    .join('');
}
