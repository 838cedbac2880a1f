//! Address fields analysed once per thread: the same fields come back in message after
//! message, and their analysis is a pure function of its inputs.

use super::analyse_field;
use quietpost_model::Addr;

/// Parses one raw (unfolded) address field into display-ready mailboxes. `other` holds the
/// addresses another parser (mail-parser) read in the same field; one that none of ours
/// matches, and that is written in the field as it is, becomes a candidate too.
/// Also returns how many mailboxes the field held: more than [`super::MAX_MAILBOXES`] means
/// only the first ones are returned.
///
/// The same fields come back in message after message (your own address, a colleague's, a
/// list's), so a thread remembers the fields it analysed, keyed by both inputs: the answer is
/// the one a first analysis gives (tests/corpus.rs checks every corpus message both ways).
pub fn parse_field(value: &str, other: &[String]) -> (Vec<Addr>, usize) {
    /// Fields remembered per thread; the memo starts again when full.
    const REMEMBERED: usize = 1024;
    /// Longer fields are analysed each time (they rarely repeat; the memo stays small).
    const LONGEST: usize = 512;
    type Memo = std::collections::HashMap<(String, Vec<String>), (Vec<Addr>, usize)>;
    thread_local! {
        static SEEN: std::cell::RefCell<Memo> = std::cell::RefCell::new(Memo::new());
    }
    if value.len() > LONGEST {
        return analyse_field(value, other);
    }
    let key = (value.to_owned(), other.to_vec());
    if let Some(known) = SEEN.with(|seen| seen.borrow().get(&key).cloned()) {
        return known;
    }
    let analysed = analyse_field(value, other);
    SEEN.with(|seen| {
        let mut seen = seen.borrow_mut();
        if seen.len() >= REMEMBERED {
            seen.clear();
        }
        seen.insert(key, analysed.clone());
    });
    analysed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_field_seen_before_is_answered_as_it_was_and_the_other_reading_is_part_of_the_question() {
        let field = "Alice <alice@bank.example> (eve@attacker.example)";
        let eve = ["eve@attacker.example".to_owned()];
        let alone = parse_field(field, &[]);
        let read_by_another = parse_field(field, &eve);
        assert_ne!(
            alone, read_by_another,
            "mail-parser's reading adds a candidate"
        );
        assert_eq!(alone, analyse_field(field, &[]));
        assert_eq!(read_by_another, analyse_field(field, &eve));
        // Asked again in this thread: the remembered answers, each for its own question.
        assert_eq!(parse_field(field, &[]), alone);
        assert_eq!(parse_field(field, &eve), read_by_another);
        // Past the memo's bound, and long fields: the same answers, analysed again.
        for i in 0..1100 {
            parse_field(&format!("u{i}@example.org"), &[]);
        }
        assert_eq!(parse_field(field, &[]), alone);
        let long = format!("{}, eve@attacker.example", "x@example.org, ".repeat(60));
        assert_eq!(parse_field(&long, &[]), analyse_field(&long, &[]));
    }
}
