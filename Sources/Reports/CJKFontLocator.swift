import Foundation

/// Finds the CJK font the PDF embeds.
enum CJKFontLocator {
    static let familyName = "WenQuanYi Micro Hei"
    static let knownPaths = [
        "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
        "/usr/share/fonts/wqy-microhei/wqy-microhei.ttc",
        "/usr/local/share/fonts/wqy-microhei.ttc",
    ]

    /// Looked up once per process: the font does not move while we run, and `fc-match` is a blocking
    /// subprocess that must not run on every server start (tests start many servers at once).
    static func wenQuanYiMicroHei() -> URL? { found }

    private static let found: URL? = {
        if let path = knownPaths.first(where: { FileManager.default.isReadableFile(atPath: $0) }) {
            return URL(fileURLWithPath: path)
        }
        if let path = fontconfigMatch(), path.lowercased().contains("microhei") {
            return URL(fileURLWithPath: path)
        }
        return nil
    }()

    /// What `fc-match` resolves the family to; fontconfig substitutes another font when the family
    /// is missing, hence the caller's check of the file name.
    private static func fontconfigMatch() -> String? {
        let candidates = ["/usr/bin/fc-match", "/usr/local/bin/fc-match", "/opt/homebrew/bin/fc-match"]
        guard let executable = candidates.first(where: FileManager.default.isExecutableFile(atPath:)) else {
            return nil
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["-f", "%{file}", familyName]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return nil
        }
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0, let path = String(data: output, encoding: .utf8), !path.isEmpty,
            FileManager.default.isReadableFile(atPath: path)
        else { return nil }
        return path
    }
}
