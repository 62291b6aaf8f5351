/// Splits keepalived.conf bytes into tokens, line by line, the way keepalived's reader does
/// (lib/parser.c: `read_line`, `decomment`, `alloc_strvec`; spec/config.md "Lexical rules"):
/// - a line ends at LF, and the carriage returns before it belong to the line end, so a file
///   edited on Windows (CRLF) reads exactly as its LF form; a CR anywhere else is white space,
///   as in keepalived (said once per file: a file with CR-only line ends reads as one line);
///   a NUL byte ends the line's text, as it ends keepalived's C string;
/// - the file is bytes: nothing is decoded but the words, so a comment in GBK or Latin-1
///   never matters; a word with a byte that is not UTF-8 keeps that byte in `Token.nonUTF8`
///   for the reader to report where the word is used;
/// - `#` and `!` start a comment anywhere outside quotes; outside quotes `\#` and `\!` are a
///   literal `#` and `!`;
/// - a line whose first word is `@ID` is read only when ID is the config-id, and one whose
///   first word is `@^ID` only when it is not (`ConditionalLines`); the id ends at a space or
///   tab, and a line with nothing after the id is skipped wherever it runs;
/// - space, tab, CR, FF and VT separate words; `"..."` quotes a word; `{` and `}` are words of
///   their own even when written against another word.
/// Columns count characters (Unicode scalars) from 1; a byte that is not UTF-8 counts as one.
struct Lexer {
    let file: String
    /// keepalived's config-id (`-i/--config-id`, else the node name up to its first `.`).
    let configID: [UInt8]

    init(file: String, configID: String = ConfigurationLoader.nodeConfigID) {
        self.file = file
        self.configID = Array(configID.utf8)
    }

    /// The tokens of UTF-8 text (tests and the fuzz harness's text form).
    func tokens(of text: String, log: inout DiagnosticLog) -> [Token] {
        var conditionalLines = ConditionalLines()
        return tokens(of: Array(text.utf8), log: &log, conditionalLines: &conditionalLines)
    }

    func tokens(of bytes: [UInt8], log: inout DiagnosticLog, conditionalLines: inout ConditionalLines) -> [Token] {
        var tokens: [Token] = []
        var lineNumber = 0
        var start = bytes.startIndex
        var warnedAboutCR = false
        while true {
            let end = bytes[start...].firstIndex(of: ASCII.lineFeed) ?? bytes.endIndex
            lineNumber += 1
            var line = bytes[start..<end]
            if let nul = line.firstIndex(of: 0) { line = line[..<nul] }
            while line.last == ASCII.carriageReturn { line = line.dropLast() }
            if !warnedAboutCR, let carriageReturn = line.firstIndex(of: ASCII.carriageReturn) {
                warnedAboutCR = true
                var columns = ColumnCounter(line)
                log.warning(SourceLocation(file: file, line: lineNumber, column: columns.column(at: carriageReturn)),
                            "a carriage return (CR) without a line feed after it: keepalived reads it as a space, not as the end of a line, and so does vipkeeper (a file whose lines end in CR alone reads as one line); end lines with LF or CRLF")
            }
            tokenize(line, number: lineNumber, into: &tokens, log: &log, conditionalLines: &conditionalLines)
            if end == bytes.endIndex { break }
            start = end + 1
        }
        return tokens
    }

    private func tokenize(_ line: ArraySlice<UInt8>, number: Int, into tokens: inout [Token], log: inout DiagnosticLog,
                          conditionalLines: inout ConditionalLines) {
        var columns = ColumnCounter(line)
        func location(_ index: Int) -> SourceLocation {
            SourceLocation(file: file, line: number, column: columns.column(at: index))
        }
        var index = line.startIndex
        while index < line.endIndex && ASCII.isBlank(line[index]) { index += 1 }
        let (commentStart, escapes) = Self.decomment(line, from: index)
        var end = commentStart
        while end > index && ASCII.isBlank(line[end - 1]) { end -= 1 }
        if index < end && line[index] == ASCII.at {
            guard let rest = condition(line, from: index, to: end) else {
                conditionalLines.skipped += 1
                return
            }
            conditionalLines.applied += 1
            index = rest
        }
        while index < end {
            let byte = line[index]
            if ASCII.isSpace(byte) {
                index += 1
            } else if byte == ASCII.openBrace || byte == ASCII.closeBrace {
                tokens.append(Token(byte == ASCII.openBrace ? "{" : "}", at: location(index)))
                index += 1
            } else if byte == ASCII.quote {
                let start = index
                index += 1
                let contentStart = index
                while index < end && line[index] != ASCII.quote { index += 1 }
                let content = Array(line[contentStart..<index])
                if index >= end {
                    log.error(location(start), "unterminated quoted string")
                } else {
                    index += 1
                }
                tokens.append(token(content, positions: Array(contentStart..<(contentStart + content.count)), quoted: true,
                                    at: start, location: location))
            } else {
                let start = index
                var word: [UInt8] = []
                var positions: [Int] = []
                while index < end {
                    let next = line[index]
                    if ASCII.isSpace(next) || next == ASCII.openBrace || next == ASCII.closeBrace || next == ASCII.quote { break }
                    if escapes.contains(index) { index += 1 }  // `\#`, `\!`: the backslash goes
                    word.append(line[index])
                    positions.append(index)
                    index += 1
                }
                tokens.append(token(word, positions: positions, quoted: false, at: start, location: location))
            }
        }
    }

    /// A token of `bytes` (taken from the line at `positions`), starting at line index `start`.
    private func token(_ bytes: [UInt8], positions: [Int], quoted: Bool, at start: Int,
                       location: (Int) -> SourceLocation) -> Token {
        let tokenLocation = location(start)
        if let text = String(validating: bytes, as: UTF8.self) {
            return Token(text, quoted: quoted, at: tokenLocation)
        }
        let offset = Self.firstNonUTF8Offset(bytes) ?? 0
        return Token(String(decoding: bytes, as: UTF8.self), quoted: quoted, at: tokenLocation,
                     nonUTF8: NonUTF8Byte(bytes[offset], at: location(positions[offset])))
    }

    /// keepalived's `decomment`: where the comment starts (or the line's end), and the
    /// backslashes of `\#` and `\!` outside quotes, which are dropped. A `"` toggles quoting;
    /// a backslash keeps the byte after it from starting a comment or toggling a quote.
    static func decomment(_ line: ArraySlice<UInt8>, from start: Int) -> (commentStart: Int, escapes: Set<Int>) {
        var quoted = false
        var escapes: Set<Int> = []
        var index = start
        while index < line.endIndex {
            let byte = line[index]
            if byte == ASCII.quote {
                quoted.toggle()
            } else if byte == ASCII.backslash, index + 1 < line.endIndex {
                if !quoted && ASCII.startsComment(line[index + 1]) { escapes.insert(index) }
                index += 1
            } else if !quoted && ASCII.startsComment(byte) {
                return (index, escapes)
            }
            index += 1
        }
        return (line.endIndex, escapes)
    }

    /// A conditional line `@ID rest` or `@^ID rest` (`line[start]` is `@`): where the rest
    /// starts when the line is read on this node, nil when it is skipped. As keepalived: the
    /// id runs to the first space or tab, and without one the line is skipped; the id matches
    /// when it is the config-id byte for byte (an empty id matches an empty config-id).
    private func condition(_ line: ArraySlice<UInt8>, from start: Int, to end: Int) -> Int? {
        let negated = start + 1 < end && line[start + 1] == ASCII.caret
        let idStart = start + (negated ? 2 : 1)
        guard let idEnd = line[idStart..<end].firstIndex(where: ASCII.isBlank) else { return nil }
        let matches = line[idStart..<idEnd].elementsEqual(configID)
        guard matches != negated else { return nil }
        var rest = idEnd
        while rest < end && ASCII.isBlank(line[rest]) { rest += 1 }
        return rest
    }

    /// The offset of the first byte of `bytes` that does not begin a valid UTF-8 sequence.
    static func firstNonUTF8Offset(_ bytes: [UInt8]) -> Int? {
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var offset = 0
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let scalar): offset += scalar.count
            case .emptyInput: return nil
            case .error: return offset
            }
        }
    }
}

/// Columns of one line: byte index to 1-based column, counting Unicode scalars (lossily
/// decoded, so a byte that is not UTF-8 counts as one). Moves forward incrementally.
private struct ColumnCounter {
    let line: ArraySlice<UInt8>
    private var index: Int
    private var column = 1

    init(_ line: ArraySlice<UInt8>) {
        self.line = line
        self.index = line.startIndex
    }

    mutating func column(at target: Int) -> Int {
        if target < index {
            index = line.startIndex
            column = 1
        }
        let segment = line[index..<target]
        column += segment.allSatisfy { $0 < 0x80 } ? segment.count : String(decoding: segment, as: UTF8.self).unicodeScalars.count
        index = target
        return column
    }
}

/// The bytes the lexer looks at.
private enum ASCII {
    static let lineFeed: UInt8 = 0x0A
    static let carriageReturn: UInt8 = 0x0D
    static let quote = UInt8(ascii: "\"")
    static let backslash = UInt8(ascii: "\\")
    static let openBrace = UInt8(ascii: "{")
    static let closeBrace = UInt8(ascii: "}")
    static let at = UInt8(ascii: "@")
    static let caret = UInt8(ascii: "^")

    /// Space or tab: what keepalived trims around a line and ends a config id with.
    static func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }

    /// keepalived's word separators (`WHITE_SPACE_STR` without the LF that ends a line).
    static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (0x09...0x0D).contains(byte) }

    static func startsComment(_ byte: UInt8) -> Bool { byte == UInt8(ascii: "#") || byte == UInt8(ascii: "!") }
}
