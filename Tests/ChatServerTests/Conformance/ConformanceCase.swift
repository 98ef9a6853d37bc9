import Testing

/// One row of the conformance table: what a client sends over a raw socket, what RFC
/// 6455 says the server must do, and where it says so. Sections follow the Autobahn
/// testsuite's (1 framing, 2 pings and pongs, 3 reserved bits, 4 opcodes, 5 fragmentation,
/// 6 UTF-8, 7 close, 9 limits); 1.3 (masking) and 12 (handshake and extensions) are
/// the server-side checks Autobahn's client-facing suite leaves out.
struct ConformanceCase: Sendable, CustomTestStringConvertible {
    /// "3.1": the Autobahn case it follows, or a number of its section.
    let id: String
    let title: String
    /// The RFC section that sets the outcome ("RFC 7692 §5" for the extension).
    let rfc: String
    /// Extra lines of the opening handshake (`"Name: value"`).
    var requestHeaders: [String] = []
    /// Header fields the server's 101 must not carry (an extension or a subprotocol it
    /// did not agree to), lowercased.
    var absentResponseFields: [String] = []
    /// The handshake's `Sec-WebSocket-Version` and `Sec-WebSocket-Key` (nil: left out).
    var version: String? = "13"
    var key: String? = LoopbackSocket.sampleKey
    let steps: [ConformanceStep]
    let outcome: ConformanceOutcome
    /// Room messages other than the expected ones are let pass (a socket joining a room
    /// where a post of an earlier socket may still be on its way).
    var ignoresOtherMessages = false

    init(
        _ id: String, _ title: String, rfc: String, requestHeaders: [String] = [], absentResponseFields: [String] = [],
        version: String? = "13", key: String? = LoopbackSocket.sampleKey, steps: [ConformanceStep], expect outcome: ConformanceOutcome
    ) {
        self.id = id
        self.title = title
        self.rfc = rfc
        self.requestHeaders = requestHeaders
        self.absentResponseFields = absentResponseFields
        self.version = version
        self.key = key
        self.steps = steps
        self.outcome = outcome
    }

    var testDescription: String { "\(id) \(title) (\(rfc)): \(outcome)" }

    /// Whether the client's own close frame is among the steps (then the runner does not
    /// answer the server's).
    var clientCloses: Bool {
        steps.contains { step in
            switch step {
            case .frame(let frame), .pieces(let frame, _), .header(let frame):
                return frame.opcode == RawFrame.Opcode.close
            case .bytes(let bytes):
                var rest = bytes
                while let frame = RawFrame.decode(&rest) {
                    if frame.opcode == RawFrame.Opcode.close { return true }
                }
                return false
            }
        }
    }
}

/// What the client writes, in order.
enum ConformanceStep: Sendable {
    /// A whole frame in one write.
    case frame(RawFrame)
    /// A whole frame in writes of this many bytes each ("chopped", in Autobahn's words).
    case pieces(RawFrame, Int)
    /// Only the frame's header (with its announced length): the server decides on it.
    case header(RawFrame)
    /// Raw bytes.
    case bytes([UInt8])
}

extension ConformanceStep {
    /// All the frames in one write.
    static func oneWrite(_ frames: RawFrame...) -> ConformanceStep { .bytes(frames.flatMap { $0.encoded() }) }
}

extension Array where Element == ConformanceStep {
    /// Each frame in a write of its own.
    static func frames(_ frames: RawFrame...) -> [ConformanceStep] { frames.map { ConformanceStep.frame($0) } }

    /// Each frame in writes of `piece` bytes.
    static func chopped(_ frames: RawFrame..., piece: Int = 1) -> [ConformanceStep] { frames.map { ConformanceStep.pieces($0, piece) } }
}
