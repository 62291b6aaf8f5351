import ArgumentParser
import Config

/// `-f/--config FILE`, shared by every subcommand that reads the configuration.
struct ConfigFileOption: ParsableArguments {
    @Option(name: [.customShort("f"), .customLong("config")],
            help: ArgumentHelp("Configuration file (keepalived.conf dialect).",
                               discussion: "Default: \(ConfigurationLoader.defaultPaths.joined(separator: ", falling back to "))."))
    var path: String?

    var resolvedPath: String { path ?? ConfigurationLoader.defaultPath() }
}
