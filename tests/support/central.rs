//! A seeded central server in-process on a loopback port the OS picks, for the E2E tests:
//! the desk app talks to it over real HTTP exactly as it would to a production server.
//! It can be stopped and started again on the same port (the offline test).
use kencom_central::clock::{Clock, SystemClock};
use kencom_central::config::Config;
use kencom_central::seed::{self, SeedOptions, SeedReport};
use kencom_central::state::AppState;
use kencom_central::store::sqlite::SqliteStore;
use kencom_central::store::Store;
use std::path::PathBuf;
use std::sync::Arc;

pub struct Central {
    pub base: String,
    pub report: SeedReport,
    db: PathBuf,
    addr: std::net::SocketAddr,
    running: Option<(
        tokio::sync::oneshot::Sender<()>,
        tokio::task::JoinHandle<()>,
    )>,
    _dir: tempfile::TempDir,
}

impl Central {
    pub async fn start() -> Central {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("central.db");
        let report = {
            let store = SqliteStore::open(&db).unwrap();
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
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let mut c = Central {
            base: format!("http://{addr}"),
            report,
            db,
            addr,
            running: None,
            _dir: dir,
        };
        c.serve(listener);
        c
    }

    fn serve(&mut self, listener: tokio::net::TcpListener) {
        let state = AppState {
            store: Store::new(Arc::new(SqliteStore::open(&self.db).unwrap())),
            clock: Arc::new(SystemClock),
            config: Arc::new(Config::default()),
        };
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let _ = kencom_central::http::serve(listener, state, async {
                let _ = rx.await;
            })
            .await;
        });
        self.running = Some((tx, task));
    }

    /// Stop serving (the port refuses connections until `restart`).
    pub async fn stop(&mut self) {
        if let Some((tx, task)) = self.running.take() {
            let _ = tx.send(());
            let _ = tokio::time::timeout(std::time::Duration::from_secs(10), task).await;
        }
    }

    /// Serve the same database on the same port again.
    pub async fn restart(&mut self) {
        let listener = tokio::net::TcpListener::bind(self.addr).await.unwrap();
        self.serve(listener);
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
