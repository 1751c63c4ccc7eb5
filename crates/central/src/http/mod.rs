//! The HTTP surface: the router under `/api/v1`, `/openapi.json`, shared layers (body
//! limit, tracing without personal data) and the idempotent-mutation helper.

pub mod audit;
pub mod cases;
pub mod extract;
pub mod insurers;
pub mod members;
pub mod openapi;
pub mod operator_auth;
pub mod portal;
pub mod print;
pub mod roster;
pub mod updates;

use std::net::SocketAddr;

use axum::extract::{DefaultBodyLimit, FromRequestParts, MatchedPath};
use axum::http::request::Parts;
use axum::http::{Request, StatusCode};
use axum::routing::{delete, get, post, put};
use axum::{Json, Router};
use serde::Serialize;
use tower_http::trace::TraceLayer;

use crate::clock::Millis;
use crate::error::{ApiError, ApiResult};
use crate::flows::idempotency::{once, Mutation};
use crate::http::extract::{fingerprint, DeviceStamp, IdemKey, Op};
use crate::state::AppState;
use crate::store::Tx;

/// What a mutating operator endpoint returns: the (possibly replayed) status and body.
pub type Mutated = ApiResult<(StatusCode, Json<serde_json::Value>)>;

/// Idempotency-Key + method + path + raw-body hash of a mutating request, and the desk's
/// optional device stamp (`X-Device-Id` / `X-Device-Seq`).
pub struct MutCtx {
    key: IdemKey,
    route: String,
    body_hash: String,
    device: DeviceStamp,
}

/// SHA-256 of the raw request body, recorded by [`hash_body`] before extraction.
#[derive(Clone)]
struct RawBodyHash(String);

impl<S: Send + Sync> FromRequestParts<S> for MutCtx {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let key = IdemKey::from_request_parts(parts, state).await?;
        let device = DeviceStamp::from_request_parts(parts, state).await?;
        let body_hash = parts
            .extensions
            .get::<RawBodyHash>()
            .map(|h| h.0.clone())
            .unwrap_or_default();
        Ok(MutCtx {
            key,
            route: format!("{} {}", parts.method, parts.uri.path()),
            body_hash,
            device,
        })
    }
}

/// Middleware: requests carrying an Idempotency-Key get their raw body hashed, so "same
/// key, different body" is caught even on endpoints that ignore their body.
async fn hash_body(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    if !req.headers().contains_key(kencom_api::IDEMPOTENCY_HEADER) {
        return next.run(req).await;
    }
    let limit = req
        .extensions()
        .get::<BodyLimit>()
        .map(|l| l.0)
        .unwrap_or(64 * 1024);
    let (mut parts, body) = req.into_parts();
    let bytes = match axum::body::to_bytes(body, limit).await {
        Ok(b) => b,
        Err(_) => {
            return ApiError::with_status(
                StatusCode::PAYLOAD_TOO_LARGE,
                "body_too_large",
                "request body too large",
            )
            .into_response()
        }
    };
    parts
        .extensions
        .insert(RawBodyHash(crate::secrets::bytes_hash(&bytes)));
    next.run(axum::extract::Request::from_parts(
        parts,
        axum::body::Body::from(bytes),
    ))
    .await
}

#[derive(Clone, Copy)]
struct BodyLimit(usize);

/// A mutation bound to its operator and body.
pub struct BoundMutation {
    operator_id: i64,
    key: String,
    route: String,
    body_hash: String,
    device: DeviceStamp,
}

impl MutCtx {
    /// Bind the operator; the fingerprint covers the route and the raw body.
    pub fn bind(self, op: &Op) -> BoundMutation {
        BoundMutation {
            operator_id: op.id,
            body_hash: fingerprint(&self.route, &self.body_hash),
            key: self.key.0,
            route: self.route,
            device: self.device,
        }
    }
}

/// Run `f` exactly once per Idempotency-Key (see `flows::idempotency`).
pub async fn mutate<T: Serialize + 'static>(
    st: &AppState,
    b: BoundMutation,
    status: StatusCode,
    f: impl FnOnce(&mut dyn Tx, Millis) -> ApiResult<T> + Send + 'static,
) -> Mutated {
    let now = st.clock.now();
    let m = Mutation {
        operator_id: b.operator_id,
        key: b.key,
        route: b.route,
        body_hash: b.body_hash,
        device: b.device.0,
        now,
    };
    let (s, v) = st
        .store
        .write(move |tx| once(tx, &m, status, |tx| f(tx, now)))
        .await?;
    Ok((s, Json(v)))
}

/// A trivial JSON endpoint: liveness, and the benchmark's baseline.
#[utoipa::path(get, path = "/api/v1/health", tag = "meta",
    responses((status = 200, body = Health)))]
pub async fn health() -> Json<Health> {
    Json(Health {
        status: "ok".into(),
    })
}

/// Liveness answer.
#[derive(Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Health {
    /// Always "ok".
    pub status: String,
}

async fn not_found() -> ApiError {
    ApiError::with_status(StatusCode::NOT_FOUND, "route_not_found", "no such endpoint")
}

async fn method_not_allowed() -> ApiError {
    ApiError::with_status(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "method not allowed",
    )
}

/// The whole router.
pub fn router(state: AppState) -> Router {
    let max_body = state.config.max_body_bytes;
    let op = Router::new()
        .route("/auth/login", post(operator_auth::login))
        .route("/auth/refresh", post(operator_auth::refresh))
        .route("/auth/logout", post(operator_auth::logout))
        .route("/me", get(operator_auth::me))
        .route("/operators", get(operator_auth::list_operators))
        .route("/operators/{id}/role", post(operator_auth::change_role))
        .route("/members", get(members::search))
        .route("/members/{id}", get(members::detail))
        .route("/members/{id}/diagnosis", get(members::diagnosis))
        .route("/diagnosis", post(members::diagnose))
        .route("/inquiries", get(cases::list_inquiries))
        .route("/inquiries/{id}", get(cases::get_inquiry))
        .route("/inquiries/{id}/claim", post(cases::claim))
        .route("/cases/{id}", get(cases::get_case))
        .route("/cases/{id}/member", post(cases::link_member))
        .route("/cases/{id}/notes", post(cases::add_note))
        .route("/cases/{id}/status", post(cases::set_status))
        .route("/cases/{id}/close", post(cases::close))
        .route("/cases/{id}/verifications", post(cases::verify))
        .route("/cases/{id}/reissue", post(cases::reissue))
        .route(
            "/cases/{id}/reissues/{reissue_id}/postcard",
            get(cases::desk_postcard),
        )
        .route(
            "/cases/{id}/reissues/{reissue_id}/printed",
            post(cases::desk_postcard_printed),
        )
        .route("/cases/{id}/reveal-email", post(cases::reveal_email))
        .route(
            "/cases/{id}/resend-activation",
            post(cases::resend_activation),
        )
        .route("/cases/{id}/unlock", post(cases::unlock))
        .route("/print/pending", get(print::pending))
        .route("/print-runs", get(print::list).post(print::create))
        .route("/print-runs/{id}", get(print::get))
        .route("/print-runs/{id}/postcards", post(print::fetch))
        .route("/print-runs/{id}/mark", post(print::mark))
        .route(
            "/print-runs/{id}/postcards/{postcard_id}/reprint",
            post(print::reprint),
        )
        .route("/insurers", get(insurers::list))
        .route("/insurers/sync-status", get(roster::summary))
        .route("/insurers/{id}/sync-status", get(roster::status))
        .route("/insurers/{id}/roster-syncs", get(roster::history))
        .route("/insurers/{id}/roster-uploads", post(roster::start))
        .route("/roster-uploads/{id}", get(roster::get))
        .route(
            "/roster-uploads/{id}/chunks/{seq}",
            put(roster::put_chunk).layer(DefaultBodyLimit::max(roster::CHUNK_BODY_LIMIT)),
        )
        .route("/roster-uploads/{id}/diff", get(roster::diff))
        .route("/roster-uploads/{id}/apply", post(roster::apply))
        .route("/insurers/{id}", get(insurers::get))
        .route(
            "/insurers/{id}/maintenance",
            post(insurers::add_maintenance),
        )
        .route(
            "/insurers/{id}/maintenance/{window_id}",
            delete(insurers::delete_maintenance),
        )
        .route("/insurers/{id}/whitelist", post(insurers::add_whitelist))
        .route(
            "/insurers/{id}/postcard-printing",
            put(insurers::set_postcard_printing),
        )
        .route(
            "/insurers/{id}/whitelist/{entry_id}",
            delete(insurers::delete_whitelist),
        )
        .route("/audit", get(audit::query))
        .route("/audit/verify", get(audit::verify));
    let portal = Router::new()
        .route("/register", post(portal::register))
        .route("/register/resend", post(portal::resend))
        .route("/activate/{token}", post(portal::activate))
        .route("/eligibility", post(portal::eligibility))
        .route("/eligibility/confirm", post(portal::confirm))
        .route("/captcha", post(portal::captcha))
        .route("/login", post(portal::login))
        .route("/checkup/verify", post(portal::checkup_verify))
        .route("/checkup/secret-question", post(portal::secret_question))
        .route("/inquiries", post(portal::inquiry));
    Router::new()
        .route("/openapi.json", get(openapi::serve))
        .route("/api/v1/health", get(health))
        .nest("/api/v1/operator", op)
        .nest("/api/v1/portal", portal)
        .merge(updates::routes())
        .layer(axum::middleware::from_fn(hash_body))
        .layer(axum::Extension(BodyLimit(max_body)))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(max_body))
        // Spans carry the route template, never the concrete path or query (which may
        // hold tokens, names or e-mail addresses).
        .layer(
            TraceLayer::new_for_http().make_span_with(|req: &Request<_>| {
                let route = req
                    .extensions()
                    .get::<MatchedPath>()
                    .map(|p| p.as_str().to_string())
                    .unwrap_or_else(|| "-".into());
                tracing::info_span!("http", method = %req.method(), route = %route)
            }),
        )
        .with_state(state)
}

/// Serve on a bound listener until the future resolves.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}
