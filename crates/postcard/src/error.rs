//! Why a postcard could not be rendered. Each variant has a stable `code()` the desk UI can
//! branch on and a Japanese message an operator can act on. Messages never contain the
//! checkup code itself: it is a secret and error texts end up in logs.

/// A postcard could not be rendered (or the document could not be written).
#[derive(Debug, thiserror::Error)]
pub enum PostcardError {
    /// The recipient's postal code is empty or not 7 digits.
    #[error("{card}枚目: 郵便番号がないか、数字7桁ではありません（例: 100-0013）")]
    PostalCode {
        /// 1-based position of the card in the run.
        card: usize,
    },
    /// No address line was given.
    #[error("{card}枚目: 住所がありません")]
    MissingAddress {
        /// 1-based position of the card in the run.
        card: usize,
    },
    /// The address does not fit in the address area even at the smallest type size.
    #[error("{card}枚目: 住所が長すぎて宛名面に収まりません（{lines}行必要、最大{max}行）")]
    AddressTooLong {
        /// 1-based position of the card in the run.
        card: usize,
        /// Lines the address needs at the smallest size.
        lines: usize,
        /// Lines that fit.
        max: usize,
    },
    /// The recipient's name is empty.
    #[error("{card}枚目: 宛名（氏名）がありません")]
    MissingName {
        /// 1-based position of the card in the run.
        card: usize,
    },
    /// The name does not fit on one line even at the smallest type size.
    #[error("{card}枚目: 宛名（氏名）が長すぎて1行に収まりません")]
    NameTooLong {
        /// 1-based position of the card in the run.
        card: usize,
    },
    /// The sender (the union) has no name or no address.
    #[error("{card}枚目: 差出人（健康保険組合）の名称または住所がありません")]
    MissingSender {
        /// 1-based position of the card in the run.
        card: usize,
    },
    /// The sender block does not fit at the bottom of the address side.
    #[error("{card}枚目: 差出人の住所が長すぎて宛名面に収まりません")]
    SenderTooLong {
        /// 1-based position of the card in the run.
        card: usize,
    },
    /// The checkup code is not 12 characters from the look-alike-free alphabet.
    #[error(
        "{card}枚目: 健診閲覧コードの形式が正しくありません（英数字12文字。0・1・O・I・L は使えません）"
    )]
    CodeFormat {
        /// 1-based position of the card in the run.
        card: usize,
    },
    /// A character has no glyph in the bundled font; printing it would show a blank box.
    #[error("{card}枚目: 「{ch}」（U+{cp:04X}）はフォントにない文字のため印字できません。近い字体に置き換えてください")]
    MissingGlyph {
        /// 1-based position of the card in the run.
        card: usize,
        /// The character.
        ch: char,
        /// Its code point (shown because the character may not display either).
        cp: u32,
    },
    /// The run contained no printable card (none given, or all skipped as invalid).
    #[error("印刷できるはがきがありません")]
    Empty,
    /// Layout options that cannot produce a valid card (e.g. a barcode too big for the card).
    #[error("レイアウト設定が不正です: {0}")]
    Options(&'static str),
    /// The bundled font could not be parsed or subset (a build problem, not the data's).
    #[error("フォントを読み込めません: {0}")]
    Font(String),
    /// Writing the PDF failed (disk full, closed pipe …).
    #[error("PDF を書き込めません: {0}")]
    Io(#[from] std::io::Error),
}

impl PostcardError {
    /// Stable code for the UI and logs; never changes once shipped.
    pub fn code(&self) -> &'static str {
        match self {
            Self::PostalCode { .. } => "POSTCARD_POSTAL_CODE",
            Self::MissingAddress { .. } => "POSTCARD_MISSING_ADDRESS",
            Self::AddressTooLong { .. } => "POSTCARD_ADDRESS_TOO_LONG",
            Self::MissingName { .. } => "POSTCARD_MISSING_NAME",
            Self::NameTooLong { .. } => "POSTCARD_NAME_TOO_LONG",
            Self::MissingSender { .. } => "POSTCARD_MISSING_SENDER",
            Self::SenderTooLong { .. } => "POSTCARD_SENDER_TOO_LONG",
            Self::CodeFormat { .. } => "POSTCARD_CODE_FORMAT",
            Self::MissingGlyph { .. } => "POSTCARD_MISSING_GLYPH",
            Self::Empty => "POSTCARD_EMPTY",
            Self::Options(_) => "POSTCARD_OPTIONS",
            Self::Font(_) => "POSTCARD_FONT",
            Self::Io(_) => "POSTCARD_IO",
        }
    }

    /// The 1-based card the error is about, when it is about one card.
    pub fn card(&self) -> Option<usize> {
        match self {
            Self::PostalCode { card }
            | Self::MissingAddress { card }
            | Self::AddressTooLong { card, .. }
            | Self::MissingName { card }
            | Self::NameTooLong { card }
            | Self::MissingSender { card }
            | Self::SenderTooLong { card }
            | Self::CodeFormat { card }
            | Self::MissingGlyph { card, .. } => Some(*card),
            Self::Empty | Self::Options(_) | Self::Font(_) | Self::Io(_) => None,
        }
    }
}
