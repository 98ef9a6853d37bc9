import ChatRuntime
import Foundation

/// The lines of a file (or standard input), read a chunk at a time, never the whole file,
/// each without its `\n` (a `\r` before it is left to the reader). A line longer than
/// `maxLineBytes` or not UTF-8 is an error naming its number.
struct FileLines: AsyncSequence {
    typealias Element = String

    let handle: FileHandle

    static let chunkSize = 1 << 16
    /// Longer than any message line an export writes (content is at most a few KiB).
    static let maxLineBytes = 1 << 20

    struct AsyncIterator: AsyncIteratorProtocol {
        let handle: FileHandle
        private var buffer: [UInt8] = []
        private var start = 0
        private var atEnd = false
        private var number = 0

        init(handle: FileHandle) { self.handle = handle }

        mutating func next() async throws -> String? {
            while true {
                if let end = buffer[start...].firstIndex(of: UInt8(ascii: "\n")) {
                    let line = try text(buffer[start..<end])
                    start = end + 1
                    return line
                }
                if atEnd {
                    guard start < buffer.count else { return nil }
                    let line = try text(buffer[start...])
                    start = buffer.count
                    return line
                }
                guard buffer.count - start <= FileLines.maxLineBytes else {
                    throw RuntimeError("line \(number + 1) is longer than \(FileLines.maxLineBytes) bytes")
                }
                buffer.removeFirst(start)
                start = 0
                let chunk = try handle.read(upToCount: FileLines.chunkSize) ?? Data()
                if chunk.isEmpty { atEnd = true } else { buffer.append(contentsOf: chunk) }
            }
        }

        private mutating func text(_ bytes: ArraySlice<UInt8>) throws -> String {
            number += 1
            guard let line = String(bytes: bytes, encoding: .utf8) else { throw RuntimeError("line \(number) is not UTF-8") }
            return line
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(handle: handle) }
}
