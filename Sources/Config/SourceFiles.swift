#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The file-system work of reading a configuration: reading bytes, resolving paths and
/// expanding `include` globs.
enum SourceFiles {
    /// Configuration files (and includes) are read up to this size.
    static let maximumSize = 16 * 1024 * 1024

    enum ReadError: Error, CustomStringConvertible {
        case cannotOpen(String)
        case notRegularFile(String)
        case tooLarge(Int)

        var description: String {
            switch self {
            case .cannotOpen(let reason): return reason
            case .notRegularFile(let kind): return "not a regular file (\(kind)); configuration is read from regular files only"
            case .tooLarge(let size): return "the file is \(size) bytes; configuration files are read up to \(SourceFiles.maximumSize) bytes (16 MiB)"
            }
        }
    }

    /// Reads a regular file of at most `maximumSize` bytes: a device (`include /dev/zero`), a
    /// FIFO or a directory is refused, never read forever and never waited on. The type is
    /// checked before the file is opened (opening a FIFO for reading blocks until a writer
    /// comes, which would stall a reload on the event loop), and again on the descriptor,
    /// opened non-blocking, in case the path changed in between. The bytes are returned as
    /// they are: keepalived reads bytes, and so does the lexer (a comment in another encoding
    /// than UTF-8 never refuses a file).
    static func read(_ path: String) throws(ReadError) -> [UInt8] {
        var info = stat()
        guard stat(path, &info) == 0 else { throw .cannotOpen(String(cString: strerror(errno))) }
        try requireRegular(info)
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)
        guard descriptor >= 0 else { throw .cannotOpen(String(cString: strerror(errno))) }
        defer { close(descriptor) }
        guard fstat(descriptor, &info) == 0 else { throw .cannotOpen(String(cString: strerror(errno))) }
        try requireRegular(info)
        guard info.st_size <= maximumSize else { throw .tooLarge(Int(info.st_size)) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { readDescriptor(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw .cannotOpen(String(cString: strerror(errno)))
            }
            if count == 0 { break }
            bytes += buffer[0..<count]
            if bytes.count > maximumSize { throw .tooLarge(bytes.count) }  // grew while being read
        }
        return bytes
    }

    private static func requireRegular(_ info: stat) throws(ReadError) {
        switch info.st_mode & S_IFMT {
        case S_IFREG: return
        case S_IFCHR: throw .notRegularFile("a character device")
        case S_IFBLK: throw .notRegularFile("a block device")
        case S_IFIFO: throw .notRegularFile("a FIFO")
        case S_IFDIR: throw .notRegularFile("a directory")
        case S_IFSOCK: throw .notRegularFile("a socket")
        default: throw .notRegularFile("not a plain file")
        }
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

/// read(2), named apart from `SourceFiles.read` so the call inside it reaches the system's.
private func readDescriptor(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    read(descriptor, buffer, count)
}
