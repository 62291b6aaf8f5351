extension Token {
    /// Whether the word is UTF-8 text; if not, an error at its first other byte, naming the
    /// word's `role` ("keyword", "`auth_pass` value"). Called where a word's text is used (a
    /// keyword vipkeeper reads, its values, list entries, include paths): keepalived passes
    /// such bytes through, vipkeeper reads words as UTF-8, so the file is refused precisely
    /// there and not as a whole (comments, and keepalived keywords vipkeeper ignores, may be
    /// in any encoding).
    func requireUTF8(as role: String, log: inout DiagnosticLog) -> Bool {
        guard let byte = nonUTF8 else { return true }
        log.error(byte.location, "\(role) `\(text)` has a byte that is not UTF-8 (\(byte)); vipkeeper reads keywords and values as UTF-8 text (comments may be in any encoding): save the file as UTF-8")
        return false
    }

    /// Whether every word is UTF-8 text (each other one is an error), for the arguments of a
    /// statement or the words of a list entry in `keyword`'s block.
    static func requireUTF8(_ words: some Collection<Token>, of keyword: String, log: inout DiagnosticLog) -> Bool {
        var valid = true
        for word in words where !word.requireUTF8(as: "`\(keyword)` value", log: &log) {
            valid = false
        }
        return valid
    }
}
