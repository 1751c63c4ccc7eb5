//! The desk's local encrypted cache (SQLCipher) and outbox.
