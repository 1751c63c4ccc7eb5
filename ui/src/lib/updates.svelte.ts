// The app-update state shared by the update banner (App layout) and the manual check on 設定:
// what the last check found, and the progress of an install started from the banner.
// The Rust side does the checking, signature verification and installing; this only asks
// and polls. A check at start-up that fails stays quiet (an offline desk should not nag);
// a check the operator asked for shows its error.
import type { DeskError } from "../bindings/DeskError";
import type { UpdateInfo } from "../bindings/UpdateInfo";
import type { UpdateProgress } from "../bindings/UpdateProgress";
import type { Commands } from "../bindings/commands";
import { toDeskError } from "./deskError";

/** How often the banner asks for progress while an install runs. */
export const PROGRESS_POLL_MS = 250;

type UpdateCommands = Pick<Commands, "checkUpdate" | "installUpdate" | "updateProgress">;

class Updates {
  /** The newer release the server offers, or null (up to date / not checked yet). */
  info = $state<UpdateInfo | null>(null);
  checking = $state(false);
  /** The last check completed and found nothing newer. */
  upToDate = $state(false);
  /** Why the last manual check failed. */
  checkError = $state<DeskError | null>(null);
  installing = $state(false);
  progress = $state<UpdateProgress | null>(null);
  /** Why the last install failed (signature, network, …), in Japanese. */
  installError = $state<DeskError | null>(null);
  /** The operator chose "later" for this version. */
  dismissed = $state<string | null>(null);

  /** Ask the server; `manual` checks report their failure, automatic ones stay quiet. */
  async check(commands: UpdateCommands, manual: boolean): Promise<void> {
    if (this.checking || this.installing) return;
    this.checking = true;
    this.checkError = null;
    try {
      this.info = await commands.checkUpdate();
      this.upToDate = this.info === null;
      if (manual) this.dismissed = null;
    } catch (reason) {
      if (manual) this.checkError = toDeskError(reason);
    } finally {
      this.checking = false;
    }
  }

  /**
   * Download, verify, install and restart. The command only returns when it failed (on
   * success the app restarts); meanwhile the progress is polled.
   */
  async install(commands: UpdateCommands): Promise<void> {
    if (this.installing) return;
    this.installing = true;
    this.installError = null;
    const poll = async () => {
      try {
        this.progress = await commands.updateProgress();
      } catch {
        // A missed poll only delays the bar; the install's own answer reports failures.
      }
    };
    const timer = setInterval(() => void poll(), PROGRESS_POLL_MS);
    const running = commands.installUpdate();
    void poll();
    try {
      await running;
    } catch (reason) {
      this.installError = toDeskError(reason);
    } finally {
      clearInterval(timer);
      await poll();
      this.installing = false;
    }
  }

  dismiss(): void {
    this.dismissed = this.info?.version ?? null;
  }

  /** Back to the start-up state (tests). */
  reset(): void {
    this.info = null;
    this.checking = false;
    this.upToDate = false;
    this.checkError = null;
    this.installing = false;
    this.progress = null;
    this.installError = null;
    this.dismissed = null;
  }
}

export const updates = new Updates();
