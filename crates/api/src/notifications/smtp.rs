//! SMTP over connections this module opens itself, with `TCP_NODELAY`, kept in a pool.
//!
//! lettre (0.11.23) writes a message's body and its final `.` in two writes; with Nagle's
//! algorithm on, the second waits for the server's delayed ACK, 40 ms a mail per connection
//! (about 180 mails/s over 8 connections; lettre/lettre#1159 fixes it, not released yet).
//! So the socket is ours; the SMTP session on it (EHLO, STARTTLS, AUTH, the message) is still
//! lettre's `AsyncSmtpConnection`. `GUICHET_SMTP_URL` reads as lettre reads it: `smtp://`
//! (plain, or `?tls=required` / `?tls=opportunistic` for STARTTLS), `smtps://` (TLS from the
//! start), optional `user:password@` and a `/hello-name` path.
use std::net::SocketAddr;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use lettre::transport::smtp::authentication::{Credentials, DEFAULT_MECHANISMS};
// lettre's own TLS upgrade of a socket is the only way to start TLS before EHLO on a socket of
// ours (`smtps://`); the type is public but deprecated as "not meant to be public".
#[expect(
    deprecated,
    reason = "the one way to wrap our socket in lettre's TLS before EHLO"
)]
use lettre::transport::smtp::client::AsyncNetworkStream;
use lettre::transport::smtp::client::{AsyncSmtpConnection, AsyncTokioStream, TlsParameters};
use lettre::transport::smtp::extension::ClientId;
use lettre::Message;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::sync::{Mutex, Semaphore};
use tokio_util::compat::{Compat, FuturesAsyncReadCompatExt};

/// How the session is protected.
enum Security {
    Plain,
    /// STARTTLS after EHLO; `required` refuses a server that does not offer it.
    StartTls {
        required: bool,
    },
    /// TLS from the first byte (`smtps://`).
    Implicit,
}

/// The pool: at most `size` connections, each sending one mail at a time.
pub struct SmtpPool {
    host: String,
    port: u16,
    security: Security,
    hello: ClientId,
    credentials: Option<Credentials>,
    timeout: Duration,
    /// Open connections not in use, with when each was last used.
    idle: Mutex<Vec<(AsyncSmtpConnection, Instant)>>,
    slots: Semaphore,
}

/// Past this, an idle connection is asked `NOOP` before use: servers close quiet ones, and a
/// mail sent on a dead connection would wait for its job's retry.
const IDLE_CHECK_AFTER: Duration = Duration::from_secs(30);

impl SmtpPool {
    pub fn from_url(url: &str, size: usize, timeout: Duration) -> Result<Self, String> {
        let url = url::Url::parse(url).map_err(|e| e.to_string())?;
        let host = url.host_str().ok_or("no host")?.to_owned();
        let tls = url
            .query_pairs()
            .find(|(key, _)| key == "tls")
            .map(|(_, value)| value.into_owned());
        let (security, default_port) = match (url.scheme(), tls.as_deref()) {
            ("smtp", None) => (Security::Plain, 25),
            ("smtp", Some("required")) => (Security::StartTls { required: true }, 587),
            ("smtp", Some("opportunistic")) => (Security::StartTls { required: false }, 587),
            ("smtps", _) => (Security::Implicit, 465),
            (scheme, tls) => {
                return Err(format!("unknown scheme {scheme} or tls parameter {tls:?}"))
            }
        };
        let hello = match url.path().trim_matches('/') {
            "" => ClientId::default(),
            name => ClientId::Domain(name.to_owned()),
        };
        let decode = |text: &str| {
            percent_encoding::percent_decode_str(text)
                .decode_utf8()
                .map(|decoded| decoded.into_owned())
                .map_err(|e| e.to_string())
        };
        let credentials = match url.password() {
            Some(password) => Some(Credentials::new(decode(url.username())?, decode(password)?)),
            None => None,
        };
        Ok(Self {
            port: url.port().unwrap_or(default_port),
            host,
            security,
            hello,
            credentials,
            timeout,
            idle: Mutex::new(Vec::new()),
            slots: Semaphore::new(size),
        })
    }

    /// Sends `email` over an idle connection, or a new one; a connection that failed is
    /// dropped, never reused.
    pub async fn send(&self, email: &Message) -> Result<(), String> {
        let _slot = self.slots.acquire().await.map_err(|e| e.to_string())?;
        let idle = self.idle.lock().await.pop();
        let mut connection = match idle {
            Some((mut connection, since)) if !connection.has_broken() => {
                let alive = since.elapsed() < IDLE_CHECK_AFTER
                    || tokio::time::timeout(self.timeout, connection.test_connected())
                        .await
                        .unwrap_or(false);
                if alive {
                    connection
                } else {
                    self.connect().await?
                }
            }
            _ => self.connect().await?,
        };
        let sent = tokio::time::timeout(
            self.timeout,
            connection.send(email.envelope(), &email.formatted()),
        )
        .await
        .map_err(|_| "the SMTP server did not answer in time".to_owned())
        .and_then(|answer| answer.map_err(|e| e.to_string()));
        if sent.is_ok() && !connection.has_broken() {
            self.idle.lock().await.push((connection, Instant::now()));
        }
        sent.map(|_| ())
    }

    async fn connect(&self) -> Result<AsyncSmtpConnection, String> {
        let opening = async {
            let tcp = TcpStream::connect((self.host.as_str(), self.port))
                .await
                .map_err(|e| e.to_string())?;
            tcp.set_nodelay(true).map_err(|e| e.to_string())?;
            let tls = || TlsParameters::new(self.host.clone()).map_err(|e| e.to_string());
            let stream: Box<dyn AsyncTokioStream> = match self.security {
                Security::Implicit => {
                    let peer = tcp.peer_addr().map_err(|e| e.to_string())?;
                    #[expect(deprecated, reason = "see the import of AsyncNetworkStream")]
                    let mut wrapped = AsyncNetworkStream::use_existing_tokio1(Box::new(tcp));
                    wrapped
                        .upgrade_tls(tls()?)
                        .await
                        .map_err(|e| e.to_string())?;
                    Box::new(Encrypted {
                        inner: wrapped.compat(),
                        peer,
                    })
                }
                _ => Box::new(tcp),
            };
            let mut connection = AsyncSmtpConnection::connect_with_transport(stream, &self.hello)
                .await
                .map_err(|e| e.to_string())?;
            if let Security::StartTls { required } = self.security {
                if connection.can_starttls() {
                    connection
                        .starttls(tls()?, &self.hello)
                        .await
                        .map_err(|e| e.to_string())?;
                } else if required {
                    return Err("the SMTP server does not offer STARTTLS".to_owned());
                }
            }
            if let Some(credentials) = &self.credentials {
                connection
                    .auth(DEFAULT_MECHANISMS, credentials)
                    .await
                    .map_err(|e| e.to_string())?;
            }
            Ok(connection)
        };
        tokio::time::timeout(self.timeout, opening)
            .await
            .map_err(|_| "the SMTP server did not answer in time".to_owned())?
    }
}

/// A TLS stream lettre opened on our socket, handed back to lettre's session as a stream.
#[derive(Debug)]
#[expect(deprecated, reason = "see the import of AsyncNetworkStream")]
struct Encrypted {
    inner: Compat<AsyncNetworkStream>,
    peer: SocketAddr,
}

impl AsyncTokioStream for Encrypted {
    fn peer_addr(&self) -> std::io::Result<SocketAddr> {
        Ok(self.peer)
    }
}

impl AsyncRead for Encrypted {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for Encrypted {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}
