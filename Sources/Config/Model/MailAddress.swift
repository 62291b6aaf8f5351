/// An e-mail address as written in `notification_email` / `notification_email_from`: a bare
/// `ops@example.com` (or a local `root`), or `Name <ops@example.com>` for the header.
public enum MailAddress {
    /// The address the SMTP envelope carries (RFC 5321 `MAIL FROM:<...>`, `RCPT TO:<...>`):
    /// what is inside `<...>` when there is one, else the whole text.
    public static func envelope(of text: String) -> String {
        guard let open = text.lastIndex(of: "<"), let close = text[open...].firstIndex(of: ">") else { return text }
        return String(text[text.index(after: open)..<close])
    }

    /// Why `text` cannot go into a header or an SMTP command at all: a line break or another
    /// control character would let a configured value add headers or commands (RFC 5322
    /// §2.2, RFC 5321 §4.1.1). Nil when it can.
    public static func unsafeCharacter(in text: String) -> String? {
        text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7f }) ? "it has a control character" : nil
    }

    /// Why a server will likely refuse `text` as an address (nil: it looks like one).
    /// keepalived sends what is written, so this is only worth a warning: a comma or space in
    /// a bare address would split it in `To:`, brackets are no part of one.
    public static func problem(in text: String) -> String? {
        if text.isEmpty { return "it is empty" }
        let envelope = envelope(of: text)
        if envelope.isEmpty { return "`<>` holds no address" }
        if let bad = envelope.first(where: { " ,;<>\"()[]\\".contains($0) }) { return "the address has `\(bad)`" }
        return nil
    }
}
