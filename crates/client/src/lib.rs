//! reqwest client for the central API.
