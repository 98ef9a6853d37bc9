import Foundation

/// Plays a case over a raw socket and judges what came back. `play` blocks: run it on
/// NIO's thread pool; `problems` is pure, for the test to report.
enum ConformanceRunner {
    /// The runner's own ping after a case that keeps the connection open: the server
    /// answers pings in order, so its pong comes after every answer given at once.
    static let barrier = Array("conformance barrier".utf8)

    static func play(_ testCase: ConformanceCase, on endpoint: ConformanceEndpoint) throws -> ConformanceTranscript {
        let socket = try RawWebSocket(
            port: endpoint.port, path: endpoint.path, token: endpoint.token, headers: testCase.requestHeaders,
            version: testCase.version, key: testCase.key)
        defer { socket.close() }
        var transcript = ConformanceTranscript(handshake: socket.handshake)
        guard socket.handshake.status == 101 else { return transcript }
        do {
            if endpoint.target == .room {
                transcript.historyReceived = try readHistory(from: socket)
                guard transcript.historyReceived else { return transcript }
            }
            for step in testCase.steps { write(step, to: socket) }
            switch testCase.outcome {
            case .answers(let answers):
                try awaitAnswers(
                    endpoint.target.answers(answers), ignoringOtherMessages: testCase.ignoresOtherMessages, from: socket, into: &transcript)
            case .fails, .closeAnswered:
                try awaitClose(from: socket, answering: !testCase.clientCloses, into: &transcript)
            case .refused:
                break
            }
        } catch let failure as RawWebSocket.Failure {
            transcript.timedOut = failure.description
        }
        return transcript
    }

    /// The room socket's first frame: the recent messages, a JSON array. False if the
    /// connection ended first or another frame came.
    private static func readHistory(from socket: RawWebSocket) throws -> Bool {
        while let frame = try socket.nextFrame() {
            if frame.opcode == RawFrame.Opcode.ping { continue }
            return frame.opcode == RawFrame.Opcode.text && frame.payload.first == UInt8(ascii: "[")
        }
        return false
    }

    /// Failures to write are ignored: the server may have failed the connection already
    /// (it may stop reading at the offending frame).
    private static func write(_ step: ConformanceStep, to socket: RawWebSocket) {
        switch step {
        case .frame(let frame): socket.send(frame)
        case .pieces(let frame, let size): socket.send(frame, inPiecesOf: size)
        case .header(let frame): socket.write(frame.header())
        case .bytes(let bytes): socket.write(bytes)
        }
    }

    /// Pings the barrier, then reads until its pong has come and every answer that comes
    /// later (messages are stored before they are echoed) has come too. Pongs are due
    /// before the barrier's: one still missing then is missing for good.
    private static func awaitAnswers(
        _ expected: [ConformanceAnswer], ignoringOtherMessages: Bool, from socket: RawWebSocket, into transcript: inout ConformanceTranscript
    ) throws {
        socket.send(.ping(barrier))
        var wanted = expected
        while !(transcript.barrierAnswered && !wanted.contains(where: \.comesLater)) {
            guard let frame = try socket.nextFrame() else {
                transcript.ended = true
                break
            }
            if frame.opcode == RawFrame.Opcode.ping { continue }  // the server's keepalive
            if frame.opcode == RawFrame.Opcode.close {
                transcript.close = frame
                break
            }
            if !transcript.barrierAnswered, frame.opcode == RawFrame.Opcode.pong, frame.payload == barrier {
                transcript.barrierAnswered = true
                continue
            }
            transcript.frames.append(frame)
            if let index = match(frame, in: wanted) {
                wanted.remove(at: index)
            } else if !(ignoringOtherMessages && isRoomMessage(frame)) {
                transcript.unexpected.append(frame)
            }
        }
        transcript.missing = wanted
    }

    /// Which of `wanted` the server's `frame` is: a pong must be the next pong due; a
    /// text frame an echoed message with its content, or an application error.
    private static func match(_ frame: RawFrame, in wanted: [ConformanceAnswer]) -> Int? {
        switch frame.opcode {
        case RawFrame.Opcode.pong:
            guard let next = wanted.firstIndex(where: \.isPong), wanted[next] == .pong(frame.payload) else { return nil }
            return next
        case RawFrame.Opcode.text:
            let object = (try? JSONSerialization.jsonObject(with: Data(frame.payload))) as? [String: Any]
            if object?["error"] is String { return wanted.firstIndex(of: .applicationError) }
            guard let content = object?["content"] as? String else { return nil }
            return wanted.firstIndex(of: .message(content))
        default:
            return nil
        }
    }

    /// A room's message frame (`{"type":"message",…}`).
    private static func isRoomMessage(_ frame: RawFrame) -> Bool {
        guard frame.opcode == RawFrame.Opcode.text else { return false }
        let object = (try? JSONSerialization.jsonObject(with: Data(frame.payload))) as? [String: Any]
        return object?["type"] as? String == "message"
    }

    /// Reads until the server's close frame, answers it (unless the client closed first),
    /// then reads until the server ends the connection.
    private static func awaitClose(from socket: RawWebSocket, answering: Bool, into transcript: inout ConformanceTranscript) throws {
        while transcript.close == nil {
            guard let frame = try socket.nextFrame() else {
                transcript.ended = true
                return
            }
            if frame.opcode == RawFrame.Opcode.ping { continue }
            if frame.opcode == RawFrame.Opcode.close {
                transcript.close = frame
            } else {
                transcript.frames.append(frame)
            }
        }
        // The close handshake's other half, echoing the code (§5.5.1); the server may
        // have closed the connection already (NIO's decoder errors do not wait).
        if answering { socket.send(.close(transcript.close?.closeCode)) }
        while let frame = try socket.nextFrame() {
            if frame.opcode != RawFrame.Opcode.ping { transcript.afterClose.append(frame) }
        }
        transcript.ended = true
    }

    // MARK: Judging

    /// Codes an endpoint may put in a close frame (RFC 6455 §7.4.1, §7.4.2, the IANA
    /// registry), stated here again so the server's rule is not its own judge.
    static func mayBeSent(_ code: UInt16) -> Bool {
        (1000...1003).contains(code) || (1007...1014).contains(code) || (3000...4999).contains(code)
    }

    /// Everything the server did that the case's outcome and RFC 6455 do not allow; empty
    /// when it conformed.
    static func problems(_ testCase: ConformanceCase, _ transcript: ConformanceTranscript, target: ConformanceTarget) -> [String] {
        var problems: [String] = []
        if let timedOut = transcript.timedOut { problems.append(timedOut) }
        let handshake = transcript.handshake
        if case .refused(let status, let field) = testCase.outcome {
            if handshake.status != status { problems.append("the handshake got \(handshake.status), expected \(status): \(handshake.head)") }
            if let field, !handshake.head.lowercased().contains(field.lowercased()) { problems.append("no \"\(field)\" in \(handshake.head)") }
            return problems
        }
        guard handshake.status == 101 else { return problems + ["not upgraded: \(handshake.head)"] }
        let fields = handshake.fields
        // §4.2.2: the accept value is the key's SHA-1 with the GUID, base64-encoded.
        if fields["sec-websocket-accept"] != LoopbackSocket.sampleAccept {
            problems.append("Sec-WebSocket-Accept is \(fields["sec-websocket-accept"] ?? "missing")")
        }
        for name in testCase.absentResponseFields {
            if let value = fields[name] { problems.append("the 101 carries \(name): \(value), which the server did not agree to") }
        }
        if target == .room, !transcript.historyReceived { return problems + ["the room socket's first frame was not its history"] }
        // §5.1: a server never masks; §5.2: it sets no reserved bit without an extension.
        for frame in transcript.frames + transcript.afterClose + (transcript.close.map { [$0] } ?? []) {
            if frame.mask != nil { problems.append("a masked server frame: \(frame)") }
            if frame.rsv != 0 { problems.append("a server frame with reserved bits: \(frame)") }
        }
        if let close = transcript.close { problems += closeFrameProblems(close) }
        switch testCase.outcome {
        case .answers:
            if let close = transcript.close {
                problems.append("the server closed (\(close.closeCode.map { "\($0)" } ?? "no code")) instead of staying open")
            } else if transcript.ended {
                problems.append("the server ended the connection instead of staying open")
            } else if !transcript.barrierAnswered {
                problems.append("no pong for the barrier ping")
            }
            if !transcript.missing.isEmpty { problems.append("missing: \(transcript.missing)") }
            if !transcript.unexpected.isEmpty { problems.append("unexpected frames: \(transcript.unexpected)") }
        case .fails(let code, let pongs):
            guard let close = transcript.close else {
                problems.append("no close frame; the connection \(transcript.ended ? "ended" : "stayed open") after \(transcript.frames)")
                break
            }
            if close.closeCode != code { problems.append("failed with \(close.closeCode.map { "\($0)" } ?? "no code"), expected \(code)") }
            let answered = transcript.frames.filter { $0.opcode == RawFrame.Opcode.pong }.map(\.payload)
            if answered != pongs { problems.append("pongs before the close frame: \(answered), expected \(pongs)") }
            // A message taken before the offending frame may still be answered by the room.
            let others = transcript.frames.filter { frame in
                frame.opcode != RawFrame.Opcode.pong && !(target == .room && frame.opcode == RawFrame.Opcode.text)
            }
            if !others.isEmpty { problems.append("frames before the close frame: \(others)") }
            problems += endProblems(transcript)
        case .closeAnswered(let code):
            guard let close = transcript.close else {
                problems.append("the close was not answered; the connection \(transcript.ended ? "ended" : "stayed open")")
                break
            }
            if let code {
                if close.closeCode != code { problems.append("answered with \(close.closeCode.map { "\($0)" } ?? "no code"), expected \(code)") }
            } else if !close.payload.isEmpty {
                problems.append("an empty close answered with \(close.payload.count) bytes")
            }
            if !transcript.frames.isEmpty { problems.append("frames before the close answer: \(transcript.frames)") }
            problems += endProblems(transcript)
        case .refused:
            break
        }
        return problems
    }

    /// The server's own close frame (§5.5.1, §7.4): no 1-byte payload, a code it may
    /// send, a UTF-8 reason.
    private static func closeFrameProblems(_ close: RawFrame) -> [String] {
        var problems: [String] = []
        if close.payload.count == 1 { problems.append("the server's close frame has a 1-byte payload") }
        if let code = close.closeCode, !mayBeSent(code) { problems.append("the server's close frame carries \(code), which no endpoint may send") }
        if String(validating: close.closeReason, as: UTF8.self) == nil { problems.append("the server's close reason is not UTF-8") }
        return problems
    }

    /// After its close frame the server sends no other frame, and ends the connection.
    private static func endProblems(_ transcript: ConformanceTranscript) -> [String] {
        var problems: [String] = []
        if !transcript.afterClose.isEmpty { problems.append("frames after the close frame: \(transcript.afterClose)") }
        if !transcript.ended { problems.append("the server did not end the connection after the close handshake") }
        return problems
    }
}

extension ConformanceAnswer {
    var isPong: Bool {
        if case .pong = self { return true }
        return false
    }

    /// Answers that come once the message is stored, after the barrier's pong perhaps.
    var comesLater: Bool { !isPong }
}
