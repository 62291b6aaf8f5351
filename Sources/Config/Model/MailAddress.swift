/// An e-mail address as written in `notification_email` / `notification_email_from`: a bare
/// `ops@example.com` (or a local `root`), or `Name <ops@example.com>` for the header.
public enum MailAddress {
    /// The address the SMTP envelope carries (RFC 5321 `MAIL FROM:<...>`, `RCPT TO:<...>`):
    /// what is inside `<...>` when there is one, else the whole text.
    public static func envelope(of text: String) -> String {
        guard let open = text.lastIndex(of: "<"), let close = text[open...].firstIndex(of: ">") else { return text }
        return String(text[text.index(after: open)..<close])
    }

    /// Why `text` cannot be an address in a header and an envelope (nil: it can). Line
    /// breaks and control characters would let a configured value add headers or commands
    /// (RFC 5322 §2.2); a comma or space in a bare address would split it in `To:`.
    public static func problem(in text: String) -> String? {
        if text.isEmpty { return "it is empty" }
        if text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7f }) { return "it has a control character" }
        let envelope = envelope(of: text)
        if envelope.isEmpty { return "`<>` holds no address" }
        if let bad = envelope.first(where: { " ,;<>\"()[]\\".contains($0) }) { return "the address has `\(bad)`" }
        return nil
    }
}
