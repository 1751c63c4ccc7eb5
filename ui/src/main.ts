// Entry point: mounts the shell with the real Tauri platform. Tests mount screens with a fake
// platform instead (see src/lib/platformContext.ts).
import { mount } from "svelte";
import "./app.css";
import App from "./App.svelte";
import { i18n } from "./i18n/index.svelte";
import { platformContext } from "./lib/platformContext";
import { commands } from "./platform";

document.documentElement.lang = i18n.locale;

const target = document.getElementById("app");
if (!target) throw new Error("#app element missing from index.html");

mount(App, { target, context: platformContext({ commands }) });

// Tell the shell when the first frame is on screen (two animation frames after mount):
// the cold-start benchmark measures up to this moment. Failure here is harmless.
requestAnimationFrame(() =>
  requestAnimationFrame(() => {
    commands.firstPaint().catch(() => undefined);
  }),
);
