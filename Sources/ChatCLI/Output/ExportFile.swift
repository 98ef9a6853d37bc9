import ChatRuntime
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Where an export goes: standard output, or a file written under a temporary name beside
/// it (`.NAME.partial-XXXXXXXX`, mode 0600) and renamed into place only once complete, so
/// a failed export leaves nothing under the name asked for and an existing file is
/// replaced whole or not at all. Writes are buffered (`bufferSize`). A process killed
/// mid-export may leave its temporary file behind.
final class ExportFile {
    /// The file asked for; nil for standard output.
    let path: String?
    private let temporaryPath: String?
    private let handle: FileHandle
    private var buffer = Data()
    /// Bytes written so far.
    private(set) var bytes = 0

    static let bufferSize = 1 << 16

    /// Opens the temporary file for `path`, or standard output when `path` is nil or `-`.
    /// - Throws: `RuntimeError` naming the directory when it cannot be written.
    init(path: String?) throws {
        guard let path, path != "-" else {
            self.path = nil
            temporaryPath = nil
            handle = FileHandle.standardOutput
            return
        }
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).partial-\(UUID().uuidString.prefix(8).lowercased())").path
        guard FileManager.default.createFile(atPath: temporary, contents: nil, attributes: [.posixPermissions: 0o600]) else {
            throw RuntimeError("--output: cannot create a file in \(url.deletingLastPathComponent().path) (does the directory exist, may it be written?)")
        }
        do {
            handle = try FileHandle(forWritingTo: URL(fileURLWithPath: temporary))
        } catch {
            unlink(temporary)
            throw RuntimeError("--output: cannot write \(temporary): \(error)")
        }
        self.path = path
        temporaryPath = temporary
    }

    func write(_ data: Data) throws {
        buffer.append(data)
        bytes += data.count
        if buffer.count >= Self.bufferSize { try flush() }
    }

    /// Writes out what is buffered; for a file, syncs it and renames it into place.
    func commit() throws {
        try flush()
        guard let path, let temporaryPath else { return }
        try handle.synchronize()
        try handle.close()
        guard rename(temporaryPath, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporaryPath)
            throw RuntimeError("--output: cannot rename \(temporaryPath) to \(path): \(reason)")
        }
    }

    /// Removes the temporary file (a failed export); standard output is left as it is.
    func discard() {
        guard let temporaryPath else { return }
        try? handle.close()
        unlink(temporaryPath)
    }

    private func flush() throws {
        guard !buffer.isEmpty else { return }
        try handle.write(contentsOf: buffer)
        buffer.removeAll(keepingCapacity: true)
    }
}
