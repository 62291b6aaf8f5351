#if canImport(Glibc)
import Glibc
#endif

/// keepalived's `enable_script_security`: a script run as root must not be replaceable by
/// anyone else, so the file and every directory above it must be owned by root and not be
/// writable by group or others (unless that group is root's).
enum ScriptSecurity {
    static func check(_ configuration: Configuration, log: inout DiagnosticLog) {
        guard configuration.globals.enableScriptSecurity else { return }
        var commands: [(ScriptCommand, SourceLocation, String)] = configuration.scripts.compactMap { script in
            script.command.map { ($0, script.location, "vrrp_script `\(script.name)`") }
        }
        for instance in configuration.instances {
            for command in [instance.notify.master, instance.notify.backup, instance.notify.fault, instance.notify.stop, instance.notify.generic] {
                if let command { commands.append((command, instance.location, "vrrp_instance `\(instance.name)` notify")) }
            }
        }
        for (command, location, owner) in commands {
            let executable = command.needsShell ? "/bin/sh" : (command.executable ?? "")
            guard let path = ScriptCommand.locate(executable) else {
                log.error(location, "\(owner): `\(executable)` is not found or not executable (enable_script_security checks every script)")
                continue
            }
            if let problem = problem(with: path) {
                log.error(location, "\(owner): refusing `\(command.text)` under enable_script_security: \(problem)")
            }
        }
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
