import Foundation
import PlumbConfig
import PlumbFiles

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// `plumb init`: a commented `.plumb.yaml` and, optionally, a CI job, written into a repository
/// without ever replacing anything (an existing file, a symbolic link, even a dangling one, is
/// refused, and then nothing is written).
public enum ProjectInit {
  /// The CI system a job is written for.
  public enum CI: String, Sendable, CaseIterable {
    case github
    case gitlab
  }

  /// One file `plumb init` writes: its path relative to the root, and its text.
  public struct File: Sendable, Equatable {
    public let path: String
    public let text: String
  }

  /// What `plumb init` writes for `ci` (nil: the configuration only).
  public static func files(ci: CI?, action: String = defaultAction) -> [File] {
    var files = [File(path: PlumbConfiguration.fileName, text: configurationText)]
    switch ci {
    case .github: files.append(File(path: ".github/workflows/plumb.yml", text: githubWorkflow(action: action)))
    case .gitlab: files.append(File(path: ".gitlab/plumb.gitlab-ci.yml", text: gitlabJob))
    case nil: break
    }
    return files
  }

  /// The outcome: the paths written, or why nothing was.
  public enum Outcome: Sendable, Equatable {
    case written([String])
    case refused(String)
  }

  /// Writes `files(ci:)` under `root`. Every path is checked first: if anything is at one of them
  /// (a file, a directory, a symbolic link) nothing is written. Directories are created as needed;
  /// a symbolic link where a directory should be is refused (it could lead out of the root).
  public static func write(root: String, ci: CI?, action: String = defaultAction) -> Outcome {
    let base = root.hasSuffix("/") ? String(root.dropLast()) : root
    let planned = files(ci: ci, action: action)
    for file in planned {
      var info = stat()
      if lstat(base + "/" + file.path, &info) == 0 {
        let what = info.st_mode & S_IFMT == S_IFLNK ? " (a symbolic link)" : ""
        return .refused("'\(file.path)' exists\(what); plumb init never replaces a file: remove or rename it first")
      }
      if let problem = directoryProblem(base, for: file.path) { return .refused(problem) }
    }
    var written: [String] = []
    for file in planned {
      if let problem = makeDirectories(base, for: file.path) { return .refused(problem) }
      let path = base + "/" + file.path
      // O_EXCL: created here, or refused (a file or link that appeared since the check included).
      let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
      guard fd >= 0 else {
        return .refused("cannot create '\(file.path)': \(FileSystemError(errno))" + wroteSoFar(written))
      }
      let bytes = Array(file.text.utf8)
      var done = 0
      while done < bytes.count {
        let count = bytes[done...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        if count < 0 && errno == EINTR { continue }
        guard count > 0 else {
          let error = FileSystemError(errno)
          close(fd)
          return .refused("cannot write '\(file.path)': \(error)" + wroteSoFar(written))
        }
        done += count
      }
      close(fd)
      written.append(file.path)
    }
    return .written(written)
  }

  private static func wroteSoFar(_ written: [String]) -> String {
    written.isEmpty ? "" : " (written before: \(written.joined(separator: ", ")))"
  }

  /// The first parent of `path` under `base` that exists and is not a directory (a symbolic link
  /// included).
  static func directoryProblem(_ base: String, for path: String) -> String? {
    var current = base
    for part in path.split(separator: "/").dropLast() {
      current += "/" + part
      var info = stat()
      guard lstat(current, &info) == 0 else { return nil }
      if info.st_mode & S_IFMT != S_IFDIR {
        let what = info.st_mode & S_IFMT == S_IFLNK ? "a symbolic link" : "not a directory"
        return "'\(current.dropFirst(base.count + 1))' is \(what); plumb init writes only into real directories"
      }
    }
    return nil
  }

  /// Creates the parents of `path` under `base`, each a real directory.
  static func makeDirectories(_ base: String, for path: String) -> String? {
    var current = base
    for part in path.split(separator: "/").dropLast() {
      current += "/" + part
      if mkdir(current, 0o755) != 0 && errno != EEXIST {
        return "cannot create directory '\(current.dropFirst(base.count + 1))': \(FileSystemError(errno))"
      }
      var info = stat()
      guard lstat(current, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else {
        return "'\(current.dropFirst(base.count + 1))' is not a real directory; nothing more is written"
      }
    }
    return nil
  }

  /// The Action `plumb init --ci github` names (`owner/repository@ref`).
  public static let defaultAction = "plumb-dev/plumb@v\(Plumb.version)"

  /// The commented configuration: every key, the ones that need a choice commented out.
  public static let configurationText = """
    # Plumb's configuration, read once per run from the repository root.
    # Every key is described in docs/configuration.md (type, default, example).

    # The policy pack the gate applies: baseline (the default), strict, or eu_residency.
    # `plumb rules --pack NAME` shows each rule's enforcement level in a pack.
    pack: baseline

    # This repository as the catalog names it (owner/name, or a URL): pipelines are linked to the
    # component whose github.com/project-slug or gitlab.com/project-slug annotation names it.
    # repository: acme/payments-api

    # More rule, pack and scorecard files or directories, relative to the root.
    # rules: [policy/rules]

    # Files and directories left out of the inputs, in .gitignore syntax (relative to the root).
    # A Backstage scaffolder template's skeleton is not a catalog entity yet:
    exclude:
      - "**/skeleton/"

    # Whether the root's .gitignore leaves files out too.
    respect_gitignore: false

    # The waiver file (default .plumb-waivers.yaml at the root); see docs/waivers.md.
    # waivers: .plumb-waivers.yaml

    # Which enforcement levels fail `plumb check` (block, warn, advisory, never); --fail-on wins.
    # fail_on: block

    # `plumb check`'s outputs when the command line names none (FORMAT or FORMAT=PATH, paths
    # inside the root); --output replaces them. See docs/output-formats.md.
    # outputs: [text, sarif=plumb.sarif]

    # Terraform tag keys that name a catalog entity, and an owner.
    # links:
    #   component_tags: [backstage.io/component, component, service, app]
    #   owner_tags: [owner, team]

    # The central catalog as context: a checkout, an export, or a Backstage API.
    # catalog:
    #   - url: https://backstage.example.com/api/catalog
    #     token_env: BACKSTAGE_TOKEN

    """

  /// The GitHub Actions workflow: the gate with read-only permissions, SARIF uploaded by the
  /// Action in a job of its own that may write security events.
  public static func githubWorkflow(action: String) -> String {
    """
    # Plumb's gate (docs/ci-recipes.md). Written by `plumb init --ci github`.
    name: plumb

    on:
      pull_request:
      push:
        branches: [main]

    permissions: {}

    jobs:
      plumb:
        name: Plumb
        runs-on: ubuntu-24.04
        permissions:
          contents: read
          security-events: write  # the SARIF upload to code scanning
        steps:
          - uses: actions/checkout@de0fac2e4500dabe0009e67214ff5f5447ce83dd # v6.0.2
            with:
              persist-credentials: false
          - uses: \(action)
            with:
              paths: .
              upload-sarif: true

    """
  }

  /// The GitLab CI job, to `include:` from `.gitlab-ci.yml`.
  public static let gitlabJob = """
    # Plumb's gate (docs/ci-recipes.md). Written by `plumb init --ci gitlab`; include it from
    # .gitlab-ci.yml:
    #   include:
    #     - local: .gitlab/plumb.gitlab-ci.yml
    plumb:
      stage: test
      image: ghcr.io/plumb-dev/plumb:\(Plumb.version)
      script:
        - plumb check . --output text --output gitlab=gl-code-quality-report.json --output junit=plumb-junit.xml
      artifacts:
        when: always
        reports:
          codequality: gl-code-quality-report.json
          junit: plumb-junit.xml

    """
}
