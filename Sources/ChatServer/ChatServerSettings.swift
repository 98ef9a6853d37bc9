/// The chat service's own knobs (address and limits), filled by ChatRuntime from configuration.
public struct ChatServerSettings: Sendable {
    public var host: String
    public var port: Int
    /// Largest WebSocket frame (and reassembled message) accepted, in bytes.
    public var maxFrameBytes: Int
    /// Frames queued per socket before a slow socket is closed.
    public var outboundBufferFrames: Int

    public init(host: String = "0.0.0.0", port: Int = 8000, maxFrameBytes: Int = 64 * 1024, outboundBufferFrames: Int = 1024) {
        self.host = host
        self.port = port
        self.maxFrameBytes = maxFrameBytes
        self.outboundBufferFrames = outboundBufferFrames
    }
}
