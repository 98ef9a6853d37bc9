import ChatServer

enum ChatServerTestSettings {
    /// Tiny outbound buffers so that a stalled socket overflows quickly.
    static let smallBuffers = ChatServerSettings(host: "127.0.0.1", port: 0, maxFrameBytes: 64 * 1024, outboundBufferFrames: 8)
}
