//! The desk's self-update endpoints (tauri-plugin-updater "dynamic server" format), served
//! from the release directory of `--updates-dir` (layout in `crate::releases`):
//!
//! - `GET /updates/{target}/{arch}/{current_version}` → 204 when nothing newer is published,
//!   else the manifest of the newest release for that platform;
//! - `GET /updates/files/{version}/{platform}/{file}` → the artifact, streamed.
//!
//! Both are public: an operator must be able to update a desk that cannot sign in. Nothing
//! here trusts the artifact: the desk verifies its minisign signature with the public key
//! built into the app, so this server (or anyone in between) cannot push a forged update.
use std::time::SystemTime;

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use kencom_api::updates::UpdateManifest;
use kencom_api::Problem;
use semver::Version;

use crate::error::{ApiError, ApiResult};
use crate::http::extract::ApiPath;
use crate::releases;
use crate::state::AppState;

/// The routes, merged into the root router (outside `/api/v1`: the URL template is part of
/// every installed desk's configuration and must not move with the API version).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/updates/{target}/{arch}/{current_version}", get(manifest))
        .route("/updates/files/{version}/{platform}/{file}", get(file))
}

/// The newest release for the caller's platform, if it is newer than the caller.
#[utoipa::path(get, path = "/updates/{target}/{arch}/{current_version}", tag = "updates",
    params(
        ("target" = String, Path, description = "operating system as the updater names it (linux, windows, darwin)", pattern = "^[a-z0-9_]{1,32}$"),
        ("arch" = String, Path, description = "CPU architecture (x86_64, aarch64, …)", pattern = "^[a-z0-9_]{1,32}$"),
        ("current_version" = String, Path, description = "the desk's running version (semver)",
            pattern = r"^(0|[1-9][0-9]{0,15})\.(0|[1-9][0-9]{0,15})\.(0|[1-9][0-9]{0,15})(-(0|[1-9][0-9]{0,15}|[0-9]*[a-zA-Z-][0-9a-zA-Z-]*)(\.(0|[1-9][0-9]{0,15}|[0-9]*[a-zA-Z-][0-9a-zA-Z-]*))*)?(\+[0-9a-zA-Z-]+(\.[0-9a-zA-Z-]+)*)?$"),
    ),
    responses(
        (status = 200, body = UpdateManifest, description = "a newer release"),
        (status = 204, description = "no newer release is published"),
        (status = "4XX", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn manifest(
    State(st): State<AppState>,
    ApiPath((target, arch, current)): ApiPath<(String, String, String)>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    if !releases::is_token(&target) || !releases::is_token(&arch) {
        return Err(ApiError::bad_request(
            "invalid_platform",
            "target and arch are [a-z0-9_]{1,32}",
        )
        .field("target"));
    }
    let current = Version::parse(&current).map_err(|_| {
        ApiError::bad_request("invalid_version", "current_version is not semver")
            .field("current_version")
    })?;
    let Some(root) = st.config.updates_dir.clone() else {
        // No release directory configured: nothing is published.
        return Ok(StatusCode::NO_CONTENT.into_response());
    };
    let base = base_url(&st, &headers)?;
    let platform = format!("{target}-{arch}");
    let found = tokio::task::spawn_blocking(move || releases::newest(&root, &platform, &current))
        .await
        .map_err(|_| ApiError::internal("update scan aborted"))?
        .map_err(|e| {
            tracing::error!(error = %e, "update directory unreadable");
            ApiError::internal("update directory")
        })?;
    let Some(r) = found else {
        return Ok(StatusCode::NO_CONTENT.into_response());
    };
    let url = format!(
        "{base}/updates/files/{}/{}/{}",
        r.version,
        r.platform,
        r.file_name.replace(' ', "%20")
    );
    Ok(Json(UpdateManifest {
        version: r.version,
        notes: r.notes,
        pub_date: r.published.map(rfc3339),
        url,
        signature: r.signature,
    })
    .into_response())
}

/// One published file, streamed with its length (the desk shows download progress).
#[utoipa::path(get, path = "/updates/files/{version}/{platform}/{file}", tag = "updates",
    params(
        ("version" = String, Path, description = "release version (semver)"),
        ("platform" = String, Path, description = "`<target>-<arch>`, e.g. linux-x86_64"),
        ("file" = String, Path, description = "artifact file name"),
    ),
    responses(
        (status = 200, description = "the artifact", content_type = "application/octet-stream", body = Vec<u8>),
        (status = "4XX", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn file(
    State(st): State<AppState>,
    ApiPath((version, platform, file)): ApiPath<(String, String, String)>,
) -> ApiResult<Response> {
    let root = st
        .config
        .updates_dir
        .clone()
        .ok_or_else(|| ApiError::not_found("update file"))?;
    // Every segment is validated and symlinks are refused before anything is opened.
    let path = releases::artifact_path(&root, &version, &platform, &file)
        .ok_or_else(|| ApiError::not_found("update file"))?;
    let f = tokio::fs::File::open(&path)
        .await
        .map_err(|_| ApiError::not_found("update file"))?;
    let len = f
        .metadata()
        .await
        .map_err(|_| ApiError::internal("update file metadata"))?
        .len();
    let body = Body::from_stream(tokio_util::io::ReaderStream::new(f));
    Ok((
        [
            (header::CONTENT_TYPE, "application/octet-stream".to_string()),
            (header::CONTENT_LENGTH, len.to_string()),
        ],
        body,
    )
        .into_response())
}

/// Where the artifacts are reachable: the configured public URL, else the URL this request
/// came in on (plain http: behind a TLS proxy, configure `public_url`).
fn base_url(st: &AppState, headers: &HeaderMap) -> ApiResult<String> {
    if let Some(url) = &st.config.public_url {
        return Ok(url.trim_end_matches('/').to_string());
    }
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            !h.is_empty()
                && h.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b))
        })
        .ok_or_else(|| ApiError::bad_request("invalid_host", "a valid Host header is required"))?;
    Ok(format!("http://{host}"))
}

fn rfc3339(t: SystemTime) -> String {
    chrono::DateTime::<chrono::Utc>::from(t).to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// The OpenAPI part of these routes, merged into the served document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(manifest, file))]
pub struct UpdatesApi;
