//! `Desk`: the signed-in state of one desk — the central client, the operator's session,
//! and the encrypted cache with its outbox — plus the call wrapper that refreshes an
//! expired access token once and retries.
//!
//! Secrets never leave the keychain except into memory here: the refresh token and the
//! cache key are read from and written to the [`Vault`]; there is no file fallback.
use crate::error::{DeskError, ErrorCode};
use crate::host::{Host, KeychainStatus};
use kencom_api::operator::{OperatorInfo, TokenPair};
use kencom_client::{CentralClient, ClientError};
use kencom_domain::business_hours::BusinessCalendar;
use kencom_store::{CacheDb, CacheKey};
use serde::{Deserialize, Serialize};
use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard};

/// Keychain entry holding the rotating refresh token.
pub(crate) const REFRESH_SECRET: &str = "refresh-token";
/// Keychain entry holding the cache's raw SQLCipher key (hex).
pub(crate) const CACHE_KEY_SECRET: &str = "cache-key";
/// File name of the cache in the data directory.
pub(crate) const CACHE_FILE: &str = "cache.db";

/// What is kept in the keychain for a resumable session.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct StoredSession {
    pub central_url: String,
    pub refresh_token: String,
}

#[derive(Clone)]
pub(crate) struct Session {
    pub operator: OperatorInfo,
    pub access_token: String,
}

#[derive(Default)]
pub(crate) struct Inner {
    pub client: Option<CentralClient>,
    pub session: Option<Session>,
    pub cache: Option<CacheDb>,
    pub online: bool,
}

/// The desk's state. The shell keeps one in Tauri's managed state.
pub struct Desk {
    pub(crate) host: Arc<dyn Host>,
    pub(crate) inner: Mutex<Inner>,
    pub(crate) calendar: BusinessCalendar,
    /// Postcard PDFs this desk wrote (only these may be opened or deleted through it).
    pub(crate) postcards: Mutex<Vec<std::path::PathBuf>>,
    /// The roster wizard's validated rows and progress (memory only; see `roster_sync`).
    pub(crate) roster: crate::roster_sync::RosterJob,
}

impl Desk {
    /// A desk with nobody signed in.
    pub fn new(host: Arc<dyn Host>) -> Self {
        Self {
            host,
            inner: Mutex::new(Inner::default()),
            calendar: BusinessCalendar::default(),
            postcards: Mutex::new(Vec::new()),
            roster: Default::default(),
        }
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic while holding the lock must not brick the desk: the state is plain data.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(crate) fn now_ms(&self) -> i64 {
        self.host.now().timestamp_millis()
    }

    /// Refuse to go on without a usable keychain: secrets have nowhere else to go.
    pub(crate) fn require_keychain(&self) -> Result<(), DeskError> {
        match self.host.vault().status() {
            KeychainStatus::Available { .. } => Ok(()),
            KeychainStatus::Unavailable {
                message, remedy, ..
            } => Err(DeskError {
                code: ErrorCode::KeychainUnavailable,
                message: format!("{message} {remedy}"),
                field: None,
                retryable: false,
            }),
        }
    }

    pub(crate) fn vault_err(e: crate::host::VaultError) -> DeskError {
        DeskError {
            code: ErrorCode::KeychainUnavailable,
            message: format!("{} {}", e.message, e.remedy),
            field: None,
            retryable: false,
        }
    }

    /// Keep the new refresh token (rotation: the old one is now spent).
    pub(crate) fn store_tokens(&self, url: &str, pair: &TokenPair) -> Result<(), DeskError> {
        let stored = StoredSession {
            central_url: url.to_owned(),
            refresh_token: pair.refresh_token.clone(),
        };
        let json = serde_json::to_string(&stored)
            .map_err(|_| DeskError::internal("セッション情報を保存できません。"))?;
        self.host
            .vault()
            .set(REFRESH_SECRET, &json)
            .map_err(Self::vault_err)
    }

    pub(crate) fn stored_session(&self) -> Result<Option<StoredSession>, DeskError> {
        let raw = self
            .host
            .vault()
            .get(REFRESH_SECRET)
            .map_err(Self::vault_err)?;
        Ok(raw.and_then(|r| serde_json::from_str(&r).ok()))
    }

    /// Open the cache with the key from the keychain (made on first use). A cache the
    /// key does not open (another operator's leftover, a lost key) is wiped and recreated.
    pub(crate) fn open_cache(&self) -> Result<CacheDb, DeskError> {
        let vault = self.host.vault();
        let key = match vault.get(CACHE_KEY_SECRET).map_err(Self::vault_err)? {
            Some(hex) => CacheKey::from_hex(&hex),
            None => None,
        };
        let key = match key {
            Some(k) => k,
            None => {
                let k = CacheKey::generate();
                vault
                    .set(CACHE_KEY_SECRET, &k.to_hex())
                    .map_err(Self::vault_err)?;
                k
            }
        };
        let path = self.host.data_dir().join(CACHE_FILE);
        match CacheDb::open(&path, &key) {
            Ok(mut db) => {
                db.recover_in_flight()?;
                Ok(db)
            }
            Err(kencom_store::StoreError::WrongKey) => {
                tracing::warn!("cache key mismatch; recreating the local cache");
                kencom_store::wipe_files(&path)?;
                Ok(CacheDb::open(&path, &key)?)
            }
            Err(e) => Err(e.into()),
        }
    }

    /// The client and access token for a call, or Unauthorized.
    pub(crate) fn credentials(&self) -> Result<(CentralClient, String), DeskError> {
        let inner = self.lock();
        match (&inner.client, &inner.session) {
            (Some(c), Some(s)) => Ok((c.clone(), s.access_token.clone())),
            _ => Err(DeskError {
                code: ErrorCode::Unauthorized,
                message: "サインインしてください。".into(),
                field: None,
                retryable: false,
            }),
        }
    }

    pub(crate) fn note_contact(&self, ok: bool) {
        self.lock().online = ok;
    }

    /// Call the server with the current access token; on an expired token, rotate the
    /// refresh token once and retry. A failed refresh ends the session (Unauthorized).
    pub(crate) async fn call<T, F, Fut>(&self, f: F) -> Result<T, ClientErrorOrDesk>
    where
        F: Fn(CentralClient, String) -> Fut,
        Fut: Future<Output = Result<T, ClientError>>,
    {
        let (client, token) = self.credentials().map_err(ClientErrorOrDesk::Desk)?;
        match f(client.clone(), token).await {
            Err(e) if e.status() == Some(401) => {
                let token = self
                    .refresh_access()
                    .await
                    .map_err(ClientErrorOrDesk::Desk)?;
                let out = f(client, token).await;
                self.note_contact(!matches!(out, Err(ClientError::Network(_))));
                out.map_err(ClientErrorOrDesk::Client)
            }
            out => {
                self.note_contact(!matches!(out, Err(ClientError::Network(_))));
                out.map_err(ClientErrorOrDesk::Client)
            }
        }
    }

    /// Rotate the refresh token and return a fresh access token.
    pub(crate) async fn refresh_access(&self) -> Result<String, DeskError> {
        let client = self.lock().client.clone().ok_or_else(|| DeskError {
            code: ErrorCode::Unauthorized,
            message: "サインインしてください。".into(),
            field: None,
            retryable: false,
        })?;
        let stored = self.stored_session()?.ok_or_else(|| DeskError {
            code: ErrorCode::Unauthorized,
            message: "セッションの有効期限が切れました。もう一度サインインしてください。".into(),
            field: None,
            retryable: false,
        })?;
        match client.refresh(&stored.refresh_token).await {
            Ok(pair) => {
                self.store_tokens(&stored.central_url, &pair)?;
                let mut inner = self.lock();
                inner.online = true;
                inner.session = Some(Session {
                    operator: pair.operator.clone(),
                    access_token: pair.access_token.clone(),
                });
                Ok(pair.access_token)
            }
            Err(e) if e.status() == Some(401) => {
                // The server says the refresh token is dead (expired, revoked, role
                // changed): forget it, keep the cache (queued work survives), sign in again.
                let _ = self.host.vault().delete(REFRESH_SECRET);
                self.lock().session = None;
                Err(e.into())
            }
            Err(e) => {
                self.note_contact(!matches!(e, ClientError::Network(_)));
                Err(e.into())
            }
        }
    }
}

/// A call failed either in the desk (no session) or at the server.
pub(crate) enum ClientErrorOrDesk {
    Desk(DeskError),
    Client(ClientError),
}

impl From<ClientErrorOrDesk> for DeskError {
    fn from(e: ClientErrorOrDesk) -> Self {
        match e {
            ClientErrorOrDesk::Desk(d) => d,
            ClientErrorOrDesk::Client(c) => c.into(),
        }
    }
}
