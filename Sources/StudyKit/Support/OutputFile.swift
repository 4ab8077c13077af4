import CLibCSV
import Foundation

/// A file written through one C stdio stream: text as UTF-8, or CSV records through libcsv's
/// `csv_fwrite` (text fields quoted, quotes doubled; numbers bare; LF line ends). Every write error,
/// including the last flush, is reported naming the file.
final class OutputFile {
    let path: String
    private let file: UnsafeMutablePointer<FILE>
    private var closed = false

    init(path: String) throws {
        guard let file = fopen(path, "wb") else {
            throw InputError(file: path, line: nil, reason: "cannot write: \(String(cString: strerror(errno)))")
        }
        self.path = path
        self.file = file
    }

    deinit { if !closed { fclose(file) } }

    func write(_ text: String) throws {
        var text = text
        let written = text.withUTF8 { fwrite($0.baseAddress, 1, $0.count, file) }
        if written != text.utf8.count { throw InputError(file: path, line: nil, reason: "write error") }
    }

    /// One CSV record: (text, quoted) per field.
    func csvRow(_ fields: [(String, Bool)]) throws {
        for (i, field) in fields.enumerated() {
            if i > 0 { fputc(0x2C, file) }
            var bytes = Array(field.0.utf8)
            if field.1 {
                let rc = bytes.withUnsafeMutableBytes { csv_fwrite(file, $0.baseAddress, $0.count) }
                if rc != 0 { throw InputError(file: path, line: nil, reason: "csv_fwrite failed") }
            } else if !bytes.isEmpty {
                _ = fwrite(&bytes, 1, bytes.count, file)
            }
        }
        fputc(0x0A, file)
        if ferror(file) != 0 { throw InputError(file: path, line: nil, reason: "write error") }
    }

    func close() throws {
        guard !closed else { return }
        closed = true
        let ok = fflush(file) == 0 && ferror(file) == 0
        fclose(file)
        if !ok { throw InputError(file: path, line: nil, reason: "write error") }
    }
}
