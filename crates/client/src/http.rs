//! The HTTP plumbing shared by every endpoint: base URL, bearer token, idempotency key,
//! JSON in and out, problem+json out of errors. One keep-alive connection pool per client.
//! An outbox replay also carries its device stamp (`X-Device-Id` / `X-Device-Seq`).
use crate::error::ClientError;
use kencom_api::{Problem, API_PREFIX, DEVICE_ID_HEADER, DEVICE_SEQ_HEADER, IDEMPOTENCY_HEADER};
use reqwest::{Method, StatusCode};
use serde::{de::DeserializeOwned, Serialize};
use std::time::Duration;

/// A client of one central server.
#[derive(Clone, Debug)]
pub struct CentralClient {
    base: url::Url,
    http: reqwest::Client,
    /// Device id + per-device sequence number sent with idempotent mutations.
    device: Option<(String, i64)>,
}

impl CentralClient {
    /// A client for the server at `base` (e.g. `https://central.example.jp`).
    pub fn new(base: &str) -> Result<Self, ClientError> {
        let mut base =
            url::Url::parse(base.trim()).map_err(|e| ClientError::BadUrl(e.to_string()))?;
        if !matches!(base.scheme(), "http" | "https") || base.host().is_none() {
            return Err(ClientError::BadUrl(
                "http(s):// で始まる URL を指定してください".into(),
            ));
        }
        if !base.path().ends_with('/') {
            let p = format!("{}/", base.path());
            base.set_path(&p);
        }
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(30))
            .user_agent(concat!("kencom-desk/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(ClientError::Network)?;
        Ok(Self {
            base,
            http,
            device: None,
        })
    }

    /// The same client (sharing its connection pool) stamping each idempotent mutation
    /// with the outbox action's device id and per-device sequence number, so the server
    /// records which action of which desk it is and a replay shows its first number.
    pub fn for_replay(&self, device_id: &str, device_seq: i64) -> Self {
        Self {
            device: Some((device_id.to_owned(), device_seq)),
            ..self.clone()
        }
    }

    /// The server's base URL.
    pub fn base_url(&self) -> &str {
        self.base.as_str()
    }

    fn url(&self, path: &str) -> Result<url::Url, ClientError> {
        let rel = format!("{}{}", API_PREFIX.trim_start_matches('/'), path);
        self.base
            .join(&rel)
            .map_err(|e| ClientError::BadUrl(e.to_string()))
    }

    /// Send one request and decode the JSON answer.
    pub(crate) async fn send<B: Serialize + ?Sized, T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        query: Option<&(impl Serialize + ?Sized)>,
        body: Option<&B>,
        idempotency_key: Option<&str>,
    ) -> Result<T, ClientError> {
        let mut req = self.http.request(method, self.url(path)?);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(q) = query {
            req = req.query(q);
        }
        if let Some(b) = body {
            req = req.json(b);
        }
        if let Some(k) = idempotency_key {
            req = req.header(IDEMPOTENCY_HEADER, k);
            if let Some((id, seq)) = &self.device {
                req = req
                    .header(DEVICE_ID_HEADER, id.as_str())
                    .header(DEVICE_SEQ_HEADER, seq.to_string());
            }
        }
        let resp = req.send().await.map_err(ClientError::Network)?;
        let status = resp.status();
        if status.is_success() {
            if status == StatusCode::NO_CONTENT {
                return serde_json::from_value(serde_json::Value::Null).map_err(|_| {
                    ClientError::Server {
                        status: status.as_u16(),
                    }
                });
            }
            return resp.json::<T>().await.map_err(ClientError::Decode);
        }
        let code = status.as_u16();
        match resp.json::<Problem>().await {
            Ok(p) => Err(ClientError::Problem {
                status: code,
                code: p.code,
                detail: p.detail,
                field: p.field,
            }),
            Err(_) => Err(ClientError::Server { status: code }),
        }
    }
}
