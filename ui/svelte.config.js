// Svelte compiler options shared by Vite, svelte-check and eslint-plugin-svelte:
// TypeScript in <script lang="ts"> via vitePreprocess, runes mode everywhere.
import { vitePreprocess } from "@sveltejs/vite-plugin-svelte";

/** @type {import("@sveltejs/vite-plugin-svelte").SvelteConfig} */
export default {
  preprocess: vitePreprocess(),
  compilerOptions: {
    runes: true,
  },
};
