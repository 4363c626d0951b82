/// A small, fixed PRNG (SplitMix64) so generated inputs are byte-identical on every machine and
/// every Swift version (the standard library's `random(in:using:)` mapping is not guaranteed to
/// stay the same).
struct SplitMix64 {
  private var state: UInt64

  init(seed: UInt64) { state = seed }

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// A value in `range` (modulo mapping: a negligible bias, but fully deterministic).
  mutating func int(_ range: ClosedRange<Int>) -> Int {
    let span = UInt64(range.upperBound - range.lowerBound + 1)
    return range.lowerBound + Int(next() % span)
  }

  /// True with probability `percent`/100.
  mutating func chance(_ percent: Int) -> Bool { int(0...99) < percent }

  mutating func pick<T>(_ items: [T]) -> T { items[int(0...(items.count - 1))] }

  mutating func hex(_ count: Int) -> String {
    let digits = Array("0123456789abcdef")
    var out = ""
    out.reserveCapacity(count)
    for _ in 0..<count { out.append(digits[int(0...15)]) }
    return out
  }

  mutating func alnum(_ count: Int) -> String {
    let digits = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
    var out = ""
    for _ in 0..<count { out.append(digits[int(0...(digits.count - 1))]) }
    return out
  }

  mutating func base64(_ count: Int) -> String {
    let digits = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
    var out = ""
    for _ in 0..<count { out.append(digits[int(0...63)]) }
    return out + "="
  }
}

/// Shared vocabulary for the generators, with some non-ASCII text on purpose.
enum Words {
  static let teams = [
    "payments", "identity", "search", "platform", "data-eng", "mobile", "growth", "billing", "risk",
    "observability", "checkout", "logistics",
  ]
  static let nouns = [
    "ledger", "gateway", "indexer", "scheduler", "notifier", "exporter", "catalog", "profile", "router",
    "archiver", "reporter", "cache", "worker", "auth", "quota", "invoice", "ingest", "audit",
  ]
  static let envs = ["dev", "staging", "prod"]
  static let regions = ["eu-west-1", "eu-central-1", "us-east-1", "us-west-2", "ap-northeast-1"]
  static let owners = [
    "Alice Martin", "Zoë Müller", "José Álvarez", "Søren Kierkegaard", "Łukasz Żółć", "田中 太郎",
    "Иван Петров", "Ngozi Okafor", "Chloé Dubois", "김민준", "Priya Raghunathan", "Ömer Yıldız",
  ]
  static let descriptions = [
    "Managed by Terraform", "Zugriff für Wartungsfenster", "Доступ к базе данных", "アプリケーションサーバー",
    "Accès réservé à l'équipe", "Tráfico interno — no exponer", "Logs & metrics (PII-free)",
    "Primary store 🚀 for <critical> data", "Allow HTTPS from the office", "Batch jobs",
  ]
}
