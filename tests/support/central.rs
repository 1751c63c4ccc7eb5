//! A seeded central server in-process on a loopback port the OS picks, for the E2E tests:
//! the desk app talks to it over real HTTP exactly as it would to a production server.
use kencom_central::clock::{Clock, SystemClock};
use kencom_central::config::Config;
use kencom_central::seed::{self, SeedOptions, SeedReport};
use kencom_central::state::AppState;
use kencom_central::store::sqlite::SqliteStore;
use kencom_central::store::Store;
use std::sync::Arc;

pub struct Central {
    pub base: String,
    pub report: SeedReport,
    _dir: tempfile::TempDir,
}

impl Central {
    pub async fn start() -> Central {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("central.db");
        let report = {
            let store = SqliteStore::open(&path).unwrap();
            seed::seed(
                &store,
                &Config::default(),
                &SystemClock,
                &SeedOptions {
                    members: 200,
                    insurers: 4,
                    seed: 3,
                },
            )
            .unwrap()
        };
        let state = AppState {
            store: Store::new(Arc::new(SqliteStore::open(&path).unwrap())),
            clock: Arc::new(SystemClock),
            config: Arc::new(Config::default()),
        };
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move {
            kencom_central::http::serve(listener, state, std::future::pending()).await
        });
        Central {
            base,
            report,
            _dir: dir,
        }
    }

    fn operator(&self, login: &str) -> &kencom_central::seed::DemoOperator {
        self.report
            .operators
            .iter()
            .find(|o| o.login_id == login)
            .unwrap()
    }

    pub fn password(&self, login: &str) -> String {
        self.operator(login).password.clone()
    }

    /// The TOTP an authenticator app would show right now.
    pub fn totp(&self, login: &str) -> String {
        kencom_central::secrets::current_totp(&self.operator(login).totp_secret, SystemClock.now())
    }
}
