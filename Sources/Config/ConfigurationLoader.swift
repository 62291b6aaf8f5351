/// Reads a configuration file (with its includes) and validates it. Nothing is returned to
/// apply unless the file is free of errors.
public enum ConfigurationLoader {
    public struct Result: Sendable {
        /// nil when there is any error: a daemon must not run half a configuration.
        public var configuration: Configuration?
        /// Every problem found, in file and line order.
        public var diagnostics: [Diagnostic]
        /// The config-id the file was read for, and its conditional lines (`@ID ...`).
        public var configID: String
        public var conditionalLines: ConditionalLines
        /// The file reads without errors but defines no `vrrp_instance` (an error for `run`):
        /// all comments, as the packaged one until it is configured.
        public var definesNoInstance = false

        public var errors: Int { diagnostics.filter { $0.severity == .error }.count }
        /// The keepalived keywords the file uses that vipkeeper ignores, with how often.
        public var ignoredKeywords: [(keyword: String, count: Int)] {
            Dictionary(grouping: diagnostics.compactMap(\.ignoredKeyword), by: { $0 }).map { ($0.key, $0.value.count) }.sorted { $0.keyword < $1.keyword }
        }
        public var warnings: Int { diagnostics.filter { $0.severity == .warning }.count }
    }

    /// Default configuration paths, in the order they are tried.
    public static let defaultPaths = ["/etc/vipkeeper/vipkeeper.conf", "/etc/keepalived/keepalived.conf"]

    /// Reads and validates the file at `path`. `configID` decides which conditional lines
    /// (`@ID ...`, `@^ID ...`) are read: keepalived's `-i/--config-id`, by default the node
    /// name up to its first `.`, as in keepalived. `checksScriptFiles` false skips
    /// `enable_script_security`'s look at this machine's script files (a file read for
    /// another machine, as `check --pair` does).
    public static func load(path: String, configID: String = nodeConfigID, users: UserDirectory = .system,
                            checksScriptFiles: Bool = true) -> Result {
        var parser = ConfigParser(configID: configID)
        let statements = parser.parse(file: path)
        return interpret(statements, parser: parser, path: path, users: users, checksScriptFiles: checksScriptFiles)
    }

    /// Validates bytes as if they had been read from `path` (includes are read relative to
    /// it): what the fuzz harness and tests that need no file use.
    public static func load(bytes: [UInt8], path: String, configID: String = nodeConfigID, users: UserDirectory = .system,
                            checksScriptFiles: Bool = true) -> Result {
        var parser = ConfigParser(configID: configID)
        let statements = parser.parse(bytes: bytes, file: path)
        return interpret(statements, parser: parser, path: path, users: users, checksScriptFiles: checksScriptFiles)
    }

    /// `load(bytes:path:configID:)` for UTF-8 text.
    public static func load(text: String, path: String, configID: String = nodeConfigID, users: UserDirectory = .system,
                            checksScriptFiles: Bool = true) -> Result {
        load(bytes: Array(text.utf8), path: path, configID: configID, users: users, checksScriptFiles: checksScriptFiles)
    }

    private static func interpret(_ statements: [Statement], parser: ConfigParser, path: String, users: UserDirectory,
                                  checksScriptFiles: Bool) -> Result {
        var log = parser.log
        var reader = ConfigurationReader()
        reader.read(statements, log: &log)
        let definesNoInstance = reader.configuration.instances.isEmpty && !log.hasErrors
        if definesNoInstance {
            log.error(SourceLocation(file: path, line: 1, column: 1), "no `vrrp_instance` is defined; there is nothing to run")
        }
        var validator = ConfigurationValidator(configuration: reader.configuration, garpOverrides: reader.garpOverrides,
                                               masterWithoutPriority: reader.masterWithoutPriority,
                                               withoutAddressEntries: reader.withoutAddressEntries)
        validator.validate(log: &log)
        NotifyUsers.apply(to: &validator.configuration, users: users, log: &log)
        if checksScriptFiles { ScriptSecurity.check(validator.configuration, log: &log) }
        let diagnostics = log.diagnostics.enumerated().sorted {
            ($0.element.location, $0.offset) < ($1.element.location, $1.offset)
        }.map(\.element)
        var result = Result(configuration: log.hasErrors ? nil : validator.configuration, diagnostics: diagnostics,
                            configID: parser.configID, conditionalLines: parser.conditionalLines)
        result.definesNoInstance = definesNoInstance
        return result
    }
}

#if canImport(Glibc)
import Glibc
#endif

extension ConfigurationLoader {
    /// The first default path that exists, else the first one (so the error names it).
    public static func defaultPath() -> String {
        defaultPaths.first { access($0, F_OK) == 0 } ?? defaultPaths[0]
    }

    /// keepalived's default config-id: the node name (uname(2)) up to its first `.`.
    public static var nodeConfigID: String {
        var name = utsname()
        guard uname(&name) == 0 else { return "" }
        let nodename = withUnsafeBytes(of: &name.nodename) { raw in
            Array(raw.prefix { $0 != 0 })
        }
        return String(decoding: nodename.prefix { $0 != UInt8(ascii: ".") }, as: UTF8.self)
    }
}
