//! Request extractors that turn every malformed input into a 4xx problem+json: JSON bodies
//! (syntax → 400, shape → 422 with the field), query strings and path parameters (400),
//! bearer tokens (401), Idempotency-Key (400 when missing or malformed), client IP.

use std::net::SocketAddr;

use axum::body::Bytes;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::ApiError;
use crate::flows::idempotency::DeviceSeq;
use crate::secrets::token_hash;
use crate::state::AppState;
use crate::store::Scope;
use kencom_api::operator::Role;

/// A JSON body with problem+json rejections.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(|ct| {
                let ct = ct
                    .split(';')
                    .next()
                    .unwrap_or("")
                    .trim()
                    .to_ascii_lowercase();
                ct == "application/json" || ct.ends_with("+json")
            })
            .unwrap_or(false);
        if !is_json {
            return Err(ApiError::with_status(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "expected application/json",
            ));
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::with_status(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "body_too_large",
                    "request body too large",
                )
            } else {
                ApiError::bad_request("body_unreadable", "request body could not be read")
            }
        })?;
        // Every request body of this API is an object. serde would also build a struct from
        // a JSON array (as a sequence), so `[]` could pass for a body whose fields are all
        // optional: refuse any other top-level value here, once, for every endpoint.
        if bytes.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
            return Err(match serde_json::from_slice::<serde_json::Value>(&bytes) {
                Ok(_) => {
                    ApiError::invalid("invalid_body", "", "request body must be a JSON object")
                }
                Err(_) => ApiError::bad_request("malformed_json", "request body is not valid JSON"),
            });
        }
        parse_json(&bytes).map(ApiJson)
    }
}

/// Parse JSON: syntax errors are 400, type/shape errors 422 naming the field.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    match serde_path_to_error::deserialize::<_, T>(de) {
        Ok(v) => Ok(v),
        Err(e) => {
            let path = e.path().to_string();
            let inner = e.into_inner();
            if inner.is_syntax() || inner.is_eof() || inner.is_io() {
                Err(ApiError::bad_request(
                    "malformed_json",
                    "request body is not valid JSON",
                ))
            } else {
                let field = if path == "." {
                    missing_field(&inner.to_string()).unwrap_or_default()
                } else {
                    path
                };
                Err(ApiError::invalid(
                    "invalid_body",
                    &field,
                    "request body does not match the schema",
                ))
            }
        }
    }
}

fn missing_field(msg: &str) -> Option<String> {
    let start = msg.find('`')? + 1;
    let end = msg[start..].find('`')? + start;
    Some(msg[start..end].to_string())
}

/// Query parameters with a problem+json rejection.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        let q = parts.uri.query().unwrap_or("");
        serde_urlencoded_like(q).map(ApiQuery)
    }
}

fn serde_urlencoded_like<T: DeserializeOwned>(q: &str) -> Result<T, ApiError> {
    axum::extract::Query::<T>::try_from_uri(
        &format!("http://x/?{q}")
            .parse()
            .map_err(|_| ApiError::bad_request("invalid_query", "query string"))?,
    )
    .map(|axum::extract::Query(v)| v)
    .map_err(|e| {
        ApiError::bad_request(
            "invalid_query",
            format!(
                "invalid query string: {}",
                e.body_text().chars().take(120).collect::<String>()
            ),
        )
    })
}

/// Path parameters with a problem+json rejection.
pub struct ApiPath<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(v)| ApiPath(v))
            .map_err(|_| ApiError::bad_request("invalid_path", "a path parameter is malformed"))
    }
}

fn bearer(parts: &Parts) -> Option<String> {
    let v = parts.headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let t = v
        .strip_prefix("Bearer ")
        .or_else(|| v.strip_prefix("bearer "))?
        .trim();
    (!t.is_empty() && t.len() <= 200).then(|| t.to_string())
}

/// The signed-in operator.
#[derive(Clone, Debug)]
pub struct Op {
    /// Operator id.
    pub id: i64,
    /// Role.
    pub role: Role,
    /// Bound insurer (insurer admins).
    pub insurer_id: Option<i64>,
    /// Session id (logout).
    pub session_id: i64,
    /// Session family (logout revokes it).
    pub family: String,
}

impl Op {
    /// The data this operator may see — the single source of tenant scoping.
    pub fn scope(&self) -> Scope {
        match (self.role, self.insurer_id) {
            (Role::InsurerAdmin, Some(id)) => Scope::Insurer(id),
            // An insurer admin without an insurer sees nothing (schema forbids it anyway).
            (Role::InsurerAdmin, None) => Scope::Insurer(-1),
            _ => Scope::All,
        }
    }
    /// Refuse unless the role is one of `roles`.
    pub fn require(&self, roles: &[Role]) -> Result<(), ApiError> {
        if roles.contains(&self.role) {
            Ok(())
        } else {
            Err(ApiError::forbidden(
                "role_forbidden",
                "this role may not use this endpoint",
            ))
        }
    }
}

impl FromRequestParts<AppState> for Op {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = bearer(parts)
            .ok_or_else(|| ApiError::unauthorized("unauthenticated", "bearer token required"))?;
        let hash = token_hash(&token);
        let now = state.clock.now();
        state
            .store
            .read(move |tx| {
                let s = tx
                    .session_by_access(&hash)?
                    .ok_or_else(|| ApiError::unauthorized("invalid_token", "unknown token"))?;
                if s.revoked_at.is_some() {
                    return Err(ApiError::unauthorized("token_revoked", "session revoked"));
                }
                if s.access_expires_at <= now {
                    return Err(ApiError::unauthorized(
                        "token_expired",
                        "access token expired",
                    ));
                }
                let o = tx
                    .get_operator(s.operator_id)?
                    .ok_or_else(|| ApiError::unauthorized("invalid_token", "operator gone"))?;
                let role = Role::parse(&o.role).ok_or_else(|| ApiError::internal("stored role"))?;
                Ok(Op {
                    id: o.id,
                    role,
                    insurer_id: o.insurer_id,
                    session_id: s.id,
                    family: s.family,
                })
            })
            .await
    }
}

/// A member session (portal endpoints after login / activation).
#[derive(Clone, Copy, Debug)]
pub struct Member {
    /// Account id.
    pub account_id: i64,
}

impl FromRequestParts<AppState> for Member {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = bearer(parts)
            .ok_or_else(|| ApiError::unauthorized("unauthenticated", "bearer token required"))?;
        let hash = token_hash(&token);
        let now = state.clock.now();
        state
            .store
            .read(move |tx| {
                tx.member_session(&hash, now)?
                    .map(|account_id| Member { account_id })
                    .ok_or_else(|| {
                        ApiError::unauthorized("invalid_token", "unknown or expired session")
                    })
            })
            .await
    }
}

/// The Idempotency-Key header (required on mutating operator endpoints).
#[derive(Clone, Debug)]
pub struct IdemKey(pub String);

impl<S: Send + Sync> FromRequestParts<S> for IdemKey {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        let v = parts
            .headers
            .get(kencom_api::IDEMPOTENCY_HEADER)
            .ok_or_else(|| {
                ApiError::bad_request(
                    "idempotency_key_required",
                    "Idempotency-Key header required",
                )
                .field("Idempotency-Key")
            })?;
        let s = v.to_str().map_err(|_| {
            ApiError::bad_request("idempotency_key_invalid", "Idempotency-Key must be ASCII")
        })?;
        // Visible ASCII only (no spaces): keys are opaque tokens, compared byte for byte.
        if s.is_empty() || s.len() > 200 || !s.bytes().all(|b| (b'!'..=b'~').contains(&b)) {
            return Err(ApiError::bad_request(
                "idempotency_key_invalid",
                "Idempotency-Key must be 1–200 visible ASCII characters",
            )
            .field("Idempotency-Key"));
        }
        Ok(IdemKey(s.to_string()))
    }
}

/// The optional device stamp of a mutation: both headers or neither. Recorded with the
/// idempotency record so support can see, per device, which actions arrived in what
/// order, and so a replay that claims a different number than its first send is caught.
#[derive(Clone, Debug, Default)]
pub struct DeviceStamp(pub Option<DeviceSeq>);

impl<S: Send + Sync> FromRequestParts<S> for DeviceStamp {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        let get = |name: &'static str| -> Result<Option<&str>, ApiError> {
            parts
                .headers
                .get(name)
                .map(|v| {
                    v.to_str().map_err(|_| {
                        ApiError::bad_request("device_seq_invalid", format!("{name} must be ASCII"))
                            .field(name)
                    })
                })
                .transpose()
        };
        let id = get(kencom_api::DEVICE_ID_HEADER)?;
        let seq = get(kencom_api::DEVICE_SEQ_HEADER)?;
        match (id, seq) {
            (None, None) => Ok(DeviceStamp(None)),
            (Some(id), Some(seq)) => {
                if id.is_empty() || id.len() > 64 || !id.bytes().all(|b| (b'!'..=b'~').contains(&b))
                {
                    return Err(ApiError::bad_request(
                        "device_seq_invalid",
                        "X-Device-Id must be 1–64 visible ASCII characters",
                    )
                    .field(kencom_api::DEVICE_ID_HEADER));
                }
                let seq = seq
                    .parse::<i64>()
                    .ok()
                    .filter(|s| *s >= 1 && seq.bytes().all(|b| b.is_ascii_digit()))
                    .ok_or_else(|| {
                        ApiError::bad_request(
                            "device_seq_invalid",
                            "X-Device-Seq must be a positive integer",
                        )
                        .field(kencom_api::DEVICE_SEQ_HEADER)
                    })?;
                Ok(DeviceStamp(Some(DeviceSeq {
                    device_id: id.to_string(),
                    seq,
                })))
            }
            (Some(_), None) | (None, Some(_)) => Err(ApiError::bad_request(
                "device_seq_incomplete",
                "X-Device-Id and X-Device-Seq are sent together",
            )
            .field(if id.is_none() {
                kencom_api::DEVICE_ID_HEADER
            } else {
                kencom_api::DEVICE_SEQ_HEADER
            })),
        }
    }
}

/// The client's IP: the socket peer, or the first X-Forwarded-For hop when trusted.
#[derive(Clone, Debug)]
pub struct ClientIp(pub String);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        if state.config.trust_forwarded_for {
            if let Some(ip) = parts
                .headers
                .get("x-forwarded-for")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.split(',').next())
                .map(str::trim)
                .filter(|s| s.parse::<std::net::IpAddr>().is_ok())
            {
                return Ok(ClientIp(ip.to_string()));
            }
        }
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip().to_string())
            .unwrap_or_else(|| "0.0.0.0".into());
        Ok(ClientIp(peer))
    }
}

/// The fingerprint of a mutating request for idempotency: route + canonical body.
pub fn fingerprint(route: &str, body: &impl Serialize) -> String {
    let json = serde_json::to_vec(body).unwrap_or_default();
    crate::secrets::bytes_hash(&[route.as_bytes(), b"\n", &json].concat())
}
