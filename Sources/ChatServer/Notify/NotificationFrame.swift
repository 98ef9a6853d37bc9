import ChatCore
import Foundation

/// A notification as the Go notification service sent it (an untagged Go struct, so the
/// keys are its field names): `ID, Content, SenderID, RoomID, ReceiverID, Seen, Timestamp`.
/// Used for pushed frames and for the REST list.
struct NotificationFrame: Encodable {
    var ID: String
    var Content: String
    var SenderID: String
    var RoomID: String
    var ReceiverID: String
    var Seen: Bool
    var Timestamp: String

    init(_ notification: ChatNotification) {
        ID = notification.id.hex
        Content = notification.content
        SenderID = notification.senderID.hex
        RoomID = notification.roomID.hex
        ReceiverID = notification.receiverID.hex
        Seen = notification.seen
        Timestamp = RFC3339.string(from: notification.timestamp)
    }

    static func encode(_ notification: ChatNotification) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? Array(encoder.encode(NotificationFrame(notification)))) ?? []
    }
}
