extension TrackProcessDefinition {
    /// Whether one process matches, given its name (/proc/PID/comm without the newline) and
    /// its command line (/proc/PID/cmdline: NUL-terminated words), as keepalived 2.2.7's
    /// `read_procs` / `check_process` decide:
    /// - without `full_command`, the name is compared exactly with `process` (`strcmp`), so a
    ///   `process` longer than 15 bytes never matches a name (the kernel cuts names to 15);
    /// - with it, argv[0] (the command line up to its first NUL) is compared exactly, and then,
    ///   unless `param_match` is none, the rest of the command line with the parameters, each
    ///   followed by its NUL: `exact` all of it, `partial` its start, `initial` its start with
    ///   the last parameter's end (and NUL) left open.
    /// A zombie's command line is empty and a zombie is not counted by name (the caller drops
    /// it); a process whose command line cannot be read does not match.
    public func matches(comm: String?, commandLine: [UInt8]?) -> Bool {
        guard let process else { return false }
        guard fullCommand else {
            guard let comm else { return false }
            return Array(comm.utf8) == Array(process.utf8)
        }
        guard let commandLine else { return false }
        let end = commandLine.firstIndex(of: 0) ?? commandLine.endIndex
        guard Array(commandLine[..<end]) == Array(process.utf8) else { return false }
        guard parameterMatch != .none else { return true }
        let rest = end < commandLine.endIndex ? Array(commandLine[(end + 1)...]) : []
        return Self.parametersMatch(rest, wanted: parameters, how: parameterMatch)
    }

    /// keepalived's `check_params`: `given` is the command line after argv[0]'s NUL.
    static func parametersMatch(_ given: [UInt8], wanted: [String], how: ParameterMatch) -> Bool {
        let expected: [UInt8] = wanted.flatMap { word -> [UInt8] in Array(word.utf8) + [0] }
        if how == .exact && wanted.isEmpty && given.isEmpty { return true }
        guard given.count >= expected.count else { return false }
        switch how {
        case .none: return true
        case .exact: return given == expected
        case .partial: return wanted.isEmpty || Array(given.prefix(expected.count)) == expected
        case .initial:
            guard !wanted.isEmpty, expected.count > 1 else { return true }
            return Array(given.prefix(expected.count - 1)) == Array(expected.dropLast())
        }
    }
}
