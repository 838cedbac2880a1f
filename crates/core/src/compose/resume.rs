//! A draft from the Drafts folder, made a [`Draft`] again to go on writing it (the composer)
//! or send it (`send --draft ID`). The message is read as any other: its text as the reader
//! shows it (flowed text joined, nothing an HTML part hides), its recipients (Bcc too)
//! through the reader's address analysis, its attachments by their safe names. Its From is not kept:
//! the account it is sent from decides the identity.

use super::Draft;
use super::reply::{attachments_of, usable};
use quietpost_render::{Limits, Quoted};

/// A draft read back, with what could not be carried over.
#[derive(Debug, Clone)]
pub struct Resumed {
    pub draft: Draft,
    /// Addresses left out, and why ("Cc x is left out: it is not a valid address.").
    pub notes: Vec<String>,
}

/// `raw` (a message of the Drafts folder, rendered as `quoted`) as a draft sent as `from`.
pub fn resume(raw: &[u8], quoted: &Quoted, from: &str, limits: &Limits) -> Resumed {
    let m = &quoted.message;
    let mut notes = Vec::new();
    let mut take = |field: &str, list: &[quietpost_model::Addr]| -> Vec<String> {
        let (ok, left_out) = usable(list);
        for (a, why) in left_out {
            notes.push(format!("{field} {a} is left out: {why}."));
        }
        ok.into_iter().map(|(_, mailbox)| mailbox).collect()
    };
    let to = take("To", &m.to);
    let cc = take("Cc", &m.cc);
    let bcc = take("Bcc", &quoted.bcc);
    let attachments = attachments_of(raw, m, limits);
    Resumed {
        draft: Draft {
            from: from.to_owned(),
            to,
            cc,
            bcc,
            subject: m.subject.as_str().to_owned(),
            body: m.body.as_str().trim_end().to_owned(),
            attachments,
            in_reply_to: quoted.in_reply_to.clone(),
            references: quoted.references.clone(),
            read_receipt: false,
        },
        notes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compose::{File, build_draft, metadata};

    #[test]
    fn a_saved_draft_comes_back_as_it_was_written() {
        let written = Draft {
            from: "Alice <alice@example.org>".into(),
            to: vec!["Bob <bob@example.net>".into()],
            cc: vec!["carol@example.net".into()],
            bcc: vec!["secret@example.com".into()],
            subject: "Plans for Saturday".into(),
            body: "A paragraph long enough to be sent as several flowed lines, which must come back as the one paragraph it was.\n\n-- \nAlice".into(),
            attachments: vec![File {
                name: "photo.jpg".into(),
                data: metadata::tests::jpeg_with_gps(),
            }],
            in_reply_to: Some("<abc@example.net>".into()),
            references: vec!["<root@example.net>".into(), "<abc@example.net>".into()],
            read_receipt: false,
        };
        let raw = build_draft(&written, std::time::SystemTime::now())
            .unwrap()
            .raw;
        let quoted = quietpost_render::quote(&raw, &Default::default());
        let back = resume(&raw, &quoted, "alice@example.org", &Limits::default());
        assert!(back.notes.is_empty(), "{:?}", back.notes);
        let d = back.draft;
        assert_eq!(d.to, ["Bob <bob@example.net>"]);
        assert_eq!(d.cc, ["carol@example.net"]);
        assert_eq!(d.bcc, ["secret@example.com"]);
        assert_eq!(d.subject, written.subject);
        assert_eq!(d.body, written.body);
        assert_eq!(d.attachments.len(), 1);
        assert_eq!(d.attachments[0].name, "photo.jpg");
        assert_eq!(d.in_reply_to.as_deref(), Some("<abc@example.net>"));
        assert_eq!(d.references, written.references);
        assert_eq!(d.from, "alice@example.org");
    }
}
