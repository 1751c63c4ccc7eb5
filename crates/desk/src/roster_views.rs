//! IPC types of 名簿連携 (roster upload): the file's inspection, the reading options the
//! admin confirms (a TypeScript-friendly mirror of `kencom_roster::ParseOptions`, which the
//! desk saves per insurer), the validation result with its rejected rows, and the progress
//! the screen polls. The diff, sync entries and sync status are the API's own types.
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// CSV or fixed width.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum RosterFileKind {
    /// Comma-separated values.
    Csv,
    /// Fixed-width records with a saved byte layout.
    FixedWidth,
}

/// A file encoding the admin may force.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum RosterCharset {
    /// UTF-8 (with or without BOM).
    Utf8,
    /// Shift_JIS as Windows writes it (CP932).
    ShiftJis,
}

/// One mapped CSV column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RosterColumn {
    /// 0-based column index.
    pub column: i64,
    /// Field id (`kana_name`, `birth_date`, …; see [`RosterFieldInfo`]).
    pub field: String,
}

/// One field of a fixed-width layout.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RosterFixedField {
    /// Field id.
    pub field: String,
    /// 0-based byte offset in the record.
    pub start: i64,
    /// Length in bytes.
    pub len: i64,
}

/// How to read an insurer's roster files; saved per insurer once a file validates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RosterOptions {
    /// CSV or fixed width.
    pub kind: RosterFileKind,
    /// Forced encoding; null = detect (BOM, valid UTF-8, else Shift_JIS).
    pub encoding: Option<RosterCharset>,
    /// The digit of each era in 7-digit dates, in the order 明治, 大正, 昭和, 平成, 令和
    /// (`[1,2,3,4,5]` standard, `[1,3,5,7,9]` for some legacy systems).
    pub era_codes: Vec<i64>,
    /// CSV: the first record is a header row.
    pub has_header: bool,
    /// CSV: column → field.
    pub columns: Vec<RosterColumn>,
    /// Fixed width: record length in bytes without separators (null = one record per line).
    pub record_length: Option<i64>,
    /// Fixed width: leading records to skip.
    pub skip_records: i64,
    /// Fixed width: the fields.
    pub fixed_fields: Vec<RosterFixedField>,
}

/// A roster field as the mapping form lists it.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RosterFieldInfo {
    /// Stable id.
    pub id: String,
    /// Japanese name (the standard layout's header).
    pub label: String,
    /// A row cannot be accepted without it.
    pub required: bool,
}

/// What the desk sees in a file before reading it whole.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RosterInspection {
    /// The path as checked.
    pub path: String,
    /// File name only (sent to the server as the upload's name).
    pub file_name: String,
    /// Size in bytes.
    pub size_bytes: i64,
    /// The encoding the first 64 KiB call for.
    pub detected_encoding: RosterCharset,
    /// The options to read it with: the insurer's saved ones, else the standard layout.
    pub options: RosterOptions,
    /// Whether `options` were saved for this insurer (false = the standard layout).
    pub saved: bool,
    /// The first record's cells (the header row of a CSV with one).
    pub header: Vec<String>,
    /// The next few records' cells, decoded with the options' encoding.
    pub preview: Vec<Vec<String>>,
    /// A mapping proposed from the header's names (null when the header names nothing).
    pub proposed_columns: Option<Vec<RosterColumn>>,
    /// Every field, for the mapping form.
    pub fields: Vec<RosterFieldInfo>,
}

/// One problem of a reported row.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RosterProblemView {
    /// Stable code (`ROSTER_…`).
    pub code: String,
    /// Japanese field name, when the problem belongs to a field.
    pub field: Option<String>,
    /// 1-based column (byte offset for fixed width).
    pub column: Option<i64>,
    /// `error` (row rejected) or `warning` (imported).
    pub severity: String,
    /// The reason in Japanese.
    pub message: String,
}

/// A row with at least one problem.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RosterRowReport {
    /// 1-based line number in the file.
    pub row: i64,
    /// Rejected (not uploaded) or only warned about.
    pub rejected: bool,
    /// The problems.
    pub problems: Vec<RosterProblemView>,
}

/// Reason code + Japanese label + count.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RosterReasonCount {
    /// Stable code.
    pub code: String,
    /// A Japanese example message of this kind.
    pub label: String,
    /// Problems of this kind.
    pub count: i64,
}

/// The result of reading and validating a whole file.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RosterValidation {
    /// File name.
    pub file_name: String,
    /// The encoding used (the report is written in it).
    pub encoding: RosterCharset,
    /// SHA-256 of the file's bytes: the same file resumes the same upload.
    pub content_hash: String,
    /// Records read (header excluded).
    pub records: i64,
    /// Rows that will be uploaded (warnings allowed).
    pub accepted: i64,
    /// Rows rejected.
    pub rejected: i64,
    /// Accepted rows with warnings.
    pub warned: i64,
    /// Problems by code.
    pub by_code: Vec<RosterReasonCount>,
    /// Reported rows in file order; at most [`REPORTED_ROWS_SHOWN`] (the saved report has all).
    pub rows: Vec<RosterRowReport>,
    /// Whether `rows` was cut short.
    pub rows_truncated: bool,
    /// The suggested path of the error report (next to the roster).
    pub suggested_report_path: String,
}

/// At most this many reported rows cross IPC; the saved report holds every one.
pub const REPORTED_ROWS_SHOWN: usize = 500;

/// The error report as saved.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SavedRosterReport {
    /// Where.
    pub path: String,
    /// Rows written.
    pub rows: i64,
    /// Encoding written (the roster's own).
    pub encoding: RosterCharset,
}

/// What the 名簿連携 wizard is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum RosterPhase {
    /// Nothing running.
    Idle,
    /// Reading and validating the file.
    Reading,
    /// Validated; rows held in memory for the upload.
    Validated,
    /// Sending chunks.
    Uploading,
    /// Every chunk is at the server.
    Uploaded,
    /// Applied; the rows were dropped from memory.
    Applied,
    /// Stopped with an error.
    Failed,
}

/// Progress the screen polls while reading or uploading.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RosterProgress {
    /// Current step.
    pub phase: RosterPhase,
    /// Bytes of the file read.
    pub bytes_read: i64,
    /// File size.
    pub total_bytes: i64,
    /// Records read so far.
    pub records: i64,
    /// Chunks at the server (received before or sent now).
    pub chunks_done: i64,
    /// Chunks in the upload.
    pub chunks_total: i64,
}

impl Default for RosterProgress {
    fn default() -> Self {
        Self {
            phase: RosterPhase::Idle,
            bytes_read: 0,
            total_bytes: 0,
            records: 0,
            chunks_done: 0,
            chunks_total: 0,
        }
    }
}

/// Where an upload stands after `roster_upload`.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RosterUploadOutcome {
    /// The server's upload.
    pub upload_id: i64,
    /// Chunks sent by this call.
    pub sent_chunks: i64,
    /// Chunks the server already had (a resumed upload).
    pub resumed_chunks: i64,
    /// Rows at the server.
    pub received_rows: i64,
    /// Every row is there: the diff can be shown and applied.
    pub complete: bool,
}

/// 連携状況: the insurers in the operator's scope, and the chosen one's detail + history.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SyncOverview {
    /// One line per insurer in scope.
    pub insurers: Vec<kencom_api::roster::SyncStatusSummary>,
    /// The chosen insurer's status (the first in scope when none was chosen).
    pub detail: Option<kencom_api::roster::SyncStatusView>,
    /// Its sync history, newest first.
    pub history: Vec<kencom_api::roster::RosterSyncView>,
}
