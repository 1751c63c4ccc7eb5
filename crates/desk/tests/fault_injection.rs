//! Fault injection for the outbox: a proxy between desk and server drops connections,
//! delays, cuts responses after the server acted and answers 503; the desk is "killed"
//! (its in-flight work aborted and the whole desk dropped, then reopened from the same
//! keychain and cache) at random points. Over at least 1,000 randomized schedules:
//! 0 lost actions, 0 duplicated notes or reissues (counted on the server), 0 invisible
//! rejections.
//!
//! Every action carries its per-device sequence number: the server must have recorded each
//! queued action once, under its own number, in strictly increasing order, and every replay
//! the proxy forwarded must carry the number of its first send.
//!
//! A lost session is covered once at the end: the refresh token disappears, the operator
//! signs in again, and the queue written before is still there and drains.
//!
//! `KENCOM_FAULT_SCHEDULES` sets the number of schedules, `KENCOM_FAULT_SEED` the seed
//! (printed, so a failure can be replayed).
mod support;

use kencom_desk_core::views::{FactorInput, VerificationInput};
use kencom_desk_core::Desk;
use std::collections::HashMap;
use std::sync::Arc;
use support::proxy::{Fault, Proxy};
use support::rng::{seed_from_env, Rng};
use support::*;

/// Send everything that waits, jumping the desk's clock past each backoff.
async fn drain(desk: &Desk, host: &TestHost) {
    for _ in 0..200 {
        if desk.status().await.unwrap().waiting == 0 {
            return;
        }
        host.advance(10 * 60_000);
        desk.flush().await;
    }
    panic!("the outbox did not drain");
}

/// After a restart the desk resumes its session by rotating the refresh token. A transient
/// failure leaves the token in the keychain (try again, as the UI does on its next poll);
/// a lost refresh response makes the server see the old token reused and revoke the login,
/// so the operator signs in again — and the queue, keyed by the keychain's cache key,
/// is still there.
async fn resume(desk: &Desk, host: &TestHost, central: &Central, proxy: &str, resignins: &mut u32) {
    for _ in 0..50 {
        let s = desk.session().await.unwrap();
        if s.operator.is_some() {
            return;
        }
        if !host.vault.0.lock().unwrap().contains_key("refresh-token") {
            let mut input = sign_in_input(central, "agent01");
            input.central_url = proxy.to_owned();
            desk.sign_in(input).await.unwrap();
            *resignins += 1;
            return;
        }
    }
    panic!("the session could not be resumed");
}

#[tokio::test(flavor = "multi_thread")]
async fn no_action_is_lost_or_sent_twice_under_faults_and_kills() {
    let schedules: u64 = std::env::var("KENCOM_FAULT_SCHEDULES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    let seed = seed_from_env("KENCOM_FAULT_SEED");
    eprintln!("fault injection: {schedules} schedules, KENCOM_FAULT_SEED={seed}");
    let mut rng = Rng(seed);

    let central = Central::start().await;
    let proxy = Proxy::start(&central.base).await;
    let host = Arc::new(TestHost::new());
    let mut desk = Arc::new(Desk::new(host.clone()));
    let mut input = sign_in_input(&central, "agent01");
    input.central_url = proxy.base.clone();
    desk.sign_in(input).await.unwrap();
    let signed_in_at = std::time::Instant::now();

    // A case about a member with a passed verification, so reissues are allowed.
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

    let mut kills = 0;
    let mut resignins = 0;
    let mut reissues_wanted = 0;
    for s in 0..schedules {
        for _ in 0..rng.below(4) {
            proxy.script.push(Fault::random(&mut rng));
        }
        let reissue = rng.below(10) == 0;
        let body = format!("schedule {s}");
        let d = desk.clone();
        let b = body.clone();
        let task = tokio::spawn(async move {
            if reissue {
                d.reissue_code(case_id).await.map(|_| ())
            } else {
                d.add_note(case_id, b).await.map(|_| ())
            }
        });
        if rng.below(5) == 0 {
            // Kill: abort wherever the action is, drop the desk, start a new one from the
            // same keychain and data directory (as after a crash and restart).
            tokio::time::sleep(std::time::Duration::from_millis(rng.below(6))).await;
            task.abort();
            let _ = task.await;
            drop(desk);
            desk = Arc::new(Desk::new(host.clone()));
            resume(&desk, &host, &central, &proxy.base, &mut resignins).await;
            kills += 1;
        } else {
            match task.await.unwrap() {
                Ok(()) => {}
                // Offline or 5xx: the action is queued, not lost.
                Err(e) => assert!(e.retryable, "schedule {s}: unexpected refusal {e:?}"),
            }
        }
        let _ = reissue.then(|| reissues_wanted += 1);
        if rng.below(3) == 0 {
            drain(&desk, &host).await;
        }
    }
    // Lost session while actions wait: the note cannot leave (503), the refresh token is
    // gone (expired / revoked), the desk restarts signed out; after a new sign-in the queue
    // is intact and the note arrives exactly once.
    proxy.script.clear();
    for _ in 0..3 {
        proxy.script.push(Fault::Unavailable);
    }
    let waiting = desk
        .add_note(case_id, "written before the session ended".into())
        .await
        .unwrap();
    assert!(!waiting.sent, "the note waits while the server answers 503");
    host.vault.0.lock().unwrap().remove("refresh-token");
    drop(desk);
    desk = Arc::new(Desk::new(host.clone()));
    assert!(desk.session().await.unwrap().operator.is_none());
    // One-time TOTP codes: the first sign-in's code must not be reused.
    let since = signed_in_at.elapsed();
    if since < std::time::Duration::from_secs(31) {
        tokio::time::sleep(std::time::Duration::from_secs(31) - since).await;
    }
    let mut input = sign_in_input(&central, "agent01");
    input.central_url = proxy.base.clone();
    desk.sign_in(input).await.unwrap();
    proxy.script.clear();
    drain(&desk, &host).await;

    let status = desk.status().await.unwrap();
    assert!(
        status.rejected.is_empty(),
        "no action may be refused: {:?}",
        status.rejected
    );
    let case = desk.open_case(case_id).await.unwrap();
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for n in &case.case.notes {
        *seen.entry(n.body.as_str()).or_default() += 1;
    }
    let duplicated: Vec<_> = seen.iter().filter(|(_, c)| **c > 1).collect();
    assert!(duplicated.is_empty(), "notes sent twice: {duplicated:?}");
    // Every note whose enqueue committed (it is in the local outbox, now done) arrived
    // exactly once; a note aborted before its enqueue committed never arrived.
    let queued = desk.queued_bodies(case_id).unwrap();
    for body in &queued {
        assert_eq!(
            seen.get(body.as_str()),
            Some(&1),
            "queued note {body:?} lost"
        );
    }
    assert_eq!(
        seen.len(),
        queued.len(),
        "the server has notes the desk never queued"
    );
    let queued_reissues = desk.queued_count(case_id, "reissue_code").unwrap();
    assert_eq!(
        case.case.reissues.len(),
        queued_reissues,
        "each queued reissue acted exactly once on the server"
    );
    assert!(queued_reissues <= reissues_wanted);
    let recorded =
        support::device_seq::assert_server_saw_device_sequence(&central, &desk, &[case_id]).await;
    let replays = proxy.replays_kept_their_stamp();
    assert!(
        replays > 0 || schedules < 100,
        "the faults should have made the desk replay some actions"
    );
    eprintln!(
        "fault injection ok: {schedules} schedules, {kills} kills ({resignins} needed a new sign-in), {} notes, {} reissues, {recorded} device numbers in order, {replays} replays kept theirs",
        queued.len(),
        queued_reissues
    );
}
