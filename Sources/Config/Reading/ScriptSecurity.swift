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
            [commands.master, commands.backup, commands.fault, commands.stop, commands.generic].compactMap { $0 }
        }
        for instance in configuration.instances {
            commands += notify(instance.notify).map { ($0, instance.location, "vrrp_instance `\(instance.name)` notify") }
        }
        for group in configuration.syncGroups {
            commands += notify(group.notify).map { ($0, group.location, "vrrp_sync_group `\(group.name)` notify") }
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

    /// What a command runs, each of which must be safe: the shell for shell syntax, the
    /// command's own program, and the script file an interpreter is given (`bash /etc/x.sh`).
    static func programs(of command: ScriptCommand) -> [String] {
        var programs: [String] = command.needsShell ? ["/bin/sh"] : []
        guard let executable = command.executable else { return programs }
        programs.append(executable)
        let name = executable.split(separator: "/").last.map(String.init) ?? executable
        if interpreters.contains(name), let script = command.arguments.dropFirst().first(where: { !$0.hasPrefix("-") }),
           script.contains("/") {
            programs.append(script)
        }
        var seen = Set<String>()
        return programs.filter { seen.insert($0).inserted }
    }

    /// Why `path` is unsafe to run as root, or nil.
    static func problem(with path: String) -> String? {
        var current = path
        while true {
            var info = stat()
            guard stat(current, &info) == 0 else { return "\(current): \(String(cString: strerror(errno)))" }
            if info.st_uid != 0 { return "\(current) is owned by uid \(info.st_uid), not root" }
            if info.st_mode & S_IWOTH != 0 { return "\(current) is writable by everyone" }
            if info.st_mode & S_IWGRP != 0 && info.st_gid != 0 { return "\(current) is writable by group \(info.st_gid)" }
            if current == "/" { return nil }
            current = SourceFiles.directory(of: current)
        }
    }
}
