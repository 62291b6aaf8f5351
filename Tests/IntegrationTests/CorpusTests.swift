import Foundation
import Testing

/// The real keepalived.conf files of `../shared/corpus/keepalived-conf/` (written by other
/// people; read in place, never copied here), or `VIPKEEPER_CORPUS`.
enum Corpus {
    static let directory: String? = {
        if let configured = ProcessInfo.processInfo.environment["VIPKEEPER_CORPUS"] { return configured }
        let sibling = (repositoryRoot as NSString).deletingLastPathComponent + "/shared/corpus/keepalived-conf"
        return FileManager.default.fileExists(atPath: sibling) ? sibling : nil
    }()

    static var files: [String] {
        guard let directory, let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        return names.filter { $0.hasSuffix(".conf") }.sorted().map { directory + "/" + $0 }
    }

    /// VRRP-side keywords vipkeeper still ignores (with a warning, never silently), each a
    /// documented gap. Issue 18's bar: none on the corpus; the LVS configuration aside, which
    /// keepalived's checker serves.
    static let knownIgnored: Set<String> = []
}

extension NamespaceSuites {
    @Suite("real keepalived.conf files: what keepalived -t accepts, vipkeeper check accepts", .serialized,
           .enabled(if: Corpus.directory != nil, "the corpus ../shared/corpus/keepalived-conf is not next to this checkout (VIPKEEPER_CORPUS names another)"))
    struct CorpusTests {
        @Test("every corpus file keepalived 2.2.7 accepts (its interfaces and scripts provided), vipkeeper check accepts; no VRRP-side keyword is ignored (LVS aside)")
        func corpus() throws {
            guard keepalivedInstalled() else { return }
            let files = Corpus.files
            try #require(files.count >= 50, "the corpus has \(files.count) files")
            let script = NetworkLab.tools + "/../../scripts/corpus-check.sh"
            let result = Shell.run("\(script) \(NetworkLab.vipkeeper) " + files.map { "'\($0)'" }.joined(separator: " "), timeout: 1_200)
            #expect(result.status == 0, "corpus-check.sh failed: \(result.output)")
            let lines = result.output.split(separator: "\n").map(String.init)
            let summary = try #require(lines.last { $0.hasPrefix("summary: ") }, "no summary: \(result.output)")
            print("corpus: \(summary)")
            var refused: [String] = []
            var ignored: [String: Int] = [:]
            var loadBalancing: [String: Int] = [:]
            var results = 0
            for line in lines {
                if line.hasPrefix("ignored ") {
                    ignored[String(line.dropFirst(8)), default: 0] += 1
                    continue
                }
                if line.hasPrefix("ignored-lvs ") {
                    loadBalancing[String(line.dropFirst(12)), default: 0] += 1
                    continue
                }
                let fields = line.split(separator: " ", maxSplits: 2)
                guard fields.count == 3, ["clean", "warn", "error"].contains(fields[0]), let vipkeeper = Int(fields[1]) else { continue }
                results += 1
                if fields[0] != "error" && vipkeeper != 0 { refused.append(String(fields[2])) }
            }
            #expect(results == files.count, "a result line per file: \(results) of \(files.count)")
            #expect(refused.isEmpty, "keepalived accepts, vipkeeper refuses:\n\(refused.joined(separator: "\n"))")
            let silentlyLost = Set(ignored.keys).subtracting(Corpus.knownIgnored)
            #expect(silentlyLost.isEmpty, "VRRP-side keywords ignored: \(silentlyLost.sorted())")
            print("corpus: ignored keywords (file counts): " + ignored.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
            print("corpus: LVS configuration left to keepalived's checker (file counts): " + loadBalancing.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        }
    }
}
