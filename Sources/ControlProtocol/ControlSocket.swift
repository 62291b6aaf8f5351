/// Where the daemon listens for `vipkeeper status` (spec/config.md).
public enum ControlSocket {
    public static let defaultPath = "/run/vipkeeper/vipkeeper.sock"
}
