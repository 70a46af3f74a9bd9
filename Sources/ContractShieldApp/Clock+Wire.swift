import Foundation

/// Time as the protocol writes it.
enum WireTime {
    /// RFC 3339 UTC with seconds, e.g. `2024-01-01T00:00:00Z`, for every `*_at` field.
    static func rfc3339(_ date: Date) -> String {
        date.formatted(.iso8601)
    }

    /// Unix milliseconds as a string, for `server_time` and echo `timestamp`.
    static func unixMillis(_ date: Date = Date()) -> String {
        String(Int64((date.timeIntervalSince1970 * 1000).rounded()))
    }
}
