#if canImport(Glibc)
import Glibc
#endif

/// What a `Reactor` registration waits for. Whatever it is, a descriptor whose peer hung up or
/// that has an error is reported too (poll always reports POLLHUP and POLLERR).
enum PollInterest {
    case readable
    case writable
    /// Either (a libcurl socket waiting for CURL_POLL_INOUT).
    case readableOrWritable
    /// Only the hang-up or error: for a connection with nothing left to read and nothing
    /// to write yet, whose end of file would otherwise be reported readable on every turn.
    case hangUp

    var events: Int16 {
        switch self {
        case .readable: return Int16(POLLIN)
        case .writable: return Int16(POLLOUT)
        case .readableOrWritable: return Int16(POLLIN | POLLOUT)
        case .hangUp: return 0
        }
    }
}
