/// A notify command line with the user it runs as, as keepalived reads `notify_master
/// /path/x.sh [USER [GROUP]]`, `notify_fault "/path/fault.sh VG_1" [USER [GROUP]]` and
/// `notify_fifo_script`: the first word or quoted string is the command line; the words after
/// it name the user and the group. Without a user the script runs as `script_user` (or
/// keepalived's default); without a group, as the user's own group.
public struct NotifyScript: Hashable, Sendable, CustomStringConvertible {
    public var command: ScriptCommand
    public var user: ScriptUser?

    public init(_ command: ScriptCommand, user: ScriptUser? = nil) {
        self.command = command
        self.user = user
    }

    public var description: String { command.text }
}

/// `USER [GROUP]` after a notify command or a notify FIFO. Two are equal when they name the
/// same user and group, wherever they were written.
public struct ScriptUser: Hashable, Sendable {
    public var name: String
    public var group: String?
    /// Where the user was written (for diagnostics only).
    public var location: SourceLocation
    /// The whole line's words as one quoted command, when the command was one unquoted word
    /// (`notify_master /x.sh master` → `"/x.sh master"`): what to write if the words after
    /// the command were meant as its arguments.
    public var quotedCommand: String?

    public init(name: String, group: String? = nil, location: SourceLocation = .unplaced, quotedCommand: String? = nil) {
        self.name = name
        self.group = group
        self.location = location
        self.quotedCommand = quotedCommand
    }

    public static func == (lhs: ScriptUser, rhs: ScriptUser) -> Bool {
        lhs.name == rhs.name && lhs.group == rhs.group
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(name)
        hasher.combine(group)
    }
}
