//! 名簿連携 at the desk: an insurer admin picks a roster file, confirms how to read it (the
//! insurer's saved options, else the standard layout of docs/roster-format.md), the desk
//! reads and validates it as a stream with `kencom-roster` (progress polled by the screen),
//! shows the rejected rows and saves their error report in the file's own encoding, uploads
//! the accepted rows in chunks the server can resume, shows the server's diff, and applies.
//!
//! Where the rows live: only in this process's memory, from validation until apply (or the
//! next validation / sign-out). Nothing of the roster is written to disk by the desk except
//! the error report the admin asks for. A desk closed mid-upload reads the file again; the
//! same bytes give the same SHA-256, so the server hands back the unfinished upload and the
//! desk sends only the chunks it lacks. Chunk `n` is always rows `n*2000 ..` of the file's
//! accepted rows in file order, so a resumed chunk carries exactly the rows it did before
//! (the server refuses other rows under a received number, and applies an upload once).
use crate::desk::Desk;
use crate::error::{DeskError, ErrorCode};
use crate::roster_views::*;
use crate::settings::Settings;
use kencom_api::roster::{
    RejectedCount, RosterDiffKind, RosterDiffQuery, RosterDiffView, RosterRelationship,
    RosterRowWire, RosterSex, RosterSyncView, RosterUploadRequest, MAX_CHUNK_ROWS,
};
use kencom_domain::{Era, EraCodeMap};
use kencom_roster::{
    ColumnBinding, ColumnMapping, Field, FixedField, FixedWidthLayout, ParseOptions, ParsedRecord,
    Relationship, ReportScope, ReportWriter, RosterEncoding, RosterError, RosterFormat,
    RosterReader, RosterRow, Severity, Sex,
};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::{BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

/// Records shown in the inspection's preview.
const PREVIEW_RECORDS: usize = 5;
/// Entries per diff page.
const DIFF_PAGE: i64 = 50;

/// A validated file held for its upload.
struct Prepared {
    insurer_id: i64,
    path: PathBuf,
    file_name: String,
    encoding: RosterEncoding,
    content_hash: String,
    rows: Arc<Vec<RosterRowWire>>,
    rejected: Vec<RejectedCount>,
    /// Every record with a problem, for the error report.
    reported: Vec<ParsedRecord>,
    column_names: Vec<String>,
    upload_id: Option<i64>,
}

/// The roster wizard's state inside the [`Desk`].
#[derive(Default)]
pub(crate) struct RosterJob {
    progress: Mutex<RosterProgress>,
    prepared: Mutex<Option<Prepared>>,
}

fn guard<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // Plain data: a panic elsewhere must not wedge the wizard.
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl RosterJob {
    fn progress(&self, f: impl FnOnce(&mut RosterProgress)) {
        f(&mut guard(&self.progress));
    }

    /// Forget the rows (sign-out, a new file).
    pub(crate) fn clear(&self) {
        *guard(&self.prepared) = None;
        *guard(&self.progress) = RosterProgress::default();
    }
}

fn field_id(f: Field) -> String {
    serde_json::to_value(f)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

fn parse_field(id: &str) -> Result<Field, DeskError> {
    serde_json::from_value(serde_json::Value::String(id.to_owned())).map_err(|_| {
        DeskError::invalid("mapping", format!("項目「{id}」は名簿の項目にありません。"))
    })
}

fn charset(e: RosterEncoding) -> RosterCharset {
    match e {
        RosterEncoding::Utf8 => RosterCharset::Utf8,
        RosterEncoding::ShiftJis => RosterCharset::ShiftJis,
    }
}

fn encoding_of(c: RosterCharset) -> RosterEncoding {
    match c {
        RosterCharset::Utf8 => RosterEncoding::Utf8,
        RosterCharset::ShiftJis => RosterEncoding::ShiftJis,
    }
}

fn non_negative(v: i64, field: &str, what: &str) -> Result<usize, DeskError> {
    usize::try_from(v)
        .map_err(|_| DeskError::invalid(field, format!("{what}は0以上で指定してください。")))
}

/// The desk's options as the roster crate reads them; the mapping must name every required
/// field (Japanese names listed otherwise).
pub(crate) fn to_parse_options(o: &RosterOptions) -> Result<ParseOptions, DeskError> {
    if o.era_codes.len() != Era::ALL.len() {
        return Err(DeskError::invalid(
            "eraCodes",
            "元号コードは明治・大正・昭和・平成・令和の5つを指定してください。",
        ));
    }
    let mut entries = Vec::new();
    for (&code, era) in o.era_codes.iter().zip(Era::ALL) {
        let code = u8::try_from(code).ok().filter(|c| *c <= 9).ok_or_else(|| {
            DeskError::invalid(
                "eraCodes",
                format!(
                    "{}の元号コードは0〜9の数字で指定してください。",
                    era.name_ja()
                ),
            )
        })?;
        entries.push((code, era));
    }
    let era_codes = EraCodeMap::new(&entries).map_err(|_| {
        DeskError::invalid(
            "eraCodes",
            "元号コードが重複しています。元号ごとに別の数字を指定してください。",
        )
    })?;
    let (format, missing) = match o.kind {
        RosterFileKind::Csv => {
            let mut columns = Vec::new();
            for c in &o.columns {
                columns.push(ColumnBinding {
                    column: non_negative(c.column, "mapping", "列番号")?,
                    field: parse_field(&c.field)?,
                });
            }
            let m = ColumnMapping {
                has_header: o.has_header,
                columns,
            };
            let missing = m.missing_required();
            (RosterFormat::Csv(m), missing)
        }
        RosterFileKind::FixedWidth => {
            let mut fields = Vec::new();
            for f in &o.fixed_fields {
                fields.push(FixedField {
                    field: parse_field(&f.field)?,
                    start: non_negative(f.start, "mapping", "開始位置")?,
                    len: non_negative(f.len, "mapping", "長さ")?,
                });
            }
            let l = FixedWidthLayout {
                record_length: o
                    .record_length
                    .map(|n| non_negative(n, "recordLength", "レコード長"))
                    .transpose()?,
                skip_records: non_negative(o.skip_records, "skipRecords", "読み飛ばす行数")?,
                fields,
            };
            let missing = l.missing_required();
            (RosterFormat::FixedWidth(l), missing)
        }
    };
    if !missing.is_empty() {
        let names: Vec<&str> = missing.iter().map(|f| f.header_ja()).collect();
        return Err(DeskError::invalid(
            "mapping",
            format!("必須項目（{}）の列を指定してください。", names.join("、")),
        ));
    }
    Ok(ParseOptions {
        format,
        encoding: o.encoding.map(encoding_of),
        era_codes,
    })
}

/// The roster crate's options as the mapping form shows them.
pub(crate) fn from_parse_options(p: &ParseOptions) -> RosterOptions {
    let era_codes = Era::ALL
        .iter()
        .map(|&e| i64::from(p.era_codes.code(e).unwrap_or(0)))
        .collect();
    let mut o = RosterOptions {
        kind: RosterFileKind::Csv,
        encoding: p.encoding.map(charset),
        era_codes,
        has_header: true,
        columns: Vec::new(),
        record_length: None,
        skip_records: 0,
        fixed_fields: Vec::new(),
    };
    match &p.format {
        RosterFormat::Csv(m) => {
            o.has_header = m.has_header;
            o.columns = m
                .columns
                .iter()
                .map(|b| RosterColumn {
                    column: b.column as i64,
                    field: field_id(b.field),
                })
                .collect();
        }
        RosterFormat::FixedWidth(l) => {
            o.kind = RosterFileKind::FixedWidth;
            o.has_header = false;
            o.record_length = l.record_length.map(|n| n as i64);
            o.skip_records = l.skip_records as i64;
            o.fixed_fields = l
                .fields
                .iter()
                .map(|f| RosterFixedField {
                    field: field_id(f.field),
                    start: f.start as i64,
                    len: f.len as i64,
                })
                .collect();
        }
    }
    o
}

fn fields() -> Vec<RosterFieldInfo> {
    Field::STANDARD_ORDER
        .iter()
        .map(|&f| RosterFieldInfo {
            id: field_id(f),
            label: f.header_ja().to_owned(),
            required: f.is_required(),
        })
        .collect()
}

fn roster_error(e: RosterError) -> DeskError {
    match e {
        RosterError::Io(io) => DeskError {
            code: ErrorCode::InvalidInput,
            message: format!("名簿ファイルを読めませんでした: {io}"),
            field: Some("path".into()),
            retryable: true,
        },
        other => DeskError::invalid("mapping", other.to_string()),
    }
}

/// The roster file path: absolute and an existing file.
fn check_roster_path(raw: &str) -> Result<PathBuf, DeskError> {
    let path = PathBuf::from(raw.trim());
    if raw.trim().is_empty() {
        return Err(DeskError::invalid(
            "path",
            "名簿ファイルを指定してください。",
        ));
    }
    if !path.is_absolute() {
        return Err(DeskError::invalid(
            "path",
            "名簿ファイルはフォルダーから始まる完全なパスで指定してください（「参照…」でも選べます）。",
        ));
    }
    if !path.is_file() {
        return Err(DeskError::invalid("path", "名簿ファイルが見つかりません。"));
    }
    Ok(path)
}

/// Threads for validating a roster (this one included): the machine's cores, at most four,
/// so a check of a large file does not take over the whole machine.
fn validation_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get().min(4))
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "roster.csv".into())
}

/// Hashes every byte the reader consumes, so the file is read once for both.
struct Hashing<R> {
    inner: R,
    hash: Sha256,
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hash.update(&buf[..n]);
        Ok(n)
    }
}

/// A validated row as the wire carries it (dates ISO, text as written).
fn wire(r: &RosterRow) -> RosterRowWire {
    RosterRowWire {
        insurer_number: r.insurer.as_str().to_owned(),
        symbol: r.symbol.as_str().to_owned(),
        number: r.number.as_str().to_owned(),
        branch: r.branch.as_ref().map(|b| b.as_str().to_owned()),
        kanji_name: r.kanji_name.clone(),
        kana_name: r.kana_name.clone(),
        sex: r.sex.map(|s| match s {
            Sex::Male => RosterSex::Male,
            Sex::Female => RosterSex::Female,
        }),
        birth_date: r.birth_date.format("%Y-%m-%d").to_string(),
        relationship: match r.relationship {
            Relationship::Insured => RosterRelationship::Insured,
            Relationship::Dependent => RosterRelationship::Dependent,
        },
        relation_name: r.relation_name.clone(),
        acquired_on: r.acquired_on.map(|d| d.format("%Y-%m-%d").to_string()),
        lost_on: r.lost_on.map(|d| d.format("%Y-%m-%d").to_string()),
        voluntary_continuation: r.voluntary_continuation,
        special_retiree: r.special_retiree,
        postal_code: r.postal_code.clone(),
        address: r.address.clone(),
    }
}

fn row_report(r: &ParsedRecord) -> RosterRowReport {
    RosterRowReport {
        row: r.row as i64,
        rejected: r.is_rejected(),
        problems: r
            .problems
            .iter()
            .map(|p| RosterProblemView {
                code: p.code.to_owned(),
                field: p.field.map(|f| f.header_ja().to_owned()),
                column: p.column.map(|c| c as i64),
                severity: match p.severity {
                    Severity::Error => "error".into(),
                    Severity::Warning => "warning".into(),
                },
                message: p.message_ja.clone(),
            })
            .collect(),
    }
}

/// `<dir>/<stem>_エラーレポート.csv` next to the roster.
fn suggested_report(path: &Path) -> PathBuf {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "roster".into());
    path.with_file_name(format!("{stem}_エラーレポート.csv"))
}

/// The report path: absolute, `.csv`, in an existing folder, never over a file the desk did
/// not write.
fn check_report_path(raw: &str, ours: bool) -> Result<PathBuf, DeskError> {
    let path = PathBuf::from(raw.trim());
    if raw.trim().is_empty() || !path.is_absolute() {
        return Err(DeskError::invalid(
            "reportPath",
            "保存先をフォルダーから始まる完全なパスで指定してください（「参照…」でも選べます）。",
        ));
    }
    let is_csv = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    if !is_csv {
        return Err(DeskError::invalid(
            "reportPath",
            "ファイル名は「.csv」で終わるようにしてください。",
        ));
    }
    if !path.parent().is_some_and(Path::is_dir) {
        return Err(DeskError::invalid(
            "reportPath",
            "保存先のフォルダーが見つかりません。",
        ));
    }
    if path.exists() && !ours {
        return Err(DeskError::invalid(
            "reportPath",
            "同じ名前のファイルがあります。別の名前にしてください。",
        ));
    }
    Ok(path)
}

fn no_file() -> DeskError {
    DeskError {
        code: ErrorCode::Conflict,
        message:
            "名簿ファイルがまだ読み込まれていません。ファイルを選んで「検証する」を押してください。"
                .into(),
        field: None,
        retryable: false,
    }
}

impl Desk {
    /// The insurer a roster call is for: the one given (supervisors), else the admin's own.
    fn roster_insurer(&self, insurer_id: Option<i64>) -> Result<i64, DeskError> {
        if let Some(id) = insurer_id {
            return Ok(id);
        }
        let inner = self.lock();
        let session = inner.session.as_ref().ok_or_else(|| DeskError {
            code: ErrorCode::Unauthorized,
            message: "サインインしてください。".into(),
            field: None,
            retryable: false,
        })?;
        session.operator.insurer_id.ok_or_else(|| {
            DeskError::invalid("insurerId", "名簿を連携する健康保険組合を選んでください。")
        })
    }

    fn saved_options(&self, insurer_id: i64) -> Result<Option<ParseOptions>, DeskError> {
        Ok(Settings::load(&self.host.data_dir())?
            .roster_options
            .get(&insurer_id)
            .cloned())
    }

    /// A first look at a roster file: encoding, header and a few records read with the
    /// insurer's saved options (or the standard layout), and a mapping proposed from the
    /// header. `options` re-reads the preview with the admin's changes (e.g. an encoding
    /// override).
    pub fn inspect_roster(
        &self,
        path: String,
        options: Option<RosterOptions>,
        insurer_id: Option<i64>,
    ) -> Result<RosterInspection, DeskError> {
        let insurer_id = self.roster_insurer(insurer_id)?;
        let path = check_roster_path(&path)?;
        let saved = self.saved_options(insurer_id)?;
        let parse = match &options {
            Some(o) => to_parse_options(o).unwrap_or_else(|_| ParseOptions {
                // An incomplete mapping still previews: read every cell as text.
                encoding: o.encoding.map(encoding_of),
                ..ParseOptions::default()
            }),
            None => saved.clone().unwrap_or_default(),
        };
        let mut file = std::fs::File::open(&path).map_err(|e| roster_error(e.into()))?;
        let size = file.metadata().map(|m| m.len()).unwrap_or(0);
        let mut prefix = Vec::with_capacity(64 * 1024);
        (&mut file)
            .take(64 * 1024)
            .read_to_end(&mut prefix)
            .map_err(|e| roster_error(e.into()))?;
        let detected = kencom_roster::detect(&prefix).encoding;
        // The preview reads the header as a record: the header row is part of what to show.
        let mut preview_opts = parse.clone();
        if let RosterFormat::Csv(m) = &mut preview_opts.format {
            m.has_header = false;
        }
        let mut header = Vec::new();
        let mut preview = Vec::new();
        let reader = RosterReader::new(std::io::Cursor::new(&prefix), &preview_opts)
            .map_err(roster_error)?;
        let has_header = matches!(&parse.format, RosterFormat::Csv(m) if m.has_header);
        for (i, record) in reader.take(PREVIEW_RECORDS + 1).enumerate() {
            let record = record.map_err(roster_error)?;
            let cells: Vec<String> = record.cells.iter().map(|c| c.text.to_owned()).collect();
            if i == 0 && has_header {
                header = cells;
            } else if preview.len() < PREVIEW_RECORDS {
                preview.push(cells);
            }
        }
        let proposed = ColumnMapping::from_header(&header);
        let proposed_columns = (!proposed.columns.is_empty()).then(|| {
            proposed
                .columns
                .iter()
                .map(|b| RosterColumn {
                    column: b.column as i64,
                    field: field_id(b.field),
                })
                .collect()
        });
        Ok(RosterInspection {
            file_name: file_name(&path),
            path: path.to_string_lossy().into_owned(),
            size_bytes: size as i64,
            detected_encoding: charset(detected),
            options: options.unwrap_or_else(|| from_parse_options(&parse)),
            saved: saved.is_some(),
            header,
            preview,
            proposed_columns,
            fields: fields(),
        })
    }

    /// Reads and validates the whole file as a stream (blocking: the shell runs it off the
    /// UI thread; `roster_progress` reports bytes and records meanwhile). Accepted rows are
    /// kept in memory for the upload; the options are saved for the insurer.
    pub fn validate_roster(
        &self,
        path: String,
        options: RosterOptions,
        insurer_id: Option<i64>,
    ) -> Result<RosterValidation, DeskError> {
        let insurer_id = self.roster_insurer(insurer_id)?;
        let path = check_roster_path(&path)?;
        let parse = to_parse_options(&options)?;
        self.roster.clear();
        let result = self.read_roster(insurer_id, &path, &parse);
        self.roster.progress(|p| {
            p.phase = if result.is_ok() {
                RosterPhase::Validated
            } else {
                RosterPhase::Failed
            }
        });
        let (prepared, view) = result?;
        Settings::save_roster_options(&self.host.data_dir(), insurer_id, &parse)?;
        *guard(&self.roster.prepared) = Some(prepared);
        Ok(view)
    }

    fn read_roster(
        &self,
        insurer_id: i64,
        path: &Path,
        parse: &ParseOptions,
    ) -> Result<(Prepared, RosterValidation), DeskError> {
        let file = std::fs::File::open(path).map_err(|e| roster_error(e.into()))?;
        let total = file.metadata().map(|m| m.len()).unwrap_or(0);
        self.roster.progress(|p| {
            *p = RosterProgress {
                phase: RosterPhase::Reading,
                total_bytes: total as i64,
                ..RosterProgress::default()
            }
        });
        let mut source = Hashing {
            inner: BufReader::with_capacity(256 * 1024, file),
            hash: Sha256::new(),
        };
        let job = &self.roster;
        let mut reader = RosterReader::new(&mut source, parse)
            .map_err(roster_error)?
            .with_total_bytes(total)
            .with_threads(validation_threads())
            .on_progress(|pr| {
                job.progress(|p| {
                    p.bytes_read = pr.bytes_read as i64;
                    p.records = pr.records as i64;
                })
            });
        let encoding = reader.encoding();
        let mut rows = Vec::new();
        let mut reported = Vec::new();
        let mut rejected: BTreeMap<&'static str, i64> = BTreeMap::new();
        let mut labels: BTreeMap<&'static str, String> = BTreeMap::new();
        let mut widest = 0;
        let mut warned = 0;
        // Each record is lent where the reader's thread wrote it, and its strings are reused
        // for a later row: only the rows kept (as wire rows, or reported) cost an allocation.
        while let Some(record) = reader.next_record().map_err(roster_error)? {
            widest = widest.max(record.cells.len());
            for p in &record.problems {
                labels.entry(p.code).or_insert_with(|| p.message_ja.clone());
            }
            match &record.value {
                Some(row) => {
                    rows.push(wire(row));
                    if !record.problems.is_empty() {
                        // The report tells rejected from warned by the value's presence.
                        warned += 1;
                    }
                }
                None => {
                    // One count per reason and row: the server shows rows, not problems.
                    let mut codes: Vec<&'static str> = record
                        .problems
                        .iter()
                        .filter(|p| p.severity == Severity::Error)
                        .map(|p| p.code)
                        .collect();
                    codes.dedup();
                    for c in codes {
                        *rejected.entry(c).or_default() += 1;
                    }
                }
            }
            if !record.problems.is_empty() {
                reported.push(record.clone());
            }
        }
        let summary = reader.summary().clone();
        let column_names = reader.column_names(widest);
        drop(reader);
        // The reader stops at the last record; hash whatever trails it (a final newline).
        std::io::copy(&mut source, &mut std::io::sink()).map_err(|e| roster_error(e.into()))?;
        let content_hash = hex::encode(source.hash.finalize());
        let by_code = summary
            .by_code
            .iter()
            .map(|(code, count)| RosterReasonCount {
                code: (*code).to_owned(),
                label: labels.get(code).cloned().unwrap_or_default(),
                count: *count as i64,
            })
            .collect();
        let view = RosterValidation {
            file_name: file_name(path),
            encoding: charset(encoding),
            content_hash: content_hash.clone(),
            records: summary.records as i64,
            accepted: summary.accepted as i64,
            rejected: summary.rejected as i64,
            warned,
            by_code,
            rows: reported
                .iter()
                .take(REPORTED_ROWS_SHOWN)
                .map(row_report)
                .collect(),
            rows_truncated: reported.len() > REPORTED_ROWS_SHOWN,
            suggested_report_path: suggested_report(path).to_string_lossy().into_owned(),
        };
        self.roster.progress(|p| {
            p.bytes_read = total as i64;
            p.records = summary.records as i64;
        });
        let prepared = Prepared {
            insurer_id,
            path: path.to_path_buf(),
            file_name: file_name(path),
            encoding,
            content_hash,
            rows: Arc::new(rows),
            rejected: rejected
                .into_iter()
                .map(|(code, count)| RejectedCount {
                    code: code.to_owned(),
                    count,
                })
                .collect(),
            reported,
            column_names,
            upload_id: None,
        };
        Ok((prepared, view))
    }

    /// What the wizard is doing (polled while reading and uploading).
    pub fn roster_progress(&self) -> RosterProgress {
        guard(&self.roster.progress).clone()
    }

    /// Writes the error report of the validated file to `path`, in the file's own encoding:
    /// rejected rows, or every row with a problem when `include_warnings`.
    pub fn save_roster_report(
        &self,
        path: String,
        include_warnings: bool,
    ) -> Result<SavedRosterReport, DeskError> {
        let candidate = PathBuf::from(path.trim());
        let path = check_report_path(&path, self.is_ours(&candidate))?;
        let prepared = guard(&self.roster.prepared);
        let prepared = prepared.as_ref().ok_or_else(no_file)?;
        if path == prepared.path {
            return Err(DeskError::invalid(
                "reportPath",
                "名簿ファイル自体には保存できません。別の名前にしてください。",
            ));
        }
        let scope = if include_warnings {
            ReportScope::AllProblems
        } else {
            ReportScope::Rejected
        };
        let part = path.with_extension("csv.part");
        let written = (|| -> Result<u64, DeskError> {
            let file = std::fs::File::create(&part).map_err(|e| roster_error(e.into()))?;
            let mut w = ReportWriter::new(
                std::io::BufWriter::new(file),
                prepared.encoding,
                &prepared.column_names,
                scope,
            )
            .map_err(roster_error)?;
            for r in &prepared.reported {
                w.write(r).map_err(roster_error)?;
            }
            let n = w.written();
            let mut out = w.finish().map_err(roster_error)?;
            out.flush().map_err(|e| roster_error(e.into()))?;
            let file = out
                .into_inner()
                .map_err(|e| roster_error(e.into_error().into()))?;
            file.sync_all().map_err(|e| roster_error(e.into()))?;
            std::fs::rename(&part, &path).map_err(|e| roster_error(e.into()))?;
            Ok(n)
        })();
        if written.is_err() {
            let _ = std::fs::remove_file(&part);
        }
        let rows = written?;
        self.remember_written(&path);
        Ok(SavedRosterReport {
            path: path.to_string_lossy().into_owned(),
            rows: rows as i64,
            encoding: charset(prepared.encoding),
        })
    }

    /// Sends the validated rows in chunks. The server picks the unfinished upload of the same
    /// file (same hash) if there is one, and the desk sends only the chunks it lacks, so an
    /// interrupted upload resumes where it stopped. `full`: members absent from the file lose
    /// qualification on apply.
    pub async fn upload_roster(&self, full: bool) -> Result<RosterUploadOutcome, DeskError> {
        let (insurer_id, req, rows) = {
            let prepared = guard(&self.roster.prepared);
            let p = prepared.as_ref().ok_or_else(no_file)?;
            let req = RosterUploadRequest {
                file_name: p.file_name.clone(),
                encoding: match p.encoding {
                    RosterEncoding::Utf8 => "utf8".into(),
                    RosterEncoding::ShiftJis => "shift_jis".into(),
                },
                total_rows: p.rows.len() as i64,
                content_hash: p.content_hash.clone(),
                full,
                rejected: p.rejected.clone(),
            };
            (p.insurer_id, req, Arc::clone(&p.rows))
        };
        let result = self.send_chunks(insurer_id, &req, &rows).await;
        self.roster.progress(|p| {
            p.phase = match &result {
                Ok(o) if o.complete => RosterPhase::Uploaded,
                Ok(_) => RosterPhase::Validated,
                Err(_) => RosterPhase::Failed,
            }
        });
        let outcome = result?;
        if let Some(p) = guard(&self.roster.prepared).as_mut() {
            if p.content_hash == req.content_hash {
                p.upload_id = Some(outcome.upload_id);
            }
        }
        Ok(outcome)
    }

    async fn send_chunks(
        &self,
        insurer_id: i64,
        req: &RosterUploadRequest,
        rows: &[RosterRowWire],
    ) -> Result<RosterUploadOutcome, DeskError> {
        let view = self
            .call(|c, t| async move { c.start_roster_upload(&t, insurer_id, req).await })
            .await?;
        if view.total_rows != rows.len() as i64 {
            return Err(DeskError {
                code: ErrorCode::Conflict,
                message: "中央サーバーにある送信途中の名簿と行数が合いません。ファイルを読み込み直してください。".into(),
                field: None,
                retryable: false,
            });
        }
        let chunks: Vec<&[RosterRowWire]> = rows.chunks(MAX_CHUNK_ROWS).collect();
        let have = |seq: i64| view.received_chunks.contains(&seq);
        let resumed = (0..chunks.len() as i64).filter(|&s| have(s)).count() as i64;
        self.roster.progress(|p| {
            p.phase = RosterPhase::Uploading;
            p.chunks_total = chunks.len() as i64;
            p.chunks_done = resumed;
        });
        let mut sent = 0;
        let mut received_rows = view.received_rows;
        let mut complete = view.complete;
        for (seq, chunk) in chunks.iter().enumerate() {
            let seq = seq as i64;
            if have(seq) {
                continue;
            }
            let upload_id = view.id;
            let ack = self
                .call(|c, t| async move { c.put_roster_chunk(&t, upload_id, seq, chunk).await })
                .await?;
            sent += 1;
            received_rows = ack.upload.received_rows;
            complete = ack.upload.complete;
            self.roster.progress(|p| p.chunks_done += 1);
        }
        Ok(RosterUploadOutcome {
            upload_id: view.id,
            sent_chunks: sent,
            resumed_chunks: resumed,
            received_rows,
            complete,
        })
    }

    /// Counts and one page (50) of the diff of a complete upload, optionally of one kind.
    pub async fn roster_diff(
        &self,
        upload_id: i64,
        kind: Option<RosterDiffKind>,
        offset: i64,
    ) -> Result<RosterDiffView, DeskError> {
        let q = RosterDiffQuery {
            kind,
            offset: Some(offset.max(0)),
            limit: Some(DIFF_PAGE),
        };
        Ok(self
            .call(|c, t| {
                let q = q.clone();
                async move { c.roster_diff(&t, upload_id, &q).await }
            })
            .await?)
    }

    /// Applies a complete upload (once: a repeat answers the same sync entry) and drops the
    /// rows from memory.
    pub async fn apply_roster(&self, upload_id: i64) -> Result<RosterSyncView, DeskError> {
        let sync = self
            .call(|c, t| async move { c.apply_roster_upload(&t, upload_id).await })
            .await?;
        let mut prepared = guard(&self.roster.prepared);
        if prepared
            .as_ref()
            .is_some_and(|p| p.upload_id == Some(upload_id))
        {
            *prepared = None;
            self.roster.progress(|p| p.phase = RosterPhase::Applied);
        }
        Ok(sync)
    }

    /// 連携状況: every insurer in scope (admins: their own), and one's detail and history.
    pub async fn sync_overview(&self, insurer_id: Option<i64>) -> Result<SyncOverview, DeskError> {
        let insurers = self
            .call(|c, t| async move { c.sync_status_summary(&t).await })
            .await?;
        let chosen = insurer_id.or_else(|| insurers.first().map(|s| s.insurer_id));
        let Some(id) = chosen else {
            return Ok(SyncOverview {
                insurers,
                detail: None,
                history: Vec::new(),
            });
        };
        let detail = self
            .call(|c, t| async move { c.sync_status(&t, id).await })
            .await?;
        let history = self
            .call(|c, t| async move { c.roster_syncs(&t, id).await })
            .await?;
        Ok(SyncOverview {
            insurers,
            detail: Some(detail),
            history,
        })
    }

    /// The system's open dialog for a roster file (None when cancelled).
    pub fn choose_roster_file(&self, current: String) -> Option<String> {
        let start = PathBuf::from(current.trim());
        let start = if start.as_os_str().is_empty() {
            self.host.save_dir()
        } else {
            start
        };
        self.host
            .choose_file(&crate::host::FileDialog {
                save: false,
                suggested: start,
                filter_name: "名簿ファイル",
                extensions: &["csv", "txt", "dat"],
            })
            .map(|p| p.to_string_lossy().into_owned())
    }

    /// The system's save dialog for the error report (None when cancelled).
    pub fn choose_report_path(&self, suggested: String) -> Option<String> {
        self.host
            .choose_file(&crate::host::FileDialog {
                save: true,
                suggested: PathBuf::from(suggested),
                filter_name: "CSV",
                extensions: &["csv"],
            })
            .map(|p| p.to_string_lossy().into_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standard_options_round_trip_through_the_form() {
        let std = ParseOptions::default();
        let form = from_parse_options(&std);
        assert_eq!(form.era_codes, vec![1, 2, 3, 4, 5]);
        assert_eq!(form.columns.len(), 16);
        assert_eq!(form.columns[5].field, "kana_name");
        assert_eq!(to_parse_options(&form).unwrap(), std);
    }

    #[test]
    fn an_incomplete_mapping_names_the_missing_fields_in_japanese() {
        let mut form = from_parse_options(&ParseOptions::default());
        form.columns
            .retain(|c| c.field != "kana_name" && c.field != "birth_date");
        let err = to_parse_options(&form).unwrap_err();
        assert_eq!(err.field.as_deref(), Some("mapping"));
        assert!(
            err.message.contains("カナ氏名、生年月日"),
            "{}",
            err.message
        );
    }

    #[test]
    fn era_codes_must_be_distinct_digits() {
        let mut form = from_parse_options(&ParseOptions::default());
        form.era_codes = vec![1, 3, 5, 7, 9];
        let odd = to_parse_options(&form).unwrap();
        assert_eq!(odd.era_codes, EraCodeMap::odd());
        // An administrator's own digits (the editor's 個別に指定), 0 included.
        form.era_codes = vec![0, 1, 2, 3, 4];
        let own = to_parse_options(&form).unwrap().era_codes;
        assert_eq!(own.era(0), Some(Era::Meiji));
        assert_eq!(own.era(2), Some(Era::Showa));
        assert_eq!(own.era(5), None);
        assert_eq!(
            from_parse_options(&to_parse_options(&form).unwrap()).era_codes,
            vec![0, 1, 2, 3, 4]
        );
        form.era_codes = vec![1, 2, 3, 4, 10];
        let err = to_parse_options(&form).unwrap_err();
        assert!(
            err.message.starts_with("令和の元号コード"),
            "{}",
            err.message
        );
        form.era_codes = vec![1, 1, 3, 4, 5];
        assert_eq!(
            to_parse_options(&form).unwrap_err().field.as_deref(),
            Some("eraCodes")
        );
        form.era_codes = vec![1, 2, 3, 4];
        assert!(to_parse_options(&form).is_err());
    }

    #[test]
    fn report_paths_are_checked() {
        let dir = tempfile::tempdir().unwrap();
        let ok = dir.path().join("r.csv");
        assert_eq!(check_report_path(ok.to_str().unwrap(), false).unwrap(), ok);
        assert!(check_report_path("r.csv", false).is_err());
        assert!(check_report_path(dir.path().join("r.pdf").to_str().unwrap(), false).is_err());
        std::fs::write(&ok, b"x").unwrap();
        assert!(check_report_path(ok.to_str().unwrap(), false).is_err());
        assert!(check_report_path(ok.to_str().unwrap(), true).is_ok());
    }
}
