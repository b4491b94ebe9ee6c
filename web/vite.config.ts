import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';

const API_TARGET = process.env.YUANQU_API ?? 'http://127.0.0.1:8080';

export default defineConfig({
  base: '/',
  plugins: [vue()],
  server: {
    host: '127.0.0.1',
    port: 5173,
    proxy: {
      // The server refuses cross-origin unsafe requests (csrf.cross_site), so in development the
      // proxy presents the browser's requests as coming from the server's own origin.
      '/api': {
        target: API_TARGET,
        changeOrigin: true,
        configure(proxy) {
          proxy.on('proxyReq', (proxyReq) => {
            if (proxyReq.getHeader('origin')) proxyReq.setHeader('origin', API_TARGET);
          });
        },
      },
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Element Plus is imported whole (one predictable CSS file, fast build).
    chunkSizeWarningLimit: 1500,
  },
});
