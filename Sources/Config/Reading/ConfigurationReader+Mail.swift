import VRRP

/// keepalived's e-mail alert globals (core/global_parser.c: `email_handler`,
/// `emailfrom_handler`, `smtpserver_handler`, `smtphelo_handler`, `smtpto_handler`,
/// `smtp_alert_handler`, `smtp_alert_vrrp_handler`, `no_email_faults_handler`). Where
/// keepalived logs a bad value and runs on without it, vipkeeper reports an error at the word.
extension ConfigurationReader {
    static func mailKeywords(_ table: inout KeywordTable<GlobalDefinitions>) {
        table.block("notification_email") { globals, statement, log in
            let entries = ListEntries.split(statement.block ?? [], of: statement.name, oneLine: statement.isOneLineBlock,
                                            optionArity: [:], log: &log)
            if entries.isEmpty {
                log.warning(statement.location, "empty `notification_email` block: no alert can be sent without an address (keepalived warns too)")
            }
            globals.mail.recipientsLocation = statement.location
            // keepalived's read_value_block takes every word of every line as an address.
            for token in entries.joined() {
                if let unsafe = MailAddress.unsafeCharacter(in: token.text) {
                    log.error(token.location, "`notification_email` entry `\(token.text)` cannot be sent: \(unsafe)")
                    continue
                }
                if let problem = MailAddress.problem(in: token.text) {
                    log.warning(token.location, "`notification_email` entry `\(token.text)` does not look like an e-mail address (\(problem)); it is used as written, as keepalived uses it, and the server will likely refuse it")
                }
                globals.mail.recipients.append(token.text)
            }
        }
        table.statement("notification_email_from") { globals, statement, log in
            guard let token = statement.single("an e-mail address (quote `Name <address>`)", log: &log) else { return }
            if let unsafe = MailAddress.unsafeCharacter(in: token.text) {
                log.error(token.location, "`notification_email_from` `\(token.text)` cannot be sent: \(unsafe)")
                return
            }
            if let problem = MailAddress.problem(in: token.text) {
                log.warning(token.location, "`notification_email_from` `\(token.text)` does not look like an e-mail address (\(problem)); it is used as written, as keepalived uses it, and the server will likely refuse it")
            }
            globals.mail.from = token.text
        }
        table.statement("smtp_server") { globals, statement, log in
            guard statement.expectArguments(1...2, "a host (IPv4 or IPv6 address, or name) and optionally a port", log: &log),
                  let host = statement.arguments.first else { return }
            var port = SMTPServer.defaultPort
            if let word = statement.arguments.dropFirst().first {
                guard let value = Statement.integer(word, in: 1...65_535, keyword: "smtp_server", log: &log) else { return }
                port = UInt16(value)
            }
            guard let name = smtpHost(host, log: &log) else { return }
            globals.mail.server = SMTPServer(host: name, port: port, location: host.location)
        }
        table.statement("smtp_helo_name") { globals, statement, log in
            guard let token = statement.single("a host name", log: &log) else { return }
            // keepalived takes any word; one that is no name (`_` allowed, as hosts have it)
            // would not survive the smtp:// URL libcurl sends it from.
            guard !token.text.isEmpty, token.text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-._".contains($0)) }) else {
                log.error(token.location, "`smtp_helo_name` expects a host name (letters, digits, `-`, `_` and `.`), got `\(token.text)`")
                return
            }
            globals.mail.heloName = token.text
        }
        table.statement("smtp_connect_timeout") { globals, statement, log in
            guard let value = statement.integer(in: 0...Int(UInt32.max / 1_000_000), log: &log) else { return }
            if value == 0 {
                log.warning(statement.arguments.first?.location ?? statement.location,
                            "`smtp_connect_timeout 0` is read as 1 second, as keepalived reads it")
            }
            globals.mail.connectTimeout = .seconds(max(1, value))
        }
        table.statement("smtp_alert") { globals, statement, log in
            if let value = statement.flag(log: &log) { globals.mail.alert = value }
        }
        table.statement("smtp_alert_vrrp") { globals, statement, log in
            if let value = statement.flag(log: &log) { globals.mail.alertVRRP = value }
        }
        table.statement("no_email_faults") { globals, statement, log in
            statement.ignoringArguments(log: &log)
            globals.mail.noEmailFaults = true
        }
    }

    /// `smtp_server`'s host: an IPv4 or IPv6 literal (an IPv6 one may come in brackets), or
    /// a host name (keepalived tries a literal unless the word has `-` or `/`, then a name).
    private static func smtpHost(_ token: Token, log: inout DiagnosticLog) -> String? {
        var text = token.text
        if text.hasPrefix("[") && text.hasSuffix("]") { text = String(text.dropFirst().dropLast()) }
        if let address = IPAddress(text) { return address.description }
        guard isHostName(text) else {
            log.error(token.location, "`smtp_server` expects an IPv4 or IPv6 address or a host name, got `\(token.text)`")
            return nil
        }
        return text
    }

    /// RFC 1123 §2.1 host name: labels of letters, digits and `-`, joined by dots.
    static func isHostName(_ text: String) -> Bool {
        guard !text.isEmpty, text.utf8.count <= 253 else { return false }
        let labels = text.split(separator: ".", omittingEmptySubsequences: false)
        return labels.allSatisfy { label in
            !label.isEmpty && label.utf8.count <= 63 && label.first != "-" && label.last != "-"
                && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
        } && !(labels.count == 1 && labels[0].allSatisfy(\.isNumber))
    }
}
