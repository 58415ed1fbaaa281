//! A real SMTP server on loopback, small enough to read: it speaks the
//! commands lettre sends (EHLO, MAIL, RCPT, DATA, RSET, NOOP, QUIT) and keeps
//! each message it accepts.

use std::sync::{Arc, Mutex};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

#[derive(Clone, Debug, Default)]
pub struct Received {
    pub from: String,
    pub to: Vec<String>,
    pub data: String,
}

pub struct SmtpSink {
    pub port: u16,
    messages: Arc<Mutex<Vec<Received>>>,
    task: JoinHandle<()>,
}

impl SmtpSink {
    /// Listens on 127.0.0.1:`port` (0 for any free port).
    pub async fn start(port: u16) -> SmtpSink {
        let listener = TcpListener::bind(("127.0.0.1", port)).await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let messages = Arc::new(Mutex::new(Vec::new()));
        let task = listen(listener, messages.clone());
        SmtpSink {
            port,
            messages,
            task,
        }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    pub fn messages(&self) -> Vec<Received> {
        self.messages.lock().unwrap().clone()
    }

    /// Goes down: stops listening and drops every open connection.
    pub fn pause(&self) {
        self.task.abort();
    }

    /// Comes back on the same port, keeping what arrived before.
    pub async fn resume(&mut self) {
        let listener = TcpListener::bind(("127.0.0.1", self.port)).await.unwrap();
        self.task = listen(listener, self.messages.clone());
    }

    pub fn stop(self) {
        self.task.abort();
    }
}

/// Accepts connections until aborted; aborting it ends its sessions too.
fn listen(listener: TcpListener, store: Arc<Mutex<Vec<Received>>>) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut sessions = tokio::task::JoinSet::new();
        while let Ok((stream, _)) = listener.accept().await {
            while sessions.try_join_next().is_some() {}
            sessions.spawn(session(stream, store.clone()));
        }
    })
}

/// A port that was free a moment ago, for a server that is not up yet.
pub async fn free_port() -> u16 {
    let listener = TcpListener::bind(("127.0.0.1", 0)).await.unwrap();
    listener.local_addr().unwrap().port()
}

async fn session(stream: TcpStream, store: Arc<Mutex<Vec<Received>>>) {
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read).lines();
    let mut current = Received::default();
    if write.write_all(b"220 sink ESMTP ready\r\n").await.is_err() {
        return;
    }
    while let Ok(Some(line)) = lines.next_line().await {
        let upper = line.to_ascii_uppercase();
        let reply: &[u8] = if upper.starts_with("EHLO") || upper.starts_with("HELO") {
            b"250-sink\r\n250 8BITMIME\r\n"
        } else if upper.starts_with("MAIL FROM:") {
            current = Received {
                from: line[10..].trim().to_owned(),
                ..Default::default()
            };
            b"250 OK\r\n"
        } else if upper.starts_with("RCPT TO:") {
            current
                .to
                .push(line[8..].trim().trim_matches(['<', '>']).to_owned());
            b"250 OK\r\n"
        } else if upper == "DATA" {
            if write.write_all(b"354 end with .\r\n").await.is_err() {
                return;
            }
            let mut data = String::new();
            while let Ok(Some(body_line)) = lines.next_line().await {
                if body_line == "." {
                    break;
                }
                // Undo dot-stuffing (RFC 5321 §4.5.2).
                data.push_str(
                    body_line
                        .strip_prefix('.')
                        .filter(|_| body_line.starts_with(".."))
                        .unwrap_or(&body_line),
                );
                data.push('\n');
            }
            current.data = data;
            store.lock().unwrap().push(std::mem::take(&mut current));
            b"250 queued\r\n"
        } else if upper == "QUIT" {
            let _ = write.write_all(b"221 bye\r\n").await;
            return;
        } else if upper == "RSET" || upper == "NOOP" {
            b"250 OK\r\n"
        } else {
            b"502 not implemented\r\n"
        };
        if write.write_all(reply).await.is_err() {
            return;
        }
    }
}
