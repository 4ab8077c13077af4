import Foundation

/// The storage form of a vector: `dim` IEEE-754 float32 values, little-endian, no header
/// (numpy: `np.frombuffer(blob, dtype="<f4")`).
public enum EmbeddingVector {
    /// The BLOB for `vector`: 4 bytes per value, little-endian whatever the machine.
    public static func encode(_ vector: [Float]) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: vector.count * 4)
        bytes.withUnsafeMutableBytes { raw in
            for (i, value) in vector.enumerated() {
                raw.storeBytes(of: value.bitPattern.littleEndian, toByteOffset: i * 4, as: UInt32.self)
            }
        }
        return bytes
    }

    /// The vector stored in `bytes`; nil when the length is not a multiple of 4.
    public static func decode(_ bytes: [UInt8]) -> [Float]? {
        decode(bytes[...])
    }

    public static func decode(_ bytes: ArraySlice<UInt8>) -> [Float]? {
        guard bytes.count % 4 == 0 else { return nil }
        return bytes.withUnsafeBytes { raw in
            (0..<(raw.count / 4)).map { i in
                Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self)))
            }
        }
    }
}
