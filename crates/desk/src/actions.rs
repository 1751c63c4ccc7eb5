//! Every change the operator makes to a case goes through the outbox: written locally in
//! one transaction with its idempotency key, then sent by [`Desk::flush`]. Online, flush
//! runs right away so the operator sees the server's answer; offline, the action waits
//! (shown as 送信待ち) and the shell's background loop sends it when the server is back.
//!
//! Network errors and 5xx retry with backoff; 4xx become rejected actions the operator can
//! retry or discard; an expired session keeps the queue intact until the next sign-in.
use crate::desk::Desk;
use crate::error::{DeskError, ErrorCode};
use crate::views::{ActionOutcome, VerificationInput};
use kencom_api::operator::{
    CaseStatusRequest, CloseRequest, FactorCheck, LinkMemberRequest, NoteRequest, Resolution,
    VerificationRequest,
};
use kencom_client::{CentralClient, ClientError};
use kencom_store::{NewAction, OutboxAction, RetryPolicy};
use serde_json::{json, Value};

/// Japanese label of an action kind.
pub fn label(kind: &str) -> &'static str {
    match kind {
        "add_note" => "メモの追加",
        "link_member" => "会員の紐づけ",
        "record_verification" => "本人確認の記録",
        "reissue_code" => "健診閲覧コードの再発行",
        "resend_activation" => "仮登録メールの再送信",
        "unlock_login" => "ログインロックの解除",
        "set_status" => "案件ステータスの変更",
        "close_case" => "案件のクローズ",
        "postcard_printed" => "はがき印刷済みの報告",
        _ => "操作",
    }
}

/// Result of one replay pass.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct FlushReport {
    /// Confirmed by the server.
    pub sent: u32,
    /// Refused by the server (4xx).
    pub rejected: u32,
    /// Whether the pass stopped on a transient failure (offline, 5xx, no session).
    pub stalled: bool,
}

fn str_field(v: &Value, k: &str) -> String {
    v.get(k)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

/// A stored payload that no longer parses (written by another version): refused like a
/// 400, so it shows up as a rejected action instead of blocking the queue.
fn bad_payload() -> ClientError {
    ClientError::Problem {
        status: 400,
        code: "invalid_payload".into(),
        detail: "stored action payload is not valid".into(),
        field: None,
    }
}

/// Send one queued action with its idempotency key and, when the cache knows its device
/// id, the device stamp (the row's per-device sequence number, the same on every replay).
async fn dispatch(
    c: &CentralClient,
    token: &str,
    a: &OutboxAction,
    device: Option<&str>,
) -> Result<Value, ClientError> {
    let stamped;
    let c = match device {
        Some(id) => {
            stamped = c.for_replay(id, a.device_seq);
            &stamped
        }
        None => c,
    };
    let case: i64 = a
        .case_id
        .as_deref()
        .and_then(|s| s.parse().ok())
        .unwrap_or_default();
    let key = a.idempotency_key.as_str();
    let p = &a.payload;
    let out = match a.kind.as_str() {
        "add_note" => json!(
            c.add_note(
                token,
                case,
                &NoteRequest {
                    body: str_field(p, "body")
                },
                key
            )
            .await?
        ),
        "link_member" => json!(
            c.link_member(
                token,
                case,
                &LinkMemberRequest {
                    member_id: p["member_id"].as_i64().unwrap_or_default()
                },
                key
            )
            .await?
        ),
        "record_verification" => {
            let req: VerificationRequest = serde_json::from_value(p.clone())
                .map_err(|_| ClientError::BadUrl("payload".into()))?;
            json!(c.verify(token, case, &req, key).await?)
        }
        "reissue_code" => json!(c.reissue(token, case, key).await?),
        "resend_activation" => json!(c.resend_activation(token, case, key).await?),
        "unlock_login" => json!(c.unlock(token, case, key).await?),
        "postcard_printed" => json!(
            c.postcard_printed(
                token,
                case,
                p["reissue_id"].as_i64().ok_or_else(bad_payload)?,
                key
            )
            .await?
        ),
        "set_status" => json!(
            c.set_status(
                token,
                case,
                &CaseStatusRequest {
                    status: serde_json::from_value(p["status"].clone())
                        .map_err(|_| bad_payload())?
                },
                key
            )
            .await?
        ),
        "close_case" => json!(
            c.close(
                token,
                case,
                &CloseRequest {
                    resolution: serde_json::from_value(p["resolution"].clone())
                        .map_err(|_| bad_payload())?
                },
                key
            )
            .await?
        ),
        other => {
            return Err(ClientError::Problem {
                status: 400,
                code: "unknown_action".into(),
                detail: format!("unknown action {other}"),
                field: None,
            })
        }
    };
    Ok(out)
}

impl Desk {
    /// Queue an action for `case_id` in the same transaction as nothing else (the case's
    /// local copy is refreshed from the server's answer when it arrives).
    fn enqueue(
        &self,
        kind: &str,
        case_id: i64,
        member_id: Option<i64>,
        payload: Value,
    ) -> Result<OutboxAction, DeskError> {
        let now = self.now_ms();
        let mut inner = self.lock();
        let cache = inner.cache.as_mut().ok_or_else(|| DeskError {
            code: ErrorCode::Unauthorized,
            message: "サインインしてください。".into(),
            field: None,
            retryable: false,
        })?;
        let action = NewAction {
            kind: kind.to_owned(),
            case_id: Some(case_id.to_string()),
            member_id: member_id.map(|m| m.to_string()),
            payload,
        };
        Ok(cache.transact(|tx| tx.enqueue(action, now))?)
    }

    /// Replay due actions in order until the queue is empty or a transient failure stops
    /// the pass. Safe to call from several places: the store hands each action out once.
    pub async fn flush(&self) -> FlushReport {
        let mut report = FlushReport::default();
        loop {
            let now = self.now_ms();
            // The device id is read with the action, from the same cache: the stamp names
            // the cache the row's sequence number belongs to (sign-in may swap caches).
            let next = {
                let mut inner = self.lock();
                match inner.cache.as_mut() {
                    Some(c) => c
                        .take_due(now)
                        .ok()
                        .flatten()
                        .map(|a| (a, c.device_id().ok())),
                    None => None,
                }
            };
            let Some((action, device)) = next else { break };
            let result = self
                .call(|c, t| {
                    let action = action.clone();
                    let device = device.clone();
                    async move { dispatch(&c, &t, &action, device.as_deref()).await }
                })
                .await;
            let now = self.now_ms();
            let mut inner = self.lock();
            let Some(cache) = inner.cache.as_mut() else {
                break;
            };
            match result {
                Ok(response) => {
                    let _ = cache.mark_done(action.seq, &response, now);
                    report.sent += 1;
                }
                Err(e) => {
                    let err: DeskError = e.into();
                    if err.retryable || err.code == ErrorCode::Unauthorized {
                        // Offline, 5xx, or no session: keep it, with backoff; never drop.
                        let _ = cache.mark_retry(
                            action.seq,
                            &format!("{:?}", err.code),
                            &err.message,
                            RetryPolicy::default(),
                            now,
                        );
                        report.stalled = true;
                        break;
                    }
                    let _ = cache.mark_rejected(
                        action.seq,
                        &format!("{:?}", err.code),
                        &err.message,
                        now,
                    );
                    report.rejected += 1;
                }
            }
        }
        report
    }

    /// Queue `kind`, try to send it now, and report what happened with the fresh case.
    pub(crate) async fn act(
        &self,
        kind: &str,
        case_id: i64,
        member_id: Option<i64>,
        payload: Value,
    ) -> Result<ActionOutcome, DeskError> {
        let action = self.enqueue(kind, case_id, member_id, payload)?;
        self.flush().await;
        let state = {
            let inner = self.lock();
            inner
                .cache
                .as_ref()
                .and_then(|c| c.actions_for_case(&case_id.to_string()).ok())
                .and_then(|all| all.into_iter().find(|a| a.seq == action.seq))
        };
        let case = self.open_case(case_id).await?;
        let (sent, message) = match state.map(|a| (a.state, a.last_error_message)) {
            Some((kencom_store::ActionState::Done, _)) => {
                (true, format!("{}を送信しました。", label(kind)))
            }
            Some((kencom_store::ActionState::Rejected, why)) => {
                return Err(DeskError {
                    code: ErrorCode::Rejected,
                    message: format!(
                        "{}は受け付けられませんでした: {}",
                        label(kind),
                        why.unwrap_or_default()
                    ),
                    field: None,
                    retryable: false,
                })
            }
            _ => (
                false,
                format!(
                    "{}は送信待ちです。接続が戻ると自動で送信します。",
                    label(kind)
                ),
            ),
        };
        Ok(ActionOutcome {
            sent,
            message,
            case,
        })
    }

    /// Add an internal note.
    pub async fn add_note(&self, case_id: i64, body: String) -> Result<ActionOutcome, DeskError> {
        let body = body.trim().to_owned();
        if body.is_empty() {
            return Err(DeskError::invalid("body", "メモを入力してください。"));
        }
        if body.chars().count() > 4000 {
            return Err(DeskError::invalid(
                "body",
                "メモは4000文字以内で入力してください。",
            ));
        }
        self.act("add_note", case_id, None, json!({ "body": body }))
            .await
    }

    /// Attach the member the case is about.
    pub async fn link_member(
        &self,
        case_id: i64,
        member_id: i64,
    ) -> Result<ActionOutcome, DeskError> {
        self.act(
            "link_member",
            case_id,
            Some(member_id),
            json!({ "member_id": member_id }),
        )
        .await
    }

    /// Record an identity verification (the server decides pass/fail by the 3-item rule).
    pub async fn record_verification(
        &self,
        case_id: i64,
        input: VerificationInput,
    ) -> Result<ActionOutcome, DeskError> {
        let VerificationInput { member_id, factors } = input;
        if factors.is_empty() {
            return Err(DeskError::invalid(
                "factors",
                "確認した項目を選んでください。",
            ));
        }
        let req = VerificationRequest {
            member_id,
            factors: factors
                .into_iter()
                .map(|f| FactorCheck {
                    factor: f.factor,
                    matched: f.matched,
                })
                .collect(),
        };
        let payload = serde_json::to_value(&req)
            .map_err(|_| DeskError::internal("本人確認の内容を保存できません。"))?;
        self.act("record_verification", case_id, Some(member_id), payload)
            .await
    }

    /// Reissue the checkup code (gated).
    pub async fn reissue_code(&self, case_id: i64) -> Result<ActionOutcome, DeskError> {
        self.act("reissue_code", case_id, None, json!({})).await
    }

    /// Resend the activation mail (gated).
    pub async fn resend_activation(&self, case_id: i64) -> Result<ActionOutcome, DeskError> {
        self.act("resend_activation", case_id, None, json!({}))
            .await
    }

    /// Unlock the member's login (gated).
    pub async fn unlock_login(&self, case_id: i64) -> Result<ActionOutcome, DeskError> {
        self.act("unlock_login", case_id, None, json!({})).await
    }

    /// Close the case with a resolution category.
    pub async fn close_case(
        &self,
        case_id: i64,
        resolution: String,
    ) -> Result<ActionOutcome, DeskError> {
        let resolution: Resolution = serde_json::from_value(json!(resolution))
            .map_err(|_| DeskError::invalid("resolution", "クローズ区分を選んでください。"))?;
        self.act(
            "close_case",
            case_id,
            None,
            json!({ "resolution": resolution }),
        )
        .await
    }

    /// Reveal the login e-mail: a gated, audited read — online only, never cached.
    pub async fn reveal_email(&self, case_id: i64) -> Result<String, DeskError> {
        let key = format!("reveal-{case_id}-{}", self.now_ms());
        let r = self
            .call(|c, t| {
                let key = key.clone();
                async move { c.reveal_email(&t, case_id, &key).await }
            })
            .await?;
        Ok(r.email)
    }

    /// Send a rejected action again (same idempotency key).
    pub async fn retry_action(&self, seq: i64) -> Result<(), DeskError> {
        let now = self.now_ms();
        if let Some(c) = self.lock().cache.as_mut() {
            c.retry_rejected(seq, now)?;
        }
        self.flush().await;
        Ok(())
    }

    /// Drop a rejected action for good.
    pub fn discard_action(&self, seq: i64) -> Result<(), DeskError> {
        if let Some(c) = self.lock().cache.as_mut() {
            c.discard_rejected(seq)?;
        }
        Ok(())
    }
}

impl Desk {
    /// Bodies of every note queued for a case on this device (any state), for
    /// diagnostics and the fault-injection tests.
    pub fn queued_bodies(&self, case_id: i64) -> Result<Vec<String>, DeskError> {
        Ok(self
            .queued(case_id)?
            .into_iter()
            .filter(|a| a.kind == "add_note")
            .map(|a| str_field(&a.payload, "body"))
            .collect())
    }

    /// How many actions of `kind` were queued for a case on this device (any state).
    pub fn queued_count(&self, case_id: i64, kind: &str) -> Result<usize, DeskError> {
        Ok(self
            .queued(case_id)?
            .iter()
            .filter(|a| a.kind == kind)
            .count())
    }

    /// (idempotency key, per-device sequence number) of every action queued for a case on
    /// this device (any state), oldest first — what the server should have recorded.
    pub fn queued_stamps(&self, case_id: i64) -> Result<Vec<(String, i64)>, DeskError> {
        Ok(self
            .queued(case_id)?
            .into_iter()
            .map(|a| (a.idempotency_key, a.device_seq))
            .collect())
    }

    fn queued(&self, case_id: i64) -> Result<Vec<OutboxAction>, DeskError> {
        match self.lock().cache.as_ref() {
            Some(c) => Ok(c.actions_for_case(&case_id.to_string())?),
            None => Ok(Vec::new()),
        }
    }
}
