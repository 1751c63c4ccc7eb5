// Client-side routing for a handful of screens: one reactive value, mirrored to the URL hash
// (#/settings) so a reload keeps the screen and the E2E test can deep-link. No router library:
// there are no nested routes or parameters yet.
import { isScreenId, type ScreenId } from "./screens";

const DEFAULT_SCREEN: ScreenId = "inquiries";

function fromHash(hash: string): ScreenId {
  const id = hash.replace(/^#\/?/, "");
  return isScreenId(id) ? id : DEFAULT_SCREEN;
}

class Navigation {
  current = $state<ScreenId>(
    typeof location === "undefined" ? DEFAULT_SCREEN : fromHash(location.hash),
  );

  go(screen: ScreenId): void {
    this.current = screen;
    if (typeof history !== "undefined" && location.hash !== `#/${screen}`) {
      history.replaceState(null, "", `#/${screen}`);
    }
  }

  /** Follow manual hash edits (back/forward is not used: replaceState keeps history flat). */
  syncFromHash(): void {
    this.current = fromHash(location.hash);
  }
}

export const navigation = new Navigation();
