// Hands the platform (the typed command table) to components through Svelte context, so a
// test can mount any screen with a fake platform instead of Tauri. Components call
// usePlatform(); main.ts and tests build the context with platformContext().
import { getContext } from "svelte";
import type { Commands } from "../bindings/commands";

export type Platform = { commands: Commands };

const KEY = Symbol("kencom-desk.platform");

/** The context map to pass to Svelte's `mount(..., { context })`. */
export function platformContext(platform: Platform): Map<unknown, unknown> {
  return new Map<unknown, unknown>([[KEY, platform]]);
}

/** The platform given to the root component; call during component initialisation. */
export function usePlatform(): Platform {
  const platform = getContext<Platform | undefined>(KEY);
  if (!platform) throw new Error("platform context missing: mount the app with platformContext()");
  return platform;
}
