//! Failures of a whole file (as opposed to `RowProblem`, which concerns one row): the file
//! cannot be read, or the mapping cannot work. Japanese messages because the admin sees them.

/// Why a roster file (or its report) could not be processed at all.
#[derive(Debug, thiserror::Error)]
pub enum RosterError {
    /// Reading the file or writing the report failed.
    #[error("ファイルの読み書きに失敗しました: {0}")]
    Io(#[from] std::io::Error),
    /// The mapping leaves out fields no row can be accepted without.
    #[error("列の対応付けに必須項目がありません: {missing}")]
    MappingIncomplete {
        /// The missing fields' Japanese names, joined with "、".
        missing: String,
    },
    /// A fixed-width field of length 0, or a field past a fixed record length.
    #[error("固定長レイアウトが不正です: {reason}")]
    LayoutInvalid {
        /// What is wrong, in Japanese.
        reason: String,
    },
}

impl RosterError {
    /// Stable code for the UI.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Io(_) => "ROSTER_IO",
            Self::MappingIncomplete { .. } => "ROSTER_MAPPING_INCOMPLETE",
            Self::LayoutInvalid { .. } => "ROSTER_LAYOUT_INVALID",
        }
    }
}

impl From<csv::Error> for RosterError {
    fn from(e: csv::Error) -> Self {
        // With `flexible(true)` and byte records, the csv crate only fails on IO.
        match e.into_kind() {
            csv::ErrorKind::Io(io) => Self::Io(io),
            other => Self::Io(std::io::Error::other(format!("{other:?}"))),
        }
    }
}
