/**
 * The release tree (scripts/build-release-tree.mjs) is what `uses: ...@vX.Y.Z` (and the major tag
 * vX) runs: no npm install, so every runtime package the bundle leaves external must be inside it,
 * and every `uses:` of ours and every `$schema` URL `mlops init` writes must name a file inside it.
 * The tree is built into a temporary folder outside the repository, where Node's resolution cannot
 * fall back on the repository's node_modules, and its actions are run as a runner runs them: train
 * the built-in baseline on the example, then evaluate it. A probe preloaded into the action's
 * process lists the onnxruntime shared objects it mapped, which must be the tree's.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitHubEmulator, type GitHubEmulator } from '../support/github-emulator/index.js';
import { runAction } from '../support/run-action.js';
import { createWorkspace, type Workspace } from '../support/temp-workspace.js';
import { buildReleaseTree, type ReleaseTree } from './build-tree.js';

const root = path.resolve(import.meta.dirname, '../..');
// The tree ships onnxruntime's Linux x64 and arm64 binaries (GitHub's Ubuntu runners); the actions
// are run here on Linux x64.
const supported = process.platform === 'linux' && process.arch === 'x64';
const OWN = 'mlops-actions/mlops-actions';
const { version: packageVersion } = JSON.parse(
  readFileSync(path.join(root, 'package.json'), 'utf8'),
) as { version: string };

/** Every `uses:` of a workflow file: calling jobs' and steps'. */
async function usesOf(file: string): Promise<string[]> {
  const doc = parseYaml(await readFile(file, 'utf8')) as {
    jobs?: Record<string, { uses?: string; steps?: { uses?: string }[] }>;
  };
  return Object.values(doc.jobs ?? {}).flatMap((job) => [
    ...(job.uses !== undefined ? [job.uses] : []),
    ...(job.steps ?? []).flatMap((step) => (step.uses !== undefined ? [step.uses] : [])),
  ]);
}

/**
 * Where `uses:` of ours lands in a checkout of our repository at its ref, as GitHub resolves it:
 * `<owner>/<repo>@ref` → action.yml; `<owner>/<repo>/<dir>@ref` → <dir>/action.yml (or .yaml);
 * `<owner>/<repo>/.github/workflows/<f>.yml@ref` → that file. Null for others' actions.
 */
function ownTarget(uses: string): { ref: string; candidates: string[] } | null {
  if (!uses.startsWith(`${OWN}/`) && !uses.startsWith(`${OWN}@`)) return null;
  const at = uses.lastIndexOf('@');
  const rest = uses.slice(OWN.length, at).replace(/^\//, '');
  const ref = uses.slice(at + 1);
  if (/^\.github\/workflows\/[^/]+\.ya?ml$/.test(rest)) return { ref, candidates: [rest] };
  const dir = rest === '' ? '' : `${rest}/`;
  return { ref, candidates: [`${dir}action.yml`, `${dir}action.yaml`] };
}

const yamlFiles = async (dir: string): Promise<string[]> =>
  (await readdir(dir)).filter((f) => /\.ya?ml$/.test(f)).map((f) => path.join(dir, f));

/** Preloaded with --import: on exit, writes the onnxruntime files mapped into the process. */
const PROBE = `import { readFileSync, writeFileSync } from 'node:fs';
process.on('exit', () => {
  const mapped = readFileSync('/proc/self/maps', 'utf8')
    .split('\\n')
    .map((line) => line.split(/\\s+/).slice(5).join(' '))
    .filter((file) => /onnxruntime/.test(file));
  writeFileSync(process.env.ORT_PROBE_OUT, JSON.stringify([...new Set(mapped)]));
});
`;

describe.runIf(supported)('release tree', () => {
  let built: ReleaseTree;
  let temp: string;
  let tree: string;
  let version: string;
  let buildOutput: string;
  let workspace: Workspace;
  let emulator: GitHubEmulator;

  beforeAll(async () => {
    // The default platforms, as the release workflow builds it.
    built = await buildReleaseTree();
    tree = built.dir;
    temp = path.dirname(tree);
    version = built.version;
    buildOutput = built.stdout;
    workspace = await createWorkspace({});
    await workspace.copyInto(path.join(root, 'examples/breast-cancer'), '.');
    emulator = await startGitHubEmulator();
  }, 120_000);

  afterAll(async () => {
    await emulator?.close();
    await workspace?.cleanup();
    await built?.cleanup();
  });

  it('is built outside the repository and prints its size', () => {
    expect(path.relative(root, tree).startsWith('..')).toBe(true);
    expect(buildOutput).toMatch(/^release tree v\d+\.\d+\.\d+\S* .+: \d+ files, [\d.]+ MiB$/m);
    expect(version).toBe(`v${packageVersion}`);
  });

  it('holds the actions, the bundle and only the Linux x64 and arm64 onnxruntime binaries', async () => {
    const ort = path.join(tree, 'dist/node_modules/onnxruntime-node');
    for (const file of [
      'action.yml',
      'actions/train/action.yml',
      'actions/evaluate/action.yml',
      'dist/index.js',
      'dist/evaluate.js',
      'dist/node_modules/onnxruntime-node/package.json',
      'dist/node_modules/onnxruntime-node/dist/index.js',
      'dist/node_modules/onnxruntime-common/package.json',
    ]) {
      expect((await stat(path.join(tree, file))).isFile(), file).toBe(true);
    }
    for (const napi of await readdir(path.join(ort, 'bin'))) {
      expect(await readdir(path.join(ort, 'bin', napi))).toEqual(['linux']);
      expect((await readdir(path.join(ort, 'bin', napi, 'linux'))).sort()).toEqual([
        'arm64',
        'x64',
      ]);
      for (const arch of ['arm64', 'x64']) {
        const binding = path.join(ort, 'bin', napi, 'linux', arch, 'onnxruntime_binding.node');
        expect((await stat(binding)).size, binding).toBeGreaterThan(0);
      }
    }
    // Install scripts and TypeScript sources stay behind.
    expect((await readdir(ort)).sort()).toEqual(['bin', 'dist', 'package.json']);
    expect(await readdir(path.join(ort, 'dist'))).not.toContainEqual(
      expect.stringMatching(/\.ts$/),
    );
  });

  it('holds what users call and the mlops command: workflows, schemas, bin, LICENSE', async () => {
    for (const file of [
      'LICENSE',
      'README.md',
      'CHANGELOG.md',
      'bin/mlops.js',
      'dist/cli.js',
      'schemas/mlops.schema.json',
      'schemas/dataset-schema.schema.json',
      'schemas/profile.schema.json',
    ]) {
      expect((await stat(path.join(tree, file))).isFile(), file).toBe(true);
    }
    expect(await readFile(path.join(tree, 'LICENSE'), 'utf8')).toMatch(/^MIT License/);
    // The reusable workflows, and not this repository's own CI and release.
    const reusable = (await readdir(path.join(root, '.github/workflows')))
      .filter((f) => f.startsWith('mlops-'))
      .sort();
    expect(reusable.length).toBeGreaterThan(0);
    expect((await readdir(path.join(tree, '.github/workflows'))).sort()).toEqual(reusable);
    expect((await readdir(path.join(tree, 'workflows'))).sort()).toEqual(
      (await readdir(path.join(root, 'workflows'))).sort(),
    );
    const treePackage = JSON.parse(await readFile(path.join(tree, 'package.json'), 'utf8')) as {
      version: string;
      type: string;
    };
    expect(treePackage).toMatchObject({ version: packageVersion, type: 'module' });
    // The tree's own command runs and knows its version.
    const { stdout } = await promisify(execFile)(process.execPath, [
      path.join(tree, 'bin/mlops.js'),
      '--version',
    ]);
    expect(stdout.trim()).toBe(packageVersion);
  });

  it('resolves every uses: of ours, in the starters and in the tree, to a file in the tree', async () => {
    const checked: string[] = [];
    const expectInTree = (uses: string, where: string, ref: string) => {
      const target = ownTarget(uses);
      if (target === null) return;
      expect(target.ref, `${where}: ${uses}`).toBe(ref);
      expect(
        target.candidates.some((file) => existsSync(path.join(tree, file))),
        `${where}: ${uses} → ${target.candidates.join(' or ')} is not in the tree`,
      ).toBe(true);
      checked.push(uses);
    };
    // What users copy from the repository or get from `mlops init`: @v1, the major tag that
    // points at this tree.
    for (const file of await yamlFiles(path.join(root, 'workflows'))) {
      for (const uses of await usesOf(file)) expectInTree(uses, file, 'v1');
    }
    // Inside the tree: every reference of ours at the exact version, none at a moving tag.
    for (const dir of ['.github/workflows', 'workflows']) {
      for (const file of await yamlFiles(path.join(tree, dir))) {
        for (const uses of await usesOf(file)) expectInTree(uses, file, version);
        const text = await readFile(file, 'utf8');
        const refs = [...text.matchAll(/mlops-actions\/mlops-actions[\w./-]*@([\w.-]+)/g)].map(
          (m) => m[1],
        );
        expect(
          refs.filter((ref) => ref !== version),
          file,
        ).toEqual([]);
      }
    }
    // The starters call the reusable workflows, which call the actions: both kinds were seen.
    expect(checked.some((u) => u.includes('/.github/workflows/'))).toBe(true);
    expect(checked.some((u) => u.includes('/actions/'))).toBe(true);
  });

  it('runs `mlops init` from the tree, and its $schema URLs name files of the tree at the version', async () => {
    const ws = await createWorkspace({});
    try {
      await ws.copyInto(path.join(root, 'examples/breast-cancer/data'), 'data');
      const { stdout } = await promisify(execFile)(
        process.execPath,
        [path.join(tree, 'bin/mlops.js'), 'init', '--name', 'bc', '--target', 'diagnosis'],
        { cwd: ws.dir },
      );
      expect(stdout).toContain('wrote mlops.yml');
      const urls: string[] = [];
      for (const file of ['mlops.yml', 'schema.yml']) {
        const text = await ws.read(file);
        urls.push(...[...text.matchAll(/\$schema=(\S+)/g)].map((m) => m[1] as string));
      }
      expect(urls).toHaveLength(2);
      const prefix = `https://raw.githubusercontent.com/${OWN}/${version}/`;
      for (const url of urls) {
        expect(url.startsWith(prefix), url).toBe(true);
        const file = url.slice(prefix.length);
        expect(existsSync(path.join(tree, file)), `${url} → ${file}`).toBe(true);
      }
    } finally {
      await ws.cleanup();
    }
  });

  it(
    'runs train and evaluate with the onnxruntime inside the tree',
    { timeout: 180_000 },
    async () => {
      const probe = path.join(temp, 'probe.mjs');
      const probeOut = path.join(temp, 'onnxruntime-files.json');
      await writeFile(probe, PROBE);

      const train = await runAction({
        action: path.join(tree, 'actions/train'),
        cwd: workspace.dir,
        inputs: { builtin: 'logistic-regression', gpus: 'none' },
        timeoutMs: 90_000,
      });
      expect(train.exitCode, train.stdout + train.stderr).toBe(0);
      expect(train.outputs['model']).toBe(workspace.path('.mlops/train/model.onnx'));

      const headSha = emulator.repo.refs.get('refs/heads/main') as string;
      const evaluate = await runAction({
        action: path.join(tree, 'actions/evaluate'),
        cwd: workspace.dir,
        inputs: {
          'github-token': emulator.token,
          model: '.mlops/train/model.onnx',
          baseline: 'none',
          comment: 'false',
        },
        env: {
          NODE_OPTIONS: `--import=${pathToFileURL(probe).href}`,
          ORT_PROBE_OUT: probeOut,
        },
        github: { apiUrl: emulator.url, repository: emulator.repo.fullName, sha: headSha },
        timeoutMs: 90_000,
      });
      expect(evaluate.exitCode, evaluate.stdout + evaluate.stderr).toBe(0);
      expect(evaluate.outputs['passed']).toBe('true');
      const metrics = JSON.parse(evaluate.outputs['metrics'] ?? '{}') as {
        candidate: Record<string, number>;
      };
      // 107 of the 114 evaluation records, as in test/actions/evaluate.test.ts.
      expect(metrics.candidate['accuracy']).toBeCloseTo(107 / 114, 12);

      const mapped = JSON.parse(await readFile(probeOut, 'utf8')) as string[];
      const binding = mapped.filter((file) => file.endsWith('onnxruntime_binding.node'));
      expect(binding).toEqual([
        path.join(
          tree,
          'dist/node_modules/onnxruntime-node/bin/napi-v6/linux/x64/onnxruntime_binding.node',
        ),
      ]);
      expect(mapped.length).toBeGreaterThan(1); // libonnxruntime.so.1 beside it
      for (const file of mapped) expect(file.startsWith(`${tree}${path.sep}`), file).toBe(true);
    },
  );

  it(
    'is a commit the release guard accepts, as the release job makes it, and one without dist/ it refuses',
    { timeout: 120_000 },
    async () => {
      // As .github/workflows/release.yml does: a fresh index holding exactly the tree, written
      // as a tree object and committed; then `check-tree --commit` reads the commit, not the folder.
      const gitDir = path.join(temp, 'release.git');
      const env = {
        ...process.env,
        GIT_DIR: gitDir,
        GIT_INDEX_FILE: path.join(temp, 'release.index'),
        GIT_AUTHOR_NAME: 'release',
        GIT_AUTHOR_EMAIL: 'release@example.com',
        GIT_COMMITTER_NAME: 'release',
        GIT_COMMITTER_EMAIL: 'release@example.com',
      };
      const git = async (...args: string[]) =>
        (
          await promisify(execFile)('git', args, { cwd: tree, env, maxBuffer: 1 << 26 })
        ).stdout.trim();
      await git('init', '-q', '--bare', gitDir);
      await git('--work-tree=.', 'add', '--all', '--force', '.');
      const complete = await git(
        'commit-tree',
        await git('write-tree'),
        '-m',
        `Release ${version}`,
      );
      const guard = (commit: string) =>
        promisify(execFile)(
          process.execPath,
          [
            path.join(root, 'scripts/release-guards.mjs'),
            'check-tree',
            '--version',
            version,
            '--commit',
            commit,
            '--root',
            tree,
          ],
          { env },
        ).then(
          ({ stdout }) => ({ code: 0, stdout }),
          (error: { code: number; stdout: string }) => ({ code: error.code, stdout: error.stdout }),
        );
      const accepted = await guard(complete);
      expect(accepted.code, accepted.stdout).toBe(0);
      expect(accepted.stdout).toMatch(
        new RegExp(`^release tree for ${version}: \\d+ files, complete$`, 'm'),
      );

      // The same tree without the bundle: no tag may point at it.
      await git('rm', '-r', '-q', '--cached', 'dist');
      const partial = await git('commit-tree', await git('write-tree'), '-m', 'partial');
      const refused = await guard(partial);
      expect(refused.code).toBe(1);
      expect(refused.stdout).toContain('::error title=release::the release tree is incomplete:');
      expect(refused.stdout).toContain('::error title=release::dist/index.js is missing');
      expect(refused.stdout).toContain(
        '::error title=release::actions/train/action.yml runs dist/train.js, which is missing',
      );
    },
  );

  it('refuses a --version that is not package.json’s, before building anything', async () => {
    const result = await promisify(execFile)(
      process.execPath,
      [
        path.join(root, 'scripts/build-release-tree.mjs'),
        path.join(temp, 'other'),
        '--version',
        'v99.0.0',
        '--skip-build',
      ],
      { cwd: root },
    ).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => ({ code: error.code, stderr: error.stderr }),
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      `--version v99.0.0 is not package.json's version (${packageVersion})`,
    );
    expect(existsSync(path.join(temp, 'other'))).toBe(false);
  });
});
