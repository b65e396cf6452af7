import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Real servers and real sockets: a slow shared machine gets generous deadlines, never timing assertions.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
