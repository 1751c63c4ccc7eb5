//! Reference central server (axum): the portal back end and the operator API.
