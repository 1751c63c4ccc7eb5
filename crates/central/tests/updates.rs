//! The self-update endpoints over real HTTP on loopback: semver comparison (not string
//! order), 204 when nothing is newer, the manifest's fields and a download that matches
//! them, malformed segments refused, and no way out of the release directory.

mod common;

use std::path::Path;

use kencom_central::config::Config;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

struct Server {
    base: String,
    addr: std::net::SocketAddr,
    http: reqwest::Client,
    _db: tempfile::TempDir,
}

/// A server over an empty database (the update routes touch no table).
async fn start(updates_dir: Option<&Path>, public_url: Option<&str>) -> Server {
    let db = tempfile::tempdir().unwrap();
    let config = Config {
        updates_dir: updates_dir.map(Path::to_path_buf),
        public_url: public_url.map(str::to_string),
        ..Config::default()
    };
    let state = kencom_central::app::open(&db.path().join("c.db"), config).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(kencom_central::http::serve(
        listener,
        state,
        std::future::pending(),
    ));
    Server {
        base: format!("http://{addr}"),
        addr,
        http: reqwest::Client::new(),
        _db: db,
    }
}

impl Server {
    async fn get(&self, path: &str) -> (u16, String, reqwest::header::HeaderMap) {
        let r = self
            .http
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        let headers = r.headers().clone();
        (status, r.text().await.unwrap(), headers)
    }

    /// A request line sent byte for byte: reqwest would normalise `..` away.
    async fn raw(&self, target: &str) -> (u16, String) {
        let mut s = tokio::net::TcpStream::connect(self.addr).await.unwrap();
        let req = format!("GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        s.write_all(req.as_bytes()).await.unwrap();
        let mut buf = Vec::new();
        s.read_to_end(&mut buf).await.unwrap();
        let text = String::from_utf8_lossy(&buf).to_string();
        let status = text
            .split(' ')
            .nth(1)
            .and_then(|c| c.parse().ok())
            .unwrap_or(0);
        (status, text)
    }
}

fn put(root: &Path, rel: &str, body: &[u8]) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, body).unwrap();
}

/// 0.9.0 and 0.10.0 for linux-x86_64 (0.10.0 with notes), and a secret beside the dir.
fn releases() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    let r = d.path().join("updates");
    put(
        &r,
        "0.9.0/linux-x86_64/KenCoM Desk_0.9.0_amd64.AppImage",
        b"old",
    );
    put(
        &r,
        "0.9.0/linux-x86_64/KenCoM Desk_0.9.0_amd64.AppImage.sig",
        b"c2lnOQ==",
    );
    let artifact = vec![7u8; 100_000];
    put(
        &r,
        "0.10.0/linux-x86_64/KenCoM Desk_0.10.0_amd64.AppImage",
        &artifact,
    );
    put(
        &r,
        "0.10.0/linux-x86_64/KenCoM Desk_0.10.0_amd64.AppImage.sig",
        b"c2lnMTA=\n",
    );
    put(&r, "0.10.0/notes.md", "検索が速くなりました。\n".as_bytes());
    put(d.path(), "secret.txt", b"TOP-SECRET");
    d
}

#[tokio::test]
async fn newest_release_in_semver_order_with_a_matching_download() {
    let d = releases();
    let s = start(Some(&d.path().join("updates")), None).await;

    let (st, body, headers) = s.get("/updates/linux/x86_64/0.9.5").await;
    assert_eq!(st, 200, "{body}");
    assert!(headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/json"));
    let m: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        m["version"], "0.10.0",
        "0.10.0 > 0.9.x in semver, not in string order"
    );
    assert_eq!(m["notes"], "検索が速くなりました。");
    assert_eq!(m["signature"], "c2lnMTA=", "the .sig content, trimmed");
    let date = m["pub_date"].as_str().unwrap();
    assert!(
        chrono::DateTime::parse_from_rfc3339(date).is_ok(),
        "pub_date {date} is RFC 3339"
    );
    let url = m["url"].as_str().unwrap();
    assert_eq!(
        url,
        format!(
            "{}/updates/files/0.10.0/linux-x86_64/KenCoM%20Desk_0.10.0_amd64.AppImage",
            s.base
        )
    );

    let r = s.http.get(url).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-length"], "100000");
    assert_eq!(r.headers()["content-type"], "application/octet-stream");
    assert_eq!(r.bytes().await.unwrap().as_ref(), &vec![7u8; 100_000][..]);

    // Older than every release: still the newest one, never an intermediate.
    let (_, body, _) = s.get("/updates/linux/x86_64/0.1.0").await;
    assert_eq!(
        serde_json::from_str::<Value>(&body).unwrap()["version"],
        "0.10.0"
    );
    // A pre-release of 0.10.0 is older than 0.10.0.
    let (st, _, _) = s.get("/updates/linux/x86_64/0.10.0-beta.1").await;
    assert_eq!(st, 200);
}

#[tokio::test]
async fn nothing_newer_unknown_platform_or_no_directory_is_204() {
    let d = releases();
    let s = start(Some(&d.path().join("updates")), None).await;
    for path in [
        "/updates/linux/x86_64/0.10.0",
        "/updates/linux/x86_64/1.0.0",
        "/updates/windows/x86_64/0.1.0",
        "/updates/linux/aarch64/0.1.0",
    ] {
        let (st, body, _) = s.get(path).await;
        assert_eq!((st, body.as_str()), (204, ""), "{path}");
    }
    let none = start(None, None).await;
    let (st, _, _) = none.get("/updates/linux/x86_64/0.1.0").await;
    assert_eq!(st, 204, "no release directory: nothing is offered");
    let (st, _, _) = none
        .get("/updates/files/0.10.0/linux-x86_64/KenCoM%20Desk_0.10.0_amd64.AppImage")
        .await;
    assert_eq!(st, 404);
}

#[tokio::test]
async fn malformed_segments_are_problem_json_400() {
    let d = releases();
    let s = start(Some(&d.path().join("updates")), None).await;
    for (path, code) in [
        ("/updates/linux/x86_64/not-a-version", "invalid_version"),
        ("/updates/linux/x86_64/v0.1.0", "invalid_version"),
        ("/updates/Linux/x86_64/0.1.0", "invalid_platform"),
        ("/updates/linux/x86%2F64/0.1.0", "invalid_platform"),
    ] {
        let (st, body, headers) = s.get(path).await;
        assert_eq!(st, 400, "{path}: {body}");
        assert_eq!(headers["content-type"], "application/problem+json");
        let p: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(p["code"], code, "{path}");
    }
}

#[tokio::test]
async fn the_manifest_links_to_the_configured_public_url() {
    let d = releases();
    let s = start(
        Some(&d.path().join("updates")),
        Some("https://central.example.jp/"),
    )
    .await;
    let (_, body, _) = s.get("/updates/linux/x86_64/0.9.0").await;
    let m: Value = serde_json::from_str(&body).unwrap();
    assert!(
        m["url"]
            .as_str()
            .unwrap()
            .starts_with("https://central.example.jp/updates/files/0.10.0/"),
        "{m}"
    );
}

#[tokio::test]
async fn no_request_reaches_outside_the_release_directory() {
    let d = releases();
    let r = d.path().join("updates");
    #[cfg(unix)]
    std::os::unix::fs::symlink(
        d.path().join("secret.txt"),
        r.join("0.10.0/linux-x86_64/link.AppImage"),
    )
    .unwrap();
    let s = start(Some(&r), None).await;
    let attempts = [
        "/updates/files/0.10.0/linux-x86_64/..%2F..%2F..%2Fsecret.txt",
        "/updates/files/0.10.0/linux-x86_64/%2E%2E%2F%2E%2E%2F%2E%2E%2Fsecret.txt",
        "/updates/files/..%2F..%2F/linux-x86_64/secret.txt",
        "/updates/files/0.10.0/..%2F..%2F..%2F/secret.txt",
        "/updates/files/0.10.0/linux-x86_64/../../../secret.txt",
        "/updates/files/../../secret.txt",
        "/updates/files/0.10.0/linux-x86_64/link.AppImage",
        "/updates/files/0.10.0/linux-x86_64/.hidden",
    ];
    for target in attempts {
        let (st, text) = s.raw(target).await;
        assert!(st == 404 || st == 400, "{target} must be refused, got {st}");
        assert!(!text.contains("TOP-SECRET"), "{target} leaked the file");
    }
    // The same client can still fetch a real artifact (the refusals are not a broken route).
    let (st, _) = s
        .raw("/updates/files/0.9.0/linux-x86_64/KenCoM%20Desk_0.9.0_amd64.AppImage")
        .await;
    assert_eq!(st, 200);
}

#[tokio::test]
async fn the_openapi_document_lists_the_update_routes() {
    let s = start(None, None).await;
    let (_, body, _) = s.get("/openapi.json").await;
    let doc: Value = serde_json::from_str(&body).unwrap();
    let paths = doc["paths"].as_object().unwrap();
    assert!(paths.contains_key("/updates/{target}/{arch}/{current_version}"));
    assert!(paths.contains_key("/updates/files/{version}/{platform}/{file}"));
    assert!(paths.contains_key("/api/v1/health"), "merged, not replaced");
    assert!(doc["components"]["schemas"]["UpdateManifest"].is_object());
}

/// `kencom-central serve --updates-dir DIR --public-url URL` wires both into the routes, and
/// a directory that does not exist stops the server at start instead of at the first check.
#[tokio::test]
async fn the_binary_serves_the_updates_dir_and_refuses_a_missing_one() {
    let d = releases();
    let db = d.path().join("c.db");
    let nope = d.path().join("nope");
    let missing = common::CliServer::command(&db, &["--updates-dir", nope.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("not a directory"));

    let updates = d.path().join("updates");
    let server = common::CliServer::start(
        &db,
        &[
            "--updates-dir",
            updates.to_str().unwrap(),
            "--public-url",
            "https://central.example.jp",
        ],
    );
    let base = &server.base;
    let m: Value = reqwest::get(format!("{base}/updates/linux/x86_64/0.9.0"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    drop(server);
    assert_eq!(m["version"], "0.10.0");
    assert!(m["url"]
        .as_str()
        .unwrap()
        .starts_with("https://central.example.jp/updates/files/"));
}
