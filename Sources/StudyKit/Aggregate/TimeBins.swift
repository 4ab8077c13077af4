import Foundation

/// The width of the time bins of the timeline tables and chart. Chosen from the span of the posts
/// unless given: days up to 120 days, weeks up to 120 weeks, months beyond, so that a corpus
/// spanning years still gives a table a person can read.
public enum TimeBin: String, CaseIterable, Sendable {
    case day, week, month

    public static func automatic(spanDays: Int64) -> TimeBin {
        if spanDays <= 120 { return .day }
        if spanDays <= 120 * 7 { return .week }
        return .month
    }

    /// The first day (days since 1970-01-01, UTC) of the bin holding `day`. Weeks start on Monday
    /// (ISO 8601); 1970-01-01 was a Thursday.
    public func start(of day: Int64) -> Int64 {
        switch self {
        case .day: return day
        case .week: return day - Self.positiveModulo(day + 3, 7)
        case .month:
            let (year, month, _) = Timestamp.civilFromDays(day)
            return Timestamp.daysFromCivil(year: year, month: month, day: 1)
        }
    }

    /// The first day of the bin after the one starting at `start`.
    public func next(after start: Int64) -> Int64 {
        switch self {
        case .day: return start + 1
        case .week: return start + 7
        case .month:
            let (year, month, _) = Timestamp.civilFromDays(start)
            return month == 12
                ? Timestamp.daysFromCivil(year: year + 1, month: 1, day: 1)
                : Timestamp.daysFromCivil(year: year, month: month + 1, day: 1)
        }
    }

    /// Every bin from the one holding `first` to the one holding `last`, as first days.
    public func bins(from first: Int64, through last: Int64) -> [Int64] {
        guard first <= last else { return [] }
        var result: [Int64] = []
        var day = start(of: first)
        while day <= last {
            result.append(day)
            day = next(after: day)
        }
        return result
    }

    /// The stratum label: the bin's first day, YYYY-MM-DD (months too, so labels sort and plot alike).
    public static func label(_ start: Int64) -> String { Timestamp.day(unixSeconds: start * 86_400) }

    static func positiveModulo(_ a: Int64, _ b: Int64) -> Int64 { ((a % b) + b) % b }
}

/// A UTC calendar day given as YYYY-MM-DD, as days since 1970-01-01.
public func parseUTCDay(_ text: String) -> Int64? {
    let parts = text.split(separator: "-", omittingEmptySubsequences: false)
    guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
        let year = Int64(parts[0]), let month = Int64(parts[1]), let day = Int64(parts[2]),
        (1...12).contains(month), (1...31).contains(day)
    else { return nil }
    let days = Timestamp.daysFromCivil(year: year, month: month, day: day)
    // 2025-02-30 would land in March: only days that round-trip are days.
    guard Timestamp.civilFromDays(days) == (year, month, day) else { return nil }
    return days
}
