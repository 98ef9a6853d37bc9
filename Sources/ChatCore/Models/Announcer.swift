/// Whom an operator's announcement (`chatctl post`) comes from.
public enum Announcer: Sendable, Hashable {
    /// The system itself: sender `Message.systemSenderID`, named `system`, marked
    /// `"system":true` in its frame; every member of the room is notified.
    case system
    /// A member of the room (by id), as if it had posted: every other member is notified.
    case member(ObjectID)
}
