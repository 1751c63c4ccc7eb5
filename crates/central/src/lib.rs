//! Reference central server (axum): the portal back end (registration, eligibility check,
//! login/CAPTCHA, checkup codes, inquiries) and the operator API the desk uses.
//!
//! Layers: `http` (routes, extractors, problem+json) → `flows` (the rules, written once
//! against `store::Tx`) → `store` (SQLite today, PostgreSQL later). Handlers never see SQL.

pub mod app;
pub mod audit;
pub mod bench;
pub mod cidr;
pub mod clock;
pub mod config;
pub mod error;
pub mod flows;
pub mod http;
pub mod releases;
pub mod sealing;
pub mod secrets;
pub mod seed;
pub mod state;
pub mod store;
#[cfg(feature = "testing")]
pub mod testing;
