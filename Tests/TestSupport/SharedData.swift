import Foundation

/// Where the tests find the shared data that lives beside the repository (`../shared`): the
/// real-world corpus and the reference files. The one place that knows the layout; every test
/// that reads shared data asks here, and is disabled with ``absentReason`` when it is missing, so
/// that it shows as skipped, never as passed.
///
/// The folder is found relative to the package (`<package>/../shared`), or at `PLUMB_SHARED` when
/// that is set; never at a machine's absolute path.
public enum SharedData {
  /// The package's root folder, from this file's path (`Tests/TestSupport/SharedData.swift`).
  public static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

  /// The shared folder: `PLUMB_SHARED`, else `<package>/../shared`.
  public static let root: URL = {
    if let override = ProcessInfo.processInfo.environment["PLUMB_SHARED"], !override.isEmpty {
      return URL(fileURLWithPath: override, isDirectory: true).standardizedFileURL
    }
    return packageRoot.appendingPathComponent("../shared", isDirectory: true).standardizedFileURL
  }()

  /// The real-world corpus (`shared/corpus`).
  public static let corpus = root.appendingPathComponent("corpus", isDirectory: true)
  /// What the project knows of the field (`shared/reference`).
  public static let reference = root.appendingPathComponent("reference", isDirectory: true)

  /// A path inside the corpus (`corpus("pipelines/github")`).
  public static func corpus(_ relative: String) -> URL { corpus.appendingPathComponent(relative) }
  /// A path inside the reference folder (`reference("regions.yaml")`).
  public static func reference(_ relative: String) -> URL { reference.appendingPathComponent(relative) }

  /// True when `url` exists (file or folder).
  public static func isPresent(_ url: URL) -> Bool { FileManager.default.fileExists(atPath: url.path) }

  /// True when the corpus folder is present.
  public static var isCorpusPresent: Bool { isPresent(corpus) }

  /// The reason a test that needs `url` is skipped, for `.enabled(if:_:)` beside ``isPresent(_:)``:
  /// `.enabled(if: SharedData.isPresent(u), Comment(rawValue: SharedData.absentReason(u)))`.
  public static func absentReason(_ url: URL) -> String {
    "shared data absent: \(url.path) (the tests that need it are skipped)"
  }
}
