//! From the lower crates' errors to the one shape the UI sees. Server problem codes get
//! Japanese text here, so the operator never reads an English server message; unknown
//! codes still show which code the server gave.
use crate::error::{DeskError, ErrorCode};
use kencom_client::ClientError;
use kencom_store::StoreError;

/// Japanese text for the server's stable problem codes the desk meets.
fn problem_text(code: &str) -> Option<&'static str> {
    Some(match code {
        "invalid_credentials" => {
            "オペレーター ID、パスワード、またはワンタイムパスワード（TOTP）が正しくありません。"
        }
        "invalid_token"
        | "token_expired"
        | "token_revoked"
        | "unauthenticated"
        | "invalid_refresh_token" => {
            "セッションの有効期限が切れました。もう一度サインインしてください。"
        }
        "role_forbidden" => "この操作を行う権限がありません。",
        "verification_required" => "この操作には、この案件での本人確認（合格）が必要です。",
        "verification_expired" => {
            "本人確認の有効時間を過ぎています。もう一度本人確認を行ってください。"
        }
        "case_not_yours" => "この案件は別の担当者が対応中です。",
        "already_claimed" => "この問い合わせは既に別の担当者が受け付けています。",
        "case_closed" => "この案件は既にクローズされています。",
        "not_found" => "対象が見つかりません（権限の範囲外の可能性があります）。",
        "unknown_member" => "会員が見つかりません。",
        "member_mismatch" => "案件に紐づく会員と異なる会員です。",
        "invalid_factors" | "unknown_factor" => "本人確認の項目が正しくありません。",
        "invalid_resolution" => "クローズ区分が正しくありません。",
        "criteria_required" => "検索条件を1つ以上入力してください。",
        "invalid_query" | "validation" => "入力内容に誤りがあります。",
        "invalid_date" => {
            "生年月日の形式が正しくありません（例: 1960-01-01、S35.1.1、昭和35年1月1日）。"
        }
        "invalid_insurer_number" => "保険者番号が正しくありません。",
        "invalid_symbol" => "記号が正しくありません。",
        "invalid_number" => "番号が正しくありません。",
        "invalid_kana" | "invalid_name" => "カナ氏名が正しくありません。",
        "nothing_pending" => "対象の手続きがありません。",
        "no_account" => "この会員にはアカウントがありません。",
        "postcard_printed" => {
            "このはがきは印刷済みです。コードはもう保持されていません（再印刷には再発行が必要です）。"
        }
        "postcard_not_at_desk" => {
            "この健康保険組合のはがきは組合の印刷便で発送されます（窓口では印刷できません）。"
        }
        "upload_applied" => "この名簿は反映済みです。",
        "upload_incomplete" => {
            "名簿の送信が完了していません。「反映する」をもう一度押すと続きから送信します。"
        }
        "chunk_mismatch" => "送信済みの名簿と内容が異なります。ファイルを読み込み直してください。",
        "invalid_row" => "中央サーバーが名簿の行を受け付けませんでした。",
        "run_printed" => "この印刷便は印刷済みです。コードはもう保持されていません（再印刷で新しいコードを発行してください）。",
        _ => return None,
    })
}

impl From<ClientError> for DeskError {
    fn from(e: ClientError) -> Self {
        match &e {
            ClientError::Network(_) => DeskError {
                code: ErrorCode::Network,
                message: "中央サーバーに接続できません。ネットワークを確認してください。操作は送信待ちとして保存されます。".into(),
                field: None,
                retryable: true,
            },
            ClientError::BadUrl(why) => DeskError::invalid("centralUrl", format!("中央サーバーの URL が正しくありません（{why}）。")),
            ClientError::Server { status } => DeskError {
                code: ErrorCode::Network,
                message: format!("中央サーバーで一時的なエラーが発生しました（HTTP {status}）。しばらくして再試行します。"),
                field: None,
                retryable: true,
            },
            ClientError::Decode(_) => DeskError::internal("中央サーバーの応答を解釈できません。アプリとサーバーのバージョンを確認してください。"),
            ClientError::Problem { status, code, field, .. } => {
                let text = problem_text(code)
                    .map(str::to_owned)
                    .unwrap_or_else(|| format!("中央サーバーが要求を受け付けませんでした（{code}）。"));
                let ecode = match (*status, code.as_str()) {
                    (401, _) => ErrorCode::Unauthorized,
                    (_, "verification_required" | "verification_expired") => ErrorCode::VerificationRequired,
                    (403, _) => ErrorCode::Forbidden,
                    (404, _) => ErrorCode::NotFound,
                    (409, _) => ErrorCode::Conflict,
                    (400 | 422, _) => ErrorCode::InvalidInput,
                    (s, _) if s >= 500 => ErrorCode::Network,
                    _ => ErrorCode::Rejected,
                };
                DeskError {
                    code: ecode,
                    message: text,
                    field: field.clone(),
                    retryable: e.is_transient(),
                }
            }
        }
    }
}

impl From<StoreError> for DeskError {
    fn from(e: StoreError) -> Self {
        tracing::warn!(code = e.code(), "local cache error");
        DeskError {
            code: ErrorCode::Internal,
            message: e.to_string(),
            field: None,
            retryable: false,
        }
    }
}
