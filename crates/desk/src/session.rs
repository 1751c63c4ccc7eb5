//! Sign-in, resuming a stored session at start-up, and sign-out.
//!
//! The refresh token lives only in the OS keychain; without a usable keychain the desk
//! refuses to sign in and says what to install. Sign-out revokes the session at the server
//! (when reachable), deletes the token and the cache key, and wipes the local cache.
use crate::desk::{Desk, Session, CACHE_FILE, CACHE_KEY_SECRET, REFRESH_SECRET};
use crate::error::{DeskError, ErrorCode};
use crate::settings::Settings;
use crate::views::{SessionView, SignInInput};
use kencom_api::operator::OperatorLoginRequest;
use kencom_client::CentralClient;
use unicode_normalization::UnicodeNormalization;

fn validate(input: &SignInInput) -> Result<(String, String, String), DeskError> {
    let url = input.central_url.trim().to_owned();
    if url.is_empty() {
        return Err(DeskError::invalid(
            "centralUrl",
            "中央サーバーの URL を入力してください。",
        ));
    }
    let login_id: String = input.login_id.nfkc().collect::<String>().trim().to_owned();
    if login_id.is_empty() {
        return Err(DeskError::invalid(
            "loginId",
            "オペレーター ID を入力してください。",
        ));
    }
    if input.password.is_empty() {
        return Err(DeskError::invalid(
            "password",
            "パスワードを入力してください。",
        ));
    }
    // Full-width digits and spaces typed with the IME are common: normalise, then insist
    // on exactly six digits.
    let totp: String = input.totp.nfkc().filter(|c| !c.is_whitespace()).collect();
    if totp.len() != 6 || !totp.chars().all(|c| c.is_ascii_digit()) {
        return Err(DeskError::invalid(
            "totp",
            "ワンタイムパスワードは認証アプリに表示される6桁の数字です。",
        ));
    }
    Ok((url, login_id, totp))
}

impl Desk {
    /// Sign in with ID + password + TOTP; keeps the refresh token in the keychain and
    /// opens the encrypted cache.
    pub async fn sign_in(&self, input: SignInInput) -> Result<SessionView, DeskError> {
        let (url, login_id, totp) = validate(&input)?;
        self.require_keychain()?;
        let client = CentralClient::new(&url).map_err(DeskError::from)?;
        let pair = client
            .login(&OperatorLoginRequest {
                login_id,
                password: input.password,
                totp,
            })
            .await
            .map_err(|e| {
                let mut d = DeskError::from(e);
                if d.code == ErrorCode::Unauthorized {
                    d.message = "オペレーター ID、パスワード、またはワンタイムパスワード（TOTP）が正しくありません。".into();
                    d.field = Some("totp".into());
                }
                d
            })?;
        self.store_tokens(&url, &pair)?;
        let cache = self.open_cache()?;
        Settings::save_central_url(&self.host.data_dir(), &url)?;
        let mut inner = self.lock();
        inner.client = Some(client);
        inner.cache = Some(cache);
        inner.online = true;
        inner.session = Some(Session {
            operator: pair.operator.clone(),
            access_token: pair.access_token,
        });
        tracing::info!(role = pair.operator.role.as_str(), "operator signed in");
        Ok(SessionView {
            operator: Some(pair.operator),
            central_url: Some(url),
            notice: None,
        })
    }

    /// The current session; at start-up, resume a stored one by rotating its refresh
    /// token. A dead token sends the operator to sign-in with a Japanese notice.
    pub async fn session(&self) -> Result<SessionView, DeskError> {
        let settings = Settings::load(&self.host.data_dir())?;
        {
            let inner = self.lock();
            if let Some(s) = &inner.session {
                return Ok(SessionView {
                    operator: Some(s.operator.clone()),
                    central_url: inner.client.as_ref().map(|c| c.base_url().to_owned()),
                    notice: None,
                });
            }
        }
        let signed_out = |notice: Option<String>| SessionView {
            operator: None,
            central_url: settings.central_url.clone(),
            notice,
        };
        if let Err(e) = self.require_keychain() {
            return Ok(signed_out(Some(e.message)));
        }
        let Some(stored) = self.stored_session()? else {
            return Ok(signed_out(None));
        };
        let client = CentralClient::new(&stored.central_url).map_err(DeskError::from)?;
        self.lock().client = Some(client);
        match self.refresh_access().await {
            Ok(_) => {
                let cache = self.open_cache()?;
                let mut inner = self.lock();
                inner.cache = Some(cache);
                let operator = inner.session.as_ref().map(|s| s.operator.clone());
                Ok(SessionView {
                    operator,
                    central_url: Some(stored.central_url),
                    notice: None,
                })
            }
            Err(e) => Ok(signed_out(Some(e.message))),
        }
    }

    /// Sign out: revoke at the server if reachable, forget the tokens and the cache key,
    /// and wipe the cache. Actions still waiting are reported so the UI can warn first.
    pub async fn sign_out(&self) -> Result<(), DeskError> {
        if let Ok((client, token)) = self.credentials() {
            // Best effort: offline sign-out must still remove local secrets.
            let _ = client.logout(&token).await;
        }
        let cache = {
            let mut inner = self.lock();
            inner.session = None;
            inner.cache.take()
        };
        // The roster rows of a validated file are the insurer's data: not for the next user.
        self.roster.clear();
        let vault = self.host.vault();
        vault.delete(REFRESH_SECRET).map_err(Self::vault_err)?;
        match cache {
            Some(db) => db.wipe()?,
            None => kencom_store::wipe_files(&self.host.data_dir().join(CACHE_FILE))?,
        }
        vault.delete(CACHE_KEY_SECRET).map_err(Self::vault_err)?;
        tracing::info!("operator signed out; cache wiped");
        Ok(())
    }

    /// Whether an error means "go back to sign-in".
    pub fn is_signed_out(err: &DeskError) -> bool {
        err.code == ErrorCode::Unauthorized
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(totp: &str) -> SignInInput {
        SignInInput {
            central_url: "http://127.0.0.1:1".into(),
            login_id: "ａｇｅｎｔ".into(),
            password: "pw".into(),
            totp: totp.into(),
        }
    }

    #[test]
    fn totp_accepts_full_width_digits_and_spaces_and_rejects_the_rest() {
        assert_eq!(validate(&input("１２３ ４５６")).unwrap().2, "123456");
        assert_eq!(validate(&input("１２３ ４５６")).unwrap().1, "agent");
        let e = validate(&input("12345")).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("totp"));
        assert!(e.message.contains("6桁"));
        assert!(validate(&input("12a456")).is_err());
    }
}
