/// What the RFC says the server does with a case's frames.
enum ConformanceOutcome: Sendable, CustomStringConvertible {
    /// The connection stays open and the server answers with `answers` (pongs in the
    /// order of their pings), and nothing else.
    case answers([ConformanceAnswer])
    /// The server fails the connection (§7.1.7): a close frame with `code`, then the TCP
    /// connection ends. The pongs of pings sent before the offending frame come first;
    /// a message taken before it may be answered or not, as it raced the failure.
    case fails(UInt16, pongs: [[UInt8]] = [])
    /// The client's close is answered with `code` (nil: an empty close frame, as the
    /// client's was) and nothing else, then the server ends the TCP connection (§5.5.1, §7.1.1).
    case closeAnswered(UInt16?)
    /// No upgrade: the handshake is answered with `status` and the header line `field`.
    case refused(status: Int, field: String?)

    var description: String {
        switch self {
        case .answers(let answers) where answers.isEmpty: "stays open, answers nothing"
        case .answers(let answers): "stays open, answers " + answers.map(\.description).joined(separator: ", ")
        case .fails(let code, let pongs) where pongs.isEmpty: "fails the connection with \(code)"
        case .fails(let code, let pongs): "answers \(pongs.count) pong(s), then fails the connection with \(code)"
        case .closeAnswered(let code?): "answers the close with \(code) and closes"
        case .closeAnswered(nil): "answers with an empty close and closes"
        case .refused(let status, let field?): "refuses the upgrade with \(status) and \(field)"
        case .refused(let status, nil): "refuses the upgrade with \(status)"
        }
    }
}

/// A frame the server sends back while the connection stays open.
enum ConformanceAnswer: Sendable, Equatable, CustomStringConvertible {
    /// A pong carrying exactly these bytes.
    case pong([UInt8])
    /// A message that was taken: the room socket broadcasts it back to its sender with
    /// this content; the notification socket ignores what clients send (no answer).
    case message(String)
    /// A whole message the application refuses (not chat JSON, binary): the room socket
    /// answers `{"error":…}` and stays open; the notification socket ignores it.
    case applicationError

    var description: String {
        switch self {
        case .pong(let bytes): "a pong with the ping's \(bytes.count) bytes"
        case .message: "the message (room: echoed)"
        case .applicationError: "an error frame (room)"
        }
    }
}
