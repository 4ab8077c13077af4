/// Parses the timestamps that social-media exports use into unix seconds (UTC).
///
/// Accepted: ISO 8601 (`2025-08-08T14:03:11.000Z`, `2025-08-08 14:03:11+02:00`, `2025-08-08`),
/// unix epoch seconds or milliseconds (`1754650000`, `1754650000.0`, `1754650000123`), and the
/// classic Twitter form (`Fri Aug 08 14:03:11 +0000 2025`). Anything else is nil, never a guess.
public enum PostDate {
    public static let earliestYear: Int64 = 1990
    public static let latestYear: Int64 = 2100

    public static func parse(_ text: String) -> Int64? { parseStatingZone(text)?.seconds }

    /// The time and whether the text says where it is: unix times and dates with `Z` or an offset
    /// do; an ISO date or time without an offset (`2025-08-08 14:03:11`) does not, and its seconds
    /// are then those of the same clock reading in UTC. `ingest` stores such a date only with
    /// `--assume-utc`.
    public static func parseStatingZone(_ text: String) -> (seconds: Int64, statesZone: Bool)? {
        var utf8 = Array(text.utf8)
        while let last = utf8.last, last == 0x20 || last == 0x09 { utf8.removeLast() }
        while let first = utf8.first, first == 0x20 || first == 0x09 { utf8.removeFirst() }
        guard !utf8.isEmpty else { return nil }
        if let value = parseEpoch(utf8) { return (value, true) }
        if let value = parseISO(utf8) { return value }
        return parseClassicTwitter(utf8).map { ($0, true) }
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    private static func number(_ bytes: ArraySlice<UInt8>) -> Int64? {
        guard !bytes.isEmpty, bytes.count <= 18, bytes.allSatisfy(isDigit) else { return nil }
        return bytes.reduce(0) { $0 * 10 + Int64($1 - 0x30) }
    }

    private static func parseEpoch(_ bytes: [UInt8]) -> Int64? {
        let integerPart: ArraySlice<UInt8>
        if let dot = bytes.firstIndex(of: 0x2E) {
            let fraction = bytes[(dot + 1)...]
            guard fraction.allSatisfy(isDigit) else { return nil }
            integerPart = bytes[..<dot]
        } else {
            integerPart = bytes[...]
        }
        guard let value = number(integerPart) else { return nil }
        let seconds: Int64
        switch integerPart.count {
        case 9...11: seconds = value
        case 12...14: seconds = value / 1000
        default: return nil
        }
        return inRange(seconds) ? seconds : nil
    }

    private static func parseISO(_ b: [UInt8]) -> (seconds: Int64, statesZone: Bool)? {
        // YYYY-MM-DD
        guard b.count >= 10, b[4] == 0x2D, b[7] == 0x2D,
            let year = number(b[0..<4]), let month = number(b[5..<7]), let day = number(b[8..<10])
        else { return nil }
        var hour: Int64 = 0, minute: Int64 = 0, second: Int64 = 0, offset: Int64 = 0
        var statesZone = false
        var i = 10
        if i < b.count {
            guard b[i] == 0x54 || b[i] == 0x20, b.count >= i + 6, b[i + 3] == 0x3A,
                let h = number(b[(i + 1)..<(i + 3)]), let m = number(b[(i + 4)..<(i + 6)])
            else { return nil }
            hour = h
            minute = m
            i += 6
            if i < b.count, b[i] == 0x3A {
                guard b.count >= i + 3, let s = number(b[(i + 1)..<(i + 3)]) else { return nil }
                second = s
                i += 3
                if i < b.count, b[i] == 0x2E || b[i] == 0x2C {
                    i += 1
                    let start = i
                    while i < b.count, isDigit(b[i]) { i += 1 }
                    guard i > start else { return nil }
                }
            }
            if i < b.count, b[i] == 0x20 { i += 1 }
            if i < b.count {
                let zone = Array(b[i...])
                guard let parsed = parseZone(zone) else { return nil }
                offset = parsed
                statesZone = true
            }
        }
        guard valid(year: year, month: month, day: day, hour: hour, minute: minute, second: second) else { return nil }
        let days = Timestamp.daysFromCivil(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset
        return inRange(seconds) ? (seconds, statesZone) : nil
    }

    /// `Z`, `UTC`, `GMT`, `+HH:MM`, `+HHMM`, `+HH`; returns the offset east of UTC in seconds.
    private static func parseZone(_ z: [UInt8]) -> Int64? {
        if z == [0x5A] || z == Array("UTC".utf8) || z == Array("GMT".utf8) { return 0 }
        guard let sign = z.first, sign == 0x2B || sign == 0x2D else { return nil }
        let digits = z.dropFirst().filter { $0 != 0x3A }
        guard digits.count == 2 || digits.count == 4, let value = number(digits[...]) else { return nil }
        let hours = digits.count == 2 ? value : value / 100
        let minutes = digits.count == 2 ? 0 : value % 100
        guard hours <= 14, minutes < 60 else { return nil }
        let seconds = hours * 3600 + minutes * 60
        return sign == 0x2D ? -seconds : seconds
    }

    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// `Fri Aug 08 14:03:11 +0000 2025`
    private static func parseClassicTwitter(_ b: [UInt8]) -> Int64? {
        let parts = b.split(separator: 0x20)
        guard parts.count == 6,
            let monthIndex = months.firstIndex(of: String(decoding: parts[1], as: UTF8.self)),
            let day = number(parts[2]), let year = number(parts[5]), parts[3].count == 8
        else { return nil }
        let time = Array(parts[3])
        guard time[2] == 0x3A, time[5] == 0x3A,
            let hour = number(time[0..<2]), let minute = number(time[3..<5]), let second = number(time[6..<8]),
            let offset = parseZone(Array(parts[4]))
        else { return nil }
        let month = Int64(monthIndex + 1)
        guard valid(year: year, month: month, day: day, hour: hour, minute: minute, second: second) else { return nil }
        let seconds =
            Timestamp.daysFromCivil(year: year, month: month, day: day) * 86_400
            + hour * 3600 + minute * 60 + second - offset
        return inRange(seconds) ? seconds : nil
    }

    private static func valid(year: Int64, month: Int64, day: Int64, hour: Int64, minute: Int64, second: Int64) -> Bool
    {
        guard (1...12).contains(month), day >= 1, hour < 24, minute < 60, second <= 60 else { return false }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let lengths: [Int64] = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return day <= lengths[Int(month - 1)]
    }

    private static func inRange(_ seconds: Int64) -> Bool {
        let low = Timestamp.daysFromCivil(year: earliestYear, month: 1, day: 1) * 86_400
        let high = Timestamp.daysFromCivil(year: latestYear + 1, month: 1, day: 1) * 86_400
        return seconds >= low && seconds < high
    }
}
