/// keepalived 2.2.7 reads `notify_master /path/x.sh [USER [GROUP]]` (every notify keyword,
/// and `notify_fifo` / `notify_fifo_script`) with the user and group looked up at once
/// (`notify_script_init`, `set_script_uid_gid`): when either does not exist it logs "Invalid
/// user/group ... - ignoring" and drops that line altogether, and the daemon runs without it.
/// So `notify_master /etc/keepalived/notify.sh master` never runs (`master` is read as a user),
/// nor does `notify_master /x.sh root:root` (one word, no user of that name). vipkeeper does
/// the same, with a warning that says how to write what was meant.
enum NotifyUsers {
    static func apply(to configuration: inout Configuration, users: UserDirectory, log: inout DiagnosticLog) {
        for index in configuration.instances.indices {
            check(&configuration.instances[index].notify, users: users, log: &log)
        }
        for index in configuration.syncGroups.indices {
            check(&configuration.syncGroups[index].notify, users: users, log: &log)
        }
        for (prefix, path) in [("", \Configuration.globals.notifyFIFO), ("vrrp_", \Configuration.globals.vrrpNotifyFIFO)] {
            var fifo = configuration[keyPath: path]
            if let script = fifo.script, let user = script.user, let problem = problem(with: user, users: users) {
                log.warning(user.location, sentence(problem, user, keyword: prefix + "notify_fifo_script", command: script.command.text))
                fifo.script = nil
            }
            if fifo.path != nil, let user = fifo.user, let problem = problem(with: user, users: users) {
                log.warning(user.location, "\(problem), so keepalived ignores this `\(prefix)notify_fifo` (no FIFO is made or written), and so does vipkeeper" + twoWords(user))
                fifo.path = nil
            }
            if fifo.path == nil, let script = fifo.script {
                log.warning(script.user?.location ?? fifo.location, "`\(prefix)notify_fifo_script` `\(script.command.text)` without a `\(prefix)notify_fifo`: keepalived never runs it, and neither does vipkeeper")
                fifo.script = nil
            }
            configuration[keyPath: path] = fifo
        }
        let globals = configuration.globals
        if let shared = globals.notifyFIFO.path, shared == globals.vrrpNotifyFIFO.path {
            log.warning(globals.vrrpNotifyFIFO.location, "`vrrp_notify_fifo` \(shared) is also the `notify_fifo`: keepalived ignores the vrrp_ one (and its script) so that no line is written twice, and so does vipkeeper")
            configuration.globals.vrrpNotifyFIFO = NotifyFIFODefinition()
        }
    }

    private static let keywords: [(String, WritableKeyPath<NotifyCommands, NotifyScript?> & Sendable)] = [
        ("notify_master", \.master), ("notify_backup", \.backup), ("notify_fault", \.fault), ("notify_stop", \.stop),
        ("notify_deleted", \.deleted), ("notify", \.generic),
    ]

    private static func check(_ notify: inout NotifyCommands, users: UserDirectory, log: inout DiagnosticLog) {
        for (keyword, path) in keywords {
            guard let script = notify[keyPath: path], let user = script.user,
                  let problem = problem(with: user, users: users) else { continue }
            log.warning(user.location, sentence(problem, user, keyword: keyword, command: script.command.text))
            notify[keyPath: path] = nil
        }
    }

    /// Why keepalived refuses USER [GROUP], or nil.
    private static func problem(with user: ScriptUser, users: UserDirectory) -> String? {
        guard users.userExists(user.name) else { return "`\(user.name)` is not a user on this machine" }
        if let group = user.group, !users.groupExists(group) { return "`\(group)` is not a group on this machine" }
        return nil
    }

    private static func sentence(_ problem: String, _ user: ScriptUser, keyword: String, command: String) -> String {
        var text = "\(problem), so keepalived ignores this `\(keyword)` (the words after the command are the user and group it runs as), and so does vipkeeper: `\(command)` will not run"
        if let quoted = user.quotedCommand {
            text += "; if they are arguments, quote the command line: \(keyword) \(quoted)"
        }
        return text + twoWords(user)
    }

    /// keepalived 2.2.7 takes the user and the group as two words: `root:root` is one user name.
    private static func twoWords(_ user: ScriptUser) -> String {
        guard user.group == nil, let colon = user.name.firstIndex(of: ":") else { return "" }
        return "; a user and a group are two words: `\(user.name[..<colon]) \(user.name[user.name.index(after: colon)...])`"
    }
}
