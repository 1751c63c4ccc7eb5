// Generated from crates/desk/src/commands.rs by `cargo xtask bindings`. Do not edit.
import type { ActionOutcome } from "./ActionOutcome";
import type { AppInfo } from "./AppInfo";
import type { AuditPage } from "./AuditPage";
import type { AuditQueryParams } from "./AuditQueryParams";
import type { AuditVerification } from "./AuditVerification";
import type { CaseDetail } from "./CaseDetail";
import type { CaseList } from "./CaseList";
import type { DeskStatus } from "./DeskStatus";
import type { InsurerView } from "./InsurerView";
import type { MaintenanceInput } from "./MaintenanceInput";
import type { MemberDetail } from "./MemberDetail";
import type { MemberPage } from "./MemberPage";
import type { MemberSearchQuery } from "./MemberSearchQuery";
import type { PendingPostcard } from "./PendingPostcard";
import type { PostcardPreview } from "./PostcardPreview";
import type { PrintOverview } from "./PrintOverview";
import type { PrintRunView } from "./PrintRunView";
import type { QueuePage } from "./QueuePage";
import type { RosterDiffKind } from "./RosterDiffKind";
import type { RosterDiffView } from "./RosterDiffView";
import type { RosterInspection } from "./RosterInspection";
import type { RosterOptions } from "./RosterOptions";
import type { RosterProgress } from "./RosterProgress";
import type { RosterSyncView } from "./RosterSyncView";
import type { RosterUploadOutcome } from "./RosterUploadOutcome";
import type { RosterValidation } from "./RosterValidation";
import type { SavedPostcard } from "./SavedPostcard";
import type { SavedRosterReport } from "./SavedRosterReport";
import type { SavedRun } from "./SavedRun";
import type { SessionView } from "./SessionView";
import type { SignInInput } from "./SignInInput";
import type { SyncOverview } from "./SyncOverview";
import type { UpdateInfo } from "./UpdateInfo";
import type { UpdateProgress } from "./UpdateProgress";
import type { VerificationInput } from "./VerificationInput";

/** How the platform layer calls a command; it rejects with a DeskError. */
export type Invoke = <T>(command: string, args: Record<string, unknown>) => Promise<T>;

/** Typed wrappers for every command of the desk. */
export function makeCommands(invoke: Invoke) {
  return {
    /** Installation facts for 設定: version, data directory, keychain, central URL. */
    appInfo: (): Promise<AppInfo> => invoke<AppInfo>("app_info", {}),
    /** Open the log folder in the system's file manager. */
    openLogDir: (): Promise<null> => invoke<null>("open_log_dir", {}),
    /** The current session; at start-up, resumes a stored one from the keychain. */
    session: (): Promise<SessionView> => invoke<SessionView>("session", {}),
    /** Sign in with operator ID, password and TOTP. */
    signIn: (input: SignInInput): Promise<SessionView> => invoke<SessionView>("sign_in", { input }),
    /** Sign out: revoke, forget the tokens, wipe the local cache. */
    signOut: (): Promise<null> => invoke<null>("sign_out", {}),
    /** Status bar: operator, reachability, waiting and rejected actions. */
    deskStatus: (): Promise<DeskStatus> => invoke<DeskStatus>("desk_status", {}),
    /** A page of the inquiry queue (status: new / claimed / closed / all). */
    inquiries: (status: string | null, page: number): Promise<QueuePage> => invoke<QueuePage>("inquiries", { status, page }),
    /** Claim an inquiry; returns the new case id. */
    claimInquiry: (inquiryId: number): Promise<number> => invoke<number>("claim_inquiry", { inquiryId }),
    /** Everything the case screen shows. */
    openCase: (caseId: number): Promise<CaseDetail> => invoke<CaseDetail>("open_case", { caseId }),
    /** The operator's open cases from the local cache. */
    cachedCases: (): Promise<CaseList> => invoke<CaseList>("cached_cases", {}),
    /** Attach the member the case is about. */
    linkMember: (caseId: number, memberId: number): Promise<ActionOutcome> => invoke<ActionOutcome>("link_member", { caseId, memberId }),
    /** Record an identity verification. */
    recordVerification: (caseId: number, input: VerificationInput): Promise<ActionOutcome> => invoke<ActionOutcome>("record_verification", { caseId, input }),
    /** Reissue the checkup code (needs a passed verification). */
    reissueCode: (caseId: number): Promise<ActionOutcome> => invoke<ActionOutcome>("reissue_code", { caseId }),
    /** Resend the activation mail (needs a passed verification). */
    resendActivation: (caseId: number): Promise<ActionOutcome> => invoke<ActionOutcome>("resend_activation", { caseId }),
    /** Unlock the member's login (needs a passed verification). */
    unlockLogin: (caseId: number): Promise<ActionOutcome> => invoke<ActionOutcome>("unlock_login", { caseId }),
    /** Reveal the login e-mail (needs a passed verification; audited). */
    revealEmail: (caseId: number): Promise<string> => invoke<string>("reveal_email", { caseId }),
    /** Add an internal note. */
    addNote: (caseId: number, body: string): Promise<ActionOutcome> => invoke<ActionOutcome>("add_note", { caseId, body }),
    /** Close a case with a resolution category. */
    closeCase: (caseId: number, resolution: string): Promise<ActionOutcome> => invoke<ActionOutcome>("close_case", { caseId, resolution }),
    /** Send a rejected action again. */
    retryAction: (seq: number): Promise<null> => invoke<null>("retry_action", { seq }),
    /** Drop a rejected action. */
    discardAction: (seq: number): Promise<null> => invoke<null>("discard_action", { seq }),
    /** Preview a desk-printed reissue postcard (both sides as SVG). */
    postcardPreview: (caseId: number, reissueId: number): Promise<PostcardPreview> => invoke<PostcardPreview>("postcard_preview", { caseId, reissueId }),
    /** Save the postcard PDF where the operator chose. */
    savePostcard: (caseId: number, reissueId: number, path: string): Promise<SavedPostcard> => invoke<SavedPostcard>("save_postcard", { caseId, reissueId, path }),
    /** The system's save dialog for a postcard PDF (None when cancelled). */
    choosePostcardPath: (suggested: string): Promise<string | null> => invoke<string | null>("choose_postcard_path", { suggested }),
    /** Open a saved postcard in the system PDF viewer. */
    openPostcard: (path: string): Promise<null> => invoke<null>("open_postcard", { path }),
    /** Report the postcard printed; optionally delete the saved file. */
    finishPostcard: (caseId: number, reissueId: number, path: string | null, deleteFile: boolean): Promise<ActionOutcome> => invoke<ActionOutcome>("finish_postcard", { caseId, reissueId, path, deleteFile }),
    /** Delete a PDF this app saved (postcard or print run). */
    deleteSavedFile: (path: string): Promise<null> => invoke<null>("delete_saved_file", { path }),
    /** はがき印刷: waiting postcards and runs of the admin's union. */
    printOverview: (): Promise<PrintOverview> => invoke<PrintOverview>("print_overview", {}),
    /** Create a print run over every waiting postcard. */
    createPrintRun: (): Promise<PrintRunView> => invoke<PrintRunView>("create_print_run", {}),
    /** Save a run's PDF (sorted by postal code) where the admin chose. */
    savePrintRun: (runId: number, path: string): Promise<SavedRun> => invoke<SavedRun>("save_print_run", { runId, path }),
    /** Mark a run printed or mailed. */
    markPrintRun: (runId: number, state: string): Promise<PrintRunView> => invoke<PrintRunView>("mark_print_run", { runId, state }),
    /** Reprint one card with a new code (the old one is revoked). */
    reprintPostcard: (runId: number, postcardId: number): Promise<PendingPostcard> => invoke<PendingPostcard>("reprint_postcard", { runId, postcardId }),
    /** 組合設定: the unions the operator may manage. */
    insurers: (): Promise<Array<InsurerView>> => invoke<Array<InsurerView>>("insurers", {}),
    /** Schedule a maintenance window (JST). */
    addMaintenance: (insurerId: number, input: MaintenanceInput): Promise<InsurerView> => invoke<InsurerView>("add_maintenance", { insurerId, input }),
    /** Remove a maintenance window. */
    deleteMaintenance: (insurerId: number, windowId: number): Promise<InsurerView> => invoke<InsurerView>("delete_maintenance", { insurerId, windowId }),
    /** Whitelist an IP address or CIDR network. */
    addWhitelist: (insurerId: number, ip: string): Promise<InsurerView> => invoke<InsurerView>("add_whitelist", { insurerId, ip }),
    /** Remove a whitelist entry. */
    deleteWhitelist: (insurerId: number, entryId: number): Promise<InsurerView> => invoke<InsurerView>("delete_whitelist", { insurerId, entryId }),
    /** Where reissue postcards are printed (desk or print runs). */
    setPostcardPrinting: (insurerId: number, deskPrints: boolean): Promise<InsurerView> => invoke<InsurerView>("set_postcard_printing", { insurerId, deskPrints }),
    /** 監査ログ: a page of the audit log (supervisors). */
    auditPage: (query: AuditQueryParams): Promise<AuditPage> => invoke<AuditPage>("audit_page", { query }),
    /** Verify the audit log's hash chain. */
    verifyAudit: (): Promise<AuditVerification> => invoke<AuditVerification>("verify_audit", {}),
    /** 名簿連携: encoding, header, preview and the insurer's saved (or the standard) options. */
    inspectRoster: (path: string, options: RosterOptions | null, insurerId: number | null): Promise<RosterInspection> => invoke<RosterInspection>("inspect_roster", { path, options, insurerId }),
    /** Read and validate the whole roster (progress via roster_progress); keeps the rows for the upload. */
    validateRoster: (path: string, options: RosterOptions, insurerId: number | null): Promise<RosterValidation> => invoke<RosterValidation>("validate_roster", { path, options, insurerId }),
    /** Progress of validate_roster / upload_roster, polled by the 名簿連携 screen. */
    rosterProgress: (): Promise<RosterProgress> => invoke<RosterProgress>("roster_progress", {}),
    /** Save the error report in the roster's own encoding. */
    saveRosterReport: (path: string, includeWarnings: boolean): Promise<SavedRosterReport> => invoke<SavedRosterReport>("save_roster_report", { path, includeWarnings }),
    /** Upload the validated rows in resumable chunks (full: absent members lose qualification). */
    uploadRoster: (full: boolean): Promise<RosterUploadOutcome> => invoke<RosterUploadOutcome>("upload_roster", { full }),
    /** Counts and one page of an upload's diff against the central roster. */
    rosterDiff: (uploadId: number, kind: RosterDiffKind | null, offset: number): Promise<RosterDiffView> => invoke<RosterDiffView>("roster_diff", { uploadId, kind, offset }),
    /** Apply a complete upload (once). */
    applyRoster: (uploadId: number): Promise<RosterSyncView> => invoke<RosterSyncView>("apply_roster", { uploadId }),
    /** 連携状況: insurers in scope, one insurer's status and sync history. */
    syncOverview: (insurerId: number | null): Promise<SyncOverview> => invoke<SyncOverview>("sync_overview", { insurerId }),
    /** The system's open dialog for a roster file (None when cancelled). */
    chooseRosterFile: (current: string): Promise<string | null> => invoke<string | null>("choose_roster_file", { current }),
    /** The system's save dialog for the error report (None when cancelled). */
    chooseReportPath: (suggested: string): Promise<string | null> => invoke<string | null>("choose_report_path", { suggested }),
    /** Search members (masked, paginated). */
    searchMembers: (query: MemberSearchQuery): Promise<MemberPage> => invoke<MemberPage>("search_members", { query }),
    /** A member with timeline (audited). */
    memberDetail: (memberId: number): Promise<MemberDetail> => invoke<MemberDetail>("member_detail", { memberId }),
    /** The UI's first frame is on screen (the cold-start benchmark listens for it). */
    firstPaint: (): Promise<null> => invoke<null>("first_paint", {}),
    /** Ask the update server for a newer release (null when up to date). */
    checkUpdate: (): Promise<UpdateInfo | null> => invoke<UpdateInfo | null>("check_update", {}),
    /** Download, verify and install the release found by check_update, then restart. */
    installUpdate: (): Promise<null> => invoke<null>("install_update", {}),
    /** Progress of install_update, polled by the update banner. */
    updateProgress: (): Promise<UpdateProgress> => invoke<UpdateProgress>("update_progress", {}),
  };
}

/** The typed command surface the UI uses. */
export type Commands = ReturnType<typeof makeCommands>;
