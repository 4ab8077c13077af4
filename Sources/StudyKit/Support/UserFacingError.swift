import Foundation

/// An error the user can act on. Every command lets these reach swift-argument-parser, which prints
/// the message as one `Error: …` line on stderr (naming the file, line or option concerned) and
/// exits with status 1: one error style for every executable, no stack traces.
public protocol UserFacingError: LocalizedError, CustomStringConvertible {}

extension UserFacingError {
    public var errorDescription: String? { description }
}

/// A user-facing error that is only a message (a missing prerequisite, an option that cannot work).
public struct StudyError: UserFacingError {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
