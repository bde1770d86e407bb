// Vite builds the verification page into plain files (web/dist) any static host serves. The SDK
// comes through its browser entry and its package's `browser` field, so no Node builtin is
// bundled; the build fails if one slips in.
import { defineConfig } from "vite";

export default defineConfig({
  root: import.meta.dirname,
  base: "./",
  // Nothing is copied into the build: a trust file for a private deployment is the operator's,
  // put next to index.html at serve time (`npm run web` serves one from web/.serve/).
  publicDir: false,
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    chunkSizeWarningLimit: 2048,
    rollupOptions: {
      onwarn(warning, warn) {
        if (/externalized for browser compatibility|node:/.test(warning.message)) {
          throw new Error(`the page's bundle must not pull Node builtins: ${warning.message}`);
        }
        warn(warning);
      },
    },
  },
  server: { host: "127.0.0.1", strictPort: false },
  preview: { host: "127.0.0.1" },
});
