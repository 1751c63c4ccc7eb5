//! A fault-injecting HTTP/1.1 proxy on loopback, between the desk and the central server.
//! Each request gets the next fault from a shared script: pass, drop the connection
//! before forwarding, delay, forward and then cut the response (the server acted but the
//! desk never hears it), or answer 503 (before or after the server acted).
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

pub struct Proxy {
    pub base: String,
    pub script: Script,
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
        tokio::spawn(async move {
            loop {
                let Ok((mut client, _)) = listener.accept().await else {
                    break;
                };
                let upstream = upstream.clone();
                let script = s2.clone();
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
        Proxy { base, script }
    }
}
