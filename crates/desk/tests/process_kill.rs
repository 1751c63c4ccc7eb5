//! The desk process killed for real: a child process runs the desk core against a seeded
//! central server (through the fault proxy) and queues notes and reissues, printing one
//! line each time the desk said an action was accepted — what the operator saw. The parent
//! SIGKILLs it at a random moment, starts a desk in-process on the same data directory and
//! vault, drains the outbox and checks on the server: every action the child reported is
//! there exactly once, no reissue happened twice, nothing was refused, and the server
//! recorded the device's sequence numbers once each, in strictly increasing order.
//!
//! `fault_injection.rs` covers the same promise over 1,000 in-process "kills" (abort +
//! drop); this test is the one where SQLite, the vault file and the OS really lose the
//! process mid-write. A kill is armed once the child has resumed its session: a kill in the
//! middle of a refresh-token rotation ends the login at the server (reuse detection), which
//! is the lost-session path `fault_injection.rs` covers, not an outbox question.
//!
//! This is a `harness = false` test: the binary is both the parent and, with
//! `KENCOM_CHILD_MODE=desk`, the child (re-executed via `current_exe`). Settings:
//! `KENCOM_KILL_SCHEDULES` (default 75 kills: ~45 s on an idle 2-core machine) and
//! `KENCOM_KILL_SEED` (printed; it fixes the faults, the action mix and where each kill
//! lands — counted in reported actions plus a delay — but not the OS's timing, so a replay
//! is close, not identical).
mod support;

use kencom_desk_core::Desk;
use std::collections::HashMap;
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::file_host::FileHost;
use support::proxy::{Fault, Proxy};
use support::rng::{seed_from_env, Rng};
use support::*;

const NAME: &str = "sigkilled_desk_loses_nothing_and_sends_nothing_twice";
/// Actions one child queues at most before it is killed (or finishes).
const ACTIONS_PER_CHILD: u64 = 12;

fn main() {
    if std::env::var("KENCOM_CHILD_MODE").as_deref() == Ok("desk") {
        child();
        return;
    }
    // Enough of the libtest command line for `cargo test -- --list` and name filters.
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--list") {
        println!("{NAME}: test");
        return;
    }
    let mut filters = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if matches!(
            a.as_str(),
            "--test-threads" | "--skip" | "--color" | "--format" | "--logfile"
        ) {
            it.next();
        } else if !a.starts_with('-') {
            filters.push(a.as_str());
        }
    }
    if !filters.is_empty() && !filters.iter().any(|f| NAME.contains(f)) {
        println!("running 0 tests ({NAME} filtered out)");
        return;
    }
    println!("running 1 test");
    let started = Instant::now();
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(parent());
    println!(
        "test {NAME} ... ok ({:.1} s)\n\ntest result: ok. 1 passed",
        started.elapsed().as_secs_f64()
    );
}

fn env_u64(name: &str) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("{name} must be set for the child"))
}

/// The child: resume the session from the shared vault, then queue actions and report
/// each one the desk accepted, until killed.
fn child() {
    let dir = PathBuf::from(std::env::var("KENCOM_KILL_DIR").expect("KENCOM_KILL_DIR"));
    let case_id = env_u64("KENCOM_KILL_CASE") as i64;
    let run = env_u64("KENCOM_KILL_RUN");
    let mut rng = Rng(env_u64("KENCOM_KILL_CHILD_SEED"));
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async move {
        let desk = Desk::new(Arc::new(FileHost::new(&dir)));
        let session = desk.session().await.unwrap();
        if session.operator.is_none() {
            println!("no-session {:?}", session.notice);
            std::process::exit(3);
        }
        println!("ready");
        for i in 0..ACTIONS_PER_CHILD {
            let (kind, body) = if rng.below(8) == 0 {
                ("reissue", String::new())
            } else {
                ("note", format!("run {run} action {i}"))
            };
            let out = if kind == "reissue" {
                desk.reissue_code(case_id).await
            } else {
                desk.add_note(case_id, body.clone()).await
            };
            match out {
                // Sent or waiting (送信待ち): either way the operator was told it is taken.
                Ok(_) => println!("accepted {kind} {body}"),
                // Queued, but the refreshed case could not be shown: not promised to the
                // operator, still in the outbox.
                Err(e) if e.retryable => println!("queued {kind} {body}"),
                Err(e) => println!("refused {kind} {body} {:?}", e.code),
            }
            tokio::time::sleep(Duration::from_millis(rng.below(3))).await;
        }
        // Not killed yet: let the queue drain on the real clock, as the shell's loop would.
        for _ in 0..300 {
            desk.flush().await;
            if desk.status().await.unwrap().waiting == 0 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        println!("done");
    });
}

/// What one child printed before it died.
#[derive(Default)]
struct Reported {
    notes: Vec<String>,
    reissues: usize,
    lines: usize,
}

/// Run one child; SIGKILL it once `kill_after` actions were reported, plus `delay_ms`.
/// Returns what it reported and whether the kill landed before it finished.
fn run_child(
    dir: &Path,
    case_id: i64,
    run: u64,
    child_seed: u64,
    kill_after: u64,
    delay_ms: u64,
) -> (Reported, bool) {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .env("KENCOM_CHILD_MODE", "desk")
        .env("KENCOM_KILL_DIR", dir)
        .env("KENCOM_KILL_CASE", case_id.to_string())
        .env("KENCOM_KILL_RUN", run.to_string())
        .env("KENCOM_KILL_CHILD_SEED", child_seed.to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start the child desk");
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel::<String>();
    let reader = std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut lines = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut actions = 0;
    let mut armed = false;
    let mut finished = false;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(line) => {
                if line == "ready" {
                    armed = true;
                } else if line == "done" {
                    finished = true;
                } else if line.starts_with("no-session") {
                    let _ = child.kill();
                    panic!("run {run}: the child could not resume the session: {line}");
                } else {
                    actions += 1;
                }
                lines.push(line);
                if finished || (armed && actions >= kill_after) {
                    break;
                }
            }
            // The child exited on its own (stdout closed).
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
            Err(mpsc::RecvTimeoutError::Timeout) => {
                let _ = child.kill();
                panic!("run {run}: the child did not report within 60 s: {lines:?}");
            }
        }
    }
    let mut killed = false;
    if !finished {
        std::thread::sleep(Duration::from_millis(delay_ms));
        // std's Child::kill is SIGKILL on Unix: no destructor, no flush, no goodbye.
        killed = child.try_wait().unwrap().is_none();
        let _ = child.kill();
    }
    let status = child.wait().unwrap();
    reader.join().unwrap();
    // Lines written before the process died are what the operator saw.
    lines.extend(rx.try_iter());
    assert!(
        killed || status.success(),
        "run {run}: the child failed on its own ({status}): {lines:?}"
    );
    let mut reported = Reported::default();
    for line in &lines {
        if let Some(body) = line.strip_prefix("accepted note ") {
            reported.notes.push(body.to_owned());
        } else if line.starts_with("accepted reissue") {
            reported.reissues += 1;
        } else if line.starts_with("refused ") {
            panic!("run {run}: the server refused an action: {line}");
        }
    }
    reported.lines = lines.len();
    (reported, killed)
}

/// Send everything that waits, jumping the desk's clock past each backoff.
async fn drain(desk: &Desk, host: &FileHost) {
    for _ in 0..200 {
        if desk.status().await.unwrap().waiting == 0 {
            return;
        }
        host.advance(10 * 60_000);
        desk.flush().await;
    }
    panic!("the outbox did not drain");
}

/// What the dead child left in its outbox, read before any desk recovers it: (actions
/// waiting to be sent, actions it was sending when it died).
fn outbox_at_death(dir: &Path, case_id: i64) -> (usize, usize) {
    let vault = support::file_host::FileVault::new(&dir.join("test-vault.json"));
    let key = kencom_desk_core::Vault::get(&vault, "cache-key")
        .unwrap()
        .and_then(|hex| kencom_store::CacheKey::from_hex(&hex))
        .expect("the cache key is in the vault");
    let db = kencom_store::CacheDb::open(&dir.join("cache.db"), &key).unwrap();
    let actions = db.actions_for_case(&case_id.to_string()).unwrap();
    let count = |s| actions.iter().filter(|a| a.state == s).count();
    (
        count(kencom_store::ActionState::Pending),
        count(kencom_store::ActionState::InFlight),
    )
}

/// A desk on the shared directory, resumed from the vault (as after a restart).
async fn restart(dir: &Path) -> (Desk, Arc<FileHost>) {
    let host = Arc::new(FileHost::new(dir));
    let desk = Desk::new(host.clone());
    let s = desk.session().await.unwrap();
    assert!(
        s.operator.is_some(),
        "the session must resume after a kill: {:?}",
        s.notice
    );
    (desk, host)
}

async fn parent() {
    let schedules: u64 = std::env::var("KENCOM_KILL_SCHEDULES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(75);
    let seed = seed_from_env("KENCOM_KILL_SEED");
    eprintln!("process kill: {schedules} schedules, KENCOM_KILL_SEED={seed}");
    let mut rng = Rng(seed);

    let central = Central::start().await;
    let proxy = Proxy::start(&central.base).await;
    let data = tempfile::tempdir().unwrap();
    let dir = data.path();

    // Sign in once (TOTP codes are single-use); every later desk resumes from the vault.
    let case_id = {
        let host = Arc::new(FileHost::new(dir));
        let desk = Desk::new(host);
        let mut input = sign_in_input(&central, "agent01");
        input.central_url = proxy.base.clone();
        desk.sign_in(input).await.unwrap();
        ready_case(&desk).await
    };

    let mut accepted_notes: Vec<String> = Vec::new();
    let mut accepted_reissues = 0;
    let mut kills = 0;
    let mut recorded = 0;
    let mut lines = 0;
    let mut died_waiting = 0;
    let mut died_sending = 0;
    for run in 0..schedules {
        proxy.script.clear();
        for _ in 0..rng.below(4) {
            proxy.script.push(Fault::random(&mut rng));
        }
        let kill_after = rng.below(ACTIONS_PER_CHILD + 1);
        // An action takes ~15–25 ms here (enqueue, send, confirm, reload the case): the
        // delay spreads the kill over all of it.
        let delay_ms = rng.below(25);
        let child_seed = rng.next() | 1;
        let dir_owned = dir.to_path_buf();
        let (reported, killed) = tokio::task::spawn_blocking(move || {
            run_child(&dir_owned, case_id, run, child_seed, kill_after, delay_ms)
        })
        .await
        .unwrap();
        kills += u64::from(killed);
        lines += reported.lines;
        accepted_notes.extend(reported.notes);
        accepted_reissues += reported.reissues;

        let (waiting, sending) = outbox_at_death(dir, case_id);
        died_waiting += u64::from(waiting > 0);
        died_sending += u64::from(sending > 0);

        let (desk, host) = restart(dir).await;
        drain(&desk, &host).await;
        let status = desk.status().await.unwrap();
        assert!(
            status.rejected.is_empty(),
            "run {run}: no action may be refused: {:?}",
            status.rejected
        );
        let case = desk.open_case(case_id).await.unwrap();
        let mut on_server: HashMap<&str, usize> = HashMap::new();
        for n in &case.case.notes {
            *on_server.entry(n.body.as_str()).or_default() += 1;
        }
        let twice: Vec<_> = on_server.iter().filter(|(_, c)| **c > 1).collect();
        assert!(twice.is_empty(), "run {run}: notes sent twice: {twice:?}");
        for body in &accepted_notes {
            assert_eq!(
                on_server.get(body.as_str()),
                Some(&1),
                "run {run}: the child reported {body:?} accepted, the server does not have it"
            );
        }
        // Notes whose enqueue committed but whose acceptance was never printed (killed in
        // between) arrive too; anything else on the server would be a phantom.
        let queued = desk.queued_bodies(case_id).unwrap();
        assert_eq!(
            on_server.len(),
            queued.len(),
            "run {run}: the server's notes are exactly the queued ones"
        );
        let queued_reissues = desk.queued_count(case_id, "reissue_code").unwrap();
        assert_eq!(
            case.case.reissues.len(),
            queued_reissues,
            "run {run}: each queued reissue acted exactly once"
        );
        assert!(
            queued_reissues >= accepted_reissues,
            "run {run}: {accepted_reissues} reissues reported accepted, {queued_reissues} queued"
        );
        recorded =
            support::device_seq::assert_server_saw_device_sequence(&central, &desk, &[case_id])
                .await;
    }
    let replays = proxy.replays_kept_their_stamp();
    assert!(
        kills * 2 >= schedules,
        "most children must die mid-work to mean anything: {kills} of {schedules}"
    );
    assert!(
        died_sending > 0 || schedules < 50,
        "some kills should land while an action is being sent"
    );
    eprintln!(
        "process kill ok: {schedules} schedules, {kills} SIGKILLs ({died_sending} mid-send, {died_waiting} with actions waiting), {lines} lines read, {} notes and {accepted_reissues} reissues reported accepted, {recorded} device numbers in order, {replays} replays kept theirs",
        accepted_notes.len()
    );
}

/// Claim a checkup-code inquiry, link its member and pass the identity check, so the
/// children may reissue.
async fn ready_case(desk: &Desk) -> i64 {
    use kencom_desk_core::views::{FactorInput, VerificationInput};
    let queue = desk.inquiries(Some("new".into()), 1).await.unwrap();
    let inquiry = queue
        .items
        .iter()
        .find(|i| i.inquiry.inquiry_type == "checkup_code")
        .unwrap();
    let case_id = desk.claim_inquiry(inquiry.inquiry.id).await.unwrap();
    let case = desk.open_case(case_id).await.unwrap();
    let member_id = case.inquiry_diagnosis.unwrap().candidates[0].member.id;
    desk.link_member(case_id, member_id).await.unwrap();
    let factors = ["name_kana", "birth_date", "insurer_name"]
        .iter()
        .map(|f| FactorInput {
            factor: serde_json::from_value(serde_json::json!(f)).unwrap(),
            matched: true,
        })
        .collect();
    let out = desk
        .record_verification(case_id, VerificationInput { member_id, factors })
        .await
        .unwrap();
    assert!(out.case.actions_unlocked);
    case_id
}
