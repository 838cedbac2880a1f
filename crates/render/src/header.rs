//! The message's header fields, read as every parser could read them: the senders and their
//! warnings, the addresses, the subject and the date.

use super::*;

/// Raw, unfolded values of the top-level header fields named `name`, in order.
pub(super) fn raw_values(message: &Message<'_>, raw: &[u8], name: &str) -> Vec<String> {
    read_fields(message, raw, name)
        .into_iter()
        .map(|(value, _)| value)
        .collect()
}

/// Like [`raw_values`], each with the addresses mail-parser read in it (a second parser's
/// reading, for the address parser to compare with its own).
/// The addresses of one field (every copy of it), read as the reader reads From and To.
pub(super) fn addresses_of(message: &Message<'_>, raw: &[u8], name: &str) -> Vec<Addr> {
    read_fields(message, raw, name)
        .iter()
        .flat_map(|(value, other)| address::parse_field(value, other).0)
        .collect()
}

pub(super) fn read_fields(
    message: &Message<'_>,
    raw: &[u8],
    name: &str,
) -> Vec<(String, Vec<String>)> {
    message
        .root_part()
        .headers
        .iter()
        .filter(|h| h.name.as_str().eq_ignore_ascii_case(name))
        .filter_map(|h| {
            let bytes = raw.get(h.offset_start as usize..h.offset_end as usize)?;
            let value = encoded::unfold(&encoded::header_bytes_to_string(bytes));
            Some((value, mail_parser_reading(&h.value)))
        })
        .collect()
}

/// The addresses (and group names holding an `@`) mail-parser read in a field.
pub(super) fn mail_parser_reading(value: &mail_parser::HeaderValue<'_>) -> Vec<String> {
    use mail_parser::{Address, HeaderValue};
    let mut out = Vec::new();
    let mut add = |a: &mail_parser::Addr<'_>| out.extend(a.address.as_deref().map(str::to_owned));
    match value {
        HeaderValue::Address(Address::List(list)) => list.iter().for_each(&mut add),
        HeaderValue::Address(Address::Group(groups)) => {
            for g in groups {
                g.addresses.iter().for_each(&mut add);
            }
            out.extend(
                groups
                    .iter()
                    .filter_map(|g| g.name.as_deref())
                    .filter(|n| n.contains('@'))
                    .map(str::to_owned),
            );
        }
        _ => {}
    }
    out
}

pub(super) fn headers(message: &Message<'_>, raw: &[u8], options: &Options, m: &mut SafeMessage) {
    let mut capped: Vec<(&'static str, usize)> = Vec::new();
    let mut field = |name: &'static str| -> Vec<Addr> {
        let mut out = Vec::new();
        for (v, other) in read_fields(message, raw, name) {
            let (addrs, total) = address::parse_field(&v, &other);
            if total > address::MAX_MAILBOXES {
                capped.push((name, total));
            }
            out.extend(addrs);
        }
        out
    };
    // Raw 8-bit bytes that are not UTF-8 are read as Latin-1, as in address fields; otherwise
    // mail-parser's decoding of the unstructured field is used.
    let latin1_subject = message
        .root_part()
        .headers
        .iter()
        .find(|h| h.name.as_str().eq_ignore_ascii_case("Subject"))
        .and_then(|h| raw.get(h.offset_start as usize..h.offset_end as usize))
        .filter(|bytes| std::str::from_utf8(bytes).is_err())
        .map(|bytes| {
            encoded::decode_phrase(&encoded::unfold(&encoded::header_bytes_to_string(bytes)))
        });
    let (subject, findings) = SafeLine::with_findings(
        latin1_subject
            .as_deref()
            .or(message.subject())
            .unwrap_or(""),
        options.limits.max_subject_chars,
    );
    m.subject = subject;
    let mut findings = findings;
    // A line break inside a decoded subject is an attempt to fake header lines.
    findings.control |= findings.line_break;
    note_findings(m, findings, "subject");
    if findings.truncated {
        m.warnings.push(warning(
            Code::LimitReached,
            "The subject is very long; only its start is shown.",
        ));
    }
    m.date = match message.date() {
        Some(d) if d.is_valid() => Some(d.to_rfc3339()),
        Some(_) => {
            m.warnings.push(warning(
                Code::BadDate,
                "The Date header is not a valid date.",
            ));
            None
        }
        None if raw_values(message, raw, "Date").is_empty() => {
            m.warnings
                .push(warning(Code::BadDate, "The message has no Date header."));
            None
        }
        None => {
            m.warnings
                .push(warning(Code::BadDate, "The Date header could not be read."));
            None
        }
    };
    m.message_id = message.message_id().map(|id| SafeLine::new(id, 998));

    let from_fields = raw_values(message, raw, "From").len();
    let reply_to_fields = raw_values(message, raw, "Reply-To").len();
    m.from = field("From");
    m.to = field("To");
    m.cc = field("Cc");
    m.sender = field("Sender");
    m.reply_to = field("Reply-To");
    let resent_from = field("Resent-From");
    let mailing_list = !raw_values(message, raw, "List-Id").is_empty();
    sender_warnings(m, from_fields, &resent_from, mailing_list);
    if reply_to_fields > 1 {
        m.warnings.push(warning(
            Code::MultipleReplyTo,
            &format!("This message has {reply_to_fields} Reply-To fields; mail programs disagree on where a reply goes. Every address in them is shown."),
        ));
    }
    for (name, total) in capped {
        m.warnings.push(warning(
            Code::LimitReached,
            &format!(
                "The {name} field lists {total} addresses; only the first {} are shown.",
                address::MAX_MAILBOXES
            ),
        ));
    }
    if !raw_values(message, raw, "Disposition-Notification-To").is_empty()
        || !raw_values(message, raw, "Return-Receipt-To").is_empty()
    {
        m.warnings.push(warning(
            Code::ReadReceiptRequested,
            "The sender asked to be told when you read this message. Quietpost never sends read receipts.",
        ));
    }
    m.authentication = auth::trusted_results(
        &raw_values(message, raw, "Authentication-Results"),
        &options.trusted_authserv_ids,
    );
    if let Some(a) = m.authentication.as_mut() {
        let vouched = auth::verdict(a, &m.from, &m.warnings);
        a.verified = vouched.is_some();
        a.verified_domain = vouched.map(|d| SafeLine::new(&d, 255));
    }
}

pub(super) fn addresses(list: &[Addr]) -> Vec<String> {
    list.iter()
        .filter_map(|a| a.address.as_ref())
        .map(|a| a.as_str().to_lowercase())
        .collect()
}

pub(super) fn domain_of(address: &str) -> &str {
    address.rsplit_once('@').map_or("", |(_, d)| d)
}

pub(super) fn sender_warnings(
    m: &mut SafeMessage,
    from_fields: usize,
    resent_from: &[Addr],
    mailing_list: bool,
) {
    let from = addresses(&m.from);
    if from_fields > 1 {
        m.warnings.push(warning(
            Code::MultipleFrom,
            &format!("This message has {from_fields} From fields. Every address in them is shown; any of them may be fake."),
        ));
    } else if m.from.len() > 1
        && !m
            .from
            .iter()
            .any(|a| a.warnings.contains(&Code::AmbiguousAddress))
    {
        m.warnings.push(warning(
            Code::MultipleFrom,
            "The From field names several senders.",
        ));
    }
    let routes: Vec<String> = from
        .iter()
        .filter_map(|a| a.strip_prefix('@')?.rsplit_once(':'))
        .map(|(hops, to)| {
            let hops: Vec<&str> = hops.split(",@").collect();
            format!("{to} (routed through {})", hops.join(", "))
        })
        .collect();
    if !routes.is_empty() {
        m.warnings.push(warning(
            Code::AmbiguousAddress,
            &format!("The From address carries an obsolete source route: {}. Some mail programs send replies through those hosts.", routes.join("; ")),
        ));
    } else if m
        .from
        .iter()
        .any(|a| a.warnings.contains(&Code::AmbiguousAddress))
    {
        m.warnings.push(warning(
            Code::AmbiguousAddress,
            &format!("The From field can be read as different addresses: {}. Mail programs disagree on which is the sender.", from.join(", ")),
        ));
    }
    if from.is_empty() {
        m.warnings.push(warning(
            Code::InvalidAddress,
            "The message has no sender address.",
        ));
    }
    let sender = addresses(&m.sender);
    if sender.iter().any(|s| !from.contains(s)) {
        let via = if mailing_list {
            " for a mailing list"
        } else {
            ""
        };
        m.warnings.push(warning(
            Code::SenderDiffers,
            &format!(
                "Sent by {}{via} on behalf of the From address.",
                sender.join(", ")
            ),
        ));
    }
    let resent = addresses(resent_from);
    if resent.iter().any(|s| !from.contains(s)) {
        m.warnings.push(warning(
            Code::SenderDiffers,
            &format!("Resent by {}.", resent.join(", ")),
        ));
    }
    let from_domains: HashSet<&str> = from.iter().map(|a| domain_of(a)).collect();
    let other: Vec<String> = addresses(&m.reply_to)
        .into_iter()
        .filter(|r| !from_domains.contains(domain_of(r)))
        .collect();
    if !other.is_empty() {
        m.warnings.push(warning(
            Code::ReplyToDiffers,
            &format!(
                "Replies go to {}, on another domain than the sender's.",
                other.join(", ")
            ),
        ));
    }
}

pub(super) fn note_findings(m: &mut SafeMessage, f: quietpost_model::Findings, what: &str) {
    if f.bidi {
        m.warnings.push(warning(Code::BidiControl, &format!("The {what} contained bidirectional controls that can reorder text; they were removed.")));
    }
    if f.control {
        m.warnings.push(warning(Code::HiddenControl, &format!("The {what} contained hidden control characters, line breaks or terminal escape sequences: escape sequences were removed, other controls are shown as visible symbols (such as ␀).")));
    }
}
