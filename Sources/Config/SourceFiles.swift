#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The file-system work of reading a configuration: reading text, resolving paths and
/// expanding `include` globs.
enum SourceFiles {
    enum ReadError: Error, CustomStringConvertible {
        case cannotOpen(String)
        case notUTF8

        var description: String {
            switch self {
            case .cannotOpen(let reason): return reason
            case .notUTF8: return "the file is not UTF-8 text"
            }
        }
    }

    static func read(_ path: String) throws(ReadError) -> String {
        guard let file = fopen(path, "rb") else {
            throw .cannotOpen(String(cString: strerror(errno)))
        }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = fread(&buffer, 1, buffer.count, file)
            if count > 0 { bytes += buffer[0..<count] }
            if count < buffer.count {
                if ferror(file) != 0 { throw .cannotOpen(String(cString: strerror(errno))) }
                break
            }
        }
        guard let text = String(validating: bytes, as: UTF8.self) else { throw .notUTF8 }
        return text
    }

    /// The canonical path, for include-cycle detection.
    static func canonical(_ path: String) -> String {
        guard let resolved = realpath(path, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// Paths matching a glob (with csh-style braces), sorted; relative patterns are taken
    /// relative to `directory`.
    static func glob(_ pattern: String, relativeTo directory: String) -> [String] {
        let full = pattern.hasPrefix("/") ? pattern : directory + "/" + pattern
        var result = glob_t()
        defer { globfree(&result) }
        let braces: Int32 = 1 << 10  // GLOB_BRACE (GNU)
        guard Glibc.glob(full, braces, nil, &result) == 0 else { return [] }
        var paths: [String] = []
        for index in 0..<Int(result.gl_pathc) {
            if let path = result.gl_pathv[index] { paths.append(String(cString: path)) }
        }
        return paths.sorted()
    }
}
