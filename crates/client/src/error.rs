//! Client errors. The split that matters to the desk: [`ClientError::is_transient`]
//! (network, timeouts, 5xx — retry with backoff) versus a problem the server decided (4xx —
//! show it to the operator, never retry silently).
use thiserror::Error;

/// A failed call to the central server.
#[derive(Debug, Error)]
pub enum ClientError {
    /// No HTTP response: connection refused, reset, DNS, timeout.
    #[error("中央サーバーに接続できません")]
    Network(#[source] reqwest::Error),
    /// The server answered with a problem (RFC 9457).
    #[error("{detail}")]
    Problem {
        /// HTTP status.
        status: u16,
        /// Stable code from the server (`not_found`, `verification_required`, …).
        code: String,
        /// The server's explanation.
        detail: String,
        /// The request field at fault.
        field: Option<String>,
    },
    /// A 5xx or other non-problem failure body.
    #[error("中央サーバーでエラーが発生しました（HTTP {status}）")]
    Server {
        /// HTTP status.
        status: u16,
    },
    /// A 2xx whose body is not what the contract says.
    #[error("中央サーバーの応答を解釈できません")]
    Decode(#[source] reqwest::Error),
    /// The base URL is unusable.
    #[error("中央サーバーの URL が正しくありません: {0}")]
    BadUrl(String),
}

impl ClientError {
    /// Whether trying again later may succeed without anyone changing anything.
    pub fn is_transient(&self) -> bool {
        match self {
            ClientError::Network(_) => true,
            ClientError::Server { status } => *status >= 500 || *status == 429,
            ClientError::Problem { status, .. } => *status >= 500 || *status == 429,
            ClientError::Decode(_) | ClientError::BadUrl(_) => false,
        }
    }

    /// The HTTP status, when there was a response.
    pub fn status(&self) -> Option<u16> {
        match self {
            ClientError::Problem { status, .. } | ClientError::Server { status } => Some(*status),
            _ => None,
        }
    }

    /// The server's stable problem code, if any.
    pub fn problem_code(&self) -> Option<&str> {
        match self {
            ClientError::Problem { code, .. } => Some(code),
            _ => None,
        }
    }
}
