//! One HTTP/1.1 request from the server to another service — a time-stamping authority, a remote signing
//! provider, a CRL distribution point or OCSP responder, an exchange peer — over plain TCP or TLS (the system's
//! roots and `VANBAN_CA_FILE`, [`crate::exchange::transport::tls`]): connect, handshake, send, read the answer up
//! to a limit. Each caller turns a [`Failure`] into its own error (retry later or refuse), judges the status of
//! the [`Answer`] itself, and bounds the whole call with its own timeout.

use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Bytes;

use crate::exchange::transport::{Target, tls};

/// What came back: the status, the media type (empty when none) and the body.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub media_type: String,
    pub body: Vec<u8>,
}

/// Why there is no answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// The request cannot be made as asked (a host name unusable for TLS, a header that is not one).
    Bad(String),
    /// No connection to the host.
    Connect(String),
    /// Connected, but no TLS session (a certificate the trust does not cover, a protocol mismatch).
    Tls(String),
    /// The connection broke or the answer was longer than the limit.
    Broken(String),
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Bad(e) | Failure::Broken(e) => f.write_str(e),
            Failure::Connect(e) => write!(f, "không kết nối được ({e})"),
            Failure::Tls(e) => write!(f, "HTTPS: {e}"),
        }
    }
}

/// A request: `GET` without a body, `POST` with one (its media type first).
pub struct Call<'a> {
    /// The path on the host (the target's prefix is not added: callers build the whole path).
    pub path: &'a str,
    pub body: Option<(&'a str, Vec<u8>)>,
    /// Further headers (`Authorization`, a peer's signature headers).
    pub headers: Vec<(&'static str, String)>,
    /// The longest answer read.
    pub limit: usize,
}

/// Sends `call` to `target` and reads the whole answer.
pub async fn send(target: &Target, call: Call<'_>) -> Result<Answer, Failure> {
    let stream = tokio::net::TcpStream::connect((target.host.as_str(), target.port))
        .await
        .map_err(|e| Failure::Connect(format!("{}:{}: {e}", target.host, target.port)))?;
    // Headers and body may leave in two writes: without TCP_NODELAY the second waits for a delayed ACK.
    let _ = stream.set_nodelay(true);
    if !target.tls {
        return over(stream, target, call).await;
    }
    let name = tokio_rustls::rustls::pki_types::ServerName::try_from(target.host.clone())
        .map_err(|_| Failure::Bad(format!("tên máy {:?} không dùng được", target.host)))?;
    let stream = tokio_rustls::TlsConnector::from(tls())
        .connect(name, stream)
        .await
        .map_err(|e| Failure::Tls(e.to_string()))?;
    over(stream, target, call).await
}

async fn over<IO>(io: IO, target: &Target, call: Call<'_>) -> Result<Answer, Failure>
where
    IO: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let broken = |e: &dyn std::fmt::Display| Failure::Broken(e.to_string());
    let (mut sender, conn) =
        hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(io))
            .await
            .map_err(|e| broken(&e))?;
    tokio::spawn(async move {
        let _ = conn.await;
    });
    let path = if call.path.is_empty() { "/" } else { call.path };
    let mut request = match &call.body {
        None => hyper::Request::get(path),
        Some((media_type, _)) => {
            hyper::Request::post(path).header(hyper::header::CONTENT_TYPE, *media_type)
        }
    }
    .header(
        hyper::header::HOST,
        format!("{}:{}", target.host, target.port),
    );
    for (name, value) in &call.headers {
        request = request.header(*name, value);
    }
    let body = call.body.map(|(_, b)| b).unwrap_or_default();
    let request = request
        .body(Full::new(Bytes::from(body)))
        .map_err(|e| Failure::Bad(e.to_string()))?;
    let response = sender.send_request(request).await.map_err(|e| broken(&e))?;
    let status = response.status().as_u16();
    let media_type = response
        .headers()
        .get(hyper::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let body = Limited::new(response.into_body(), call.limit)
        .collect()
        .await
        .map_err(|e| broken(&e))?
        .to_bytes()
        .to_vec();
    Ok(Answer {
        status,
        media_type,
        body,
    })
}
