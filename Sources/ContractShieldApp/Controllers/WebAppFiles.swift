import Foundation
import Hummingbird

/// The static web app (`/app/`) and the guide's test tools (`/tools/`), served from the bundled `Public` folder.
enum WebAppFiles {
    /// `CONTRACTSHIELD_WEB_ROOT` serves a working copy instead of the bundle, so web edits need no rebuild.
    static var root: URL {
        if let override = ProcessInfo.processInfo.environment["CONTRACTSHIELD_WEB_ROOT"], !override.isEmpty {
            return URL(fileURLWithPath: override, isDirectory: true)
        }
        return Bundle.module.resourceURL!.appendingPathComponent("Public", isDirectory: true)
    }

    static func add<Context: RequestContext>(to router: Router<Context>) {
        for section in ["app", "tools"] {
            router.add(middleware: FileMiddleware(
                root.appendingPathComponent(section).path, urlBasePath: "/\(section)",
                cacheControl: .init([(.text, [.noCache])]), searchForIndexHtml: true))
            router.get(RouterPath("/\(section)")) { _, _ in
                Response(status: .movedPermanently, headers: [.location: "/\(section)/"])
            }
        }
    }
}
