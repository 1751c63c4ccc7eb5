//! The reissue postcard at the desk. For unions that let the help desk print, the agent
//! previews the postcard right after a reissue, saves the PDF where they choose, opens it in
//! the system viewer to print, then reports it printed — and may delete the file.
//!
//! The code travels only in memory: the postcard's data (code included) is fetched from the
//! server for each preview and each save (every fetch is audited there), never written to
//! the cache, and the PDF is written only to the path the operator picked. Once reported
//! printed, the server forgets the code too. The desk deletes only files it wrote itself.
use crate::desk::Desk;
use crate::error::{DeskError, ErrorCode};
use crate::views::{ActionOutcome, PostcardPreview, SavedPostcard};
use kencom_api::operator::PostcardData;
use kencom_postcard::{render, render_svg, Postcard, RenderOptions, Sender};
use serde_json::json;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Address lines as the roster holds them: one string, lines separated by spaces.
fn lines(address: &str) -> Vec<String> {
    address
        .split([' ', '\u{3000}'])
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The server's postcard data as the postcard crate draws it.
pub(crate) fn card(d: PostcardData) -> Postcard {
    Postcard {
        postal_code_catch_all: d.barcode.is_empty()
            || kencom_domain::is_catch_all_postal_code(&d.postal_code),
        postal_code: d.postal_code,
        address: lines(&d.address),
        name: d.name_kanji,
        code: d.code,
        sender: Sender {
            name: d.sender_name,
            postal_code: d.sender_postal_code,
            address: lines(&d.sender_address),
            contact: None,
        },
    }
}

fn postcard_error(e: kencom_postcard::PostcardError) -> DeskError {
    DeskError {
        code: ErrorCode::Internal,
        message: format!("はがきを作成できませんでした（{}）: {e}", e.code()),
        field: None,
        retryable: false,
    }
}

/// Checks the path the operator typed or picked: absolute, `.pdf`, in an existing folder,
/// and not an existing file the desk did not write (no silent overwrite of other files).
pub(crate) fn check_path(raw: &str, ours: bool) -> Result<PathBuf, DeskError> {
    let path = PathBuf::from(raw.trim());
    let field = "path";
    if raw.trim().is_empty() {
        return Err(DeskError::invalid(field, "保存先を指定してください。"));
    }
    if !path.is_absolute() {
        return Err(DeskError::invalid(
            field,
            "保存先はフォルダーから始まる完全なパスで指定してください（「参照…」でも選べます）。",
        ));
    }
    let is_pdf = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("pdf"));
    if !is_pdf {
        return Err(DeskError::invalid(
            field,
            "ファイル名は「.pdf」で終わるようにしてください。",
        ));
    }
    match path.parent() {
        Some(dir) if dir.is_dir() => {}
        _ => {
            return Err(DeskError::invalid(
                field,
                "保存先のフォルダーが見つかりません。",
            ))
        }
    }
    if path.exists() && !ours {
        return Err(DeskError::invalid(
            field,
            "同じ名前のファイルがあります。別の名前にしてください。",
        ));
    }
    Ok(path)
}

/// Writes the PDF next to its final place and renames it in, so a failure never leaves a
/// half-written postcard under the chosen name; the partial file is removed on error.
/// Pages stream to the file as they are drawn (memory stays flat for big runs).
pub(crate) fn write_pdf(
    path: &Path,
    cards: impl IntoIterator<Item = Postcard>,
    opts: &RenderOptions,
) -> Result<kencom_postcard::RenderStats, DeskError> {
    let part = path.with_extension("pdf.part");
    let result = (|| {
        let mut file = std::fs::File::create(&part).map_err(|e| io_error(&e))?;
        let stats = render(cards, &mut file, opts).map_err(postcard_error)?;
        file.flush().map_err(|e| io_error(&e))?;
        file.sync_all().map_err(|e| io_error(&e))?;
        drop(file);
        std::fs::rename(&part, path).map_err(|e| io_error(&e))?;
        Ok(stats)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&part);
    }
    result
}

fn io_error(e: &std::io::Error) -> DeskError {
    let message = match e.kind() {
        std::io::ErrorKind::PermissionDenied => {
            "保存先に書き込む権限がありません。別のフォルダーを選んでください。".to_owned()
        }
        _ => format!("ファイルを保存できませんでした: {e}"),
    };
    DeskError {
        code: ErrorCode::InvalidInput,
        message,
        field: Some("path".into()),
        retryable: true,
    }
}

impl Desk {
    async fn postcard_data(
        &self,
        case_id: i64,
        reissue_id: i64,
    ) -> Result<PostcardData, DeskError> {
        Ok(self
            .call(|c, t| async move { c.desk_postcard(&t, case_id, reissue_id).await })
            .await?)
    }

    pub(crate) fn remember_written(&self, path: &Path) {
        let mut written = self.postcards.lock().unwrap_or_else(|p| p.into_inner());
        if !written.iter().any(|p| p == path) {
            written.push(path.to_path_buf());
        }
    }

    /// Deletes a PDF this desk wrote (postcard or print run); missing files are fine.
    pub fn delete_saved_file(&self, path: String) -> Result<(), DeskError> {
        let path = PathBuf::from(path);
        if !self.is_ours(&path) {
            return Err(DeskError::invalid(
                "path",
                "このアプリで保存したファイルだけを削除できます。",
            ));
        }
        match std::fs::remove_file(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                return Err(DeskError {
                    code: ErrorCode::Internal,
                    message: format!("ファイルを削除できませんでした: {e}"),
                    field: Some("path".into()),
                    retryable: true,
                })
            }
        }
        self.postcards
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .retain(|p| p != &path);
        Ok(())
    }

    pub(crate) fn is_ours(&self, path: &Path) -> bool {
        self.postcards
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .any(|p| p == path)
    }

    /// Both sides of the postcard as SVG for the on-screen preview, and a suggested file.
    pub async fn postcard_preview(
        &self,
        case_id: i64,
        reissue_id: i64,
    ) -> Result<PostcardPreview, DeskError> {
        let data = self.postcard_data(case_id, reissue_id).await?;
        let name = data.name_kanji.clone();
        let svg = render_svg(&card(data), &RenderOptions::default()).map_err(postcard_error)?;
        let dir = self.host.save_dir();
        // No personal data in the file name: the name is all anyone sees in a folder.
        let file = format!("kencom-postcard-{case_id}-{reissue_id}.pdf");
        Ok(PostcardPreview {
            address_svg: svg.address_side,
            inner_svg: svg.inner_side,
            member_name: name,
            suggested_path: dir.join(file).to_string_lossy().into_owned(),
        })
    }

    /// Writes the postcard PDF to `path` (the operator's choice) and remembers that the desk
    /// wrote it (so it may open or delete it later).
    pub async fn save_postcard(
        &self,
        case_id: i64,
        reissue_id: i64,
        path: String,
    ) -> Result<SavedPostcard, DeskError> {
        let candidate = PathBuf::from(path.trim());
        let path = check_path(&path, self.is_ours(&candidate))?;
        let data = self.postcard_data(case_id, reissue_id).await?;
        let stats = write_pdf(&path, [card(data)], &RenderOptions::default())?;
        self.remember_written(&path);
        Ok(SavedPostcard {
            path: path.to_string_lossy().into_owned(),
            pages: stats.pages as i64,
            bytes: stats.bytes as i64,
        })
    }

    /// The system's save dialog, starting at `suggested`; None when cancelled.
    pub fn choose_postcard_path(&self, suggested: String) -> Option<String> {
        self.host
            .choose_save_path(Path::new(&suggested))
            .map(|p| p.to_string_lossy().into_owned())
    }

    /// Opens a postcard the desk wrote in the system's PDF viewer (to print it).
    pub fn open_postcard(&self, path: String) -> Result<(), DeskError> {
        let path = PathBuf::from(path);
        if !self.is_ours(&path) {
            return Err(DeskError::invalid(
                "path",
                "このアプリで保存したはがきだけを開けます。",
            ));
        }
        self.host.open_path(&path).map_err(|why| DeskError {
            code: ErrorCode::Internal,
            message: format!("PDFビューアーで開けませんでした: {why}"),
            field: None,
            retryable: true,
        })
    }

    /// Reports the postcard printed (through the outbox: the server then forgets the code)
    /// and, when asked, deletes the PDF the desk wrote.
    pub async fn finish_postcard(
        &self,
        case_id: i64,
        reissue_id: i64,
        path: Option<String>,
        delete_file: bool,
    ) -> Result<ActionOutcome, DeskError> {
        let mut outcome = self
            .act(
                "postcard_printed",
                case_id,
                None,
                json!({ "reissue_id": reissue_id }),
            )
            .await?;
        if let (true, Some(path)) = (delete_file, path) {
            self.delete_saved_file(path).map_err(|e| DeskError {
                message: format!("印刷済みは記録しました。{}", e.message),
                ..e
            })?;
            outcome.message = format!("{} はがきのファイルを削除しました。", outcome.message);
        }
        Ok(outcome)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_must_be_absolute_pdf_in_an_existing_folder_and_not_someone_elses_file() {
        let dir = std::env::temp_dir().join(format!("kencom-pc-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let field = |r: Result<PathBuf, DeskError>| r.unwrap_err().field;
        assert_eq!(field(check_path("", false)), Some("path".into()));
        assert_eq!(field(check_path("card.pdf", false)), Some("path".into()));
        let txt = dir.join("card.txt");
        assert!(check_path(txt.to_str().unwrap(), false).is_err());
        let missing = dir.join("nope/card.pdf");
        assert!(check_path(missing.to_str().unwrap(), false).is_err());
        let ok = dir.join("card.PDF");
        assert_eq!(check_path(ok.to_str().unwrap(), false).unwrap(), ok);
        std::fs::write(&ok, b"x").unwrap();
        assert!(
            check_path(ok.to_str().unwrap(), false).is_err(),
            "no overwrite"
        );
        assert!(
            check_path(ok.to_str().unwrap(), true).is_ok(),
            "ours: replace"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn roster_addresses_split_into_lines_on_either_space() {
        assert_eq!(
            lines("東京都千代田区霞が関1丁目3番2号　郵便プラザ503室"),
            ["東京都千代田区霞が関1丁目3番2号", "郵便プラザ503室"]
        );
        assert_eq!(lines(" 大阪府 "), ["大阪府"]);
    }
}
