/// Builds the generic statement tree of a keepalived.conf: blocks, one-line blocks,
/// a `{` on the line after its keyword, and `include GLOB` (relative to the including file,
/// at most `maxIncludeDepth` deep, cycles refused). Conditional lines (`@ID ...`) are read
/// for `configID`, in included files too.
struct ConfigParser {
    static let maxIncludeDepth = 8

    /// keepalived's config-id, which `@ID` and `@^ID` lines are matched against.
    let configID: String
    private(set) var log = DiagnosticLog()
    /// The conditional lines of every file read, applied and skipped.
    private(set) var conditionalLines = ConditionalLines()
    private var includeStack: [String] = []

    init(configID: String = ConfigurationLoader.nodeConfigID) {
        self.configID = configID
    }

    /// Parses a file and everything it includes. `reference` is where an error about the
    /// file itself is reported (the include statement, or nil for the top-level file).
    mutating func parse(file path: String, reference: SourceLocation? = nil) -> [Statement] {
        let bytes: [UInt8]
        do {
            bytes = try SourceFiles.read(path)
        } catch {
            log.error(reference ?? SourceLocation(file: path, line: 1, column: 1), "cannot read \(path): \(error)")
            return []
        }
        let canonical = SourceFiles.canonical(path)
        if includeStack.contains(canonical) {
            log.error(reference ?? SourceLocation(file: path, line: 1, column: 1), "include cycle: \(path) includes itself")
            return []
        }
        includeStack.append(canonical)
        defer { includeStack.removeLast() }
        return parse(bytes: bytes, file: path)
    }

    /// Parses the bytes of a file read as `path` (its includes are read relative to that path).
    mutating func parse(bytes: [UInt8], file path: String) -> [Statement] {
        let tokens = Lexer(file: path, configID: configID).tokens(of: bytes, log: &log, conditionalLines: &conditionalLines)
        var cursor = 0
        return statements(tokens, &cursor, opening: nil, directory: SourceFiles.directory(of: path)).statements
    }

    private mutating func statements(_ tokens: [Token], _ cursor: inout Int, opening: Token?, directory: String)
        -> (statements: [Statement], closing: Token?)
    {
        var result: [Statement] = []
        var current: [Token] = []

        func flush(_ parser: inout ConfigParser) {
            guard !current.isEmpty else { return }
            result += parser.expandInclude(Statement(words: current), directory: directory)
            current = []
        }

        while cursor < tokens.count {
            let token = tokens[cursor]
            if token.isOpenBrace {
                cursor += 1
                var header = current
                current = []
                if header.isEmpty {
                    // `{` alone on the line after its keyword.
                    if let last = result.last, last.block == nil {
                        header = result.removeLast().words
                    } else {
                        log.error(token.location, "`{` without a keyword before it")
                    }
                }
                let inner = statements(tokens, &cursor, opening: token, directory: directory)
                if !header.isEmpty {
                    let oneLine = inner.closing.map { $0.location.line == token.location.line } ?? false
                    result.append(Statement(words: header, block: inner.statements, isOneLineBlock: oneLine))
                }
                continue
            }
            if token.isCloseBrace {
                flush(&self)
                cursor += 1
                if opening == nil {
                    log.error(token.location, "unexpected `}` with no block open")
                    continue
                }
                return (result, token)
            }
            if let last = current.last, last.location.line != token.location.line {
                flush(&self)
            }
            current.append(token)
            cursor += 1
        }
        flush(&self)
        if let opening {
            log.error(opening.location, "this `{` is never closed")
        }
        return (result, nil)
    }

    private mutating func expandInclude(_ statement: Statement, directory: String) -> [Statement] {
        guard !statement.keyword.quoted, statement.keyword.text == "include" else { return [statement] }
        guard statement.words.count == 2 else {
            log.error(statement.location, "`include` expects one file name or glob pattern")
            return []
        }
        guard includeStack.count < Self.maxIncludeDepth else {
            log.error(statement.location, "includes nested deeper than \(Self.maxIncludeDepth) levels")
            return []
        }
        guard statement.words[1].requireUTF8(as: "`include` path", log: &log) else { return [] }
        let pattern = statement.words[1].text
        let paths = SourceFiles.glob(pattern, relativeTo: directory)
        if paths.isEmpty {
            log.warning(statement.words[1].location, "`include \(pattern)` matched no file")
        }
        return paths.flatMap { parse(file: $0, reference: statement.words[1].location) }
    }
}
