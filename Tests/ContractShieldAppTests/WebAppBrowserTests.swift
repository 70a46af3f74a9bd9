import Foundation
import Testing

/// The web app (`/app/`), the test tool (`/tools/`) and the guide's `ReviewWebSocket` class in a real browser:
/// headless Chromium driven by Selenium (scripts/setup-webapp.sh installs both), against the live server.
/// Each test runs one script of Tests/Browser; screenshots land in .build/browser-tests.
@Suite(.serialized, .timeLimit(.minutes(3))) struct WebAppBrowserTests {
    @Test func theGuidesReviewWebSocketClassFollowsARealReviewInChromium() async throws {
        try await runBrowserScript("guide_review_class.py")
    }

    @Test func theWebAppUploadsPicksTheRoleShowsProgressHighlightsAndExports() async throws {
        try await runBrowserScript("webapp_review.py")
    }

    @Test func theWebAppResumesAfterADroppedSocketWithoutMissingAStage() async throws {
        try await runBrowserScript("webapp_resume.py")
    }

    @Test func theToolsPageLogsAPongWithItsRoundTrip() async throws {
        try await runBrowserScript("tools_ping.py")
    }

    private func runBrowserScript(_ name: String) async throws {
        let python = try PythonEnvironment.interpreter()
        try await withLiveServer { server in
            let (status, output) = try await PythonEnvironment.run(
                python, script: "Tests/Browser/\(name)", arguments: ["http://127.0.0.1:\(server.port)"])
            if status == 2 {
                Issue.record("\(name) could not start the browser: run scripts/setup-webapp.sh\n\(output)")
                return
            }
            #expect(status == 0, "\(name) output:\n\(output)")
        }
    }
}
