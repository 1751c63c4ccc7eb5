//! A fault-injecting HTTP/1.1 proxy on loopback, between the desk and the central server.
//! Each request gets the next fault from a shared script: pass, drop the connection
//! before forwarding, delay, forward and then cut the response (the server acted but the
//! desk never hears it), or answer 503 (before or after the server acted).
//!
//! It also logs the idempotency key and device stamp of every request it forwarded, so a
//! test can see that each replay of an action carried the number of its first send.
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What happens to one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    Pass,
    DropBeforeForward,
    Delay(u64),
    CutAfterServerActed,
    Unavailable,
    ServerErrorAfterActed,
}

impl Fault {
    /// One of the faults, each equally likely (pass included).
    pub fn random(r: &mut super::rng::Rng) -> Fault {
        match r.below(6) {
            0 => Fault::DropBeforeForward,
            1 => Fault::Delay(r.below(15)),
            2 => Fault::CutAfterServerActed,
            3 => Fault::Unavailable,
            4 => Fault::ServerErrorAfterActed,
            _ => Fault::Pass,
        }
    }
}

#[derive(Clone, Default)]
pub struct Script(pub Arc<Mutex<std::collections::VecDeque<Fault>>>);

impl Script {
    pub fn push(&self, f: Fault) {
        self.0.lock().unwrap().push_back(f);
    }
    fn next(&self) -> Fault {
        self.0.lock().unwrap().pop_front().unwrap_or(Fault::Pass)
    }
    pub fn clear(&self) {
        self.0.lock().unwrap().clear();
    }
}

/// What one forwarded mutation carried.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Forwarded {
    pub key: String,
    pub device_id: Option<String>,
    pub device_seq: Option<i64>,
}

pub struct Proxy {
    pub base: String,
    pub script: Script,
    /// Every request with an Idempotency-Key that reached the server, in order.
    pub forwarded: Arc<Mutex<Vec<Forwarded>>>,
}

impl Proxy {
    /// Keys the server received more than once (replays), each checked to carry one stamp
    /// on every send; returns how many keys were replayed.
    pub fn replays_kept_their_stamp(&self) -> usize {
        let log = self.forwarded.lock().unwrap();
        let mut by_key: std::collections::HashMap<&str, Vec<&Forwarded>> = Default::default();
        for f in log.iter() {
            by_key.entry(f.key.as_str()).or_default().push(f);
        }
        let mut replayed = 0;
        for (key, sends) in by_key {
            if sends.len() > 1 {
                replayed += 1;
                assert!(
                    sends.iter().all(|f| f.device_id == sends[0].device_id
                        && f.device_seq == sends[0].device_seq),
                    "a replay of {key} changed its device stamp: {sends:?}"
                );
            }
        }
        replayed
    }
}

/// The value of header `name` (lower case) in a raw request head.
fn header(head: &str, name: &str) -> Option<String> {
    head.split("\r\n").find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.trim()
            .eq_ignore_ascii_case(name)
            .then(|| v.trim().to_owned())
    })
}

fn stamp(req: &[u8]) -> Option<Forwarded> {
    let end = req.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = String::from_utf8_lossy(&req[..end]);
    Some(Forwarded {
        key: header(&head, "idempotency-key")?,
        device_id: header(&head, "x-device-id"),
        device_seq: header(&head, "x-device-seq").and_then(|v| v.parse().ok()),
    })
}

/// Read one HTTP/1.1 request (headers + Content-Length body). None on EOF.
async fn read_request(s: &mut TcpStream) -> Option<Vec<u8>> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let header_end = loop {
        if let Some(p) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break p + 4;
        }
        let n = s.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..header_end]).to_ascii_lowercase();
    let len: usize = head
        .lines()
        .find_map(|l| {
            l.strip_prefix("content-length:")
                .map(|v| v.trim().parse().unwrap_or(0))
        })
        .unwrap_or(0);
    while buf.len() < header_end + len {
        let n = s.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    // One request per upstream connection: ask the server to close after answering.
    let text = String::from_utf8_lossy(&buf[..header_end]).into_owned();
    let mut rewritten: String = text
        .split("\r\n")
        .filter(|l| !l.to_ascii_lowercase().starts_with("connection:"))
        .collect::<Vec<_>>()
        .join("\r\n");
    rewritten = rewritten.trim_end_matches("\r\n").to_owned();
    let mut out = format!("{rewritten}\r\nConnection: close\r\n\r\n").into_bytes();
    out.extend_from_slice(&buf[header_end..header_end + len]);
    Some(out)
}

async fn forward(upstream: &str, req: &[u8]) -> Option<Vec<u8>> {
    let mut s = TcpStream::connect(upstream).await.ok()?;
    s.write_all(req).await.ok()?;
    let mut resp = Vec::new();
    s.read_to_end(&mut resp).await.ok()?;
    Some(resp)
}

const UNAVAILABLE: &[u8] =
    b"HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\nconnection: close\r\n\r\n";

impl Proxy {
    pub async fn start(upstream_base: &str) -> Proxy {
        let upstream = upstream_base.trim_start_matches("http://").to_owned();
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let script = Script::default();
        let s2 = script.clone();
        let forwarded: Arc<Mutex<Vec<Forwarded>>> = Arc::default();
        let log = forwarded.clone();
        tokio::spawn(async move {
            loop {
                let Ok((mut client, _)) = listener.accept().await else {
                    break;
                };
                let upstream = upstream.clone();
                let script = s2.clone();
                let log = log.clone();
                tokio::spawn(async move {
                    let Some(req) = read_request(&mut client).await else {
                        return;
                    };
                    // Sessions are not the subject here: a lost refresh response makes
                    // the server revoke the login (reuse detection) and one-time TOTP codes
                    // limit re-sign-ins, so faults hit case mutations only.
                    let fault =
                        if req.starts_with(b"POST ") && !req.windows(6).any(|w| w == b"/auth/") {
                            script.next()
                        } else {
                            Fault::Pass
                        };
                    let reaches_server =
                        !matches!(fault, Fault::DropBeforeForward | Fault::Unavailable);
                    if reaches_server {
                        if let Some(f) = stamp(&req) {
                            log.lock().unwrap().push(f);
                        }
                    }
                    match fault {
                        Fault::Pass => {
                            if let Some(r) = forward(&upstream, &req).await {
                                let _ = client.write_all(&r).await;
                            }
                        }
                        Fault::DropBeforeForward => {}
                        Fault::Delay(ms) => {
                            tokio::time::sleep(Duration::from_millis(ms)).await;
                            if let Some(r) = forward(&upstream, &req).await {
                                let _ = client.write_all(&r).await;
                            }
                        }
                        Fault::CutAfterServerActed => {
                            let _ = forward(&upstream, &req).await;
                        }
                        Fault::Unavailable => {
                            let _ = client.write_all(UNAVAILABLE).await;
                        }
                        Fault::ServerErrorAfterActed => {
                            let _ = forward(&upstream, &req).await;
                            let _ = client.write_all(UNAVAILABLE).await;
                        }
                    }
                    let _ = client.shutdown().await;
                });
            }
        });
        Proxy {
            base,
            script,
            forwarded,
        }
    }
}
