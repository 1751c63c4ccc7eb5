// Test helper: mount a component in jsdom with a fake platform, and wait for its promises.
import { flushSync, mount, unmount, type Component } from "svelte";
import type { AppInfo } from "../bindings/AppInfo";
import type { Commands } from "../bindings/commands";
import { platformContext } from "../lib/platformContext";

export const sampleInfo: AppInfo = {
  version: "9.8.7-test",
  dataDir: "/home/agent/.local/share/jp.kencom.desk",
  keychain: { state: "available", backend: "Secret Service" },
  centralUrl: "https://central.example.jp",
};

/** A platform whose appInfo resolves or rejects as the test says. */
export function fakeCommands(appInfo: () => Promise<AppInfo>): Commands {
  return { appInfo };
}

export function mountWith(component: Component, commands: Commands) {
  const target = document.createElement("div");
  document.body.append(target);
  const instance = mount(component, { target, context: platformContext({ commands }) });
  // mount() does not run effects (onMount) by itself.
  flushSync();
  return {
    target,
    byTestId: (id: string) => target.querySelector<HTMLElement>(`[data-testid="${id}"]`),
    destroy: () => {
      void unmount(instance);
      target.remove();
    },
  };
}

/** Let pending promise callbacks run, then apply Svelte's updates. */
export async function settle(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 0));
  flushSync();
}
