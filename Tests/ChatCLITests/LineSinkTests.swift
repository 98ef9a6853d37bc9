import Foundation
import Testing
@testable import ChatRuntime

/// The log sink hands lines to a writer thread: callers never wait for stderr, lines
/// stay whole and in order, and what a stalled reader cost is counted and logged.
@Suite("log sink")
struct LineSinkTests {
    @Test("lines from concurrent tasks arrive whole, each task's in order, and flush waits for them")
    func wholeAndInOrder() async throws {
        let pipe = try TestPipe()
        let sink = LineSink(descriptor: pipe.writeEnd)
        // Read beside the writes: more than a pipe's 64 KB is written.
        async let text = pipe.read(untilLineContaining: "end")
        await withTaskGroup(of: Void.self) { group in
            for writer in 0..<8 {
                group.addTask {
                    for index in 0..<300 {
                        sink.write("writer=\(writer) index=\(index) \(String(repeating: "x", count: 20))\n", format: .logfmt)
                    }
                }
            }
        }
        sink.write("end\n", format: .logfmt)
        #expect(await sink.flush(timeout: .seconds(20)))
        let lines = await text.split(separator: "\n")
        #expect(lines.count == 8 * 300 + 1)
        #expect(lines.last == "end")
        var next = [Int](repeating: 0, count: 8)
        for line in lines.dropLast() {
            let fields = line.split(separator: " ")
            guard fields.count == 3, let writer = Int(fields[0].dropFirst("writer=".count)), (0..<8).contains(writer),
                let index = Int(fields[1].dropFirst("index=".count)), fields[2].count == 20
            else {
                Issue.record("torn line: \(line)")
                continue
            }
            #expect(index == next[writer], "writer \(writer): line \(index) after \(next[writer] - 1)")
            next[writer] = index + 1
        }
        pipe.close()
    }

    @Test("a reader that stops reading never blocks the caller: lines are dropped, counted, and the count logged once it reads again")
    func stalledReader() async throws {
        let pipe = try TestPipe()
        let sink = LineSink(descriptor: pipe.writeEnd, capacityBytes: 4096)
        let line = String(repeating: "y", count: 99)
        let total = 3000  // 300 KB: past the pipe's 64 KB and the sink's 4 KB
        // The pipe is full before the sink writes anything, so its writer blocks on its
        // first write however the threads are scheduled (on a busy machine the writer may
        // not run until the loop below has ended).
        pipe.fill()
        // Nobody reads: were a write to wait for the reader, this loop would never end.
        for _ in 0..<total { sink.write(line + "\n", format: .logfmt) }
        #expect(await sink.flush(timeout: .milliseconds(200)) == false, "the reader is stalled: the lines cannot all be out")

        // That flush queued a notice of the last drops behind the lines: once the reader
        // drains, everything is out, the notice last; then a line gets through again.
        async let received = pipe.read(untilLineContaining: "after")
        #expect(await sink.flush(timeout: .seconds(20)))
        sink.write("after\n", format: .logfmt)
        #expect(await sink.flush(timeout: .seconds(20)))
        let lines = await received.split(separator: "\n")
        #expect(lines.dropLast().last?.contains("log lines dropped") == true, "the notice of the last drops comes before \"after\"")
        #expect(lines.last == "after")
        let kept = lines.filter { $0 == line }.count
        let notices = lines.filter { $0.contains("log lines dropped") }
        let dropped = notices.compactMap { notice in
            notice.split(separator: " ").first { $0.hasPrefix("dropped=") }.flatMap { Int($0.dropFirst("dropped=".count)) }
        }
        #expect(!dropped.isEmpty && dropped.count == notices.count, "\(notices)")
        #expect(kept + dropped.reduce(0, +) == total, "kept \(kept), dropped \(dropped)")
        #expect(kept < total)
        pipe.close()
    }

    @Test("the notice is a line of the log's own format")
    func noticeFormat() throws {
        let logfmt = LineQueue.droppedNotice(7, format: .logfmt)
        #expect(logfmt.hasPrefix("ts=") && logfmt.contains(" level=warning ") && logfmt.contains(" dropped=7 "), "\(logfmt)")
        #expect(logfmt.filter { $0 == "\n" }.count == 1 && logfmt.hasSuffix("\n"))
        let json = LineQueue.droppedNotice(7, format: .json)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: String])
        #expect(object["dropped"] == "7")
        #expect(object["msg"] == "7 log lines dropped")
    }
}

/// A pipe: a sink writes one end, the test reads the other. Closed only by `close()`,
/// once the sink has nothing left to write (a write to a pipe whose reader closed
/// raises SIGPIPE; a descriptor closed early could be reused by another test's file).
final class TestPipe: Sendable {
    struct PipeError: Error {
        let errno: Int32
    }

    let readEnd: Int32
    let writeEnd: Int32

    init() throws {
        var descriptors: [Int32] = [-1, -1]
        guard pipe(&descriptors) == 0 else { throw PipeError(errno: errno) }
        readEnd = descriptors[0]
        writeEnd = descriptors[1]
    }

    func close() {
        _ = Foundation.close(readEnd)
        _ = Foundation.close(writeEnd)
    }

    /// Fills the pipe with whole lines of `z` until a write would block.
    func fill() {
        let flags = fcntl(writeEnd, F_GETFL)
        _ = fcntl(writeEnd, F_SETFL, flags | O_NONBLOCK)
        let filler = Array((String(repeating: "z", count: 99) + "\n").utf8)
        // Writes under PIPE_BUF are all or nothing: every line in the pipe is whole.
        while filler.withUnsafeBytes({ Foundation.write(writeEnd, $0.baseAddress!, $0.count) }) == filler.count {}
        _ = fcntl(writeEnd, F_SETFL, flags)
    }

    /// Reads (on a thread of its own: reads block) until a whole line containing
    /// `marker` has arrived, or 30 s passed; returns everything read.
    func read(untilLineContaining marker: String) async -> String {
        let descriptor = readEnd
        return await withCheckedContinuation { (continuation: CheckedContinuation<String, Never>) in
            let thread = Thread {
                let deadline = ContinuousClock.now + .seconds(30)
                var received: [UInt8] = []
                var buffer = [UInt8](repeating: 0, count: 65536)
                while ContinuousClock.now < deadline {
                    let text = String(decoding: received, as: UTF8.self)
                    if let found = text.range(of: marker), text[found.upperBound...].contains("\n") { break }
                    var waiting = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
                    guard poll(&waiting, 1, 100) > 0 else { continue }
                    let count = buffer.withUnsafeMutableBytes { Foundation.read(descriptor, $0.baseAddress!, $0.count) }
                    if count <= 0 { break }
                    received += buffer[0..<count]
                }
                continuation.resume(returning: String(decoding: received, as: UTF8.self))
            }
            thread.start()
        }
    }
}
