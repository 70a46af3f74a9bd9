/// The few figures a load test reads from the server's Prometheus text (`GET /metrics`).
public struct PrometheusText: Sendable {
    let lines: [Substring]

    public init(_ text: String) {
        lines = text.split(separator: "\n").filter { !$0.hasPrefix("#") }
    }

    /// The value of one series, named with its labels exactly as exposed.
    public func value(_ series: String) -> Double? {
        lines.first { $0.hasPrefix(series + " ") }.flatMap { Double($0.split(separator: " ").last ?? "") }
    }

    /// A histogram's cumulative bucket counts.
    public func histogram(_ name: String) -> Histogram {
        let prefix = name + "_bucket{le=\""
        let buckets = lines.compactMap { line -> (le: Double, count: Double)? in
            guard line.hasPrefix(prefix), let close = line.firstIndex(of: "\"", after: prefix.count) else { return nil }
            let bound = line[line.index(line.startIndex, offsetBy: prefix.count)..<close]
            guard let count = Double(line.split(separator: " ").last ?? "") else { return nil }
            return (bound == "+Inf" ? .infinity : Double(bound) ?? .infinity, count)
        }
        return Histogram(buckets: buckets.sorted { $0.le < $1.le })
    }

    public struct Histogram: Sendable {
        public let buckets: [(le: Double, count: Double)]

        /// The observations made between `earlier` and this one.
        public func since(_ earlier: Histogram) -> Histogram {
            Histogram(buckets: buckets.map { bucket in
                (bucket.le, bucket.count - (earlier.buckets.first { $0.le == bucket.le }?.count ?? 0))
            })
        }

        private var total: Double { buckets.last?.count ?? 0 }

        /// The share of observations at most `bound` seconds (bound being one of the bucket bounds).
        public func share(atMost bound: Double) -> Double {
            guard total > 0 else { return 0 }
            return (buckets.first { $0.le >= bound }?.count ?? total) / total
        }

        /// The smallest bucket bound, in seconds, that holds `quantile` of the observations (nil: only +Inf does).
        public func upperBound(of quantile: Double) -> Double? {
            guard total > 0, let bucket = buckets.first(where: { $0.count >= quantile * total }), bucket.le.isFinite else { return nil }
            return bucket.le
        }
    }
}

extension Substring {
    fileprivate func firstIndex(of character: Character, after offset: Int) -> Index? {
        self[index(startIndex, offsetBy: offset)...].firstIndex(of: character)
    }
}
