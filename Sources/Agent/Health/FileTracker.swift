import Config
import Node
#if canImport(Glibc)
import Glibc
#endif

/// Follows the `track_file`s with inotify (keepalived's `process_inotify`): the directory of
/// each file is watched, so a file that is created, rewritten, renamed over or deleted is read
/// again at once, without polling. Reading one small file on the event loop is what keepalived
/// does too; nothing here blocks.
final class FileTracker {
    let fileDescriptor: Int32
    private var files: [TrackFileDefinition] = []
    /// Watch descriptor → directory.
    private var directories: [Int32: String] = [:]

    init() throws(AgentError) {
        fileDescriptor = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard fileDescriptor >= 0 else { throw .socket(operation: "inotify_init1 for track_file", errno: errno) }
    }

    deinit { close(fileDescriptor) }

    /// Watches the directories of exactly these files; returns a problem per directory that
    /// cannot be watched (its file still reads, but changes are seen only at a reload).
    func follow(_ wanted: [TrackFileDefinition]) -> [String] {
        files = wanted
        for descriptor in directories.keys { inotify_rm_watch(fileDescriptor, descriptor) }
        directories = [:]
        var problems: [String] = []
        for directory in Set(wanted.compactMap { $0.path.map(Self.directory(of:)) }).sorted() {
            let mask = UInt32(IN_CLOSE_WRITE) | UInt32(IN_MOVED_TO) | UInt32(IN_MOVED_FROM) | UInt32(IN_DELETE) | UInt32(IN_CREATE)
            let descriptor = inotify_add_watch(fileDescriptor, directory, mask)
            if descriptor < 0 {
                problems.append("track_file: cannot watch \(directory): \(String(cString: strerror(errno))); its files are read at start and at a reload only")
            } else {
                directories[descriptor] = directory
            }
        }
        return problems
    }

    /// The number in every file now.
    func readAll() -> [NodeEvent] {
        files.compactMap(Self.read)
    }

    /// Drains inotify; the files it names are read again, and every file after the kernel's
    /// queue overflowed (IN_Q_OVERFLOW: events were lost).
    func drain() -> [NodeEvent] {
        var changed: Set<String> = []
        var overflowed = false
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(fileDescriptor, $0.baseAddress, $0.count) }
            guard count > 0 else { break }
            var offset = 0
            while offset + MemoryLayout<inotify_event>.size <= count {
                let (descriptor, length) = buffer.withUnsafeBytes { raw in
                    (raw.load(fromByteOffset: offset, as: Int32.self),
                     Int(raw.load(fromByteOffset: offset + 12, as: UInt32.self)))
                }
                let nameStart = offset + MemoryLayout<inotify_event>.size
                let nameBytes = buffer[nameStart..<min(count, nameStart + length)].prefix { $0 != 0 }
                if descriptor == -1 { overflowed = true }
                if let directory = directories[descriptor] {
                    changed.insert((directory == "/" ? "" : directory) + "/" + String(decoding: nameBytes, as: UTF8.self))
                }
                offset = nameStart + length
            }
        }
        guard !overflowed else { return readAll() }
        return files.filter { file in file.path.map { changed.contains(Self.normalized($0)) } ?? false }.compactMap(Self.read)
    }

    /// keepalived's reading: up to 127 bytes, `strtol(…, 0)` (so `0x10` is 16 and text is 0);
    /// a missing or empty file is 0; a number outside 32 bits is ignored (nil).
    static func read(_ file: TrackFileDefinition) -> NodeEvent? {
        guard let path = file.path else { return nil }
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else { return .trackedFile(file.name, value: 0) }
        defer { close(descriptor) }
        var bytes = [CChar](repeating: 0, count: 128)
        let count = bytes.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, 127) }
        guard count > 0 else { return .trackedFile(file.name, value: 0) }
        errno = 0
        let value = strtol(bytes, nil, 0)
        guard errno == 0, value >= Int(Int32.min), value <= Int(Int32.max) + 1 else { return nil }
        return .trackedFile(file.name, value: value)
    }

    /// `init_file`: writes the value when the file does not exist (or always, with
    /// `overwrite`); at start only, never at a reload (keepalived). Returns a problem or nil.
    static func initialize(_ file: TrackFileDefinition) -> String? {
        guard let path = file.path, let initialization = file.initialization else { return nil }
        var status = stat()
        let exists = stat(path, &status) == 0
        guard !exists || initialization.overwrite else { return nil }
        if exists && (status.st_mode & S_IFMT) != S_IFREG {
            return "track_file \(file.name): cannot initialise \(path): not a regular file"
        }
        guard let stream = fopen(path, "we") else {
            return "track_file \(file.name): cannot initialise \(path): \(String(cString: strerror(errno)))"
        }
        fputs("\(initialization.value)\n", stream)
        fclose(stream)
        return nil
    }

    private static func directory(of path: String) -> String {
        let normalized = normalized(path)
        guard let slash = normalized.lastIndex(of: "/") else { return "." }
        return slash == normalized.startIndex ? "/" : String(normalized[..<slash])
    }

    /// A relative path is taken from the daemon's working directory, as open(2) takes it.
    private static func normalized(_ path: String) -> String {
        path.contains("/") ? path : "./" + path
    }
}
