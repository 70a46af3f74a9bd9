import Foundation
import Hummingbird
import Logging

/// The static web app (`/app/`) and the guide's test tools (`/tools/`), served from the bundled `Public` folder.
enum WebAppFiles {
    /// `CONTRACTSHIELD_WEB_ROOT` serves a working copy instead of the bundle, so web edits need no rebuild.
    static var root: URL {
        if let override = ProcessInfo.processInfo.environment["CONTRACTSHIELD_WEB_ROOT"], !override.isEmpty {
            return URL(fileURLWithPath: override, isDirectory: true)
        }
        return Bundle.module.resourceURL!.appendingPathComponent("Public", isDirectory: true)
    }

    /// - Parameter logger: the server's logger, so `--log-level` also quiets the file server's start-up lines.
    static func add<Context: RequestContext>(to router: Router<Context>, logger: Logger) {
        for section in ["app", "tools"] {
            router.add(middleware: FileMiddleware(
                root.appendingPathComponent(section).path, urlBasePath: "/\(section)",
                cacheControl: .init([(.text, [.noCache])]), searchForIndexHtml: true, logger: logger))
            // The router matches "/app" and "/app/" alike; only the bare form redirects, the other falls
            // through to FileMiddleware, which serves index.html.
            router.get(RouterPath("/\(section)")) { request, _ in
                guard !request.uri.path.hasSuffix("/") else { throw HTTPError(.notFound) }
                return Response(status: .movedPermanently, headers: [.location: "/\(section)/"])
            }
        }
    }
}
