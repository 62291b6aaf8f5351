import CCurl

/// One libcurl easy handle with what it needs while it runs: the recipient list, the upload
/// and the error buffer, freed together when the transfer is. Protocol specifics (SMTP here,
/// HTTP for checks later) set its options; `CurlMulti` runs it.
final class CurlTransfer {
    /// Who started it: the multi handle hands finished transfers back by it.
    let id: UInt64
    let easy: UnsafeMutableRawPointer
    private var lists: [UnsafeMutablePointer<curl_slist>] = []
    private var upload: UnsafeMutablePointer<vk_curl_upload>?
    private var uploadBytes: UnsafeMutableBufferPointer<CChar>?
    private let errorBuffer: UnsafeMutablePointer<CChar>

    init(id: UInt64) throws(CurlError) {
        guard let easy = curl_easy_init() else { throw CurlError(message: "curl_easy_init failed") }
        self.id = id
        self.easy = easy
        errorBuffer = .allocate(capacity: Int(vk_curl_error_size))
        errorBuffer.initialize(repeating: 0, count: Int(vk_curl_error_size))
        try check(vk_curl_easy_set_pointer(easy, CURLOPT_ERRORBUFFER, errorBuffer), "CURLOPT_ERRORBUFFER")
        // Never SIGALRM for a resolver timeout: the daemon's signals are its own (signalfd).
        try set(CURLOPT_NOSIGNAL, 1)
    }

    deinit {
        curl_easy_cleanup(easy)
        for list in lists { curl_slist_free_all(list) }
        upload?.deallocate()
        uploadBytes?.deallocate()
        errorBuffer.deallocate()
    }

    func set(_ option: CURLoption, _ value: String) throws(CurlError) {
        try check(vk_curl_easy_set_string(easy, option, value), "option \(option.rawValue)")
    }

    func set(_ option: CURLoption, _ value: Int) throws(CurlError) {
        try check(vk_curl_easy_set_long(easy, option, value), "option \(option.rawValue)")
    }

    /// A string list option (CURLOPT_MAIL_RCPT, CURLOPT_HTTPHEADER), kept until the transfer ends.
    func set(_ option: CURLoption, list: [String]) throws(CurlError) {
        var head: UnsafeMutablePointer<curl_slist>?
        for item in list {
            guard let next = curl_slist_append(head, item) else {
                if let head { curl_slist_free_all(head) }
                throw CurlError(message: "curl_slist_append failed")
            }
            head = next
        }
        guard let head else { return }
        lists.append(head)
        try check(vk_curl_easy_set_list(easy, option, head), "option \(option.rawValue)")
    }

    /// Uploads `bytes` (the transfer keeps its own copy).
    func upload(_ bytes: [UInt8]) throws(CurlError) {
        let copy = UnsafeMutableBufferPointer<CChar>.allocate(capacity: max(1, bytes.count))
        for (index, byte) in bytes.enumerated() { copy[index] = CChar(bitPattern: byte) }
        let reader = UnsafeMutablePointer<vk_curl_upload>.allocate(capacity: 1)
        reader.initialize(to: vk_curl_upload(data: UnsafePointer(copy.baseAddress), length: bytes.count, offset: 0))
        uploadBytes = copy
        upload = reader
        try check(vk_curl_easy_set_upload(easy, reader), "upload")
        try set(CURLOPT_INFILESIZE_LARGE, bytes.count)
    }

    /// Why a finished transfer failed: libcurl's detailed message, else its code's text.
    func failure(_ code: CURLcode) -> String {
        let detail = String(cString: errorBuffer)
        return detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
    }

    private func check(_ code: CURLcode, _ what: String) throws(CurlError) {
        guard code == CURLE_OK else { throw CurlError(message: "\(what): \(String(cString: curl_easy_strerror(code)))") }
    }
}
