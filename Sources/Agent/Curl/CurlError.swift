/// libcurl refused to set a transfer up (an option it does not know, no memory).
struct CurlError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
