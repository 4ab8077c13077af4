import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Terminal settings to restore, kept where a signal handler can reach them.
nonisolated(unsafe) private var savedTerminal = termios()
nonisolated(unsafe) private var terminalIsRaw = false
nonisolated(unsafe) private var windowChanged: sig_atomic_t = 0

/// Leaves the alternate screen, shows the cursor, and turns off alternate-scroll mode (1007).
private let leaveScreen = "\u{1B}[?1007l\u{1B}[?25h\u{1B}[?1049l"

/// Enters the alternate screen, hides the cursor, and asks for alternate-scroll mode (1007): in it,
/// terminals that support it send the mouse wheel as arrow keys, which scroll the post. Mouse
/// tracking proper is not enabled, so coders can still select and copy text with the mouse.
private let enterScreen = "\u{1B}[?1049h\u{1B}[?25l\u{1B}[?1007h"

/// The thin I/O loop around `CodingState`: raw mode (termios), alternate screen, SIGWINCH for
/// resizes, and the effects of each key written to the database before the next key is read.
public enum TerminalUI {
    /// Colours unless NO_COLOR is set to a non-empty value (https://no-color.org) or TERM is dumb.
    public static func coloursWanted(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        if let noColor = environment["NO_COLOR"], !noColor.isEmpty { return false }
        return environment["TERM"] != "dumb"
    }

    public static func run(
        _ state: inout CodingState, store: AnnotationStore,
        input: Int32 = STDIN_FILENO, output: Int32 = STDOUT_FILENO
    ) throws {
        let colour = coloursWanted()
        guard isatty(input) != 0, isatty(output) != 0 else {
            throw AnnotateError(
                "`annotate code` needs a terminal; use `annotate import` to load codings from a CSV file")
        }
        try enterRawMode(input)
        defer { restoreTerminal() }
        installSignalHandlers()
        writeAll(output, enterScreen)

        var size = windowSize(output)
        state.viewport = ScreenSize(columns: size.columns, rows: size.rows)
        var decoder = KeyDecoder()
        var buffer = [UInt8](repeating: 0, count: 1024)
        draw(state, size: size, colour: colour, to: output)
        while !state.quit {
            var descriptor = pollfd(fd: input, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, 150)
            var redraw = false
            if windowChanged != 0 {
                windowChanged = 0
                size = windowSize(output)
                state.viewport = ScreenSize(columns: size.columns, rows: size.rows)
                state.scrollBy(0)  // keep the view inside the post at the new size
                redraw = true
            }
            var keys: [Key] = []
            if ready > 0 {
                let count = read(input, &buffer, buffer.count)
                if count <= 0 { break }  // the terminal went away: everything is saved already
                keys = decoder.feed(Array(buffer[0..<count]))
            } else if ready == 0 {
                keys = decoder.feed([], flush: true)  // a lone Esc
            }
            for key in keys {
                let effects = state.reduce(key, now: monotonicSeconds())
                for effect in effects {
                    do {
                        switch effect {
                        case .save(let postID, let decision): try store.save(postID: postID, decision)
                        case .saveNote(let postID, let note): try store.saveNote(postID: postID, note)
                        }
                    } catch {
                        // Keep the coder informed and keep going: a locked database is retried by the next key.
                        state.message = "NOT SAVED: \(error)"
                    }
                }
                redraw = true
                if state.quit { break }
            }
            if redraw && !state.quit { draw(state, size: size, colour: colour, to: output) }
        }
    }

    static func draw(_ state: CodingState, size: (columns: Int, rows: Int), colour: Bool, to output: Int32) {
        let lines = state.renderLines(width: size.columns, height: size.rows)
        var frame = "\u{1B}[H"
        for (i, line) in lines.enumerated() {
            frame += line.terminalText(colour: colour) + "\u{1B}[K"
            if i < lines.count - 1 { frame += "\r\n" }
        }
        frame += "\u{1B}[J"
        writeAll(output, frame)
    }

    public static func windowSize(_ fd: Int32) -> (columns: Int, rows: Int) {
        var size = winsize()
        if ioctl(fd, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0, size.ws_row > 0 {
            return (Int(size.ws_col), Int(size.ws_row))
        }
        return (80, 24)
    }

    static func enterRawMode(_ fd: Int32) throws {
        guard tcgetattr(fd, &savedTerminal) == 0 else { throw AnnotateError("cannot read terminal settings") }
        var raw = savedTerminal
        cfmakeraw(&raw)
        raw.c_oflag |= tcflag_t(OPOST | ONLCR)  // keep newline translation for the few plain prints
        guard tcsetattr(fd, TCSAFLUSH, &raw) == 0 else { throw AnnotateError("cannot switch the terminal to raw mode") }
        terminalIsRaw = true
    }

    static func restoreTerminal() {
        guard terminalIsRaw else { return }
        writeAll(STDOUT_FILENO, leaveScreen)
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &savedTerminal)
        terminalIsRaw = false
    }

    static func installSignalHandlers() {
        signal(SIGWINCH) { _ in windowChanged = 1 }
        // SIGINT/SIGTERM/SIGHUP: put the terminal back (async-signal-safe calls only) and exit.
        // Every decision was committed when its key was pressed, so nothing is lost.
        let restoreAndExit: @convention(c) (Int32) -> Void = { signal in
            if terminalIsRaw {
                leaveScreen.withCString { _ = write(STDOUT_FILENO, $0, strlen($0)) }
                tcsetattr(STDIN_FILENO, TCSAFLUSH, &savedTerminal)
            }
            _exit(128 + signal)
        }
        signal(SIGINT, restoreAndExit)
        signal(SIGTERM, restoreAndExit)
        signal(SIGHUP, restoreAndExit)
    }

    static func writeAll(_ fd: Int32, _ text: String) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n <= 0 {
                if errno == EINTR { continue }
                return
            }
            offset += n
        }
    }
}

public func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}
