//! Quoting a message in a reply or a forward: the text the reader was shown, without what the
//! HTML's own formatting hid and without any remote reference; and the bytes of its
//! attachments, to forward them.

use crate::{Limits, Options, Purpose, SafeMessage, mime, mime_limits, render_for, with_parsed};

/// A message as a reply or a forward quotes it.
#[derive(Debug, Clone)]
pub struct Quoted {
    /// Rendered like [`crate::render`], except the body: it leaves out the text the HTML's own
    /// formatting hides (display:none, zero-size or white-on-white text, ...) and link markers,
    /// so a quote carries neither hidden text nor any remote reference.
    pub message: SafeMessage,
    /// The Date as seconds since 1970 UTC, when it is valid.
    pub timestamp: Option<i64>,
    /// The References field's message ids, `<...>`, oldest first (well-formed ones only).
    pub references: Vec<String>,
    /// The In-Reply-To field's message id, when it is well formed (a draft going on).
    pub in_reply_to: Option<String>,
    /// The Bcc field, read as the reader reads To (only a draft has one: no message sent by
    /// Quietpost does).
    pub bcc: Vec<crate::Addr>,
}

/// Renders a message for quoting (see [`Quoted`]).
pub fn quote(raw: &[u8], options: &Options) -> Quoted {
    let message = render_for(raw, options, Purpose::Quote);
    let (timestamp, references, in_reply_to, bcc) = with_parsed(raw, &options.limits, |m, raw| {
        let timestamp = m.date().filter(|d| d.is_valid()).map(|d| d.to_timestamp());
        let references = m
            .references()
            .as_text_list()
            .unwrap_or_default()
            .iter()
            .filter_map(|id| message_id(id))
            .collect::<Vec<_>>();
        let in_reply_to = m.in_reply_to().as_text().and_then(message_id);
        let bcc = crate::header::addresses_of(m, raw, "Bcc");
        (timestamp, references, in_reply_to, bcc)
    })
    .unwrap_or_default();
    Quoted {
        message,
        timestamp,
        references,
        in_reply_to,
        bcc,
    }
}

/// `<id>` for a message id that can be written back into a header as it is: printable ASCII,
/// no spaces or angle brackets, at most 250 characters.
pub fn message_id(id: &str) -> Option<String> {
    let id = id.trim().trim_start_matches('<').trim_end_matches('>');
    let ok = !id.is_empty()
        && id.len() <= 250
        && id
            .bytes()
            .all(|b| b.is_ascii_graphic() && !matches!(b, b'<' | b'>' | b'"' | b'\\'));
    ok.then(|| format!("<{id}>"))
}

/// The bytes of attachment `index` (as numbered in [`SafeMessage::attachments`]), decoded.
pub fn attachment_data(raw: &[u8], index: usize, limits: &Limits) -> Option<Vec<u8>> {
    with_parsed(raw, limits, |message, _| {
        let walk = mime::walk(message, &mime_limits(limits));
        walk.attachments.get(index).map(|f| f.data.to_vec())
    })
    .flatten()
}
