import Foundation
import Testing

/// Where the tests find the shared data that lives beside the repository (`../shared`): the
/// real-world corpus and the reference files. The one place that knows the layout; every test
/// that reads shared data asks here, and is disabled with ``requires(sharedData:)`` when it is
/// missing, so that it shows as skipped, with its reason, never as passed.
///
/// The folder is found relative to the package (`<package>/../shared`), or at `PLUMB_SHARED` when
/// that is set; never at a machine's absolute path. `PLUMB_SHARED=/nonexistent swift test` shows
/// which tests need it: they are the ones listed as skipped.
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

  /// The reason a test that needs `url` is skipped: the comment of ``requires(sharedData:)``.
  public static func absentReason(_ url: URL) -> String {
    "shared data absent: \(url.path) (the tests that need it are skipped)"
  }

  /// Whether `url` is present; the first time something is missing, a loud banner on standard
  /// error says that the tests needing it are skipped, not passed.
  public static func check(_ url: URL) -> Bool {
    let present = isPresent(url)
    if !present { warnOnce }
    return present
  }

  private static let warnOnce: Void = {
    let banner = String(repeating: "!", count: 100)
    FileHandle.standardError.write(
      Data(
        """
        \(banner)
        !!! WARNING: shared test data is missing under \(root.path)
        !!! The tests that need it are SKIPPED (listed as skipped, with the missing path), not passed.
        \(banner)

        """.utf8))
  }()
}

extension Trait where Self == ConditionTrait {
  /// Runs the test only when the shared data at `url` is present; otherwise the test is skipped
  /// with ``SharedData/absentReason(_:)`` as its reason.
  public static func requires(sharedData url: URL) -> Self {
    .enabled(if: SharedData.check(url), Comment(rawValue: SharedData.absentReason(url)))
  }

  /// Runs the test only when the throwaway PostgreSQL server (``PostgresTestServer/shared``) could
  /// start; otherwise the test is skipped, after the loud warning the server prints.
  public static var requiresPostgres: Self {
    .enabled(if: PostgresTestServer.shared != nil, Comment(rawValue: PostgresTestServer.absentReason))
  }
}
