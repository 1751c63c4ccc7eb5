//! The central API contract: wire types and the OpenAPI document. No IO.
