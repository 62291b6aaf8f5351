#if canImport(Glibc)
import Glibc
#endif

/// Names for addresses from this node's /etc/hosts, read by the CLI to name the peers in
/// `status`. The daemon never looks a name up (no NSS on its loop), and the CLI asks no DNS
/// either: a status must answer at once when DNS is what broke. /etc/hosts is the operator's
/// own, deterministic list (Harbor pairs usually name each other there).
struct HostsFile {
    private var names: [[UInt8]: String] = [:]

    init(path: String = "/etc/hosts") {
        guard let file = fopen(path, "r") else { return }
        defer { fclose(file) }
        var line: UnsafeMutablePointer<CChar>?
        var capacity = 0
        defer { free(line) }
        var lines = 0
        while getline(&line, &capacity, file) > 0, let line, lines < 10_000 {
            lines += 1
            let text = String(cString: line).split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            let fields = text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" })
            guard fields.count >= 2, let key = Self.key(String(fields[0])), names[key] == nil else { continue }
            names[key] = String(fields[1])
        }
    }

    /// The first name /etc/hosts gives `address`, if any.
    func name(of address: String) -> String? {
        Self.key(address).flatMap { names[$0] }
    }

    /// The address's bytes, so `fd00:250::12` and `fd00:250:0::12` are one key.
    private static func key(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 { return withUnsafeBytes(of: &v6) { Array($0) } }
        return nil
    }
}
