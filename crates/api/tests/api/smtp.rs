//! A real SMTP server on loopback for the tests: it speaks enough SMTP for lettre (EHLO,
//! MAIL, RCPT, DATA, RSET, NOOP, QUIT) and keeps every message it accepts.
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

#[derive(Debug, Clone)]
pub struct Received {
    pub recipients: Vec<String>,
    pub data: String,
}

impl Received {
    /// A header's value (first occurrence, unfolded).
    pub fn header(&self, name: &str) -> Option<String> {
        let head = self.data.split("\r\n\r\n").next()?;
        let unfolded = head.replace("\r\n ", " ").replace("\r\n\t", " ");
        unfolded.lines().find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.eq_ignore_ascii_case(name)
                .then(|| value.trim().to_owned())
        })
    }
}

#[derive(Clone, Default)]
pub struct SmtpServer {
    received: Arc<Mutex<Vec<Received>>>,
    /// When set, once this many messages are accepted, the next one is read but never
    /// answered: its sender hangs as if the network died mid-delivery.
    stall_after: Arc<Mutex<Option<usize>>>,
    stalled: Arc<Mutex<usize>>,
}

impl SmtpServer {
    /// Starts listening on a free port; returns the server and its `smtp://` URL.
    pub async fn start() -> (Self, String) {
        Self::start_with(None).await
    }

    /// A server that accepts `count` messages, then leaves the next ones unanswered until
    /// [`SmtpServer::resume`].
    pub async fn start_stalling_after(count: usize) -> (Self, String) {
        Self::start_with(Some(count)).await
    }

    async fn start_with(stall_after: Option<usize>) -> (Self, String) {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let url = format!("smtp://{}", listener.local_addr().expect("address"));
        let server = SmtpServer::default();
        *server.stall_after.lock().expect("lock") = stall_after;
        let this = server.clone();
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let this = this.clone();
                let received = this.received.clone();
                tokio::spawn(async move {
                    let (read, mut write) = socket.into_split();
                    let mut lines = BufReader::new(read).lines();
                    let _ = write.write_all(b"220 localhost ESMTP test\r\n").await;
                    let mut recipients = Vec::new();
                    while let Ok(Some(line)) = lines.next_line().await {
                        let command = line.to_ascii_uppercase();
                        let reply: &[u8] = if command.starts_with("EHLO")
                            || command.starts_with("HELO")
                        {
                            b"250 localhost\r\n"
                        } else if command.starts_with("RCPT TO:") {
                            recipients.push(line[8..].trim().trim_matches(['<', '>']).to_owned());
                            b"250 OK\r\n"
                        } else if command.starts_with("DATA") {
                            let _ = write.write_all(b"354 go ahead\r\n").await;
                            let mut data = String::new();
                            while let Ok(Some(row)) = lines.next_line().await {
                                if row == "." {
                                    break;
                                }
                                data.push_str(row.strip_prefix('.').unwrap_or(&row));
                                data.push_str("\r\n");
                            }
                            if this.stalls_now() {
                                *this.stalled.lock().expect("lock") += 1;
                                // No answer: wait for the sender to go away.
                                while let Ok(Some(_)) = lines.next_line().await {}
                                break;
                            }
                            let message = Received {
                                recipients: std::mem::take(&mut recipients),
                                data,
                            };
                            received.lock().expect("lock").push(message);
                            b"250 queued\r\n"
                        } else if command.starts_with("QUIT") {
                            let _ = write.write_all(b"221 bye\r\n").await;
                            break;
                        } else {
                            if command.starts_with("RSET") || command.starts_with("MAIL") {
                                recipients.clear();
                            }
                            b"250 OK\r\n"
                        };
                        if write.write_all(reply).await.is_err() {
                            break;
                        }
                    }
                });
            }
        });
        (server, url)
    }

    fn stalls_now(&self) -> bool {
        let stall_after = *self.stall_after.lock().expect("lock");
        stall_after.is_some_and(|count| self.received.lock().expect("lock").len() >= count)
    }

    /// How many messages were left unanswered.
    pub fn stalled(&self) -> usize {
        *self.stalled.lock().expect("lock")
    }

    /// Answers every message again.
    pub fn resume(&self) {
        *self.stall_after.lock().expect("lock") = None;
    }

    pub fn received(&self) -> Vec<Received> {
        self.received.lock().expect("lock").clone()
    }

    /// Waits until at least `count` messages arrived (or panics after a generous delay).
    pub async fn wait_for(&self, count: usize) -> Vec<Received> {
        for _ in 0..300 {
            let received = self.received();
            if received.len() >= count {
                return received;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("expected {count} messages, got {}", self.received().len());
    }
}
