// The guards of our release (.github/workflows/release.yml), kept here so they can be tested. No
// dependencies: the release job that pushes runs this file and nothing from node_modules.
//
//   node scripts/release-guards.mjs check-source --version vX.Y.Z
//     Before anything is built: the version is package.json's and has a CHANGELOG entry; the
//     workflow runs on the default branch; this repository's CI passed on a push of exactly this
//     commit to the default branch; the tag vX.Y.Z does not exist (tags are never moved). Writes
//     `tag`, `major`, `prerelease` and `move-major` to $GITHUB_OUTPUT.
//     Reads GITHUB_API_URL, GITHUB_REPOSITORY, GITHUB_SHA, GITHUB_REF and GITHUB_TOKEN.
//   node scripts/release-guards.mjs check-tree --version vX.Y.Z [--tree DIR | --commit SHA]
//     Before tagging: the release tree (a folder, or a commit's tree read with git ls-tree) holds
//     everything a user's workflow runs, and every `uses:` of ours names this exact version and a
//     file inside the tree.
//   node scripts/release-guards.mjs notes --version vX.Y.Z
//     Prints the CHANGELOG entry of the version: the GitHub Release's body.
//
// Every refusal is one `::error::` line saying what to do, and exit status 1.
import { execFileSync } from 'node:child_process';
import { appendFileSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

/** Our repository, as users' workflows name it in `uses:`. */
export const OWN_REPOSITORY = 'mlops-actions/mlops-actions';
/** The CI workflow whose success on the source commit a release requires. */
export const CI_WORKFLOW = 'ci.yml';

export class ReleaseRefusal extends Error {}

/** `v1.2.3` or `v1.2.3-rc.1` → its parts; anything else is refused. */
export function parseVersion(tag) {
  const match =
    /^v(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$/.exec(
      tag,
    );
  if (match === null) {
    throw new ReleaseRefusal(
      `"${tag}" is not a release version: expected vMAJOR.MINOR.PATCH, as v1.2.3 or v1.3.0-rc.1`,
    );
  }
  return {
    tag,
    major: Number(match[1]),
    minor: Number(match[2]),
    patch: Number(match[3]),
    prerelease: match[4] ?? null,
  };
}

/** Semantic-version order of two parsed versions (prereleases before their release). */
export function compareVersions(a, b) {
  for (const key of ['major', 'minor', 'patch']) {
    if (a[key] !== b[key]) return a[key] < b[key] ? -1 : 1;
  }
  if (a.prerelease === b.prerelease) return 0;
  if (a.prerelease === null) return 1;
  if (b.prerelease === null) return -1;
  const x = a.prerelease.split('.');
  const y = b.prerelease.split('.');
  for (let i = 0; i < Math.max(x.length, y.length); i += 1) {
    if (x[i] === undefined) return -1;
    if (y[i] === undefined) return 1;
    const nx = /^\d+$/.test(x[i]) ? Number(x[i]) : null;
    const ny = /^\d+$/.test(y[i]) ? Number(y[i]) : null;
    if (x[i] === y[i]) continue;
    if (nx !== null && ny !== null) return nx < ny ? -1 : 1;
    if (nx !== null) return -1;
    if (ny !== null) return 1;
    return x[i] < y[i] ? -1 : 1;
  }
  return 0;
}

/**
 * Whether the major tag (v1) moves to this release: never for a prerelease, and only when no
 * release of the same major is newer (a v1.2.4 patch made after v1.3.0 leaves v1 on v1.3.0).
 * `existingTags` are the names of the repository's tags.
 */
export function shouldMoveMajor(version, existingTags) {
  if (version.prerelease !== null) return false;
  for (const tag of existingTags) {
    let other;
    try {
      other = parseVersion(tag);
    } catch {
      continue; // v1 itself, and anything that is not a version
    }
    if (other.major === version.major && other.prerelease === null) {
      if (compareVersions(other, version) > 0) return false;
    }
  }
  return true;
}

/**
 * The body of `## [X.Y.Z]` (or `## X.Y.Z`, with or without a date after it) in a Keep-a-Changelog
 * file, trimmed; null when there is no entry or it is empty.
 */
export function changelogEntry(changelog, version) {
  const plain = version.replace(/^v/, '');
  const lines = changelog.split(/\r?\n/);
  const escaped = plain.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const heading = new RegExp(`^##\\s+\\[?v?${escaped}\\]?(\\s|$)`);
  const start = lines.findIndex((line) => heading.test(line));
  if (start === -1) return null;
  let end = lines.findIndex((line, i) => i > start && /^##\s/.test(line));
  if (end === -1) end = lines.length;
  // Link references (`[1.2.3]: https://...`) at the end of the file are not part of the entry.
  const body = lines
    .slice(start + 1, end)
    .filter((line) => !/^\[[^\]]+\]:\s/.test(line))
    .join('\n')
    .trim();
  return body === '' ? null : body;
}

/**
 * Why CI does not vouch for `sha`, or null when a run of the CI workflow for a push of exactly
 * that commit to `branch` completed successfully. Runs of other events (a pull request's run
 * tests a merge commit, and can be started by anyone who opens one) and of other branches do not
 * count.
 */
export function ciVerdict(runs, { sha, branch }) {
  const mine = runs.filter(
    (run) => run.head_sha === sha && run.event === 'push' && run.head_branch === branch,
  );
  if (mine.some((run) => run.status === 'completed' && run.conclusion === 'success')) return null;
  if (mine.length === 0) {
    return `no ${CI_WORKFLOW} run for a push of ${sha} to ${branch}: release a commit of ${branch} that CI tested`;
  }
  if (mine.some((run) => run.status !== 'completed')) {
    return `${CI_WORKFLOW} on ${sha} has not finished: wait for it, then run the release again`;
  }
  const conclusions = [...new Set(mine.map((run) => run.conclusion))].join(', ');
  return `${CI_WORKFLOW} did not pass on ${sha} (${conclusions}): fix ${branch} first`;
}

/** Files every release tree holds, whatever the actions are. */
export const REQUIRED_FILES = [
  'action.yml',
  'package.json',
  'LICENSE',
  'README.md',
  'CHANGELOG.md',
  'bin/mlops.js',
  'dist/index.js',
  'dist/cli.js',
  'dist/node_modules/onnxruntime-node/package.json',
  'dist/node_modules/onnxruntime-common/package.json',
  'schemas/mlops.schema.json',
  'schemas/dataset-schema.schema.json',
];

/**
 * What is wrong with a release tree, given its files (paths relative to its root, `/`-separated)
 * and a reader of their text: missing required files, an action whose `main` is missing, no
 * reusable workflow, an onnxruntime without linux/x64 binaries, and any `uses:` or mention of
 * ours at another ref than `version` or naming a file the tree lacks.
 */
export function treeProblems(files, readText, version) {
  const have = new Set(files);
  const problems = REQUIRED_FILES.filter((file) => !have.has(file)).map(
    (file) => `${file} is missing`,
  );
  const actionFiles = files.filter(
    (file) => file === 'action.yml' || /^actions\/[\w-]+\/action\.ya?ml$/.test(file),
  );
  if (!actionFiles.some((file) => file.startsWith('actions/'))) problems.push('actions/ is empty');
  for (const file of actionFiles) {
    const main = /^\s+main:\s*['"]?([^'"\s#]+)/m.exec(readText(file));
    if (main === null) continue;
    const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), main[1]));
    if (!have.has(target)) problems.push(`${file} runs ${target}, which is missing`);
  }
  const reusable = files.filter((file) => /^\.github\/workflows\/mlops-[\w.-]+\.ya?ml$/.test(file));
  if (reusable.length === 0) problems.push('.github/workflows/ holds no reusable workflow');
  if (
    !files.some((file) =>
      /^dist\/node_modules\/onnxruntime-node\/bin\/napi-v\d+\/linux\/x64\//.test(file),
    )
  ) {
    problems.push('onnxruntime-node has no linux/x64 binaries');
  }
  const own = /mlops-actions\/mlops-actions((?:\/[\w./-]+)?)@([\w.-]+)/g;
  for (const file of files.filter((f) => /\.ya?ml$/.test(f) && !f.includes('node_modules/'))) {
    for (const match of readText(file).matchAll(own)) {
      const [text, target, ref] = match;
      if (ref !== version) {
        problems.push(`${file}: \`${text}\` is not at ${version}`);
        continue;
      }
      const wanted = target === '' ? 'action.yml' : target.slice(1);
      const exists = /\.ya?ml$/.test(wanted)
        ? have.has(wanted)
        : have.has(`${wanted}/action.yml`) ||
          have.has(`${wanted}/action.yaml`) ||
          wanted === 'action.yml';
      if (!exists) problems.push(`${file}: \`${text}\` names ${wanted}, which the tree lacks`);
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// GitHub's REST API
// ---------------------------------------------------------------------------------------------

/** A GET against the API; null on 404. */
export function githubApi({ apiUrl, token, fetchImpl = globalThis.fetch }) {
  return async (route) => {
    const response = await fetchImpl(`${apiUrl.replace(/\/+$/, '')}${route}`, {
      headers: {
        accept: 'application/vnd.github+json',
        authorization: `Bearer ${token}`,
        'x-github-api-version': '2022-11-28',
        'user-agent': 'mlops-actions-release',
      },
    });
    if (response.status === 404) return null;
    if (!response.ok) {
      throw new ReleaseRefusal(
        `GitHub answered ${response.status} to GET ${route}: ${await response.text()}`,
      );
    }
    return response.json();
  };
}

/**
 * The guards before a release is built. `get` is `githubApi(...)`; `packageVersion` and
 * `changelog` come from the checked-out source commit. Returns what the later jobs need.
 */
export async function checkSource({
  get,
  repository,
  sha,
  ref,
  version,
  packageVersion,
  changelog,
}) {
  const parsed = parseVersion(version);
  const problems = [];
  if (packageVersion !== version.slice(1)) {
    problems.push(
      `package.json's version is ${packageVersion}, not ${version.slice(1)}: the version's one source is package.json; change it in a pull request first`,
    );
  }
  if (changelogEntry(changelog, version) === null) {
    problems.push(
      `CHANGELOG.md has no entry "## [${version.slice(1)}]": move the Unreleased notes under it first`,
    );
  }
  const repo = await get(`/repos/${repository}`);
  if (repo === null) throw new ReleaseRefusal(`repository ${repository} not found`);
  const branch = repo.default_branch;
  if (ref !== `refs/heads/${branch}`) {
    problems.push(`the release runs from ${ref}: run it on the default branch ${branch}`);
  } else {
    // A dispatch on the default branch runs on its head: GITHUB_SHA is a commit of the branch.
    // CI's push run of that commit on that branch is the proof it was tested there.
    const runs = await get(
      `/repos/${repository}/actions/workflows/${CI_WORKFLOW}/runs?head_sha=${sha}&event=push&branch=${encodeURIComponent(branch)}&per_page=100`,
    );
    const verdict = ciVerdict(runs?.workflow_runs ?? [], { sha, branch });
    if (verdict !== null) problems.push(verdict);
  }
  const existing = await get(`/repos/${repository}/git/ref/tags/${encodeURIComponent(version)}`);
  if (existing !== null) {
    problems.push(
      `the tag ${version} exists (${existing.object?.sha ?? 'unknown object'}): released versions are never moved; release the next version`,
    );
  }
  if (problems.length > 0) throw new ReleaseRefusal(problems.join('\n'));
  const tags =
    (await get(`/repos/${repository}/git/matching-refs/tags/v${parsed.major}.?per_page=100`)) ?? [];
  const names = tags.map((t) => String(t.ref).replace(/^refs\/tags\//, ''));
  const moveMajor = shouldMoveMajor(parsed, names);
  // GitHub's "latest" release: the newest of the newest major (a v1 fix made after v2.0.0 is not).
  const newerMajor =
    (await get(`/repos/${repository}/git/matching-refs/tags/v${parsed.major + 1}.?per_page=1`)) ??
    [];
  return {
    tag: version,
    major: `v${parsed.major}`,
    prerelease: parsed.prerelease !== null,
    moveMajor,
    latest: moveMajor && newerMajor.length === 0,
  };
}

// ---------------------------------------------------------------------------------------------
// Command line
// ---------------------------------------------------------------------------------------------

function listTree(dir, prefix = '') {
  const out = [];
  for (const entry of readdirSync(path.join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory()) out.push(...listTree(dir, rel));
    else if (entry.isFile() || statSync(path.join(dir, rel)).isFile()) out.push(rel);
  }
  return out;
}

function required(name) {
  const value = process.env[name];
  if (!value) throw new ReleaseRefusal(`${name} is not set`);
  return value;
}

async function main(argv) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      version: { type: 'string' },
      tree: { type: 'string' },
      commit: { type: 'string' },
      root: { type: 'string', default: '.' },
    },
  });
  const [command] = positionals;
  if (values.version === undefined) throw new ReleaseRefusal('--version vX.Y.Z is required');
  const version = values.version;
  parseVersion(version);
  const root = path.resolve(values.root);
  if (command === 'check-source') {
    const result = await checkSource({
      get: githubApi({ apiUrl: required('GITHUB_API_URL'), token: required('GITHUB_TOKEN') }),
      repository: required('GITHUB_REPOSITORY'),
      sha: required('GITHUB_SHA'),
      ref: required('GITHUB_REF'),
      version,
      packageVersion: JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).version,
      changelog: readFileSync(path.join(root, 'CHANGELOG.md'), 'utf8'),
    });
    const lines = [
      `tag=${result.tag}`,
      `major=${result.major}`,
      `prerelease=${result.prerelease}`,
      `move-major=${result.moveMajor}`,
      `latest=${result.latest}`,
    ];
    if (process.env.GITHUB_OUTPUT)
      appendFileSync(process.env.GITHUB_OUTPUT, `${lines.join('\n')}\n`);
    console.log(lines.join('\n'));
    return;
  }
  if (command === 'check-tree') {
    let files;
    let readText;
    if (values.tree !== undefined) {
      const dir = path.resolve(values.tree);
      files = listTree(dir);
      readText = (file) => readFileSync(path.join(dir, file), 'utf8');
    } else if (values.commit !== undefined) {
      const git = (...args) =>
        execFileSync('git', args, { cwd: root, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
      files = git('ls-tree', '-r', '--name-only', '-z', values.commit).split('\0').filter(Boolean);
      readText = (file) => git('show', `${values.commit}:${file}`);
    } else {
      throw new ReleaseRefusal('check-tree needs --tree DIR or --commit SHA');
    }
    const problems = treeProblems(files, readText, version);
    if (problems.length > 0)
      throw new ReleaseRefusal(`the release tree is incomplete:\n${problems.join('\n')}`);
    console.log(`release tree for ${version}: ${files.length} files, complete`);
    return;
  }
  if (command === 'notes') {
    const entry = changelogEntry(readFileSync(path.join(root, 'CHANGELOG.md'), 'utf8'), version);
    if (entry === null) throw new ReleaseRefusal(`CHANGELOG.md has no entry for ${version}`);
    process.stdout.write(`${entry}\n`);
    return;
  }
  throw new ReleaseRefusal(`unknown command "${command ?? ''}": check-source, check-tree or notes`);
}

if (
  process.argv[1] !== undefined &&
  path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)
) {
  main(process.argv.slice(2)).catch((error) => {
    if (error instanceof ReleaseRefusal) {
      for (const line of error.message.split('\n')) console.log(`::error title=release::${line}`);
      process.exit(1);
    }
    throw error;
  });
}
