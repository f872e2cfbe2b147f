import { defineConfig } from 'vitest/config';

// The examples need Python with PyTorch (Debian's python3-torch), so they run apart from
// `npm test`: `npm run test:examples`, which .ci/run calls after installing them.
export default defineConfig({
  test: {
    include: ['test-examples/**/*.test.ts'],
    testTimeout: 600_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
