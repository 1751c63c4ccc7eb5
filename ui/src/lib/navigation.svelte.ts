// Client-side routing: the current screen, and on 問い合わせ the open case, mirrored to the
// URL hash (#/inquiries, #/inquiries/case/12) so a reload lands where the operator was.
import { isScreenId, type ScreenId } from "./screens";

const DEFAULT_SCREEN: ScreenId = "inquiries";

type Route = { screen: ScreenId; caseId: number | null };

function fromHash(hash: string): Route {
  const path = hash.replace(/^#\/?/, "");
  const caseMatch = /^inquiries\/case\/(\d+)$/.exec(path);
  if (caseMatch) return { screen: "inquiries", caseId: Number(caseMatch[1]) };
  return { screen: isScreenId(path) ? path : DEFAULT_SCREEN, caseId: null };
}

function toHash(route: Route): string {
  return route.caseId === null ? `#/${route.screen}` : `#/inquiries/case/${route.caseId}`;
}

const initial: Route =
  typeof location === "undefined"
    ? { screen: DEFAULT_SCREEN, caseId: null }
    : fromHash(location.hash);

class Navigation {
  current = $state<ScreenId>(initial.screen);
  /** The case open on 問い合わせ; null shows the queue. */
  caseId = $state<number | null>(initial.caseId);

  go(screen: ScreenId): void {
    this.current = screen;
    this.caseId = null;
    this.write();
  }

  openCase(caseId: number): void {
    this.current = "inquiries";
    this.caseId = caseId;
    this.write();
  }

  /** Follow manual hash edits (back/forward is not used: replaceState keeps history flat). */
  syncFromHash(): void {
    const route = fromHash(location.hash);
    this.current = route.screen;
    this.caseId = route.caseId;
  }

  private write(): void {
    const hash = toHash({ screen: this.current, caseId: this.caseId });
    if (typeof history !== "undefined" && location.hash !== hash) {
      history.replaceState(null, "", hash);
    }
  }
}

export const navigation = new Navigation();
