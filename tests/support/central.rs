//! The E2E tests' central server: the shared in-process `SeededCentral` (real HTTP on
//! loopback, real SQLite), seeded as the E2E expectations were written (seed 3: e.g. the
//! admin run's roster size 33 → 42). It can stop and start again on the same port.
use kencom_central::seed::SeedOptions;
pub use kencom_central::testing::SeededCentral as Central;

/// Seed and serve the E2E central.
pub async fn start() -> Central {
    Central::start_with(SeedOptions {
        members: 200,
        insurers: 4,
        seed: 3,
    })
    .await
}
