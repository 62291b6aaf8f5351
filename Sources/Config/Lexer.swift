/// Splits keepalived.conf text into tokens (spec/config.md "Lexical rules"):
/// whitespace separates words; `#` and `!` start a comment anywhere outside quotes; `"..."`
/// quotes a word; `{` and `}` are words of their own even when written against another word.
struct Lexer {
    let file: String

    func tokens(of text: String, log: inout DiagnosticLog) -> [Token] {
        var tokens: [Token] = []
        var lineNumber = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            tokenize(line: Array(line), number: lineNumber, into: &tokens, log: &log)
        }
        return tokens
    }

    private func tokenize(line: [Character], number: Int, into tokens: inout [Token], log: inout DiagnosticLog) {
        var index = 0
        func location(_ column: Int) -> SourceLocation { SourceLocation(file: file, line: number, column: column + 1) }
        while index < line.count {
            let character = line[index]
            if character.isWhitespace {
                index += 1
            } else if character == "#" || character == "!" {
                return
            } else if character == "{" || character == "}" {
                tokens.append(Token(String(character), at: location(index)))
                index += 1
            } else if character == "\"" {
                let start = index
                index += 1
                var text = ""
                while index < line.count && line[index] != "\"" {
                    text.append(line[index])
                    index += 1
                }
                if index >= line.count {
                    log.error(location(start), "unterminated quoted string")
                } else {
                    index += 1
                }
                tokens.append(Token(text, quoted: true, at: location(start)))
            } else {
                let start = index
                var text = ""
                while index < line.count {
                    let next = line[index]
                    if next.isWhitespace || next == "{" || next == "}" || next == "#" || next == "!" || next == "\"" { break }
                    text.append(next)
                    index += 1
                }
                tokens.append(Token(text, at: location(start)))
            }
        }
    }
}
