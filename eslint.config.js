// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/',
      'dist.*/',
      'node_modules/',
      'coverage/',
      'bench/out/',
      'demo-output/',
      '**/*.d.ts',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        TextDecoder: 'readonly',
        TextEncoder: 'readonly',
        fetch: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': ['error', { allow: ['error', 'warn'] }],
      eqeqeq: ['error', 'smart'],
    },
  },
  // The layers (docs/architecture.md): entrypoints and the CLI -> steps -> core, adapters at the
  // edge implementing the core's ports. An import against the arrows fails `npm test`.
  ...layerRules(),
  {
    files: ['test/**', 'test-examples/**', 'bench/**', 'scripts/**'],
    rules: { 'no-console': 'off' },
  },
);

/**
 * One `no-restricted-imports` block per layer and folder depth. Imports are relative, so whether
 * `../actions/x.js` means `src/actions` or `src/adapters/actions` depends on where the importing
 * file sits: each depth gets the number of `../` that reaches `src/`.
 */
function layerRules() {
  // Libraries that do I/O or talk to GitHub: the core stays pure, steps reach them through ports.
  const ioPackages = [
    '@actions/*',
    '@octokit/*',
    'octokit',
    'onnxruntime-node',
    'fastify',
    'prom-client',
  ];
  const ioPaths = ['node:fs', 'node:fs/promises', 'node:child_process', 'node:http', 'node:net'];
  const layers = [
    {
      folder: 'core',
      forbidden: ['adapters', 'steps', 'actions', 'cli'],
      message:
        'src/core is pure: it imports only the core. Put the interface here as a port (core/<domain>/<what>-port.ts) and implement it in src/adapters.',
      packages: {
        group: ioPackages,
        message: 'src/core does no I/O: use this library in an adapter behind a port.',
      },
      paths: ioPaths.map((name) => ({
        name,
        message: 'src/core does no I/O: read and write files in an adapter (src/adapters/fs).',
      })),
    },
    {
      folder: 'adapters',
      forbidden: ['steps', 'actions', 'cli'],
      message:
        'Adapters implement ports of the core and never import a step, an action or the CLI: move the interface (or pure function) into src/core/<domain>/.',
    },
    {
      folder: 'steps',
      forbidden: ['actions', 'cli'],
      message:
        'Steps are called by the actions and the CLI, never the reverse: pass what the step needs in its options.',
      packages: {
        group: ['@actions/*', '@octokit/*', 'octokit'],
        message:
          'Steps reach GitHub and the runner through ports (src/core/<domain>/*-port.ts), so the CLI and tests can hand other adapters.',
      },
    },
    {
      folder: 'actions',
      forbidden: ['cli'],
      message: 'Actions and the CLI are siblings: share code through steps or adapters.',
    },
    {
      folder: 'cli',
      forbidden: ['actions'],
      message: 'Actions and the CLI are siblings: share code through steps or adapters.',
    },
  ];
  const blocks = [];
  for (const layer of layers) {
    for (let depth = 1; depth <= 5; depth++) {
      const up = '\\.\\./'.repeat(depth);
      const patterns = [
        { regex: `^${up}(${layer.forbidden.join('|')})(/|$)`, message: layer.message },
        ...(layer.packages ? [layer.packages] : []),
      ];
      blocks.push({
        files: [`src/${layer.folder}/${'*/'.repeat(depth - 1)}*.ts`],
        rules: { 'no-restricted-imports': ['error', { patterns, paths: layer.paths ?? [] }] },
      });
    }
  }
  return blocks;
}
