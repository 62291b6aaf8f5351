#if canImport(Glibc)
import Glibc
#endif

/// keepalived's `enable_script_security`: a script run as root must not be replaceable by
/// anyone else, so the file and every directory above it must be owned by root and not be
/// writable by group or others (unless that group is root's).
enum ScriptSecurity {
    /// Interpreters whose first argument, when it is a path, is the script that really runs.
    static let interpreters: Set<String> = ["sh", "bash", "dash", "zsh", "python", "python3", "perl", "ruby", "env"]

    static func check(_ configuration: Configuration, log: inout DiagnosticLog) {
        guard configuration.globals.enableScriptSecurity else { return }
        var commands: [(ScriptCommand, SourceLocation, String)] = configuration.scripts.compactMap { script in
            script.command.map { ($0, script.location, "vrrp_script `\(script.name)`") }
        }
        func notify(_ commands: NotifyCommands) -> [ScriptCommand] {
            commands.all.map(\.command)
        }
        for instance in configuration.instances {
            commands += notify(instance.notify).map { ($0, instance.location, "vrrp_instance `\(instance.name)` notify") }
        }
        for group in configuration.syncGroups {
            commands += notify(group.notify).map { ($0, group.location, "vrrp_sync_group `\(group.name)` notify") }
        }
        for (fifo, keyword) in [(configuration.globals.notifyFIFO, "notify_fifo_script"), (configuration.globals.vrrpNotifyFIFO, "vrrp_notify_fifo_script")] {
            if let script = fifo.script { commands.append((script.command, fifo.location, keyword)) }
        }
        for (command, location, owner) in commands {
            for executable in programs(of: command) {
                guard let path = ScriptCommand.locate(executable) else {
                    log.error(location, "\(owner): `\(executable)` is not found or not executable (enable_script_security checks every script)")
                    continue
                }
                if let problem = problem(with: path) {
                    log.error(location, "\(owner): refusing `\(command.text)` under enable_script_security: \(problem)")
                }
            }
        }
    }

    /// What a command runs, each of which must be safe: the shell for shell syntax and every
    /// program of its command line (`true && /opt/app/check.sh`, `curl ... | grep -q ok`: the
    /// shell runs them all as the script's user), the command's own program, and the script
    /// file an interpreter is given (`bash /etc/x.sh`) or the shell sources (`. /etc/x.sh`).
    static func programs(of command: ScriptCommand) -> [String] {
        var programs: [String] = command.needsShell ? ["/bin/sh"] : []
        let simpleCommands = command.needsShell ? shellCommands(command.text).map { ScriptCommand($0).arguments } : [command.arguments]
        for words in simpleCommands {
            programs += self.programs(ofSimpleCommand: words)
        }
        var seen = Set<String>()
        return programs.filter { seen.insert($0).inserted }
    }

    /// Words that begin a simple command without being its program: reserved words, `!`, and
    /// `exec`/`command`, which run the word after them.
    static let prefixes: Set<String> = ["!", "if", "then", "else", "elif", "fi", "do", "done", "while", "until", "{", "}", "exec", "command", "time"]
    /// dash's builtins: run by the shell itself, so no file is involved (`true`, `test` and
    /// `echo` have files in /usr/bin too, but the shell does not run them).
    static let builtins: Set<String> = ["exit", "return", "cd", "export", "set", "unset", "shift", "readonly", "local", ":",
                                        "true", "false", "echo", "printf", "test", "[", "read", "wait", "trap", "umask",
                                        "eval", "break", "continue", "kill", "pwd", "getopts", "type", "ulimit", "alias", "unalias"]

    /// The files one simple command (its words) runs: its program, an interpreter's script, a
    /// sourced file. Assignments (`LANG=C cmd`) and redirections are skipped; a program the
    /// shell computes (`$TOOL`) cannot be known here and is left out.
    static func programs(ofSimpleCommand words: [String]) -> [String] {
        var rest = words[...]
        while let word = rest.first, prefixes.contains(word) || isAssignment(word) || isRedirection(word) {
            // `>` alone (ending in the operator) takes the next word as its target.
            rest = rest.dropFirst(isRedirection(word) && (word.last == ">" || word.last == "<") ? 2 : 1)
        }
        guard let executable = rest.first, !executable.contains("$"), !executable.contains("`") else { return [] }
        if executable == "." || executable == "source" { return rest.dropFirst().first.map { [$0] } ?? [] }
        if builtins.contains(executable) { return [] }
        var programs = [executable]
        let name = executable.split(separator: "/").last.map(String.init) ?? executable
        if interpreters.contains(name), let script = rest.dropFirst().first(where: { !$0.hasPrefix("-") }), script.contains("/") {
            programs.append(script)
        }
        return programs
    }

    private static func isAssignment(_ word: String) -> Bool {
        guard let equals = word.firstIndex(of: "="), equals != word.startIndex else { return false }
        return word[..<equals].allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }
    }

    /// `>file`, `2>&1`, `<`, `>>`: a redirection (alone, its target is the next word).
    private static func isRedirection(_ word: String) -> Bool {
        word.drop(while: \.isNumber).first.map { $0 == "<" || $0 == ">" } ?? false
    }

    /// Splits shell text into its simple commands at the operators the shell runs them by
    /// (`&&`, `||`, `;`, `|`, `&`, new lines, and the parentheses of a subshell), keeping
    /// quoted text whole. Command substitutions (`$(...)`) are not followed.
    static func shellCommands(_ text: String) -> [String] {
        var commands: [String] = []
        var current = ""
        var quote: Character?
        var escaped = false
        for character in text {
            if escaped {
                current.append(character)
                escaped = false
            } else if let open = quote {
                current.append(character)
                if character == open { quote = nil }
            } else if character == "\\" {
                current.append(character)
                escaped = true
            } else if character == "'" || character == "\"" {
                current.append(character)
                quote = character
            } else if ";|&\n()".contains(character), !(character == "&" && current.hasSuffix(">")), !(character == "(" && current.hasSuffix("$")) {
                commands.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        commands.append(current)
        return commands.filter { !$0.allSatisfy(\.isWhitespace) }
    }

    /// Why `path` is unsafe to run as root, or nil: the file and each directory above it must
    /// be root's and writable by no one else, both along the configured path (whoever can
    /// replace a symbolic link there chooses what runs) and along the path it resolves to
    /// (realpath(3): the file that really runs, and the directories it is in).
    static func problem(with path: String) -> String? {
        if path.hasPrefix("/"), let problem = problemAlong(path) { return problem }
        guard let resolved = realpath(path, nil) else { return "\(path): \(String(cString: strerror(errno)))" }
        defer { free(resolved) }
        let target = String(cString: resolved)
        return target == path ? nil : problemAlong(target).map { "\(path) resolves to \(target), and \($0)" }
    }

    private static func problemAlong(_ path: String) -> String? {
        var current = path
        for _ in 0..<4096 {
            var info = stat()
            guard stat(current, &info) == 0 else { return "\(current): \(String(cString: strerror(errno)))" }
            if info.st_uid != 0 { return "\(current) is owned by uid \(info.st_uid), not root" }
            if info.st_mode & S_IWOTH != 0 { return "\(current) is writable by everyone" }
            if info.st_mode & S_IWGRP != 0 && info.st_gid != 0 { return "\(current) is writable by group \(info.st_gid)" }
            if current == "/" { return nil }
            current = SourceFiles.directory(of: current)
        }
        return "\(path) has too many directories to check"
    }
}
