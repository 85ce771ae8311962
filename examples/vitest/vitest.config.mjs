import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Vite's module runner, which Node's module hooks never see, runs the test files and what they
    // import. Externalized code is imported by Node itself, so smartcache/register caches its
    // annotated functions: name the folders that hold them (CommonJS files; tested with vitest 3).
    server: { deps: { external: [/\/src\//] } },
  },
});
