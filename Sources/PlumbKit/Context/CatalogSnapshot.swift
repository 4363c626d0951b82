import Foundation
import PlumbCatalogClient
import PlumbDiagnostics
import PlumbIngest

/// A snapshot of a live catalog: the entities its API served, in the shape of one
/// `GET /entities/by-query` page (so it is itself a Backstage export), with a header that says
/// where and when they were read.
///
/// ```json
/// {"plumbSnapshot":{"version":1,"source":"https://backstage.example.com/api/catalog","fetchedAt":"2026-12-07T10:00:00Z","entities":2},
/// "totalItems":2,
/// "pageInfo":{},
/// "items":[
/// {"apiVersion":"backstage.io/v1alpha1","kind":"Group",…},
/// {"apiVersion":"backstage.io/v1alpha1","kind":"Component",…}
/// ]}
/// ```
///
/// Each entity is the server's own bytes, one per line, so a snapshot diffs well and a context
/// problem points at a line that shows one entity.
public enum CatalogSnapshot {
  /// The snapshot of `pages` read from `source` at `fetchedAt`.
  public static func bytes(of pages: [BackstageCatalogPage], source: String, fetchedAt: String) -> [UInt8] {
    let count = pages.reduce(0) { $0 + $1.items.count }
    var out: [UInt8] = []
    out.reserveCapacity(pages.reduce(0) { $0 + $1.document.root.tree.source.bytes.count } + 512)
    var header = "{\"\(CatalogSnapshotHeader.key)\":{\"version\":\(CatalogSnapshotHeader.currentVersion),"
    header += "\"source\":" + JSONText.quoted(source) + ",\"fetchedAt\":" + JSONText.quoted(fetchedAt)
    header += ",\"entities\":\(count)},\n\"totalItems\":\(count),\n\"pageInfo\":{},\n\"items\":["
    out += Array(header.utf8)
    var first = true
    for page in pages {
      let bytes = page.document.root.tree.source.bytes
      for item in page.items {
        out += first ? [0x0A] : [0x2C, 0x0A]
        first = false
        out += bytes[item.byteRange]
      }
    }
    out += Array("\n]}\n".utf8)
    return out
  }

  /// `now` as a snapshot records it: ISO 8601 in UTC, to the second.
  public static func timestamp(_ now: Date) -> String {
    let formatter = ISO8601DateFormatter()
    formatter.timeZone = TimeZone(identifier: "UTC")
    return formatter.string(from: now)
  }

  /// The date a snapshot's `fetchedAt` names, nil when it is not ISO 8601.
  public static func date(_ text: String) -> Date? {
    let formatter = ISO8601DateFormatter()
    if let date = formatter.date(from: text) { return date }
    formatter.formatOptions.insert(.withFractionalSeconds)
    return formatter.date(from: text)
  }

  /// Where a URL source's snapshot is kept by default: `<root>/.plumb/catalog/<host>_<path>.json`.
  public static func defaultPath(for url: String, root: String) -> String {
    let parsed = URL(string: url)
    var name = parsed?.host ?? "catalog"
    if let port = parsed?.port { name += "_\(port)" }
    let path = (parsed?.path ?? "").split(separator: "/").joined(separator: "_")
    if !path.isEmpty { name += "_" + path }
    let safe = String(name.unicodeScalars.map { scalar -> Character in
      let ok = ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
        || scalar == "." || scalar == "-" || scalar == "_"
      return ok ? Character(scalar) : "_"
    }).prefix(120)
    return (root.hasSuffix("/") ? root : root + "/") + ".plumb/catalog/" + safe + ".json"
  }
}
