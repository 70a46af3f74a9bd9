// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "ContractShield",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "contractshield", targets: ["ContractShield"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.8.1"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/vapor/sqlite-nio.git", from: "1.13.2"),
        .package(url: "https://github.com/vapor/multipart-kit.git", from: "4.7.1"),
        .package(url: "https://github.com/weichsel/ZIPFoundation.git", from: "0.9.20"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/swiftlang/swift-subprocess.git", from: "1.0.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.81.0"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/adam-fowler/compress-nio.git", from: "1.5.0"),
    ],
    targets: [
        .executableTarget(
            name: "ContractShield",
            dependencies: [
                "ContractShieldApp", "Review", "Ingest", "Realtime", "Storage", "LoadGenerator",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
        .target(
            name: "ContractShieldApp",
            dependencies: [
                "Review", "Ingest", "Reports", "Storage", "Realtime",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "MultipartKit", package: "multipart-kit"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: [.copy("Public")]
        ),
        .target(
            name: "Review",
            dependencies: [.product(name: "Yams", package: "Yams")],
            resources: [.copy("Resources/statutes"), .copy("Resources/rules")]
        ),
        .target(
            name: "Ingest",
            dependencies: [
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "Subprocess", package: "swift-subprocess"),
            ]
        ),
        .target(
            name: "Reports",
            dependencies: ["Review", .product(name: "ZIPFoundation", package: "ZIPFoundation")]
        ),
        .target(
            name: "Storage",
            dependencies: [
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "_ConnectionPoolModule", package: "postgres-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "Realtime",
            dependencies: ["Storage", .product(name: "NIOCore", package: "swift-nio")]
        ),
        .target(
            name: "LoadGenerator",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
            ]
        ),
        .testTarget(name: "ReviewTests", dependencies: ["Review"]),
        .testTarget(name: "IngestTests", dependencies: ["Ingest", "Review"], exclude: ["Fixtures"]),
        .testTarget(
            name: "ReportsTests",
            dependencies: ["Reports", "Review", .product(name: "ZIPFoundation", package: "ZIPFoundation")],
            exclude: ["Scripts"]
        ),
        .testTarget(name: "StorageTests", dependencies: ["Storage", .product(name: "NIOPosix", package: "swift-nio")]),
        .testTarget(
            name: "RealtimeTests",
            dependencies: ["Realtime", "Storage", .product(name: "NIOCore", package: "swift-nio")]
        ),
        .testTarget(
            name: "ContractShieldAppTests",
            dependencies: [
                "ContractShieldApp", "Review", "Storage", "LoadGenerator",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "HummingbirdWSCompression", package: "hummingbird-websocket"),
            ],
            exclude: ["Scripts"]
        ),
    ]
)
