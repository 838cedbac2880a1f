//! A guard on what an IMAP server may send, below the protocol parser.
//!
//! async-imap buffers a whole response before parsing it (up to 512 MiB), and its parser
//! (imap-proto) recurses once per parenthesis level. So a hostile server could make us allocate
//! for a literal announced as `{4294967295}`, or overflow the stack with a BODYSTRUCTURE nested
//! a thousand deep. This stream follows IMAP's framing (lines, quoted strings, literals) and
//! fails the read with a protocol error before any of that reaches the parser:
//!
//! - a line (literal bytes not counted) longer than `max_line`;
//! - a literal larger than `max_literal`, or a response larger than `max_response` in all;
//! - parentheses nested deeper than `max_depth`;
//! - a NUL byte outside a literal (RFC 9051 allows it nowhere else).
//!
//! Responses whose grammar ends in free text (`OK`, `NO`, `BAD`, `BYE`, `PREAUTH`, `+`) carry
//! no literal and no nesting, so a `{5}` at the end of their text is not taken as a literal:
//! otherwise a server could make the guard skip bytes that the parser then reads as responses.
//!
//! Writing, it gathers what async-imap writes piece by piece (tag, space, command, CRLF) and
//! hands it on at the flush async-imap makes after every command: one TLS record and one TCP
//! segment per command, not four (small writes met delayed ACKs in stalls of ~40 ms).

use std::pin::Pin;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::task::{Context, Poll};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// What the server may send; shared so the session can widen it after login. Before login it
/// also keeps the last tagged OK line (see [`Limits::login_ok`]).
#[derive(Debug)]
pub struct Limits {
    pub max_line: AtomicUsize,
    pub max_literal: AtomicUsize,
    pub max_response: AtomicUsize,
    pub max_depth: AtomicUsize,
    /// Whether tagged OK lines are kept (before login only).
    keeping: AtomicBool,
    login_ok: Mutex<Option<String>>,
}

/// Tagged OK lines longer than this are not kept (a capability list is under 1 KB).
const KEPT_LINE: usize = 8 << 10;

impl Limits {
    /// Before login: nothing but short lines.
    pub fn before_login() -> Arc<Limits> {
        Arc::new(Limits {
            max_line: AtomicUsize::new(1 << 20),
            max_literal: AtomicUsize::new(64 << 10),
            max_response: AtomicUsize::new(1 << 20),
            max_depth: AtomicUsize::new(16),
            keeping: AtomicBool::new(true),
            login_ok: Mutex::new(None),
        })
    }

    /// The last tagged OK line the server sent before [`Limits::after_login`] (without CRLF):
    /// a login's OK may carry the capabilities (`[CAPABILITY ...]`), which async-imap reads and
    /// drops; with them, no CAPABILITY command is needed after login.
    pub fn login_ok(&self) -> Option<String> {
        self.login_ok
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// After login: message literals up to `MAX_LITERAL`; no line is kept any more.
    pub fn after_login(&self) {
        self.keeping.store(false, Ordering::Relaxed);
        self.max_line.store(16 << 20, Ordering::Relaxed);
        self.max_literal.store(MAX_LITERAL, Ordering::Relaxed);
        self.max_response
            .store(MAX_LITERAL + (16 << 20), Ordering::Relaxed);
        self.max_depth.store(MAX_DEPTH, Ordering::Relaxed);
    }
}

/// The largest message Quietpost downloads (larger ones are refused as a protocol error).
pub const MAX_LITERAL: usize = 100 << 20;
/// Deepest parenthesis nesting accepted (a real BODYSTRUCTURE rarely passes 10).
pub const MAX_DEPTH: usize = 64;

#[derive(Debug, Default)]
struct State {
    /// Literal bytes still to pass through.
    literal: u64,
    /// Bytes of the current line (literals excluded).
    line: usize,
    /// Bytes of the current response (literals included).
    response: u64,
    depth: usize,
    quoted: bool,
    escaped: bool,
    /// Digits of a `{N}` seen at the current position.
    digits: Option<u64>,
    /// A complete `{N}` was the last thing on the line so far.
    announced: Option<u64>,
    /// The first bytes of the response, to tell text responses apart.
    head: Vec<u8>,
    /// This line belongs to a response that continues after a literal.
    continued: bool,
    /// The line so far, while tagged OK lines are kept (before login).
    text: Vec<u8>,
}

impl State {
    /// Whether the response's grammar ends in free text (no literal, no nesting).
    fn is_text_response(&self) -> bool {
        if self.continued {
            return false;
        }
        if self.head.first() == Some(&b'+') {
            return true;
        }
        let mut words = self.head.split(|&b| b == b' ');
        let _tag = words.next();
        let Some(word) = words.next() else {
            return false;
        };
        let upper = word.to_ascii_uppercase();
        matches!(
            upper.as_slice(),
            b"OK" | b"NO" | b"BAD" | b"BYE" | b"PREAUTH"
        )
    }

    /// A tagged OK, complete in one line: kept while `limits` keeps them.
    fn keep_line(&mut self, limits: &Limits) {
        let line = std::mem::take(&mut self.text);
        if self.continued || line.len() > KEPT_LINE || matches!(line.first(), Some(b'*' | b'+')) {
            return;
        }
        let mut words = line.split(|&b| b == b' ');
        let _tag = words.next();
        if !words.next().is_some_and(|w| w.eq_ignore_ascii_case(b"OK")) {
            return;
        }
        let line = String::from_utf8_lossy(&line)
            .trim_end_matches('\r')
            .to_owned();
        *limits
            .login_ok
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(line);
    }

    fn feed(&mut self, byte: u8, limits: &Limits, keeping: bool) -> Result<(), &'static str> {
        self.response += 1;
        if keeping && byte != b'\n' && self.text.len() <= KEPT_LINE {
            self.text.push(byte);
        }
        if byte == b'\n' {
            if keeping {
                self.keep_line(limits);
            }
            let text = self.is_text_response();
            self.line = 0;
            self.quoted = false;
            self.escaped = false;
            self.digits = None;
            self.head.clear();
            match self.announced.take() {
                Some(n) if !text => {
                    if n > limits.max_literal.load(Ordering::Relaxed) as u64 {
                        return Err("the server announced an over-large literal");
                    }
                    if self.response + n > limits.max_response.load(Ordering::Relaxed) as u64 {
                        return Err("the server sent an over-large response");
                    }
                    self.literal = n;
                    self.continued = true;
                }
                _ => {
                    self.response = 0;
                    self.depth = 0;
                    self.continued = false;
                }
            }
            return Ok(());
        }
        self.line += 1;
        if self.line > limits.max_line.load(Ordering::Relaxed) {
            return Err("the server sent an over-long line");
        }
        if self.response > limits.max_response.load(Ordering::Relaxed) as u64 {
            return Err("the server sent an over-large response");
        }
        if self.head.len() < 16 && !self.continued {
            self.head.push(byte);
        }
        if byte == b'\r' {
            return Ok(());
        }
        if byte == 0 {
            // IMAP allows NUL only inside binary literals (RFC 3516).
            return Err("the server sent a NUL byte");
        }
        self.announced = None;
        if self.quoted {
            if self.escaped {
                self.escaped = false;
            } else if byte == b'\\' {
                self.escaped = true;
            } else if byte == b'"' {
                self.quoted = false;
            }
            return Ok(());
        }
        match (byte, self.digits) {
            (b'0'..=b'9', Some(n)) => {
                // Saturates far above any limit: an absurd number is still refused.
                self.digits = Some(n.saturating_mul(10).saturating_add(u64::from(byte - b'0')));
                return Ok(());
            }
            (b'+', Some(n)) => {
                self.digits = Some(n);
                return Ok(());
            }
            (b'}', Some(n)) => {
                self.digits = None;
                self.announced = Some(n);
                return Ok(());
            }
            _ => self.digits = None,
        }
        match byte {
            b'{' => self.digits = Some(0),
            b'"' => self.quoted = true,
            b'(' | b'[' if !self.is_text_response() => {
                self.depth += 1;
                if self.depth > limits.max_depth.load(Ordering::Relaxed) {
                    return Err("the server sent a response nested too deep");
                }
            }
            b')' | b']' => self.depth = self.depth.saturating_sub(1),
            _ => {}
        }
        Ok(())
    }
}

/// The guarded stream (see the module documentation).
#[derive(Debug)]
pub struct Guarded<S> {
    inner: S,
    state: State,
    limits: Arc<Limits>,
    /// Written, not yet handed on (until the flush, or when it grows past [`GATHER`]).
    out: Vec<u8>,
}

/// What is gathered at most before it is handed on without waiting for the flush.
const GATHER: usize = 64 * 1024;

impl<S> Guarded<S> {
    pub fn new(inner: S, limits: Arc<Limits>) -> Self {
        Guarded {
            inner,
            state: State::default(),
            limits,
            out: Vec::new(),
        }
    }

    pub fn get_ref(&self) -> &S {
        &self.inner
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Guarded<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let poll = Pin::new(&mut self.inner).poll_read(cx, buf);
        if let Poll::Ready(Ok(())) = &poll {
            let this = &mut *self;
            let keeping = this.limits.keeping.load(Ordering::Relaxed);
            let mut new = &buf.filled()[before..];
            while !new.is_empty() {
                if this.state.literal > 0 {
                    let skip = new
                        .len()
                        .min(usize::try_from(this.state.literal).unwrap_or(usize::MAX));
                    this.state.literal -= skip as u64;
                    this.state.response += skip as u64;
                    new = &new[skip..];
                    continue;
                }
                if let Err(why) = this.state.feed(new[0], &this.limits, keeping) {
                    return Poll::Ready(Err(std::io::Error::new(
                        std::io::ErrorKind::InvalidData,
                        why,
                    )));
                }
                new = &new[1..];
            }
        }
        poll
    }
}

impl<S: AsyncWrite + Unpin> Guarded<S> {
    /// Hands on everything gathered.
    fn poll_drain(&mut self, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        while !self.out.is_empty() {
            match Pin::new(&mut self.inner).poll_write(cx, &self.out) {
                Poll::Ready(Ok(0)) => {
                    return Poll::Ready(Err(std::io::ErrorKind::WriteZero.into()));
                }
                Poll::Ready(Ok(n)) => {
                    self.out.drain(..n);
                }
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Pending => return Poll::Pending,
            }
        }
        Poll::Ready(Ok(()))
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Guarded<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let this = &mut *self;
        if this.out.len() + buf.len() > GATHER {
            std::task::ready!(this.poll_drain(cx))?;
            if buf.len() > GATHER {
                return Pin::new(&mut this.inner).poll_write(cx, buf);
            }
        }
        this.out.extend_from_slice(buf);
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        let this = &mut *self;
        std::task::ready!(this.poll_drain(cx))?;
        Pin::new(&mut this.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        let this = &mut *self;
        std::task::ready!(this.poll_drain(cx))?;
        Pin::new(&mut this.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(input: &[u8], limits: &Limits) -> Result<(), &'static str> {
        let mut s = State::default();
        let mut i = 0;
        while i < input.len() {
            if s.literal > 0 {
                let skip = (input.len() - i).min(s.literal as usize);
                s.literal -= skip as u64;
                s.response += skip as u64;
                i += skip;
                continue;
            }
            s.feed(input[i], limits, limits.keeping.load(Ordering::Relaxed))?;
            i += 1;
        }
        Ok(())
    }

    #[test]
    fn before_login_the_last_tagged_ok_is_kept_and_nothing_else() {
        let l = Limits::before_login();
        run(
            b"+ \r\n* OK [CAPABILITY UNTAGGED] hi\r\nA1 OK [CAPABILITY IMAP4rev1 QRESYNC] Logged in\r\nA2 NO [CAPABILITY REFUSED] no\r\n",
            &l,
        )
        .unwrap();
        let kept = "A1 OK [CAPABILITY IMAP4rev1 QRESYNC] Logged in";
        assert_eq!(l.login_ok().as_deref(), Some(kept));
        // What a literal holds is never taken for a line, nor what follows it.
        run(
            b"* 1 FETCH (BODY[] {14}\r\nA3 OK literal\r\n A4 OK rest)\r\n",
            &l,
        )
        .unwrap();
        assert_eq!(l.login_ok().as_deref(), Some(kept));
        // An over-long line is not kept.
        let mut long = b"A5 OK ".to_vec();
        long.extend(std::iter::repeat_n(b'x', KEPT_LINE));
        long.extend_from_slice(b"\r\n");
        run(&long, &l).unwrap();
        assert_eq!(l.login_ok().as_deref(), Some(kept));
        // After login, nothing more is kept.
        l.after_login();
        run(b"A6 OK [CAPABILITY LATER] done\r\n", &l).unwrap();
        assert_eq!(l.login_ok().as_deref(), Some(kept));
    }

    /// Records each write it is given.
    #[derive(Default)]
    struct Writes(Vec<Vec<u8>>);

    impl AsyncWrite for Writes {
        fn poll_write(
            mut self: Pin<&mut Self>,
            _cx: &mut Context<'_>,
            buf: &[u8],
        ) -> Poll<std::io::Result<usize>> {
            self.0.push(buf.to_vec());
            Poll::Ready(Ok(buf.len()))
        }
        fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
            Poll::Ready(Ok(()))
        }
        fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
            Poll::Ready(Ok(()))
        }
    }

    #[tokio::test]
    async fn a_command_written_in_pieces_leaves_in_one() {
        use tokio::io::AsyncWriteExt;
        let mut g = Guarded::new(Writes::default(), Limits::before_login());
        for piece in [&b"A1"[..], b" ", b"UID FETCH 1:* (FLAGS)", b"\r\n"] {
            g.write_all(piece).await.unwrap();
        }
        assert!(g.inner.0.is_empty(), "nothing before the flush");
        g.flush().await.unwrap();
        assert_eq!(g.inner.0, [b"A1 UID FETCH 1:* (FLAGS)\r\n".to_vec()]);
        // A large write is not held back.
        let big = vec![b'x'; GATHER + 1];
        g.write_all(&big).await.unwrap();
        assert_eq!(g.inner.0.last().map(Vec::len), Some(GATHER + 1));
    }

    fn after_login() -> Arc<Limits> {
        let l = Limits::before_login();
        l.after_login();
        l
    }

    #[test]
    fn ordinary_responses_pass() {
        let l = after_login();
        let body =
            b"* 1 FETCH (UID 4 FLAGS (\\Seen) BODY[] {12}\r\n((((((((((((\r\n)\r\nA1 OK done\r\n";
        run(body, &l).unwrap();
        run(b"* OK [UIDVALIDITY 3] \"{5}\" (((\r\n", &l).unwrap();
        run(
            b"* 2 FETCH (ENVELOPE (\"x\" \"a(b\" NIL NIL NIL NIL NIL NIL NIL NIL))\r\n",
            &l,
        )
        .unwrap();
    }

    #[test]
    fn hostile_responses_fail() {
        let l = after_login();
        assert!(run(b"* 1 FETCH (BODY[] {4294967295}\r\n", &l).is_err());
        assert!(run(b"* 1 FETCH (BODY[] {99999999999999999999999999}\r\n", &l).is_err());
        let deep = format!("* 1 FETCH (BODYSTRUCTURE {}\r\n", "(".repeat(1000));
        assert_eq!(
            run(deep.as_bytes(), &l),
            Err("the server sent a response nested too deep")
        );
        let before = Limits::before_login();
        assert!(run(&vec![b'a'; 2 << 20], &before).is_err());
        assert!(run(b"* CAPABILITY {70000}\r\n", &before).is_err());
        assert!(run(b"* 1 FETCH (ENVELOPE (\"a\0b\" NIL))\r\n", &l).is_err());
        // Inside a literal, bytes are the message's own.
        run(b"* 1 FETCH (BODY[] {3}\r\na\0b)\r\n", &l).unwrap();
    }

    #[test]
    fn text_responses_announce_no_literal() {
        let l = after_login();
        // Were `{50}` taken as a literal, the deep nesting after it would be skipped.
        let sneaky = format!(
            "* OK see {{50}}\r\n* 1 FETCH (BODYSTRUCTURE {})\r\n",
            "(".repeat(100)
        );
        assert!(run(sneaky.as_bytes(), &l).is_err());
    }
}
