// Lint rules for the UI (eslint 9 flat config): JS + TypeScript + Svelte recommended sets, and
// the boundary rule of DESIGN.md — only src/platform/ may import @tauri-apps/*, so every other
// module stays testable in jsdom or a plain browser with a fake platform.
import js from "@eslint/js";
import { defineConfig } from "eslint/config";
import svelte from "eslint-plugin-svelte";
import globals from "globals";
import ts from "typescript-eslint";
import svelteConfig from "./svelte.config.js";

export default defineConfig(
  // src/bindings is generated from Rust by ts-rs; it is checked for staleness, not linted.
  { ignores: ["dist/", "node_modules/", "src/bindings/"] },
  js.configs.recommended,
  ts.configs.recommended,
  svelte.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ["*.config.{js,ts}"],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    files: ["**/*.svelte", "**/*.svelte.ts"],
    languageOptions: {
      parserOptions: {
        projectService: true,
        extraFileExtensions: [".svelte"],
        parser: ts.parser,
        svelteConfig,
      },
    },
  },
  {
    files: ["src/**/*.{ts,js,svelte}"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["@tauri-apps/*", "@tauri-apps/**"],
              message:
                "Only src/platform/ may import @tauri-apps/*; use the commands from src/lib/platformContext.ts.",
            },
          ],
        },
      ],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
    },
  },
  {
    files: ["src/platform/**"],
    rules: { "no-restricted-imports": "off" },
  },
);
