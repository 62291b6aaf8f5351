#if canImport(Glibc)
import Glibc
#endif
import Testing
import VRRP
@testable import Config

/// The bytes of `text` with every LF written as CRLF (a file saved on Windows).
private func crlf(_ text: String) -> [UInt8] {
    Array(text.utf8).flatMap { $0 == UInt8(ascii: "\n") ? [0x0D, 0x0A] : [$0] }
}

/// Text with bytes that are not UTF-8 in it: `\u{80}`...`\u{FF}` in `text` stand for the
/// byte of that value (Latin-1 style), everything else is UTF-8.
private func bytes(_ text: String) -> [UInt8] {
    text.unicodeScalars.flatMap { scalar in
        (0x80...0xFF).contains(scalar.value) ? [UInt8(scalar.value)] : Array(String(scalar).utf8)
    }
}

private let harborInstance = """
global_defs {
    router_id harbor-a
}
vrrp_instance VI_1 {
    state MASTER
    interface eth0
    virtual_router_id 51
    priority 101
    authentication {
        auth_type PASS
        auth_pass secret
    }
    virtual_ipaddress {
        10.250.0.66/24 dev eth0
    }
}

"""

/// One file for two nodes, as keepalived's `@ID` lines allow.
private let twoNodes = """
vrrp_instance VI_1 {
    interface eth0
    virtual_router_id 51
@nodeA priority 101
@nodeB priority 100
    @^nodeA nopreempt
@nodeA\tadvert_int 2
@nodeA
@
    virtual_ipaddress {
        10.250.0.66
    }
}

"""

@Suite("real keepalived.conf files: how lines are read (lib/parser.c: read_line, decomment)")
struct KeepalivedFileTests {
    @Test("a CRLF file reads exactly as its LF form: same configuration, same diagnostics")
    func crlfReadsAsLF() throws {
        let path = "/etc/keepalived/keepalived.conf"
        let fromLF = ConfigurationLoader.load(text: harborInstance, path: path)
        let fromCRLF = ConfigurationLoader.load(bytes: crlf(harborInstance), path: path)
        let configuration = try #require(fromCRLF.configuration, "\(fromCRLF.diagnostics)")
        #expect(configuration == fromLF.configuration)
        #expect(fromCRLF.diagnostics == fromLF.diagnostics)
        #expect(configuration.instances.first?.virtualRouterID == 51)
        #expect(configuration.instances.first?.authentication == .password("secret"))
        #expect(configuration.globals.routerID == "harbor-a")
        // Read from a file, and with the last line ending in CR alone.
        let config = TemporaryConfig()
        let file = config.write("windows.conf", bytes: crlf(harborInstance) + Array("global_defs {\r\n}\r".utf8))
        let fromFile = ConfigurationLoader.load(path: file)
        #expect(fromFile.diagnostics.isEmpty)
        #expect(fromFile.configuration?.instances.first?.priority == 101)
    }

    @Test("diagnostics in a CRLF file keep their line and column")
    func crlfLocations() {
        let text = "vrrp_instance VI_1 {\n    interface eth0\n    virtual_router_id 51\n    priority 300\n    virtual_ipaddress {\n        10.250.0.66/40\n    }\n}\n"
        let result = ConfigurationLoader.load(bytes: crlf(text), path: "f")
        #expect(short(result.diagnostics) == [
            "4:14: error: `priority` expects a whole number from 1 to 255, got `300`",
            "6:9: error: prefix length must be 0 to 32, got `/40`",
        ])
    }

    @Test("a CR inside a line is white space, as in keepalived, and said once")
    func loneCarriageReturn() {
        let result = ConfigurationLoader.load(bytes: Array("vrrp_instance VI_1 {\n interface eth0\r virtual_router_id 51\n\r virtual_ipaddress { 10.250.0.66 }\n}\n".utf8), path: "f")
        #expect(short(result.diagnostics) == [
            "1:15: error: vrrp_instance `VI_1` has no `virtual_router_id` (1-255)",
            "2:16: warning: a carriage return (CR) without a line feed after it: keepalived reads it as a space, not as the end of a line, and so does vipkeeper (a file whose lines end in CR alone reads as one line); end lines with LF or CRLF",
            "2:18: warning: `interface` takes one value: `eth0` is read and `virtual_router_id 51` is ignored, as keepalived ignores it",
        ])
        // CR-only line ends (classic Mac OS): one line, as keepalived reads it.
        let classic = ConfigurationLoader.load(bytes: Array(harborInstance.utf8).map { $0 == 0x0A ? 0x0D : $0 }, path: "f")
        #expect(classic.configuration == nil)
        #expect(classic.diagnostics.allSatisfy { $0.location.line == 1 })
        #expect(classic.diagnostics.first?.message.hasPrefix("a carriage return (CR) without a line feed") == true)
    }

    @Test("comments in Latin-1 or GBK never refuse a file, read from disk")
    func foreignComments() throws {
        let text = bytes("""
        ! Configuraci\u{F3}n del n\u{F3}do principal
        # \u{D6}\u{F7}\u{BD}\u{DA}\u{B5}\u{E3}
        vrrp_instance VI_1 {
            state MASTER          ### \u{B3}\u{F5}\u{CA}\u{BC}\u{D7}\u{B4}\u{CC}\u{AC}
            interface eth0
            virtual_router_id 51
            priority 101          # prioridad m\u{E1}s alta
            virtual_ipaddress {
                10.250.0.66       ###VIP \u{D0}\u{E9}\u{C4}\u{E2}
            }
        }

        """)
        #expect(String(validating: text, as: UTF8.self) == nil)
        let config = TemporaryConfig()
        let result = ConfigurationLoader.load(path: config.write("gbk.conf", bytes: text))
        #expect(result.diagnostics.isEmpty)
        let instance = try #require(result.configuration?.instances.first)
        #expect(instance.priority == 101)
        #expect(instance.initialState == .master)
        #expect(instance.virtualAddresses.map(\.description) == ["10.250.0.66/32"])
    }

    @Test("a byte that is not UTF-8 in a value vipkeeper uses is a precise error; in a keyword it ignores, nothing")
    func foreignBytesInValues() {
        let text = bytes("""
        global_defs {
            snmp_socket "\u{D5}\u{C5}\u{C8}\u{FD}"
        }
        vrrp_instance VI_1 {
            interface eth0
            virtual_router_id 51
            authentication {
                auth_type PASS
                auth_pass s\u{E9}cret
            }
            track_script {
                chk_\u{D5}\u{C5}
            }
            virtual_ipaddress {
                10.250.0.66
            }
        }

        """)
        let result = ConfigurationLoader.load(bytes: text, path: "f")
        #expect(result.configuration == nil)
        #expect(short(result.diagnostics) == [
            "2:5: warning: `snmp_socket` in global_defs is a keepalived feature vipkeeper does not support; ignored",
            "8:19: error: `auth_type PASS` needs an `auth_pass`",
            "9:20: error: `auth_pass` value `s\u{FFFD}cret` has a byte that is not UTF-8 (0xE9); vipkeeper reads keywords and values as UTF-8 text (comments may be in any encoding): save the file as UTF-8",
            "12:13: error: `track_script` value `chk_\u{FFFD}\u{FFFD}` has a byte that is not UTF-8 (0xD5); vipkeeper reads keywords and values as UTF-8 text (comments may be in any encoding): save the file as UTF-8",
        ])
    }

    @Test("columns count characters: after UTF-8 text and after a byte that is not UTF-8")
    func columnsAfterForeignText() {
        var log = DiagnosticLog()
        var lines = ConditionalLines()
        let tokens = Lexer(file: "f", configID: "x").tokens(of: bytes("\"\u{E9}t\u{E9}\" x \u{E9}\u{E9} y"), log: &log, conditionalLines: &lines)
        #expect(tokens.map(\.location.column) == [1, 7, 9, 12])
        #expect(tokens[2].nonUTF8 == NonUTF8Byte(0xE9, at: SourceLocation(file: "f", line: 1, column: 9)))
        #expect(Lexer(file: "f").tokens(of: "\"été\" x", log: &log).map(\.location.column) == [1, 7])
        #expect(log.diagnostics.isEmpty)
    }

    @Test("decomment as keepalived: `\\#` and `\\!` outside quotes are literal; a quoted # is no comment")
    func escapes() {
        var log = DiagnosticLog()
        let lexed = Lexer(file: "f").tokens(of: "auth_pass ab\\#cd\\!e # comment\nscript \"a # b\" c\\d ! c", log: &log)
        #expect(lexed.map(\.description) == ["auth_pass", "ab#cd!e", "script", "\"a # b\"", "c\\d"])
        #expect(log.diagnostics.isEmpty)
    }

    @Test("`@ID` lines are read on node ID only, `@^ID` lines everywhere else; `@ID` alone and `@` alone nowhere",
          arguments: [
              ("nodeA", 101, true, 2, ConditionalLines(applied: 2, skipped: 4)),
              ("nodeB", 100, false, 1, ConditionalLines(applied: 2, skipped: 4)),
              ("nodea", 100, false, 1, ConditionalLines(applied: 1, skipped: 5)),  // compared byte for byte
              ("nodeA.example", 100, false, 1, ConditionalLines(applied: 1, skipped: 5)),
          ])
    func conditionalLines(configID: String, priority: Int, preempt: Bool, advertSeconds: Int, lines: ConditionalLines) throws {
        let result = ConfigurationLoader.load(text: twoNodes, path: "f", configID: configID)
        #expect(result.diagnostics.isEmpty)
        #expect(result.configID == configID)
        #expect(result.conditionalLines == lines)
        let instance = try #require(result.configuration?.instances.first)
        #expect(instance.priority == UInt8(priority))
        #expect(instance.preempt == preempt)
        #expect(instance.advertisementInterval == AdvertisementInterval(centiseconds: UInt16(advertSeconds * 100)))
    }

    @Test("a conditional line keeps its columns; an empty id matches only an empty config-id; included files follow the same id")
    func conditionalDetails() throws {
        let error = ConfigurationLoader.load(text: "vrrp_instance VI_1 {\n  @nodeA priority 300\n}\n", path: "f", configID: "nodeA")
        #expect(short(error.diagnostics).contains("2:19: error: `priority` expects a whole number from 1 to 255, got `300`"))
        let empty = "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n@ priority 7\n@^ priority 8\n virtual_ipaddress { 10.250.0.66 }\n}\n"
        #expect(ConfigurationLoader.load(text: empty, path: "f", configID: "").configuration?.instances.first?.priority == 7)
        #expect(ConfigurationLoader.load(text: empty, path: "f", configID: "nodeA").configuration?.instances.first?.priority == 8)

        let config = TemporaryConfig()
        config.write("node.conf", "@nodeB priority 100\n@nodeA priority 101\n")
        let main = config.write("keepalived.conf", "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n include node.conf\n virtual_ipaddress { 10.250.0.66 }\n}\n")
        let included = ConfigurationLoader.load(path: main, configID: "nodeA")
        #expect(included.configuration?.instances.first?.priority == 101)
        #expect(included.conditionalLines == ConditionalLines(applied: 1, skipped: 1))
    }

    @Test("the default config-id is the node name up to its first `.`, as keepalived's")
    func defaultConfigID() throws {
        var name = utsname()
        try #require(uname(&name) == 0)
        let nodename = withUnsafeBytes(of: &name.nodename) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        #expect(ConfigurationLoader.nodeConfigID == String(nodename.prefix { $0 != "." }))
        #expect(!ConfigurationLoader.nodeConfigID.contains("."))
    }
}
