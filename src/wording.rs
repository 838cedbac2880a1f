//! User-facing wording: what each warning means for the reader, in plain language.
//! Libraries give stable codes; the words people read live here, in the app.

use quietpost_model::Code;

/// One calm sentence explaining a warning code.
pub fn explain(code: Code) -> &'static str {
    use Code::*;
    match code {
        TextHostMismatch => "the link text names a different site than where the link really goes",
        Userinfo => {
            "the address has text before an @ that imitates a site name; the real host is after the @"
        }
        IpHost => "the link goes to a bare IP address instead of a named site",
        IdnHomograph => "the name uses look-alike or mixed-script letters; shown in its ASCII form",
        DangerousScheme => {
            "this kind of link can run or open something on your computer; it cannot be opened"
        }
        RelativeLink => "the link has no real destination in an email; it cannot be opened",
        UnparsableUrl => "the link is malformed; it cannot be opened",
        HiddenLink => "this link is in the message but not visible in its text",
        MailtoExtra => {
            "this mail link also asks for attachments, a sender or hidden recipients; those are ignored"
        }
        DisplayNameAddress => "the name contains an address different from the real sender address",
        ControlChars => "hidden control characters (such as NUL or line breaks) were removed",
        EncodedAddress => {
            "the address contains encoded text, a trick to fake a sender; it is shown undecoded"
        }
        AmbiguousAddress => {
            "mail programs disagree on which address this is; every reading is shown"
        }
        InvalidAddress => "this is not a valid email address",
        MultipleFrom => "more than one sender is claimed",
        SenderDiffers => "another address sent this message",
        ReplyToDiffers => "replies go to a different domain than the sender's",
        ReadReceiptRequested => "the sender asked for a read receipt; none is sent",
        LimitReached => "a size limit was reached; part of the message is not shown",
        CharsetProblem => "part of the text is in an unknown or broken encoding",
        Unparsable => "the message could not be read",
        BrokenStructure => "the message is damaged; Quietpost shows what it could recover",
        BadDate => "the date is missing or invalid",
        BidiControl => "characters that reorder text were removed",
        HiddenControl => "hidden control characters or terminal escapes were removed",
        HtmlConverted => "written in HTML, shown as text; nothing was loaded or run",
        HiddenText => "the message hides some text from view in other programs; Quietpost shows it",
        Executable => "this type can run code or install software; Quietpost will only save it",
        PathInName => "the name tried to include folders; only the file name is kept",
        BidiInName => "the name used characters that reorder text to hide its real ending",
        TypeMismatch => "the content is not what its name or declared type says",
        ReservedName => "the name is reserved by Windows; it was prefixed with _",
        NameChanged => "the name was changed to be safe to save",
    }
}
