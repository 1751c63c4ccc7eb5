//! `kencom-central bench`: seed N members (if the database is empty), then measure member
//! search — 3-character kana substring, kana prefix + birth date, symbol/number, e-mail —
//! through HTTP on loopback vs the same query run in-process (the same flow and store,
//! no HTTP), next to a trivial JSON endpoint of the same server; plus seeding rows/s.
//! Prints a Markdown table (docs/benchmarks.md keeps a recorded run). Not a timed test.

use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use kencom_api::operator::MemberSearchQuery;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::clock::{Clock, SystemClock};
use crate::config::Config;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::store::operators::OperatorRow;
use crate::store::sqlite::SqliteStore;
use crate::store::{Mode, Scope, Store};

/// A minimal keep-alive HTTP/1.1 client (one connection, sequential requests), so the
/// measurement is the server's, not a client library's connection handling.
struct Conn {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
}

impl Conn {
    fn open(addr: &str) -> std::io::Result<Conn> {
        let s = TcpStream::connect(addr)?;
        s.set_nodelay(true)?;
        Ok(Conn {
            reader: BufReader::new(s.try_clone()?),
            writer: s,
        })
    }

    fn request(
        &mut self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&str>,
    ) -> std::io::Result<(u16, String)> {
        let mut req = format!("{method} {path} HTTP/1.1\r\nHost: bench\r\n");
        if let Some(t) = token {
            let _ = write!(req, "Authorization: Bearer {t}\r\n");
        }
        if let Some(b) = body {
            let _ = write!(
                req,
                "Content-Type: application/json\r\nContent-Length: {}\r\n",
                b.len()
            );
        }
        req.push_str("\r\n");
        if let Some(b) = body {
            req.push_str(b);
        }
        self.writer.write_all(req.as_bytes())?;
        let mut line = String::new();
        self.reader.read_line(&mut line)?;
        let status: u16 = line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let mut len = 0usize;
        loop {
            line.clear();
            self.reader.read_line(&mut line)?;
            if line == "\r\n" || line.is_empty() {
                break;
            }
            if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                len = v.trim().parse().unwrap_or(0);
            }
        }
        let mut buf = vec![0; len];
        self.reader.read_exact(&mut buf)?;
        Ok((status, String::from_utf8_lossy(&buf).into_owned()))
    }
}

fn pct(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// Run the benchmark; returns the report.
pub fn run(db: &Path, members: u64, samples: u64) -> ApiResult<String> {
    let mut out = String::new();
    let sqlite = SqliteStore::open(db)?;
    let rows_present = sqlite.run_blocking(Mode::Read, |tx| {
        Ok(tx.get_member(&Scope::All, 1)?.is_some())
    })?;
    if !rows_present {
        let t = Instant::now();
        let report = crate::seed::seed(
            &sqlite,
            &Config::default(),
            &SystemClock,
            &crate::seed::SeedOptions {
                members,
                insurers: 8,
                seed: 42,
            },
        )?;
        let _ = writeln!(out, "seeded {} roster rows in {:.1} s: {:.0} rows/s (bulk insert incl. FTS5 trigram index and code hashes); {} accounts via the flows", report.roster_rows, t.elapsed().as_secs_f64(), report.rows_per_sec, report.accounts);
    } else {
        let _ = writeln!(out, "database already seeded; reusing it");
    }
    // A bench operator with a known password/TOTP.
    let secret = crate::secrets::new_totp_secret();
    let password = crate::secrets::random_token();
    let hash = crate::secrets::hash_password(&password).map_err(|_| ApiError::internal("hash"))?;
    let login = format!("bench-{}", &crate::secrets::random_token()[..8]);
    let row = OperatorRow {
        id: 0,
        login_id: login.clone(),
        display_name: "bench".into(),
        role: "agent".into(),
        insurer_id: None,
        password_hash: hash,
        totp_secret: Config::default().totp_key.seal(&login, &secret),
    };
    sqlite.run_blocking(Mode::Write, |tx| {
        Ok(tx.insert_operator(&row, SystemClock.now())?)
    })?;

    // Sample queries from the data itself (deterministic choice of rows).
    let mut rng = StdRng::seed_from_u64(7);
    let max_id: i64 = sqlite.run_blocking(Mode::Read, |tx| {
        let mut hi = 1i64;
        while tx.get_member(&Scope::All, hi * 2)?.is_some() {
            hi *= 2;
        }
        let mut lo = hi;
        let mut step = hi / 2;
        while step > 0 {
            if tx.get_member(&Scope::All, lo + step)?.is_some() {
                lo += step;
            }
            step /= 2;
        }
        Ok(lo)
    })?;
    let picks: Vec<i64> = (0..samples).map(|_| rng.gen_range(1..=max_id)).collect();
    let rows = sqlite.run_blocking(Mode::Read, |tx| {
        let mut v = Vec::new();
        for id in &picks {
            if let Some(m) = tx.get_member(&Scope::All, *id)? {
                let email = tx.account_by_member(m.id)?.map(|a| a.email);
                v.push((m, email));
            }
        }
        Ok(v)
    })?;
    let emails: Vec<String> = sqlite.run_blocking(Mode::Read, |tx| {
        let mut v = Vec::new();
        for i in 1..=(samples as i64 * 3) {
            if let Some(a) = tx.get_account(i)? {
                v.push(a.email);
            }
        }
        Ok(v)
    })?;
    let mut kinds: Vec<(&str, Vec<MemberSearchQuery>)> = vec![
        ("kana substring (3 chars)", Vec::new()),
        ("kana prefix (2) + birth date", Vec::new()),
        ("symbol + number", Vec::new()),
        ("e-mail", Vec::new()),
    ];
    for (m, _) in &rows {
        let chars: Vec<char> = m.kana_key.chars().collect();
        let start = if chars.len() > 4 { 1 } else { 0 };
        kinds[0].1.push(MemberSearchQuery {
            kana: Some(chars.iter().skip(start).take(3).collect()),
            ..Default::default()
        });
        kinds[1].1.push(MemberSearchQuery {
            kana: Some(chars.iter().take(2).collect()),
            birth_date: Some(m.birth_date.clone()),
            ..Default::default()
        });
        kinds[2].1.push(MemberSearchQuery {
            symbol: Some(m.card_symbol.clone()),
            number: Some(m.card_number.clone()),
            ..Default::default()
        });
    }
    for e in emails.iter().take(samples as usize) {
        kinds[3].1.push(MemberSearchQuery {
            email: Some(e.clone()),
            ..Default::default()
        });
    }

    let state = AppState {
        store: Store::new(Arc::new(sqlite)),
        clock: Arc::new(SystemClock),
        config: Arc::new(Config::default()),
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|_| ApiError::internal("runtime"))?;
    let addr = rt.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .map_err(|_| ApiError::internal("bind"))?;
        let addr = listener
            .local_addr()
            .map_err(|_| ApiError::internal("addr"))?;
        let s = state.clone();
        tokio::spawn(async move { crate::http::serve(listener, s, std::future::pending()).await });
        Ok::<_, ApiError>(addr.to_string())
    })?;
    let mut conn = Conn::open(&addr).map_err(|_| ApiError::internal("connect"))?;
    let totp = crate::secrets::current_totp(&secret, SystemClock.now());
    let body =
        serde_json::json!({"login_id": login, "password": password, "totp": totp}).to_string();
    let (st, resp) = conn
        .request("POST", "/api/v1/operator/auth/login", None, Some(&body))
        .map_err(|_| ApiError::internal("login"))?;
    if st != 200 {
        return Err(ApiError::internal("bench login failed"));
    }
    let token = serde_json::from_str::<serde_json::Value>(&resp)
        .ok()
        .and_then(|v| v["access_token"].as_str().map(str::to_string))
        .unwrap_or_default();

    let _ = writeln!(
        out,
        "\n{} samples per kind, sequential, one keep-alive connection; times in ms\n",
        samples
    );
    let _ = writeln!(
        out,
        "| query | HTTP p50 | HTTP p99 | in-process p50 | in-process p99 | p99 ratio | mean hits |"
    );
    let _ = writeln!(out, "| --- | --- | --- | --- | --- | --- | --- |");
    let mut health = Vec::new();
    for _ in 0..samples {
        let t = Instant::now();
        let _ = conn.request("GET", "/api/v1/health", None, None);
        health.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    health.sort_by(|a, b| a.total_cmp(b));
    for (name, queries) in &kinds {
        let (mut http, mut inproc, mut hits) = (Vec::new(), Vec::new(), 0i64);
        for q in queries {
            let mut path = String::from("/api/v1/operator/members?");
            for (k, v) in [
                ("kana", &q.kana),
                ("birth_date", &q.birth_date),
                ("symbol", &q.symbol),
                ("number", &q.number),
                ("email", &q.email),
            ] {
                if let Some(v) = v {
                    let _ = write!(path, "{k}={}&", url_encode(v));
                }
            }
            let t = Instant::now();
            let (st, body) = conn
                .request("GET", &path, Some(&token), None)
                .map_err(|_| ApiError::internal("request"))?;
            http.push(t.elapsed().as_secs_f64() * 1000.0);
            if st == 200 {
                hits += serde_json::from_str::<serde_json::Value>(&body)
                    .ok()
                    .and_then(|v| v["total"].as_i64())
                    .unwrap_or(0);
            }
            let q2 = q.clone();
            let t = Instant::now();
            let _ = rt.block_on(state.store.write(move |tx| {
                crate::flows::members::search(tx, SystemClock.now(), 0, &Scope::All, &q2)
            }));
            inproc.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        http.sort_by(|a, b| a.total_cmp(b));
        inproc.sort_by(|a, b| a.total_cmp(b));
        let _ = writeln!(
            out,
            "| {name} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2}× | {:.1} |",
            pct(&http, 0.5),
            pct(&http, 0.99),
            pct(&inproc, 0.5),
            pct(&inproc, 0.99),
            pct(&http, 0.99) / pct(&inproc, 0.99).max(1e-9),
            hits as f64 / queries.len().max(1) as f64
        );
    }
    let _ = writeln!(
        out,
        "| trivial JSON (GET /api/v1/health) | {:.2} | {:.2} | — | — | — | — |",
        pct(&health, 0.5),
        pct(&health, 0.99)
    );
    Ok(out)
}
