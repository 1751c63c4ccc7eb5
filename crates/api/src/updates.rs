//! The desk's self-update manifest: what `GET /updates/{target}/{arch}/{current_version}`
//! answers when a newer release exists. The shape is fixed by tauri-plugin-updater's
//! "dynamic server" format, so the field names are snake_case as that plugin reads them.
use serde::{Deserialize, Serialize};

/// One release for the caller's platform, in the updater plugin's server format.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct UpdateManifest {
    /// The release's version (semver, without a leading `v`).
    #[schema(example = "0.2.0")]
    pub version: String,
    /// Release notes (Markdown) shown in the desk's update banner.
    pub notes: Option<String>,
    /// When the release was published (RFC 3339).
    #[schema(example = "2026-05-01T09:00:00Z")]
    pub pub_date: Option<String>,
    /// Absolute URL of the signed artifact.
    pub url: String,
    /// The artifact's minisign signature: the content of its `.sig` file (base64).
    pub signature: String,
}
