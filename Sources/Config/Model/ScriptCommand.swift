#if canImport(Glibc)
import Glibc
#endif

/// A command line from the configuration (`script`, `notify_*`), split into arguments the
/// way keepalived does: on white space, with single or double quotes grouping words.
/// Text with shell syntax (pipes, redirections, `$`, globs, `;`, `&&`) must run under
/// `/bin/sh -c`.
public struct ScriptCommand: Hashable, Sendable, CustomStringConvertible {
    public var text: String
    public var arguments: [String]
    public var needsShell: Bool

    public init(_ text: String) {
        self.text = text
        var arguments: [String] = []
        var current = ""
        var inWord = false
        var quote: Character?
        for character in text {
            if let open = quote {
                if character == open { quote = nil } else { current.append(character) }
            } else if character == "'" || character == "\"" {
                quote = character
                inWord = true
            } else if character.isWhitespace {
                if inWord { arguments.append(current) }
                current = ""
                inWord = false
            } else {
                current.append(character)
                inWord = true
            }
        }
        if inWord { arguments.append(current) }
        self.arguments = arguments
        self.needsShell = text.contains { "|&;<>()$`\\*?[]{}~".contains($0) }
    }

    public var executable: String? { arguments.first }

    /// Finds an executable: a path with a slash as given, a bare name in `PATH`.
    public static func locate(_ executable: String) -> String? {
        if executable.contains("/") { return access(executable, X_OK) == 0 ? executable : nil }
        let path = getenv("PATH").map { String(cString: $0) } ?? "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
        return path.split(separator: ":").map { "\($0)/\(executable)" }.first { access($0, X_OK) == 0 }
    }
    public var description: String { text }
}
