import CRabbitMQ
import Foundation
import KitSupport

/// One AMQP connection with one channel, over librabbitmq.
///
/// librabbitmq's connection state is not thread-safe: an `AMQPConnection` is owned by
/// exactly one thread (the `AMQPClient` worker or the `AMQPConsumer` thread), which is why
/// it is `@unchecked Sendable` only to be handed to that thread. Every call blocks.
final class AMQPConnection: @unchecked Sendable {
    private let state: amqp_connection_state_t
    /// 1, then a fresh number each time the broker closes the channel (`reopenChannel`).
    private var channel: amqp_channel_t = 1
    private let endpoint: AMQPEndpoint
    private(set) var isOpen = false
    private var confirmMode = false
    /// Delivery tag of the last publish in confirm mode.
    private var publishedTag: UInt64 = 0
    /// Every publish up to this tag is settled (acked, or nacked and reported) ...
    private var settledThrough: UInt64 = 0
    /// ... and these beyond it: acks may come out of order (the broker acks an
    /// unroutable message at once, a persistent one in a durable queue once it is
    /// written), so the largest tag acked so far is not "everything before it".
    private var settledBeyond: Set<UInt64> = []

    /// Connects, logs in and opens channel 1.
    /// - Parameter heartbeat: seconds; the peer is considered dead after two missed ones.
    init(endpoint: AMQPEndpoint, heartbeat: Int = 30, connectTimeout: Duration = .seconds(2)) throws(AMQPError) {
        self.endpoint = endpoint
        guard let state = amqp_new_connection() else { throw AMQPError(.unavailable, "cannot allocate an AMQP connection") }
        // From here on every stored property is set: a throw runs `deinit`, which
        // destroys the connection state (never destroy it here as well).
        self.state = state
        guard let socket = amqp_tcp_socket_new(state) else {
            throw AMQPError(.unavailable, "cannot allocate an AMQP socket")
        }
        var timeout = connectTimeout.timeValue
        let opened = amqp_socket_open_noblock(socket, endpoint.host, Int32(endpoint.port), &timeout)
        guard opened == AMQP_STATUS_OK.rawValue else {
            throw AMQPError(.unavailable, "cannot connect to RabbitMQ at \(endpoint.host):\(endpoint.port): \(Self.statusText(opened))")
        }
        let login = chatctl_amqp_login_plain(state, endpoint.virtualHost, 0, 131_072, Int32(heartbeat), endpoint.username, endpoint.password)
        if let error = Self.replyError(login, state: state, doing: "log in to \(endpoint)") {
            throw error.kind == .closedByBroker(code: 403) || login.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION
                ? AMQPError(.accessRefused, "RabbitMQ refused the login to \(endpoint) (user, password or vhost)") : error
        }
        amqp_channel_open(state, channel)
        if let error = Self.replyError(amqp_get_rpc_reply(state), state: state, doing: "open a channel") {
            throw error
        }
        isOpen = true
    }

    deinit {
        if isOpen {
            amqp_channel_close(state, channel, Int32(AMQP_REPLY_SUCCESS))
            amqp_connection_close(state, Int32(AMQP_REPLY_SUCCESS))
        }
        amqp_destroy_connection(state)
    }

    /// The socket, for a `shutdown(2)` from another thread to end a blocking wait.
    var socketDescriptor: Int32 { amqp_get_sockfd(state) }

    // MARK: - Queues

    /// Declares a queue (or, `passive`, checks it exists) and returns its counts; a
    /// non-passive declare also tells the durability the queue has.
    ///
    /// A queue that `acceptsOtherDurability` and exists with the other durability is
    /// refused first (406, which closes the channel), then declared with the other on a
    /// fresh channel: the only way to learn it, as a passive declare does not say.
    func declare(_ queue: AMQPQueue, passive: Bool = false) throws(AMQPError) -> AMQPQueueStatus {
        do throws(AMQPError) {
            return try declare(queue.name, durable: queue.durable, passive: passive)
        } catch {
            guard !passive, queue.acceptsOtherDurability, error.kind == .closedByBroker(code: 406) else { throw error }
            try reopenChannel()
            return try declare(queue.name, durable: !queue.durable, passive: false)
        }
    }

    private func declare(_ name: String, durable: Bool, passive: Bool) throws(AMQPError) -> AMQPQueueStatus {
        let ok = Self.withBytes(name) { nameBytes in
            amqp_queue_declare(state, channel, nameBytes, passive ? 1 : 0, durable ? 1 : 0, 0, 0, amqp_empty_table)
        }
        try check(doing: passive ? "check queue \(name)" : "declare queue \(name) \(durable ? "durable" : "non-durable")")
        guard let ok else { throw AMQPError(.unavailable, "no reply to the declare of \(name)") }
        return AMQPQueueStatus(
            messages: Int(ok.pointee.message_count), consumers: Int(ok.pointee.consumer_count), durable: passive ? nil : durable)
    }

    /// Deletes a queue; returns how many messages it held. With `ifUnused` / `ifEmpty`
    /// the broker refuses (406) while the queue has consumers / ready messages — checked
    /// by the broker in the same step, so nothing can slip in between a look and the delete.
    func delete(_ queueName: String, ifUnused: Bool, ifEmpty: Bool) throws(AMQPError) -> Int {
        let ok = Self.withBytes(queueName) { amqp_queue_delete(state, channel, $0, ifUnused ? 1 : 0, ifEmpty ? 1 : 0) }
        try check(doing: "delete queue \(queueName)")
        return Int(ok?.pointee.message_count ?? 0)
    }

    /// After the broker closed the channel (a channel error such as 406 or 404; the
    /// connection is fine), acknowledges the close and goes on with a fresh channel —
    /// in confirm mode again if the old one was, its delivery tags starting over.
    func reopenChannel() throws(AMQPError) {
        var closeOK = amqp_channel_close_ok_t()
        let sent = amqp_send_method(state, channel, CHATCTL_CHANNEL_CLOSE_OK_METHOD, &closeOK)
        guard sent == AMQP_STATUS_OK.rawValue else { throw fail("acknowledge a channel close", status: sent) }
        channel += 1
        amqp_channel_open(state, channel)
        if let error = Self.replyError(amqp_get_rpc_reply(state), state: state, doing: "open a channel") {
            markClosed(error)
            throw error
        }
        isOpen = true
        if confirmMode {
            publishedTag = 0
            settledThrough = 0
            settledBeyond = []
            try enableConfirms()
        }
    }

    /// Removes every ready message; returns how many.
    func purge(_ queueName: String) throws(AMQPError) -> Int {
        let ok = Self.withBytes(queueName) { amqp_queue_purge(state, channel, $0) }
        try check(doing: "purge \(queueName)")
        return Int(ok?.pointee.message_count ?? 0)
    }

    // MARK: - Publishing

    /// Puts the channel in confirm mode: every publish is then acknowledged by the broker.
    func enableConfirms() throws(AMQPError) {
        amqp_confirm_select(state, channel)
        try check(doing: "enable publisher confirms")
        confirmMode = true
    }

    /// Publishes to the default exchange with `routingKey` = queue name. In confirm mode,
    /// returns the message's delivery tag (pass it to `waitForConfirms`).
    ///
    /// - Parameter mandatory: a message no queue takes comes back (basic.return, read by
    ///   `waitForConfirms`) instead of being dropped — and confirmed all the same.
    @discardableResult
    func publish(_ message: AMQPMessage, routingKey: String, exchange: String = "", mandatory: Bool = false) throws(AMQPError) -> UInt64 {
        let status = Self.withBytes(exchange) { exchangeBytes in
            Self.withBytes(routingKey) { keyBytes in
                withProperties(message) { properties in
                    message.body.withUnsafeBytes { body in
                        amqp_basic_publish(
                            state, channel, exchangeBytes, keyBytes, mandatory ? 1 : 0, 0, properties,
                            amqp_bytes_t(len: body.count, bytes: UnsafeMutableRawPointer(mutating: body.baseAddress)))
                    }
                }
            }
        }
        guard status == AMQP_STATUS_OK.rawValue else { throw fail("publish to \(routingKey)", status: status) }
        if confirmMode { publishedTag += 1 }
        return publishedTag
    }

    /// Waits until the broker confirmed every publish up to `tag` (ack, possibly
    /// `multiple`); throws `.nacked` if it refused one, `.timeout` after `timeout`.
    ///
    /// Returns the messages the broker returned as unroutable (mandatory publishes no
    /// queue took), in the order they were published. The broker sends a message's
    /// basic.return before its basic.ack, so every return is in by the last ack; the
    /// return carries no delivery tag, so a returned message is known by its content
    /// (the deliveries' tags here are 0).
    @discardableResult
    func waitForConfirms(upTo tag: UInt64, timeout: Duration) throws(AMQPError) -> [AMQPDelivery] {
        var returned: [AMQPDelivery] = []
        let deadline = ContinuousClock.now + timeout
        while settledThrough < tag {
            let left = deadline - ContinuousClock.now
            guard left > .zero else { throw AMQPError(.timeout, "RabbitMQ did not confirm publishes within \(timeout)") }
            var wait = left.timeValue
            switch try takeChannelFrame(waiting: &wait, doing: "wait for publisher confirms") {
            case .nothing, .settled, .other:
                continue
            case .nacked(let nackedTag):
                throw AMQPError(.nacked, "RabbitMQ refused a published message (delivery tag \(nackedTag))")
            case .returned(let message):
                returned.append(message)
            }
        }
        return returned
    }

    /// A frame taken from the connection by `takeChannelFrame`.
    private enum ChannelFrame {
        /// None arrived within the wait.
        case nothing
        /// A publisher confirm, settled.
        case settled
        /// A publisher nack, settled all the same (so later waits do not wait for it).
        case nacked(tag: UInt64)
        /// A mandatory publish no queue took (its delivery tag is 0: the return carries none).
        case returned(AMQPDelivery)
        /// Anything else (a heartbeat, a frame of an earlier channel).
        case other
    }

    /// Reads one frame (waiting at most `wait`) and handles what concerns publishing on
    /// this channel: confirms are settled, a return's message is read whole, a channel or
    /// connection close marks the channel closed and throws.
    private func takeChannelFrame(waiting wait: inout timeval, doing what: String) throws(AMQPError) -> ChannelFrame {
        var frame = amqp_frame_t()
        let status = amqp_simple_wait_frame_noblock(state, &frame, &wait)
        if status == AMQP_STATUS_TIMEOUT.rawValue { return .nothing }
        guard status == AMQP_STATUS_OK.rawValue else { throw fail(what, status: status) }
        // A closed channel's late acks are not this channel's (tags start over on each).
        guard frame.frame_type == AMQP_FRAME_METHOD, frame.channel == channel || frame.channel == 0 else { return .other }
        let method = frame.payload.method
        switch method.id {
        case CHATCTL_BASIC_ACK_METHOD:
            let ack = method.decoded!.assumingMemoryBound(to: amqp_basic_ack_t.self).pointee
            settle(ack.delivery_tag, multiple: ack.multiple != 0)
            return .settled
        case CHATCTL_BASIC_NACK_METHOD:
            let nack = method.decoded!.assumingMemoryBound(to: amqp_basic_nack_t.self).pointee
            settle(nack.delivery_tag, multiple: nack.multiple != 0)
            return .nacked(tag: nack.delivery_tag)
        case CHATCTL_BASIC_RETURN_METHOD:
            // The returned message's header and body frames follow the method.
            let bounce = method.decoded!.assumingMemoryBound(to: amqp_basic_return_t.self).pointee
            let exchange = Self.text(bounce.exchange)
            let routingKey = Self.text(bounce.routing_key)
            var message = amqp_message_t()
            let read = amqp_read_message(state, frame.channel, &message, 0)
            defer { amqp_destroy_message(&message) }
            if let error = Self.replyError(read, state: state, doing: "read a returned message") {
                markClosed(error)
                throw error
            }
            return .returned(Self.delivery(tag: 0, generation: 0, redelivered: false, exchange: exchange, routingKey: routingKey, message: message))
        case CHATCTL_CHANNEL_CLOSE_METHOD, CHATCTL_CONNECTION_CLOSE_METHOD:
            isOpen = false
            let close = method.decoded!.assumingMemoryBound(to: amqp_channel_close_t.self).pointee
            throw AMQPError(.closedByBroker(code: Int(close.reply_code)), "RabbitMQ closed the channel: \(Self.text(close.reply_text))")
        default:
            return .other
        }
    }

    private func settle(_ tag: UInt64, multiple: Bool) {
        if multiple {
            settledThrough = max(settledThrough, tag)
            settledBeyond = settledBeyond.filter { $0 > settledThrough }
        } else if tag > settledThrough {
            settledBeyond.insert(tag)
        }
        while settledBeyond.remove(settledThrough + 1) != nil { settledThrough += 1 }
    }

    // MARK: - Getting and consuming

    /// `basic.get`: the next ready message, unsettled (ack, nack or reject it), or nil.
    func get(_ queueName: String, generation: Int) throws(AMQPError) -> AMQPDelivery? {
        let reply = Self.withBytes(queueName) { amqp_basic_get(state, channel, $0, 0) }
        if let error = Self.replyError(reply, state: state, doing: "get from \(queueName)") { markClosed(error); throw error }
        guard reply.reply.id == CHATCTL_BASIC_GET_OK_METHOD else { return nil }
        let ok = reply.reply.decoded!.assumingMemoryBound(to: amqp_basic_get_ok_t.self).pointee
        var message = amqp_message_t()
        let read = amqp_read_message(state, channel, &message, 0)
        defer { amqp_destroy_message(&message) }
        if let error = Self.replyError(read, state: state, doing: "read a message from \(queueName)") { markClosed(error); throw error }
        return Self.delivery(
            tag: ok.delivery_tag, generation: generation, redelivered: ok.redelivered != 0,
            exchange: Self.text(ok.exchange), routingKey: Self.text(ok.routing_key), message: message)
    }

    /// At most `count` unsettled messages in flight to this consumer.
    func setPrefetch(_ count: Int) throws(AMQPError) {
        amqp_basic_qos(state, channel, 0, UInt16(clamping: count), 0)
        try check(doing: "set prefetch")
    }

    /// Starts consuming with manual acks; deliveries arrive through `nextDelivery`.
    func consume(_ queueName: String) throws(AMQPError) {
        _ = Self.withBytes(queueName) { amqp_basic_consume(state, channel, $0, amqp_empty_bytes, 0, 0, 0, amqp_empty_table) }
        try check(doing: "consume from \(queueName)")
    }

    /// The next delivery, or nil when none arrived within `timeout` (heartbeats are
    /// handled while waiting).
    func nextDelivery(timeout: Duration, generation: Int) throws(AMQPError) -> AMQPDelivery? {
        amqp_maybe_release_buffers(state)
        var envelope = amqp_envelope_t()
        var wait = timeout.timeValue
        let reply = amqp_consume_message(state, &envelope, &wait, 0)
        if reply.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION && reply.library_error == AMQP_STATUS_TIMEOUT.rawValue { return nil }
        if reply.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION && reply.library_error == AMQP_STATUS_UNEXPECTED_STATE.rawValue {
            // A method other than a delivery (e.g. a channel close): read it to learn why.
            var frame = amqp_frame_t()
            let status = amqp_simple_wait_frame(state, &frame)
            guard status == AMQP_STATUS_OK.rawValue else { throw fail("read from RabbitMQ", status: status) }
            if frame.frame_type == AMQP_FRAME_METHOD,
                frame.payload.method.id == CHATCTL_CHANNEL_CLOSE_METHOD || frame.payload.method.id == CHATCTL_CONNECTION_CLOSE_METHOD
            {
                isOpen = false
                let close = frame.payload.method.decoded!.assumingMemoryBound(to: amqp_channel_close_t.self).pointee
                throw AMQPError(.closedByBroker(code: Int(close.reply_code)), "RabbitMQ closed the channel: \(Self.text(close.reply_text))")
            }
            return nil
        }
        if let error = Self.replyError(reply, state: state, doing: "consume") { markClosed(error); throw error }
        defer { amqp_destroy_envelope(&envelope) }
        return Self.delivery(
            tag: envelope.delivery_tag, generation: generation, redelivered: envelope.redelivered != 0,
            exchange: Self.text(envelope.exchange), routingKey: Self.text(envelope.routing_key), message: envelope.message)
    }

    func ack(_ tag: UInt64) throws(AMQPError) {
        let status = amqp_basic_ack(state, channel, tag, 0)
        guard status == AMQP_STATUS_OK.rawValue else { throw fail("ack", status: status) }
    }

    func nack(_ tag: UInt64, requeue: Bool) throws(AMQPError) {
        let status = amqp_basic_nack(state, channel, tag, 0, requeue ? 1 : 0)
        guard status == AMQP_STATUS_OK.rawValue else { throw fail("nack", status: status) }
    }

    /// Lets librabbitmq send a heartbeat if one is due (an idle connection otherwise
    /// dies), and takes in what arrived meanwhile: a late publisher confirm (of a publish
    /// whose wait timed out) is settled, not dropped — otherwise every later wait would
    /// stop at its tag and time out, and each retry would publish the batch once more; a
    /// late return is read and discarded (its publish was already retried); a channel
    /// close marks the channel closed.
    func serviceHeartbeat() throws(AMQPError) {
        while true {
            var zero = timeval(tv_sec: 0, tv_usec: 0)
            if case .nothing = try takeChannelFrame(waiting: &zero, doing: "heartbeat") { return }
        }
    }

    // MARK: - Helpers

    private func check(doing what: String) throws(AMQPError) {
        if let error = Self.replyError(amqp_get_rpc_reply(state), state: state, doing: what) {
            markClosed(error)
            throw error
        }
    }

    private func markClosed(_ error: AMQPError) {
        if case .closedByBroker = error.kind { isOpen = false }
        if error.kind == .unavailable { isOpen = false }
    }

    private func fail(_ what: String, status: Int32) -> AMQPError {
        isOpen = false
        return AMQPError(.unavailable, "RabbitMQ \(what) failed: \(Self.statusText(status))")
    }

    private func withProperties<T>(_ message: AMQPMessage, _ body: (UnsafePointer<amqp_basic_properties_t>) -> T) -> T {
        var properties = amqp_basic_properties_t()
        properties._flags = CHATCTL_BASIC_DELIVERY_MODE_FLAG
        properties.delivery_mode = message.persistent ? 2 : 1
        // C copies of every string, freed after the call (no dangling Swift buffers).
        var owned: [amqp_bytes_t] = []
        defer { for bytes in owned { amqp_bytes_free(bytes) } }
        func copy(_ text: String) -> amqp_bytes_t {
            let bytes = Array(text.utf8).withUnsafeBytes { raw in
                amqp_bytes_malloc_dup(amqp_bytes_t(len: raw.count, bytes: UnsafeMutableRawPointer(mutating: raw.baseAddress)))
            }
            owned.append(bytes)
            return bytes
        }
        if let contentType = message.contentType {
            properties._flags |= CHATCTL_BASIC_CONTENT_TYPE_FLAG
            properties.content_type = copy(contentType)
        }
        if let messageID = message.messageID {
            properties._flags |= CHATCTL_BASIC_MESSAGE_ID_FLAG
            properties.message_id = copy(messageID)
        }
        let entries = UnsafeMutablePointer<amqp_table_entry_t>.allocate(capacity: max(message.headers.count, 1))
        defer { entries.deallocate() }
        if !message.headers.isEmpty {
            for (index, (key, value)) in message.headers.sorted(by: { $0.key < $1.key }).enumerated() {
                entries[index] = amqp_table_entry_t(key: copy(key), value: chatctl_amqp_utf8_value(copy(value)))
            }
            properties._flags |= CHATCTL_BASIC_HEADERS_FLAG
            properties.headers = amqp_table_t(num_entries: Int32(message.headers.count), entries: entries)
        }
        return withUnsafePointer(to: &properties) { body($0) }
    }

    private static func delivery(
        tag: UInt64, generation: Int, redelivered: Bool, exchange: String, routingKey: String, message: amqp_message_t
    ) -> AMQPDelivery {
        let properties = message.properties
        var headers: [String: String] = [:]
        if properties._flags & CHATCTL_BASIC_HEADERS_FLAG != 0, let entries = properties.headers.entries {
            for index in 0..<Int(properties.headers.num_entries) {
                let entry = entries[index]
                let value = chatctl_amqp_value_bytes(entry.value)
                if value.bytes != nil { headers[text(entry.key)] = text(value) }
            }
        }
        return AMQPDelivery(
            deliveryTag: tag, connectionGeneration: generation, redelivered: redelivered, exchange: exchange, routingKey: routingKey,
            body: bytes(message.body),
            messageID: properties._flags & CHATCTL_BASIC_MESSAGE_ID_FLAG != 0 ? text(properties.message_id) : nil,
            contentType: properties._flags & CHATCTL_BASIC_CONTENT_TYPE_FLAG != 0 ? text(properties.content_type) : nil,
            headers: headers)
    }

    /// Calls `body` with `text`'s UTF-8 bytes, valid only during the call.
    static func withBytes<T>(_ text: String, _ body: (amqp_bytes_t) -> T) -> T {
        var text = text
        return text.withUTF8 { buffer in
            body(amqp_bytes_t(len: buffer.count, bytes: UnsafeMutableRawPointer(mutating: buffer.baseAddress)))
        }
    }

    static func bytes(_ bytes: amqp_bytes_t) -> [UInt8] {
        guard let base = bytes.bytes, bytes.len > 0 else { return [] }
        return Array(UnsafeRawBufferPointer(start: base, count: bytes.len))
    }

    static func text(_ bytes: amqp_bytes_t) -> String { String(decoding: Self.bytes(bytes), as: UTF8.self) }

    static func statusText(_ status: Int32) -> String { String(cString: amqp_error_string2(status)) }

    /// The error an RPC reply carries, if any (server close codes and library errors).
    static func replyError(_ reply: amqp_rpc_reply_t, state: amqp_connection_state_t, doing what: String) -> AMQPError? {
        switch reply.reply_type {
        case AMQP_RESPONSE_NORMAL:
            return nil
        case AMQP_RESPONSE_NONE:
            return AMQPError(.unavailable, "RabbitMQ \(what): no reply")
        case AMQP_RESPONSE_LIBRARY_EXCEPTION:
            return AMQPError(.unavailable, "RabbitMQ \(what) failed: \(statusText(reply.library_error))")
        case AMQP_RESPONSE_SERVER_EXCEPTION:
            if reply.reply.id == CHATCTL_CHANNEL_CLOSE_METHOD || reply.reply.id == CHATCTL_CONNECTION_CLOSE_METHOD {
                let close = reply.reply.decoded!.assumingMemoryBound(to: amqp_channel_close_t.self).pointee
                return AMQPError(.closedByBroker(code: Int(close.reply_code)), "RabbitMQ \(what): \(close.reply_code) \(text(close.reply_text))")
            }
            return AMQPError(.closedByBroker(code: 0), "RabbitMQ \(what): the broker closed the channel")
        default:
            return AMQPError(.unavailable, "RabbitMQ \(what): unexpected reply")
        }
    }
}
