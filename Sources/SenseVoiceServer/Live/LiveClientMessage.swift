// Reading the JSON text frames clients send to the live routes.

import Foundation

/// Helpers for clients' JSON text frames.
enum LiveClientMessage {
    /// The frame as a JSON object, or nil when it is not one.
    static func object(_ text: String) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]
    }

    /// The `type` of a JSON object frame, or nil when the frame is not one or has no string type.
    static func type(of text: String) -> String? {
        object(text)?["type"] as? String
    }
}
