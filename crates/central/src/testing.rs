//! A seeded central server in-process on a loopback port the OS picks — what the desk's
//! use-case tests and the app's E2E tests talk to over real HTTP, exactly as to a production
//! server (real SQLite file, demo data). One copy for both harnesses (feature `testing`); it
//! can stop and serve the same database on the same port again (the offline tests).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::clock::{Clock, SystemClock};
use crate::config::Config;
use crate::seed::{self, DemoOperator, SeedOptions, SeedReport};
use crate::state::AppState;
use crate::store::sqlite::SqliteStore;
use crate::store::Store;

/// A running, seeded central server.
pub struct SeededCentral {
    /// `http://127.0.0.1:<port>`.
    pub base: String,
    /// What the seed made (operators with their password and TOTP seed).
    pub report: SeedReport,
    /// The server's state (its store, for tests that look at what arrived).
    pub state: AppState,
    db: PathBuf,
    addr: SocketAddr,
    running: Option<(
        tokio::sync::oneshot::Sender<()>,
        tokio::task::JoinHandle<()>,
    )>,
    _dir: tempfile::TempDir,
}

impl SeededCentral {
    /// 200 members over 4 unions (seed 11), served on a fresh port.
    pub async fn start() -> SeededCentral {
        Self::start_with(SeedOptions {
            members: 200,
            insurers: 4,
            seed: 11,
        })
        .await
    }

    /// Seed a fresh database with `opts` and serve it.
    pub async fn start_with(opts: SeedOptions) -> SeededCentral {
        let dir = tempfile::tempdir().expect("temp dir for the central database");
        let db = dir.path().join("central.db");
        let report = {
            let store = SqliteStore::open(&db).expect("open the central database");
            seed::seed(&store, &Config::default(), &SystemClock, &opts).expect("seed")
        };
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind a loopback port");
        let addr = listener.local_addr().expect("bound address");
        let state = AppState {
            store: Store::new(Arc::new(
                SqliteStore::open(&db).expect("open the central database"),
            )),
            clock: Arc::new(SystemClock),
            config: Arc::new(Config::default()),
        };
        let mut c = SeededCentral {
            base: format!("http://{addr}"),
            report,
            state,
            db,
            addr,
            running: None,
            _dir: dir,
        };
        c.serve(listener);
        c
    }

    fn serve(&mut self, listener: tokio::net::TcpListener) {
        let state = self.state.clone();
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let _ = crate::http::serve(listener, state, async {
                let _ = rx.await;
            })
            .await;
        });
        self.running = Some((tx, task));
    }

    /// Stop serving (the port refuses connections until [`Self::restart`]).
    pub async fn stop(&mut self) {
        if let Some((tx, task)) = self.running.take() {
            let _ = tx.send(());
            let _ = tokio::time::timeout(std::time::Duration::from_secs(10), task).await;
        }
    }

    /// Serve the same database on the same port again.
    pub async fn restart(&mut self) {
        let listener = tokio::net::TcpListener::bind(self.addr)
            .await
            .expect("the port is free again");
        self.serve(listener);
    }

    /// The database file (tests that look at what the server stored).
    pub fn db_path(&self) -> &Path {
        &self.db
    }

    /// A seeded operator; panics for an unknown login (a typo in a test).
    pub fn operator(&self, login: &str) -> &DemoOperator {
        self.report
            .operators
            .iter()
            .find(|o| o.login_id == login)
            .unwrap_or_else(|| panic!("no seeded operator {login}"))
    }

    /// The operator's password.
    pub fn password(&self, login: &str) -> String {
        self.operator(login).password.clone()
    }

    /// The TOTP an authenticator app would show right now.
    pub fn totp(&self, login: &str) -> String {
        crate::secrets::current_totp(&self.operator(login).totp_secret, SystemClock.now())
    }
}
