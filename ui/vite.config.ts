/// <reference types="vitest/config" />
// Build and test configuration for the desk UI.
// - output goes to ui/dist (tauri.conf.json: frontendDist "ui/dist"), with a relative base so
//   the bundle loads from Tauri's custom protocol and from `vite preview` alike;
// - Vitest runs in jsdom and resolves Svelte's browser entry so `mount` works in tests.
import { defineConfig } from "vite";
import { svelte } from "@sveltejs/vite-plugin-svelte";

export default defineConfig(({ mode }) => ({
  plugins: [svelte()],
  base: "./",
  // Tauri expects a fixed dev port and must see Rust-side errors in the terminal.
  clearScreen: false,
  server: { port: 1420, strictPort: true },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // The webviews Tauri 2 supports (WebView2, WKWebView, WebKitGTK 2.40+) all handle ES2021.
    target: "es2021",
  },
  // Vitest runs with mode "test"; without the browser condition Svelte resolves to its SSR build.
  resolve: mode === "test" ? { conditions: ["browser"] } : undefined,
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.ts"],
  },
}));
