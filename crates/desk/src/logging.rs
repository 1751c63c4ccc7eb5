//! The desk's log. A desktop app's stderr goes nowhere on Windows and macOS, so besides
//! stderr every event goes to a daily file under `<data dir>/logs` (`desk.YYYY-MM-DD.log`,
//! the last [`KEEP_FILES`] kept) that support can ask an operator for — 設定 shows the folder
//! and opens it. What is logged is codes, counts, roles and ids, never member data: the
//! E2E agent run reads its log file and fails on any name, kana, birth date or code it
//! handled.

use std::path::{Path, PathBuf};

use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

/// Daily files kept (older ones are deleted as days roll over).
pub const KEEP_FILES: usize = 14;

/// `<data dir>/logs`.
pub fn log_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("logs")
}

/// Keeps the file writer's background thread alive; dropping it flushes what is queued.
pub struct LogGuard(#[allow(dead_code)] tracing_appender::non_blocking::WorkerGuard);

/// A writer to today's file in `dir`, rolled daily, and its guard. tracing-appender only
/// deletes old files when a running app rolls over at midnight; a desk started every
/// morning never does, so the start prunes too.
pub fn file_writer(
    dir: &Path,
) -> Result<(tracing_appender::non_blocking::NonBlocking, LogGuard), String> {
    std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    prune(dir, KEEP_FILES);
    let appender = tracing_appender::rolling::Builder::new()
        .rotation(tracing_appender::rolling::Rotation::DAILY)
        .filename_prefix("desk")
        .filename_suffix("log")
        .max_log_files(KEEP_FILES)
        .build(dir)
        .map_err(|e| e.to_string())?;
    let (writer, guard) = tracing_appender::non_blocking(appender);
    Ok((writer, LogGuard(guard)))
}

/// Delete all but the newest `keep` daily files (`desk.YYYY-MM-DD.log` sorts by date);
/// other files are left alone. Failures are ignored: a log that cannot be pruned is
/// no reason to stop the desk.
fn prune(dir: &Path, keep: usize) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut days: Vec<String> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("desk.") && n.ends_with(".log"))
        .collect();
    days.sort();
    let excess = days.len().saturating_sub(keep);
    for name in &days[..excess] {
        let _ = std::fs::remove_file(dir.join(name));
    }
}

/// Install the process-wide subscriber: stderr, plus the daily file in `log_dir(data_dir)`
/// when it can be created (a read-only data directory still gets stderr). The level comes
/// from `RUST_LOG`, default info. Returns the guard to keep for the app's lifetime.
pub fn init(data_dir: &Path) -> Option<LogGuard> {
    let filter = || EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let stderr = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_filter(filter());
    let file = file_writer(&log_dir(data_dir));
    match file {
        Ok((writer, guard)) => {
            let to_file = tracing_subscriber::fmt::layer()
                .with_ansi(false)
                .with_writer(writer)
                .with_filter(filter());
            let _ = tracing_subscriber::registry()
                .with(stderr)
                .with(to_file)
                .try_init();
            Some(guard)
        }
        Err(why) => {
            let _ = tracing_subscriber::registry().with(stderr).try_init();
            tracing::warn!("log file unavailable: {why}");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_land_in_todays_file_without_colour_codes() {
        let dir = tempfile::tempdir().unwrap();
        let logs = log_dir(dir.path());
        {
            let (writer, _guard) = file_writer(&logs).unwrap();
            let subscriber = tracing_subscriber::fmt()
                .with_ansi(false)
                .with_writer(writer)
                .finish();
            tracing::subscriber::with_default(subscriber, || {
                tracing::info!(sent = 3, "outbox replayed");
            });
        }
        let files: Vec<_> = std::fs::read_dir(&logs)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(files.len(), 1, "{files:?}");
        let today = chrono::Local::now().format("%Y-%m-%d").to_string();
        assert_eq!(files[0], format!("desk.{today}.log"));
        let text = std::fs::read_to_string(logs.join(&files[0])).unwrap();
        assert!(text.contains("outbox replayed"), "{text}");
        assert!(text.contains("sent=3"), "{text}");
        assert!(
            !text.contains('\u{1b}'),
            "no terminal colour codes in the file"
        );
    }

    #[test]
    fn old_days_beyond_the_limit_are_deleted() {
        let dir = tempfile::tempdir().unwrap();
        let logs = log_dir(dir.path());
        std::fs::create_dir_all(&logs).unwrap();
        for day in 1..=20 {
            let f = logs.join(format!("desk.2026-10-{day:02}.log"));
            std::fs::write(&f, "old\n").unwrap();
        }
        std::fs::write(logs.join("notes.txt"), "not a log").unwrap();
        {
            let (writer, _guard) = file_writer(&logs).unwrap();
            let subscriber = tracing_subscriber::fmt().with_writer(writer).finish();
            tracing::subscriber::with_default(subscriber, || tracing::info!("start"));
        }
        let mut names: Vec<_> = std::fs::read_dir(&logs)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with("desk."))
            .collect();
        names.sort();
        let today = chrono::Local::now().format("%Y-%m-%d").to_string();
        assert_eq!(names.len(), KEEP_FILES, "{names:?}");
        assert_eq!(names.last(), Some(&format!("desk.{today}.log")));
        assert!(
            !names.contains(&"desk.2026-10-01.log".to_string()),
            "the oldest day is gone"
        );
        assert!(
            logs.join("notes.txt").exists(),
            "other files are left alone"
        );
    }
}
