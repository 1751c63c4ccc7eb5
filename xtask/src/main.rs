//! Developer entry point: `cargo xtask <command>`.
fn main() {}
