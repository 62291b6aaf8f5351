import ArgumentParser
import ControlProtocol

/// `--socket PATH` for the client subcommands.
struct ControlSocketOption: ParsableArguments {
    @Option(name: .long, help: "Control socket of the running daemon.")
    var socket: String = ControlSocket.defaultPath
}
