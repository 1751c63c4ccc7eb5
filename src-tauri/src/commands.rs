//! Thin adapters from Tauri commands to `kencom_desk_core` use-cases: unpack, call, map.
//! The list in [`handler`] must equal `kencom_desk_core::commands::COMMAND_NAMES`; the
//! test below keeps them in step (the TS side is generated from that table).
use crate::host::AppHost;
use kencom_api::operator::{
    AuditPage, AuditQueryParams, AuditVerification, InsurerView, MemberDetail, MemberPage,
    MemberSearchQuery, PendingPostcard, PrintRunView,
};
use kencom_api::roster::{RosterDiffKind, RosterDiffView, RosterSyncView};
use kencom_desk_core::roster_views::*;
use kencom_desk_core::updates::{UpdateInfo, UpdateProgress};
use kencom_desk_core::views::*;
use kencom_desk_core::{AppInfo, Desk, DeskError};
use std::sync::Arc;
use tauri::State;

type HostState<'a> = State<'a, Arc<AppHost>>;
type DeskState<'a> = State<'a, Arc<Desk>>;
type UpdatesState<'a> = State<'a, crate::updater::Updates>;
type R<T> = Result<T, DeskError>;

/// Run blocking core work (keychain D-Bus calls) off the UI thread.
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> R<T> + Send + 'static) -> R<T> {
    tauri::async_runtime::spawn_blocking(f).await.map_err(|_| {
        DeskError::internal("内部処理が中断されました。アプリを再起動してください。")
    })?
}

#[tauri::command]
async fn app_info(host: HostState<'_>) -> R<AppInfo> {
    let host = Arc::clone(&host);
    blocking(move || kencom_desk_core::app_info(host.as_ref())).await
}

#[tauri::command]
async fn open_log_dir(host: HostState<'_>) -> R<()> {
    let host = Arc::clone(&host);
    blocking(move || kencom_desk_core::app_info::open_log_dir(host.as_ref())).await
}

#[tauri::command]
async fn session(desk: DeskState<'_>) -> R<SessionView> {
    desk.session().await
}

#[tauri::command]
async fn sign_in(desk: DeskState<'_>, input: SignInInput) -> R<SessionView> {
    desk.sign_in(input).await
}

#[tauri::command]
async fn sign_out(desk: DeskState<'_>) -> R<()> {
    desk.sign_out().await
}

#[tauri::command]
async fn desk_status(desk: DeskState<'_>) -> R<DeskStatus> {
    desk.status().await
}

#[tauri::command]
async fn inquiries(desk: DeskState<'_>, status: Option<String>, page: i64) -> R<QueuePage> {
    desk.inquiries(status, page).await
}

#[tauri::command]
async fn claim_inquiry(desk: DeskState<'_>, inquiry_id: i64) -> R<i64> {
    desk.claim_inquiry(inquiry_id).await
}

#[tauri::command]
async fn open_case(desk: DeskState<'_>, case_id: i64) -> R<CaseDetail> {
    desk.open_case(case_id).await
}

#[tauri::command]
async fn cached_cases(desk: DeskState<'_>) -> R<CaseList> {
    Ok(CaseList {
        cases: desk.cached_cases()?,
    })
}

#[tauri::command]
async fn link_member(desk: DeskState<'_>, case_id: i64, member_id: i64) -> R<ActionOutcome> {
    desk.link_member(case_id, member_id).await
}

#[tauri::command]
async fn record_verification(
    desk: DeskState<'_>,
    case_id: i64,
    input: VerificationInput,
) -> R<ActionOutcome> {
    desk.record_verification(case_id, input).await
}

#[tauri::command]
async fn reissue_code(desk: DeskState<'_>, case_id: i64) -> R<ActionOutcome> {
    desk.reissue_code(case_id).await
}

#[tauri::command]
async fn resend_activation(desk: DeskState<'_>, case_id: i64) -> R<ActionOutcome> {
    desk.resend_activation(case_id).await
}

#[tauri::command]
async fn unlock_login(desk: DeskState<'_>, case_id: i64) -> R<ActionOutcome> {
    desk.unlock_login(case_id).await
}

#[tauri::command]
async fn reveal_email(desk: DeskState<'_>, case_id: i64) -> R<String> {
    desk.reveal_email(case_id).await
}

#[tauri::command]
async fn add_note(desk: DeskState<'_>, case_id: i64, body: String) -> R<ActionOutcome> {
    desk.add_note(case_id, body).await
}

#[tauri::command]
async fn close_case(desk: DeskState<'_>, case_id: i64, resolution: String) -> R<ActionOutcome> {
    desk.close_case(case_id, resolution).await
}

#[tauri::command]
async fn retry_action(desk: DeskState<'_>, seq: i64) -> R<()> {
    desk.retry_action(seq).await
}

#[tauri::command]
async fn discard_action(desk: DeskState<'_>, seq: i64) -> R<()> {
    desk.discard_action(seq)
}

#[tauri::command]
async fn postcard_preview(
    desk: DeskState<'_>,
    case_id: i64,
    reissue_id: i64,
) -> R<PostcardPreview> {
    desk.postcard_preview(case_id, reissue_id).await
}

#[tauri::command]
async fn save_postcard(
    desk: DeskState<'_>,
    case_id: i64,
    reissue_id: i64,
    path: String,
) -> R<SavedPostcard> {
    desk.save_postcard(case_id, reissue_id, path).await
}

#[tauri::command]
async fn choose_postcard_path(desk: DeskState<'_>, suggested: String) -> R<Option<String>> {
    let desk = Arc::clone(&desk);
    blocking(move || Ok(desk.choose_postcard_path(suggested))).await
}

#[tauri::command]
async fn open_postcard(desk: DeskState<'_>, path: String) -> R<()> {
    desk.open_postcard(path)
}

#[tauri::command]
async fn finish_postcard(
    desk: DeskState<'_>,
    case_id: i64,
    reissue_id: i64,
    path: Option<String>,
    delete_file: bool,
) -> R<ActionOutcome> {
    desk.finish_postcard(case_id, reissue_id, path, delete_file)
        .await
}

#[tauri::command]
async fn delete_saved_file(desk: DeskState<'_>, path: String) -> R<()> {
    desk.delete_saved_file(path)
}

#[tauri::command]
async fn print_overview(desk: DeskState<'_>) -> R<PrintOverview> {
    desk.print_overview().await
}

#[tauri::command]
async fn create_print_run(desk: DeskState<'_>) -> R<PrintRunView> {
    desk.create_print_run().await
}

#[tauri::command]
async fn save_print_run(desk: DeskState<'_>, run_id: i64, path: String) -> R<SavedRun> {
    desk.save_print_run(run_id, path).await
}

#[tauri::command]
async fn mark_print_run(desk: DeskState<'_>, run_id: i64, state: String) -> R<PrintRunView> {
    desk.mark_print_run(run_id, state).await
}

#[tauri::command]
async fn reprint_postcard(
    desk: DeskState<'_>,
    run_id: i64,
    postcard_id: i64,
) -> R<PendingPostcard> {
    desk.reprint_postcard(run_id, postcard_id).await
}

#[tauri::command]
async fn insurers(desk: DeskState<'_>) -> R<Vec<InsurerView>> {
    desk.insurers().await
}

#[tauri::command]
async fn add_maintenance(
    desk: DeskState<'_>,
    insurer_id: i64,
    input: MaintenanceInput,
) -> R<InsurerView> {
    desk.add_maintenance(insurer_id, input).await
}

#[tauri::command]
async fn delete_maintenance(
    desk: DeskState<'_>,
    insurer_id: i64,
    window_id: i64,
) -> R<InsurerView> {
    desk.delete_maintenance(insurer_id, window_id).await
}

#[tauri::command]
async fn add_whitelist(desk: DeskState<'_>, insurer_id: i64, ip: String) -> R<InsurerView> {
    desk.add_whitelist(insurer_id, ip).await
}

#[tauri::command]
async fn delete_whitelist(desk: DeskState<'_>, insurer_id: i64, entry_id: i64) -> R<InsurerView> {
    desk.delete_whitelist(insurer_id, entry_id).await
}

#[tauri::command]
async fn set_postcard_printing(
    desk: DeskState<'_>,
    insurer_id: i64,
    desk_prints: bool,
) -> R<InsurerView> {
    desk.set_postcard_printing(insurer_id, desk_prints).await
}

#[tauri::command]
async fn audit_page(desk: DeskState<'_>, query: AuditQueryParams) -> R<AuditPage> {
    desk.audit_page(query).await
}

#[tauri::command]
async fn verify_audit(desk: DeskState<'_>) -> R<AuditVerification> {
    desk.verify_audit().await
}

#[tauri::command]
async fn inspect_roster(
    desk: DeskState<'_>,
    path: String,
    options: Option<RosterOptions>,
    insurer_id: Option<i64>,
) -> R<RosterInspection> {
    let desk = Arc::clone(&desk);
    blocking(move || desk.inspect_roster(path, options, insurer_id)).await
}

#[tauri::command]
async fn validate_roster(
    desk: DeskState<'_>,
    path: String,
    options: RosterOptions,
    insurer_id: Option<i64>,
) -> R<RosterValidation> {
    let desk = Arc::clone(&desk);
    blocking(move || desk.validate_roster(path, options, insurer_id)).await
}

#[tauri::command]
async fn roster_progress(desk: DeskState<'_>) -> R<RosterProgress> {
    Ok(desk.roster_progress())
}

#[tauri::command]
async fn save_roster_report(
    desk: DeskState<'_>,
    path: String,
    include_warnings: bool,
) -> R<SavedRosterReport> {
    let desk = Arc::clone(&desk);
    blocking(move || desk.save_roster_report(path, include_warnings)).await
}

#[tauri::command]
async fn upload_roster(desk: DeskState<'_>, full: bool) -> R<RosterUploadOutcome> {
    desk.upload_roster(full).await
}

#[tauri::command]
async fn roster_diff(
    desk: DeskState<'_>,
    upload_id: i64,
    kind: Option<RosterDiffKind>,
    offset: i64,
) -> R<RosterDiffView> {
    desk.roster_diff(upload_id, kind, offset).await
}

#[tauri::command]
async fn apply_roster(desk: DeskState<'_>, upload_id: i64) -> R<RosterSyncView> {
    desk.apply_roster(upload_id).await
}

#[tauri::command]
async fn sync_overview(desk: DeskState<'_>, insurer_id: Option<i64>) -> R<SyncOverview> {
    desk.sync_overview(insurer_id).await
}

#[tauri::command]
async fn choose_roster_file(desk: DeskState<'_>, current: String) -> R<Option<String>> {
    let desk = Arc::clone(&desk);
    blocking(move || Ok(desk.choose_roster_file(current))).await
}

#[tauri::command]
async fn choose_report_path(desk: DeskState<'_>, suggested: String) -> R<Option<String>> {
    let desk = Arc::clone(&desk);
    blocking(move || Ok(desk.choose_report_path(suggested))).await
}

#[tauri::command]
async fn search_members(desk: DeskState<'_>, query: MemberSearchQuery) -> R<MemberPage> {
    desk.search_members(query).await
}

#[tauri::command]
async fn member_detail(desk: DeskState<'_>, member_id: i64) -> R<MemberDetail> {
    desk.member_detail(member_id).await
}

/// With `KENCOM_BENCH_FIRST_PAINT=1` the cold-start benchmark waits for this line and the
/// app exits; otherwise it only notes the moment in the log.
#[tauri::command]
async fn first_paint(app: tauri::AppHandle) -> R<()> {
    if std::env::var("KENCOM_BENCH_FIRST_PAINT").as_deref() == Ok("1") {
        println!("first-paint");
        app.exit(0);
    } else {
        tracing::debug!("first paint");
    }
    Ok(())
}

#[tauri::command]
async fn check_update(
    app: tauri::AppHandle,
    host: HostState<'_>,
    updates: UpdatesState<'_>,
) -> R<Option<UpdateInfo>> {
    let endpoint = kencom_desk_core::updates::update_endpoint(host.as_ref())?;
    crate::updater::check(&app, &endpoint, &updates).await
}

#[tauri::command]
async fn install_update(app: tauri::AppHandle, updates: UpdatesState<'_>) -> R<()> {
    crate::updater::install_and_restart(&app, &updates).await
}

#[tauri::command]
async fn update_progress(updates: UpdatesState<'_>) -> R<UpdateProgress> {
    Ok(updates.tracker.snapshot())
}

macro_rules! registered {
    ($($name:ident),* $(,)?) => {
        /// The names registered with Tauri, for the drift test.
        #[cfg(test)]
        const REGISTERED: &[&str] = &[$(stringify!($name)),*];
        /// The invoke handler with every desk command.
        pub fn handler() -> impl Fn(tauri::ipc::Invoke) -> bool + Send + Sync + 'static {
            tauri::generate_handler![$($name),*]
        }
    };
}

registered![
    app_info,
    open_log_dir,
    session,
    sign_in,
    sign_out,
    desk_status,
    inquiries,
    claim_inquiry,
    open_case,
    cached_cases,
    link_member,
    record_verification,
    reissue_code,
    resend_activation,
    unlock_login,
    reveal_email,
    add_note,
    close_case,
    retry_action,
    discard_action,
    postcard_preview,
    save_postcard,
    choose_postcard_path,
    open_postcard,
    finish_postcard,
    delete_saved_file,
    print_overview,
    create_print_run,
    save_print_run,
    mark_print_run,
    reprint_postcard,
    insurers,
    add_maintenance,
    delete_maintenance,
    add_whitelist,
    delete_whitelist,
    set_postcard_printing,
    audit_page,
    verify_audit,
    inspect_roster,
    validate_roster,
    roster_progress,
    save_roster_report,
    upload_roster,
    roster_diff,
    apply_roster,
    sync_overview,
    choose_roster_file,
    choose_report_path,
    search_members,
    member_detail,
    first_paint,
    check_update,
    install_update,
    update_progress,
];

#[cfg(test)]
mod tests {
    #[test]
    fn registration_matches_the_command_table() {
        assert_eq!(
            super::REGISTERED,
            kencom_desk_core::commands::COMMAND_NAMES,
            "every command in crates/desk/src/commands.rs needs an adapter here, and no other"
        );
    }
}
