/// What the operator API's `POST /admin/rooms/<room id>/messages` takes, as `chatctl post`
/// sends it: `{"system":true,"content":"…"}` or `{"as":"<user id>","content":"…"}`, with
/// an optional `client_id`: the same one is stored once, so a retry (on another node, or
/// by the CLI itself) posts nothing twice.
public struct AnnouncementRequest: Sendable, Hashable, Codable {
    /// `true` for a system message.
    public var system: Bool?
    /// The id of the member to post as (`as`).
    public var asUser: String?
    public var content: String?
    public var clientID: String?

    enum CodingKeys: String, CodingKey {
        case system, asUser = "as", content, clientID = "client_id"
    }

    public init(_ announcer: Announcer, content: String, clientID: String?) {
        switch announcer {
        case .system:
            system = true
            asUser = nil
        case .member(let id):
            system = nil
            asUser = id.hex
        }
        self.content = content
        self.clientID = clientID
    }

    /// Whom it comes from: exactly one of `system: true` and `as`.
    /// - Throws: `ChatError` naming `as` when both or neither are given, or when `as` is
    ///   not a user id.
    public func announcer() throws(ChatError) -> Announcer {
        let isSystem = system ?? false
        if isSystem {
            guard asUser == nil else { throw .invalid("as", "give either as (a user id) or system: true, not both") }
            return .system
        }
        guard let text = asUser else { throw .invalid("as", "as (a user id) or system: true is required") }
        guard let id = ObjectID(hex: text) else { throw .invalid("as", "as must be a user id (24 hex digits)") }
        return .member(id)
    }
}
