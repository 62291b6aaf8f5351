#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The file-system work of reading a configuration: reading text, resolving paths and
/// expanding `include` globs.
enum SourceFiles {
    /// Configuration files (and includes) are read up to this size.
    static let maximumSize = 16 * 1024 * 1024

    enum ReadError: Error, CustomStringConvertible {
        case cannotOpen(String)
        case notUTF8
        case notRegularFile(String)
        case tooLarge(Int)

        var description: String {
            switch self {
            case .cannotOpen(let reason): return reason
            case .notUTF8: return "the file is not UTF-8 text"
            case .notRegularFile(let kind): return "not a regular file (\(kind)); configuration is read from regular files only"
            case .tooLarge(let size): return "the file is \(size) bytes; configuration files are read up to \(SourceFiles.maximumSize) bytes (16 MiB)"
            }
        }
    }

    /// Reads a regular file of at most `maximumSize` bytes: a device (`include /dev/zero`), a
    /// FIFO or a directory is refused, never read forever.
    static func read(_ path: String) throws(ReadError) -> String {
        guard let file = fopen(path, "rb") else {
            throw .cannotOpen(String(cString: strerror(errno)))
        }
        defer { fclose(file) }
        var info = stat()
        guard fstat(fileno(file), &info) == 0 else { throw .cannotOpen(String(cString: strerror(errno))) }
        switch info.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFCHR: throw .notRegularFile("a character device")
        case S_IFBLK: throw .notRegularFile("a block device")
        case S_IFIFO: throw .notRegularFile("a FIFO")
        case S_IFDIR: throw .notRegularFile("a directory")
        case S_IFSOCK: throw .notRegularFile("a socket")
        default: throw .notRegularFile("not a plain file")
        }
        guard info.st_size <= maximumSize else { throw .tooLarge(Int(info.st_size)) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = fread(&buffer, 1, buffer.count, file)
            if count > 0 { bytes += buffer[0..<count] }
            if bytes.count > maximumSize { throw .tooLarge(bytes.count) }  // grew while being read
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
