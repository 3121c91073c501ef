// Vitest configuration: `npm test` runs `vitest run` with this file.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Generous default: kernel tests load real programs through bpf(2) and may be slow on CI.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
