/// A hash map from already well-mixed 64-bit keys to Int32 values (open addressing, linear
/// probing). The LSH index does tens of millions of lookups; Swift's Dictionary would SipHash
/// every key, which the keys (outputs of a 64-bit mixer) do not need.
struct UInt64Map {
    private var keys: [UInt64]
    private var values: [Int32]  // -1: empty slot
    private var mask: Int
    private(set) var count = 0

    init(capacity: Int = 16) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        keys = [UInt64](repeating: 0, count: size)
        values = [Int32](repeating: -1, count: size)
        mask = size - 1
    }

    @inline(__always) func get(_ key: UInt64) -> Int32? {
        var slot = Int(truncatingIfNeeded: key) & mask
        while true {
            let value = values[slot]
            if value < 0 { return nil }
            if keys[slot] == key { return value }
            slot = (slot + 1) & mask
        }
    }

    /// Stores `value` (>= 0) for `key`, replacing any previous value.
    @inline(__always) mutating func set(_ key: UInt64, _ value: Int32) {
        precondition(value >= 0)
        if (count + 1) * 2 > keys.count { grow() }
        var slot = Int(truncatingIfNeeded: key) & mask
        while values[slot] >= 0 {
            if keys[slot] == key {
                values[slot] = value
                return
            }
            slot = (slot + 1) & mask
        }
        keys[slot] = key
        values[slot] = value
        count += 1
    }

    private mutating func grow() {
        let oldKeys = keys, oldValues = values
        keys = [UInt64](repeating: 0, count: oldKeys.count * 2)
        values = [Int32](repeating: -1, count: oldKeys.count * 2)
        mask = keys.count - 1
        count = 0
        for slot in 0..<oldKeys.count where oldValues[slot] >= 0 { set(oldKeys[slot], oldValues[slot]) }
    }
}

/// The LSH band index: band hash -> newest chain entry, packed in 8 bytes per slot (the hash's
/// top 32 bits as the tag, entry + 1 below; 0 = empty). Two band hashes with the same top 32 bits
/// share a chain: that only adds candidates, and every candidate is verified, so results are
/// unchanged while the index takes a third less memory than a full-key table.
struct BandTable {
    private var slots: [UInt64]
    private var mask: Int
    private(set) var count = 0

    init(capacity: Int = 16) {
        var size = 16
        while size * 7 < capacity * 10 { size <<= 1 }
        slots = [UInt64](repeating: 0, count: size)
        mask = size - 1
    }

    @inline(__always) private static func tag(_ key: UInt64) -> UInt64 { key & 0xFFFF_FFFF_0000_0000 }

    /// The newest entry stored for `key`, or -1.
    @inline(__always) func get(_ key: UInt64) -> Int32 {
        let tag = Self.tag(key)
        var slot = Int(truncatingIfNeeded: key >> 32) & mask
        while true {
            let value = slots[slot]
            if value == 0 { return -1 }
            if value & 0xFFFF_FFFF_0000_0000 == tag { return Int32(truncatingIfNeeded: value & 0xFFFF_FFFF) - 1 }
            slot = (slot + 1) & mask
        }
    }

    /// Makes `entry` (>= 0) the newest for `key`; returns the previous newest or -1.
    @inline(__always) mutating func push(_ key: UInt64, _ entry: Int32) -> Int32 {
        if (count + 1) * 10 > slots.count * 7 { grow() }
        let tag = Self.tag(key)
        var slot = Int(truncatingIfNeeded: key >> 32) & mask
        while slots[slot] != 0 {
            if slots[slot] & 0xFFFF_FFFF_0000_0000 == tag {
                let previous = Int32(truncatingIfNeeded: slots[slot] & 0xFFFF_FFFF) - 1
                slots[slot] = tag | UInt64(UInt32(entry + 1))
                return previous
            }
            slot = (slot + 1) & mask
        }
        slots[slot] = tag | UInt64(UInt32(entry + 1))
        count += 1
        return -1
    }

    private mutating func grow() {
        // The probe start depends on the tag only, so slots move without their original keys.
        let old = slots
        slots = [UInt64](repeating: 0, count: old.count * 2)
        mask = slots.count - 1
        count = 0
        for value in old where value != 0 {
            var slot = Int(truncatingIfNeeded: value >> 32) & mask
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = value
            count += 1
        }
    }
}
