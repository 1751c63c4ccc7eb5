//! The command table: every IPC command the UI can call, declared exactly once.
//!
//! From this table the TypeScript side (`ui/src/bindings/commands.ts`) is generated, and
//! the shell's registration is checked against [`COMMAND_NAMES`] by a test, so the three
//! places a command appears (Rust fn, Tauri registration, TS wrapper) cannot drift.
//!
//! To add a command: add a line here, implement the use-case, add a one-line adapter in
//! `src-tauri/src/commands.rs`, then `cargo xtask bindings` (see ARCHITECTURE.md).
use crate::app_info::AppInfo;
use crate::roster_views::*;
use crate::updates::{UpdateInfo, UpdateProgress};
use crate::views::*;
use kencom_api::operator::{
    AuditPage, AuditQueryParams, AuditVerification, InsurerView, MemberDetail, MemberPage,
    MemberSearchQuery, PendingPostcard, PrintRunView,
};
use kencom_api::roster::{RosterDiffKind, RosterDiffView, RosterSyncView};
use ts_rs::{Config, ExportError, TS};

/// One command as the TypeScript generator sees it.
#[derive(Debug, Clone)]
pub struct CommandSpec {
    /// The Rust / IPC name (snake_case).
    pub name: &'static str,
    /// The doc comment, copied to the TS wrapper.
    pub doc: &'static str,
    /// Argument names (snake_case) and their TS types.
    pub args: Vec<(&'static str, String)>,
    /// The TS type of the success value.
    pub returns: String,
    /// Named TS types the wrapper needs to import.
    pub imports: Vec<String>,
}

fn import_of<T: TS + ?Sized + 'static>(cfg: &Config, out: &mut Vec<String>) {
    if T::output_path().is_some() {
        out.push(T::name(cfg));
    } else {
        // Option<Named>, Vec<Named>: import the named type inside (ts-rs reports it as a
        // generic argument, not as a dependency).
        let mut named = Named {
            cfg,
            found: Vec::new(),
        };
        T::visit_generics(&mut named);
        out.extend(named.found.into_iter().map(|(name, _)| name));
    }
}

/// Writes one named type (and its dependencies) into the config's directory.
type Exporter = fn(&Config) -> Result<(), ExportError>;

/// Collects the named (exportable) types a visitor is shown, with their exporters.
struct Named<'a> {
    cfg: &'a Config,
    found: Vec<(String, Exporter)>,
}

impl ts_rs::TypeVisitor for Named<'_> {
    fn visit<T: TS + 'static + ?Sized>(&mut self) {
        if T::output_path().is_some() {
            self.found.push((T::name(self.cfg), T::export_all));
        }
    }
}

fn export_if_named<T: TS + ?Sized + 'static>(cfg: &Config) -> Result<(), ExportError> {
    if T::output_path().is_some() {
        T::export_all(cfg)?;
    } else {
        // Option<Named>, Vec<Named>: export the named type inside, as import_of imports it.
        let mut named = Named {
            cfg,
            found: Vec::new(),
        };
        T::visit_generics(&mut named);
        for (_, export) in named.found {
            export(cfg)?;
        }
    }
    Ok(())
}

macro_rules! desk_commands {
    ($( $(#[doc = $doc:literal])* fn $name:ident ( $($arg:ident : $argty:ty),* ) -> $ret:ty ;)*) => {
        /// The names of every command, in declaration order. The shell's registration
        /// must equal this list (tested in src-tauri).
        pub const COMMAND_NAMES: &[&str] = &[$(stringify!($name)),*];

        /// Every command with its TS signature.
        pub fn command_specs(cfg: &Config) -> Vec<CommandSpec> {
            vec![$({
                let mut imports = Vec::new();
                $(import_of::<$argty>(cfg, &mut imports);)*
                import_of::<$ret>(cfg, &mut imports);
                CommandSpec {
                    name: stringify!($name),
                    doc: concat!($($doc),*),
                    args: vec![$((stringify!($arg), <$argty as TS>::name(cfg))),*],
                    returns: <$ret as TS>::name(cfg),
                    imports,
                }
            }),*]
        }

        /// Export every type the commands use (and their dependencies) into `cfg`'s dir.
        pub fn export_command_types(cfg: &Config) -> Result<(), ExportError> {
            $( $(export_if_named::<$argty>(cfg)?;)* export_if_named::<$ret>(cfg)?; )*
            Ok(())
        }
    };
}

desk_commands! {
    /// Installation facts for 設定: version, data directory, keychain, central URL.
    fn app_info() -> AppInfo;
    /// Open the log folder in the system's file manager.
    fn open_log_dir() -> ();
    /// The current session; at start-up, resumes a stored one from the keychain.
    fn session() -> SessionView;
    /// Sign in with operator ID, password and TOTP.
    fn sign_in(input: SignInInput) -> SessionView;
    /// Sign out: revoke, forget the tokens, wipe the local cache.
    fn sign_out() -> ();
    /// Status bar: operator, reachability, waiting and rejected actions.
    fn desk_status() -> DeskStatus;
    /// A page of the inquiry queue (status: new / claimed / closed / all).
    fn inquiries(status: Option<String>, page: i64) -> QueuePage;
    /// Claim an inquiry; returns the new case id.
    fn claim_inquiry(inquiry_id: i64) -> i64;
    /// Everything the case screen shows.
    fn open_case(case_id: i64) -> CaseDetail;
    /// The operator's open cases from the local cache.
    fn cached_cases() -> CaseList;
    /// Attach the member the case is about.
    fn link_member(case_id: i64, member_id: i64) -> ActionOutcome;
    /// Record an identity verification.
    fn record_verification(case_id: i64, input: VerificationInput) -> ActionOutcome;
    /// Reissue the checkup code (needs a passed verification).
    fn reissue_code(case_id: i64) -> ActionOutcome;
    /// Resend the activation mail (needs a passed verification).
    fn resend_activation(case_id: i64) -> ActionOutcome;
    /// Unlock the member's login (needs a passed verification).
    fn unlock_login(case_id: i64) -> ActionOutcome;
    /// Reveal the login e-mail (needs a passed verification; audited).
    fn reveal_email(case_id: i64) -> String;
    /// Add an internal note.
    fn add_note(case_id: i64, body: String) -> ActionOutcome;
    /// Close a case with a resolution category.
    fn close_case(case_id: i64, resolution: String) -> ActionOutcome;
    /// Send a rejected action again.
    fn retry_action(seq: i64) -> ();
    /// Drop a rejected action.
    fn discard_action(seq: i64) -> ();
    /// Preview a desk-printed reissue postcard (both sides as SVG).
    fn postcard_preview(case_id: i64, reissue_id: i64) -> PostcardPreview;
    /// Save the postcard PDF where the operator chose.
    fn save_postcard(case_id: i64, reissue_id: i64, path: String) -> SavedPostcard;
    /// The system's save dialog for a postcard PDF (None when cancelled).
    fn choose_postcard_path(suggested: String) -> Option<String>;
    /// Open a saved postcard in the system PDF viewer.
    fn open_postcard(path: String) -> ();
    /// Report the postcard printed; optionally delete the saved file.
    fn finish_postcard(case_id: i64, reissue_id: i64, path: Option<String>, delete_file: bool) -> ActionOutcome;
    /// Delete a PDF this app saved (postcard or print run).
    fn delete_saved_file(path: String) -> ();
    /// はがき印刷: waiting postcards and runs of the admin's union.
    fn print_overview() -> PrintOverview;
    /// Create a print run over every waiting postcard.
    fn create_print_run() -> PrintRunView;
    /// Save a run's PDF (sorted by postal code) where the admin chose.
    fn save_print_run(run_id: i64, path: String) -> SavedRun;
    /// Mark a run printed or mailed.
    fn mark_print_run(run_id: i64, state: String) -> PrintRunView;
    /// Reprint one card with a new code (the old one is revoked).
    fn reprint_postcard(run_id: i64, postcard_id: i64) -> PendingPostcard;
    /// 組合設定: the unions the operator may manage.
    fn insurers() -> Vec<InsurerView>;
    /// Schedule a maintenance window (JST).
    fn add_maintenance(insurer_id: i64, input: MaintenanceInput) -> InsurerView;
    /// Remove a maintenance window.
    fn delete_maintenance(insurer_id: i64, window_id: i64) -> InsurerView;
    /// Whitelist an IP address or CIDR network.
    fn add_whitelist(insurer_id: i64, ip: String) -> InsurerView;
    /// Remove a whitelist entry.
    fn delete_whitelist(insurer_id: i64, entry_id: i64) -> InsurerView;
    /// Where reissue postcards are printed (desk or print runs).
    fn set_postcard_printing(insurer_id: i64, desk_prints: bool) -> InsurerView;
    /// 監査ログ: a page of the audit log (supervisors).
    fn audit_page(query: AuditQueryParams) -> AuditPage;
    /// Verify the audit log's hash chain.
    fn verify_audit() -> AuditVerification;
    /// 名簿連携: encoding, header, preview and the insurer's saved (or the standard) options.
    fn inspect_roster(path: String, options: Option<RosterOptions>, insurer_id: Option<i64>) -> RosterInspection;
    /// Read and validate the whole roster (progress via roster_progress); keeps the rows for the upload.
    fn validate_roster(path: String, options: RosterOptions, insurer_id: Option<i64>) -> RosterValidation;
    /// Progress of validate_roster / upload_roster, polled by the 名簿連携 screen.
    fn roster_progress() -> RosterProgress;
    /// Save the error report in the roster's own encoding.
    fn save_roster_report(path: String, include_warnings: bool) -> SavedRosterReport;
    /// Upload the validated rows in resumable chunks (full: absent members lose qualification).
    fn upload_roster(full: bool) -> RosterUploadOutcome;
    /// Counts and one page of an upload's diff against the central roster.
    fn roster_diff(upload_id: i64, kind: Option<RosterDiffKind>, offset: i64) -> RosterDiffView;
    /// Apply a complete upload (once).
    fn apply_roster(upload_id: i64) -> RosterSyncView;
    /// 連携状況: insurers in scope, one insurer's status and sync history.
    fn sync_overview(insurer_id: Option<i64>) -> SyncOverview;
    /// The system's open dialog for a roster file (None when cancelled).
    fn choose_roster_file(current: String) -> Option<String>;
    /// The system's save dialog for the error report (None when cancelled).
    fn choose_report_path(suggested: String) -> Option<String>;
    /// Search members (masked, paginated).
    fn search_members(query: MemberSearchQuery) -> MemberPage;
    /// A member with timeline (audited).
    fn member_detail(member_id: i64) -> MemberDetail;
    /// The UI's first frame is on screen (the cold-start benchmark listens for it).
    fn first_paint() -> ();
    /// Ask the update server for a newer release (null when up to date).
    fn check_update() -> Option<UpdateInfo>;
    /// Download, verify and install the release found by check_update, then restart.
    fn install_update() -> ();
    /// Progress of install_update, polled by the update banner.
    fn update_progress() -> UpdateProgress;
}
