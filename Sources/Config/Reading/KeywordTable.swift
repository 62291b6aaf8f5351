/// The keywords one block accepts and how each is read into the block's model.
struct KeywordTable<Model>: Sendable {
    struct Entry: Sendable {
        var takesBlock: Bool
        var read: @Sendable (inout Model, Statement, inout DiagnosticLog) -> Void
    }

    /// What the block is called in messages (`vrrp_instance`).
    let context: String
    private(set) var entries: [String: Entry] = [:]

    init(context: String) {
        self.context = context
    }

    mutating func statement(_ keyword: String, _ read: @escaping @Sendable (inout Model, Statement, inout DiagnosticLog) -> Void) {
        entries[keyword] = Entry(takesBlock: false, read: read)
    }

    mutating func block(_ keyword: String, _ read: @escaping @Sendable (inout Model, Statement, inout DiagnosticLog) -> Void) {
        entries[keyword] = Entry(takesBlock: true, read: read)
    }

    var keywords: Dictionary<String, Entry>.Keys { entries.keys }

    /// Reads every statement of a block: known keywords into the model, keepalived keywords
    /// vipkeeper does not implement as warnings (skipped), anything else as an error.
    func read(_ statements: [Statement], oneLine: Bool, into model: inout Model, log: inout DiagnosticLog) {
        for statement in split(statements, oneLine: oneLine, log: &log) {
            let keyword = statement.keyword
            if keyword.isOpenBrace || keyword.isCloseBrace { continue }
            guard keyword.requireUTF8(as: "keyword", log: &log) else { continue }
            guard let entry = entries[keyword.text], !keyword.quoted else {
                if KeepalivedKeywords.loadBalancing.contains(keyword.text) {
                    // LVS is out of scope: said once per file, with what still serves it.
                    log.ignoredOnce(keyword.location, keyword: keyword.text, group: "LVS",
                                    "`\(keyword.text)` and the rest of the LVS configuration are served by keepalived's checker (`keepalived --check`, with `--vrrp` left to vipkeeper), not by vipkeeper; ignored")
                    continue
                }
                if let process = KeepalivedKeywords.otherProcessTuning[keyword.text] {
                    let own = "vrrp_" + keyword.text.drop { $0 != "_" }.dropFirst()
                    log.ignored(keyword.location, keyword: keyword.text, "`\(keyword.text)` tunes keepalived's \(process), which vipkeeper does not have; vipkeeper is one process (its checks and scripts included), tuned by `\(own)`; ignored")
                    continue
                }
                if KeepalivedKeywords.all.contains(keyword.text) {
                    log.ignored(keyword.location, keyword: keyword.text, "`\(keyword.text)` in \(context) is a keepalived feature vipkeeper does not support; ignored")
                    continue
                }
                let suggestion = Suggestion.closest(to: keyword.text, among: keywords)
                log.error(keyword.location, "unknown keyword `\(keyword.text)` in \(context)" + (suggestion.map { "; did you mean `\($0)`?" } ?? ""))
                // A misspelt block is still read as the block it was meant to be, so the
                // problems inside it are reported in the same run.
                if let suggestion, let meant = entries[suggestion], meant.takesBlock, statement.block != nil {
                    meant.read(&model, statement, &log)
                }
                continue
            }
            if entry.takesBlock && statement.block == nil {
                log.error(keyword.location, "`\(keyword.text)` expects a `{ ... }` block")
                continue
            }
            if !entry.takesBlock && statement.block != nil {
                log.error(keyword.location, "`\(keyword.text)` does not take a block")
                continue
            }
            guard Token.requireUTF8(statement.arguments, of: keyword.text, log: &log) else { continue }
            entry.read(&model, statement, &log)
        }
    }

    /// A one-line block holds several statements on its single line: a known keyword of
    /// this block starts the next one.
    private func split(_ statements: [Statement], oneLine: Bool, log: inout DiagnosticLog) -> [Statement] {
        guard oneLine, statements.count == 1, statements[0].block == nil else { return statements }
        var result: [Statement] = []
        var current: [Token] = []
        for token in statements[0].words {
            if !current.isEmpty && !token.quoted && entries[token.text] != nil {
                result.append(Statement(words: current))
                current = []
            }
            current.append(token)
        }
        if !current.isEmpty { result.append(Statement(words: current)) }
        if result.count > 1 {
            ListEntries.warnKeepalivedReadsFirstOnly(result.map(\.words), log: &log)
        }
        return result
    }
}

/// Entries of list blocks (`virtual_ipaddress`, `unicast_peer`, `track_script`, ...): one per
/// line, or several on the single line of a one-line block, where each word that is not an
/// option (or an option's value) starts a new entry, as does each of `starters` (a route's
/// `blackhole DEST`), which takes its values with it.
enum ListEntries {
    /// The entries of `keyword`'s block; an entry with a word that is not UTF-8 is reported
    /// and left out.
    static func split(_ statements: [Statement], of keyword: String, oneLine: Bool, optionArity: [String: Int],
                      starters: [String: Int] = [:], log: inout DiagnosticLog) -> [[Token]] {
        split(statements, oneLine: oneLine, optionArity: optionArity, starters: starters, log: &log).filter { entry in
            Token.requireUTF8(entry, of: keyword, log: &log)
        }
    }

    private static func split(_ statements: [Statement], oneLine: Bool, optionArity: [String: Int], starters: [String: Int],
                              log: inout DiagnosticLog) -> [[Token]] {
        guard oneLine else { return statements.map(\.words) }
        var entries: [[Token]] = []
        for statement in statements {
            var current: [Token] = []
            var pendingValues = 0
            for token in statement.words {
                if pendingValues > 0 {
                    current.append(token)
                    pendingValues -= 1
                } else if let arity = starters[token.text] {
                    if !current.isEmpty { entries.append(current) }
                    current = [token]
                    pendingValues = arity
                } else if let arity = optionArity[token.text] {
                    // An option may start an entry too (a route's `src IP to DEST`).
                    current.append(token)
                    pendingValues = arity
                } else {
                    if !current.isEmpty { entries.append(current) }
                    current = [token]
                }
            }
            if !current.isEmpty { entries.append(current) }
        }
        if entries.count > 1 {
            warnKeepalivedReadsFirstOnly(entries, log: &log)
        }
        return entries
    }

    /// keepalived 2.2 reads the inside of a one-line block as a single statement: it keeps
    /// the first and ignores the rest (measured: `authentication { auth_type PASS auth_pass x }`
    /// makes keepalived send adverts without authentication). vipkeeper reads what was meant,
    /// so a keepalived peer with the same file would disagree with it: say so.
    static func warnKeepalivedReadsFirstOnly(_ parts: [[Token]], log: inout DiagnosticLog) {
        guard let first = parts.first, let second = parts.dropFirst().first?.first else { return }
        let kept = first.map(\.text).joined(separator: " ")
        log.warning(second.location, "keepalived reads this one-line block as the single statement `\(kept)` and ignores the rest from `\(second.text)` on (vipkeeper reads all \(parts.count)); a keepalived peer with this file would behave differently: put each on its own line")
    }
}
