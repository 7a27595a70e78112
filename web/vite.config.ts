import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { compression } from 'vite-plugin-compression2';

const webRoot = fileURLToPath(new URL('.', import.meta.url));
const apiTarget = process.env.ZOOMTRAIL_API ?? 'http://localhost:8080';

// Build: `npx vite build --config web/vite.config.ts` (from the repo root) -> dist-web/
// Dev: `npx vite --config web/vite.config.ts` proxies /api and /oauth to the server.
export default defineConfig({
  root: webRoot,
  base: '/',
  // gzip and brotli copies beside each asset, served by @fastify/static's preCompressed (src/api/build-server.ts).
  plugins: [react(), compression({ algorithms: ['gzip', 'brotliCompress'], threshold: 1024, logLevel: 'silent' })],
  build: {
    outDir: fileURLToPath(new URL('../dist-web', import.meta.url)),
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 400,
  },
  server: {
    proxy: {
      '/api': { target: apiTarget, changeOrigin: false },
      '/oauth': { target: apiTarget, changeOrigin: false },
    },
  },
});
