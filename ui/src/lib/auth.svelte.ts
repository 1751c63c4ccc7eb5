// Who is signed in, shared by the shell and every screen. One place decides "back to
// sign-in": a screen that gets UNAUTHORIZED from any command calls `deskFailure`, which
// forgets the operator, so the shell swaps every screen for the sign-in form.
import type { DeskError } from "../bindings/DeskError";
import type { OperatorInfo } from "../bindings/OperatorInfo";
import type { SessionView } from "../bindings/SessionView";
import { toDeskError } from "./deskError";

class Auth {
  /** null until `session()` answered at start-up. */
  checked = $state(false);
  operator = $state<OperatorInfo | null>(null);
  centralUrl = $state<string | null>(null);
  /** Why the operator is (back) on the sign-in form, in Japanese. */
  notice = $state<string | null>(null);

  apply(view: SessionView): void {
    this.checked = true;
    this.operator = view.operator;
    if (view.centralUrl) this.centralUrl = view.centralUrl;
    this.notice = view.notice;
  }

  /** The session ended (expired, revoked, signed out). */
  expire(notice: string | null): void {
    this.operator = null;
    this.notice = notice;
  }

  /** Tests start from a clean slate. */
  reset(): void {
    this.checked = false;
    this.operator = null;
    this.centralUrl = null;
    this.notice = null;
  }
}

export const auth = new Auth();

/** Normalise a rejection; UNAUTHORIZED also ends the session (the shell shows sign-in). */
export function deskFailure(reason: unknown): DeskError {
  const error = toDeskError(reason);
  if (error.code === "UNAUTHORIZED") auth.expire(error.message);
  return error;
}
