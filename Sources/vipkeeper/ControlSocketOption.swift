import ArgumentParser

/// `--socket PATH` for the client subcommands.
struct ControlSocketOption: ParsableArguments {
    static let defaultPath = "/run/vipkeeper/vipkeeper.sock"

    @Option(name: .long, help: "Control socket of the running daemon.")
    var socket: String = ControlSocketOption.defaultPath
}
