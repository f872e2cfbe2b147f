// Types of scripts/release-guards.mjs, for the tests that import it.
export const OWN_REPOSITORY: string;
export const CI_WORKFLOW: string;
export const REQUIRED_FILES: readonly string[];
export class ReleaseRefusal extends Error {}

export interface ParsedVersion {
  tag: string;
  major: number;
  minor: number;
  patch: number;
  prerelease: string | null;
}
export function parseVersion(tag: string): ParsedVersion;
export function compareVersions(a: ParsedVersion, b: ParsedVersion): -1 | 0 | 1;
export function shouldMoveMajor(version: ParsedVersion, existingTags: readonly string[]): boolean;
export function changelogEntry(changelog: string, version: string): string | null;

export interface WorkflowRunSummary {
  head_sha: string;
  head_branch: string | null;
  event: string;
  status: string | null;
  conclusion: string | null;
}
export function ciVerdict(
  runs: readonly WorkflowRunSummary[],
  where: { sha: string; branch: string },
): string | null;
export function treeProblems(
  files: readonly string[],
  readText: (file: string) => string,
  version: string,
): string[];

export type ApiGet = (route: string) => Promise<unknown>;
export function githubApi(options: {
  apiUrl: string;
  token: string;
  fetchImpl?: typeof fetch;
}): ApiGet;
export function checkSource(options: {
  get: ApiGet;
  repository: string;
  sha: string;
  ref: string;
  version: string;
  packageVersion: string;
  changelog: string;
}): Promise<{
  tag: string;
  major: string;
  prerelease: boolean;
  moveMajor: boolean;
  latest: boolean;
}>;
