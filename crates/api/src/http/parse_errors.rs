//! Requests the HTTP parser refuses are answered with problem+json too.
//!
//! actix-http answers a request it cannot parse itself, before any
//! application code runs: a URL over 64 KiB or a malformed header is an
//! empty `400`, a request head over 128 KiB or with more than 96 headers an
//! empty `431`, a head that does not arrive in time an empty `408`; then it
//! closes the connection. It has no hook for these, so each connection's
//! socket is wrapped ([`ProblemGuard`]): it reads the responses written to it
//! (their heads, and their bodies by `Content-Length`), and replaces an error
//! response that the application did not make (every response of ours
//! carries `X-Request-Id`; the parser's have none) with a complete problem
//! document of the same status and a request id of its own.
//!
//! What it cannot follow (a chunked body, a response to `HEAD`, which has a
//! `Content-Length` but no body), it passes through untouched for the rest
//! of that connection: never wrong, at worst a plain parser error.

use std::io;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use actix_web::http::StatusCode;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use crate::error::{ApiError, Lang, Text, PROBLEM_JSON};
use crate::http::request_id::new_id;

/// How much output is held back before the writer has to wait.
const HIGH_WATER: usize = 64 * 1024;
/// A response head longer than this is not ours to read.
const MAX_HEAD: usize = 64 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reading {
    /// At the start of a response head (bytes collected in `head`).
    Head,
    /// Passing `n` more body bytes through.
    Body(u64),
    /// Dropping `n` more body bytes of a response that was replaced.
    Skip(u64),
    /// Not following this connection any more: everything passes.
    Passthrough,
}

/// A connection's socket, watching the responses written to it.
pub struct ProblemGuard<T> {
    io: T,
    problem_type_base: String,
    reading: Reading,
    head: Vec<u8>,
    /// Output not yet written to `io`.
    out: Vec<u8>,
}

impl<T> ProblemGuard<T> {
    pub fn new(io: T, problem_type_base: String) -> Self {
        Self {
            io,
            problem_type_base,
            reading: Reading::Head,
            head: Vec::new(),
            out: Vec::new(),
        }
    }

    /// Follows `bytes` written by the HTTP layer; what is to be sent goes to `out`.
    fn feed(&mut self, mut bytes: &[u8]) {
        while !bytes.is_empty() {
            match self.reading {
                Reading::Passthrough => {
                    self.out.extend_from_slice(bytes);
                    return;
                }
                Reading::Body(n) | Reading::Skip(n) => {
                    let k = usize::try_from(n).unwrap_or(usize::MAX).min(bytes.len());
                    if matches!(self.reading, Reading::Body(_)) {
                        self.out.extend_from_slice(&bytes[..k]);
                    }
                    bytes = &bytes[k..];
                    let left = n - u64::try_from(k).unwrap_or(n);
                    self.reading = match self.reading {
                        _ if left == 0 => Reading::Head,
                        Reading::Body(_) => Reading::Body(left),
                        _ => Reading::Skip(left),
                    };
                }
                Reading::Head => {
                    self.head.extend_from_slice(bytes);
                    bytes = &[];
                    let Some(end) = find(&self.head, b"\r\n\r\n") else {
                        let prefix = &self.head[..self.head.len().min(7)];
                        if !b"HTTP/1.".starts_with(prefix) || self.head.len() > MAX_HEAD {
                            self.pass_through();
                        }
                        continue;
                    };
                    let mut head = std::mem::take(&mut self.head);
                    let tail = head.split_off(end + 4);
                    self.reading = match ResponseHead::parse(&head) {
                        None => {
                            self.out.extend_from_slice(&head);
                            Reading::Passthrough
                        }
                        Some(parsed) if parsed.made_by_the_parser() => {
                            self.out.extend_from_slice(&problem_response(
                                parsed.status,
                                &self.problem_type_base,
                            ));
                            match parsed.length {
                                Some(0) | None => Reading::Head,
                                Some(n) => Reading::Skip(n),
                            }
                        }
                        Some(parsed) => {
                            self.out.extend_from_slice(&head);
                            parsed.body()
                        }
                    };
                    // what followed the head is read in the new state
                    self.feed(&tail);
                }
            }
        }
    }

    /// Gives up following: whatever was collected goes out as it came.
    fn pass_through(&mut self) {
        self.out.append(&mut self.head);
        self.reading = Reading::Passthrough;
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// What a response head says.
#[derive(Debug)]
struct ResponseHead {
    status: StatusCode,
    length: Option<u64>,
    chunked: bool,
    has_request_id: bool,
}

impl ResponseHead {
    fn parse(head: &[u8]) -> Option<Self> {
        let text = std::str::from_utf8(head).ok()?;
        let mut lines = text.split("\r\n");
        let status_line = lines.next()?;
        let code = status_line
            .strip_prefix("HTTP/1.")?
            .get(2..5)?
            .parse::<u16>()
            .ok()?;
        let mut parsed = Self {
            status: StatusCode::from_u16(code).ok()?,
            length: None,
            chunked: false,
            has_request_id: false,
        };
        for line in lines.filter(|l| !l.is_empty()) {
            let (name, value) = line.split_once(':')?;
            let value = value.trim();
            if name.eq_ignore_ascii_case("content-length") {
                parsed.length = Some(value.parse().ok()?);
            } else if name.eq_ignore_ascii_case("transfer-encoding") {
                parsed.chunked = value.to_ascii_lowercase().contains("chunked");
            } else if name.eq_ignore_ascii_case("x-request-id") {
                parsed.has_request_id = true;
            }
        }
        Some(parsed)
    }

    /// An error response the application did not write.
    fn made_by_the_parser(&self) -> bool {
        !self.has_request_id && (self.status.is_client_error() || self.status.is_server_error())
    }

    /// How to read what follows this (passed-through) head.
    fn body(&self) -> Reading {
        let bodiless = self.status.is_informational()
            || self.status == StatusCode::NO_CONTENT
            || self.status == StatusCode::NOT_MODIFIED;
        match (bodiless, self.chunked, self.length) {
            (true, _, _) | (false, false, Some(0)) => Reading::Head,
            (false, false, Some(n)) => Reading::Body(n),
            _ => Reading::Passthrough,
        }
    }
}

/// The problem for a request the parser refused (in bokmål: a request
/// that could not be read has no `Accept-Language` to go by).
pub fn parser_problem(status: StatusCode) -> ApiError {
    match status.as_u16() {
        400 => ApiError::bad_request(Text::new(
            "forespørselen kunne ikke leses: forespørselslinjen eller en header er feil, \
             eller URL-en er lengre enn 64 KiB",
            "the request could not be read: its request line or a header is malformed, \
             or the URL is longer than 64 KiB",
        )),
        408 => ApiError::new(
            status,
            "request-timeout",
            Text::new(
                "forespørselshodet kom ikke i tide",
                "the request head did not arrive in time",
            ),
        ),
        431 => ApiError::new(
            status,
            "request-header-fields-too-large",
            Text::new(
                "forespørselshodet er større enn 128 KiB eller har mer enn 96 headere",
                "the request head is larger than 128 KiB or has more than 96 headers",
            ),
        ),
        _ if status.is_server_error() => ApiError::internal(String::new()),
        _ => {
            let reason = status.canonical_reason().unwrap_or("request failed");
            ApiError::new(
                status,
                "http-error",
                Text::new(format!("forespørselen feilet ({reason})"), reason),
            )
        }
    }
}

/// A whole response: status line, headers and the problem document.
fn problem_response(status: StatusCode, problem_type_base: &str) -> Vec<u8> {
    let id = new_id();
    let mut problem = parser_problem(status).problem(Lang::default());
    problem.status = status.as_u16();
    problem.type_uri = format!("{problem_type_base}{}", problem.type_uri);
    problem.request_id = Some(id.clone());
    let body = serde_json::to_vec(&problem).unwrap_or_default();
    log::info!(
        "- (a request the HTTP parser refused) {} request_id={id}",
        status.as_u16()
    );
    let mut out = format!(
        "HTTP/1.1 {} {}\r\ncontent-type: {PROBLEM_JSON}\r\ncontent-length: {}\r\ncontent-language: {}\r\nx-request-id: {id}\r\nconnection: close\r\n\r\n",
        status.as_u16(),
        status.canonical_reason().unwrap_or(""),
        body.len(),
        Lang::default().tag()
    )
    .into_bytes();
    out.extend_from_slice(&body);
    out
}

impl<T: AsyncWrite + Unpin> ProblemGuard<T> {
    /// Writes held-back output; `Pending` while the socket cannot take it all.
    fn poll_drain(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while !self.out.is_empty() {
            let n = ready!(Pin::new(&mut self.io).poll_write(cx, &self.out))?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            self.out.drain(..n);
        }
        Poll::Ready(Ok(()))
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for ProblemGuard<T> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_read(cx, buf)
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for ProblemGuard<T> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        // bodies and everything after giving up go straight through, uncopied
        if this.out.is_empty() {
            match this.reading {
                Reading::Passthrough => return Pin::new(&mut this.io).poll_write(cx, buf),
                Reading::Body(n) => {
                    let k = usize::try_from(n).unwrap_or(usize::MAX).min(buf.len());
                    let written = ready!(Pin::new(&mut this.io).poll_write(cx, &buf[..k]))?;
                    let left = n - u64::try_from(written).unwrap_or(n);
                    this.reading = if left == 0 {
                        Reading::Head
                    } else {
                        Reading::Body(left)
                    };
                    return Poll::Ready(Ok(written));
                }
                Reading::Head | Reading::Skip(_) => {}
            }
        }
        if let Poll::Ready(Err(e)) = this.poll_drain(cx) {
            return Poll::Ready(Err(e));
        }
        if this.out.len() >= HIGH_WATER {
            // the socket registered our waker when it refused more
            return Poll::Pending;
        }
        this.feed(buf);
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if !this.head.is_empty() {
            // nothing is held across a flush, even an unfinished head
            this.pass_through();
        }
        ready!(this.poll_drain(cx))?;
        Pin::new(&mut this.io).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if !this.head.is_empty() {
            this.pass_through();
        }
        ready!(this.poll_drain(cx))?;
        Pin::new(&mut this.io).poll_shutdown(cx)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn guard() -> ProblemGuard<Vec<u8>> {
        ProblemGuard::new(Vec::new(), "https://api.helsedata.no/problems/".into())
    }

    #[test]
    fn our_responses_pass_unchanged_in_any_pieces() {
        let ours = b"HTTP/1.1 404 Not Found\r\ncontent-length: 5\r\nx-request-id: a\r\n\r\nabcdeHTTP/1.1 200 OK\r\ncontent-length: 2\r\nx-request-id: b\r\n\r\nok";
        for split in 1..ours.len() {
            let mut g = guard();
            g.feed(&ours[..split]);
            g.feed(&ours[split..]);
            assert_eq!(g.out, ours.to_vec(), "split at {split}");
        }
    }

    #[test]
    fn a_parser_error_becomes_a_problem_after_our_responses() {
        let mut g = guard();
        g.feed(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nx-request-id: b\r\n\r\nok");
        g.feed(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\nconnection: close\r\ndate: x\r\n\r\n");
        let text = String::from_utf8(g.out).unwrap();
        let second = text.split("ok").nth(1).unwrap();
        assert!(
            second.starts_with("HTTP/1.1 400 Bad Request\r\n"),
            "{second}"
        );
        assert!(second.contains("content-type: application/problem+json"));
        let body = second.split("\r\n\r\n").nth(1).unwrap();
        let problem: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(problem["status"], 400);
        assert_eq!(
            problem["type"],
            "https://api.helsedata.no/problems/bad-request"
        );
        let id = second
            .lines()
            .find_map(|l| l.strip_prefix("x-request-id: "))
            .unwrap();
        assert_eq!(problem["requestId"], id);
    }

    #[test]
    fn through_the_socket_bodies_pass_uncopied_and_errors_are_replaced() {
        use tokio::io::AsyncWriteExt;
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        rt.block_on(async {
            let mut g = guard();
            g.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 4\r\nx-request-id: a\r\n\r\nbody")
                .await
                .unwrap();
            g.write_all(b"HTTP/1.1 408 Request Timeout\r\ncontent-length: 0\r\n\r\n")
                .await
                .unwrap();
            g.flush().await.unwrap();
            let text = String::from_utf8(g.io.clone()).unwrap();
            assert!(text.starts_with("HTTP/1.1 200 OK\r\ncontent-length: 4\r\nx-request-id: a\r\n\r\nbodyHTTP/1.1 408 Request Timeout\r\n"), "{text}");
            assert!(text.contains("request-timeout"), "{text}");
        });
    }

    #[test]
    fn a_431_is_named_and_chunked_bodies_are_left_alone() {
        let mut g = guard();
        g.feed(b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-length: 0\r\n\r\n");
        assert!(String::from_utf8_lossy(&g.out).contains("request-header-fields-too-large"));
        let mut g = guard();
        let chunked = b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\nx-request-id: a\r\n\r\n5\r\nHTTP/\r\n0\r\n\r\n";
        g.feed(chunked);
        g.feed(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n");
        let mut expected = chunked.to_vec();
        expected.extend_from_slice(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n");
        assert_eq!(g.out, expected);
    }
}
