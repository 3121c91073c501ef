// Vitest configuration: `npm test` runs `vitest run` with this file, which runs two projects:
// - unit: everything under test/ except the browser tests (`vitest run --project unit`);
// - site: the browser tests (test/site/browser/ and any *.browser.test.ts), which drive Debian's Chromium against the
//   built site in dist/ (`npm run build` first; `vitest run --project site`). They run after the
//   unit project (groupOrder), one file at a time, so they do not compete with the kernel tests
//   for the CPU.
import { configDefaults, defineConfig } from 'vitest/config';

const BROWSER_TESTS = ['test/site/browser/**/*.test.ts', 'test/**/*.browser.test.ts'];

export default defineConfig({
  test: {
    // Generous default: kernel tests load real programs through bpf(2) and may be slow on CI.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: [...configDefaults.exclude, ...BROWSER_TESTS] },
      },
      {
        extends: true,
        test: {
          name: 'site',
          include: BROWSER_TESTS,
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
