import Foundation
import PlumbDiagnostics
import PlumbFiles
import PlumbYAML

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// The repository's Plumb configuration, `.plumb.yaml` at the root: read once per run, in one
/// place, and handed to every stage (ingest, policy, gate).
///
/// ```yaml
/// repository: acme/platform          # links pipelines to the component of this repository
/// rules: [policy/rules]              # more rule and policy directories, relative to the root
/// pack: strict                       # the policy pack `plumb check` uses
/// links:
///   component_tags: [component, service]
///   owner_tags: [owner, team]
/// catalog:                           # the central catalog, as context (CatalogSourceConfiguration)
///   - ../central-catalog
/// rule_docs_base: https://github.com/plumb-dev/plumb/blob/main/docs/rules   # rule pages: <base>/<id>.md
/// source_link_base: https://github.com/acme/platform/blob/main/       # path:line links
/// exclude: ["**/skeleton/"]          # left out of the inputs, in .gitignore syntax
/// respect_gitignore: true            # the root's .gitignore excludes too
/// waivers: policy/waivers.yaml       # the waiver file (default .plumb-waivers.yaml)
/// fail_on: warn                      # `plumb check`: which enforcement levels fail the build
/// outputs: [text, sarif=plumb.sarif] # `plumb check`: outputs when no --output is given
/// ```
///
/// Every key is read by one entry of ``sections``; a key nobody reads, and a value of the wrong
/// shape, is a diagnostic at its node (file:line:column). A missing file is an empty configuration.
public struct PlumbConfiguration: Sendable {
  /// The file name looked for at the root.
  public static let fileName = ".plumb.yaml"
  /// The waiver file's name at the root (`--waivers` names another).
  public static let waiverFileName = ".plumb-waivers.yaml"
  /// Plumb's own state directory under the root (action pins, score history, catalog snapshots).
  public static let stateDirectoryName = ".plumb"
  /// Plumb's own files, wherever they are: never inputs.
  public static let ownFileNames: Set<String> = [fileName, waiverFileName]

  /// The directory the file was looked for in; relative paths in it are relative to this.
  public let root: String
  /// The file as loaded (nil when there is none), for quoting its lines.
  public private(set) var source: SourceFile?

  /// `repository:`: the repository the inputs come from (`owner/name`, or a URL).
  public var repository: String?
  /// `rules:`: more rule and policy directories or files, as written.
  public var ruleDirectories: [String] = []
  /// `pack:`: the policy pack applied.
  public var pack: String?
  /// `links.component_tags`: Terraform tag keys that name a catalog entity, tried in order.
  public var componentTagKeys: [String]?
  /// `links.owner_tags`: Terraform tag keys that name an owner.
  public var ownerTagKeys: [String]?
  /// `catalog:`: the sources of catalog context (the central catalog).
  public var catalog: [CatalogSourceConfiguration] = []
  /// `rule_docs_base:`: the base URL of rule documentation pages (`<base>/<rule_id>.md`) in every
  /// output; an http(s) URL or a relative path (empty: relative `docs/rules`). `--rule-docs-base`
  /// wins; without either, Plumb's own published rule pages.
  public var ruleDocsBase: String?
  /// `source_link_base:`: the base URL a file's path is appended to for `path#L<line>` links
  /// (e.g. `https://github.com/<owner>/<repo>/blob/<ref>/`; empty: no links).
  /// `--source-link-base` wins; without either, it comes from the CI variables.
  public var sourceLinkBase: String?
  /// `exclude:`: patterns in `.gitignore` syntax, relative to the root, left out of the inputs.
  public var excludePatterns: [ExclusionPattern] = []
  /// `respect_gitignore:`: whether the root's `.gitignore` excludes inputs too.
  public var respectGitignore = false
  /// The root's `.gitignore` patterns, read by ``load(root:)`` (or ``addCommandLine(exclude:respectGitignore:)``)
  /// when `respect_gitignore` is on.
  public private(set) var gitignorePatterns: [ExclusionPattern] = []
  /// `--exclude` patterns from the command line, after the configuration's.
  public private(set) var commandLineExcludePatterns: [ExclusionPattern] = []
  /// `waivers:`: the waiver file, as written (relative to the root); nil: `.plumb-waivers.yaml`.
  public var waiverFile: String?
  /// `fail_on:`: which enforcement levels fail `plumb check` (`block`, `warn`, `advisory`, `never`),
  /// as written, with where; `--fail-on` wins. The gate validates the value.
  public var failOn: (value: String, location: SourceLocation)?
  /// `outputs:`: `plumb check`'s outputs when no `--output` is given, each `FORMAT` or
  /// `FORMAT=PATH` as written, with where. A path is relative to the root and stays inside it
  /// (checked here); the format is validated by the check run.
  public var outputs: [(value: String, location: SourceLocation)] = []
  /// Problems found in the file (exit status 3 for errors).
  public var diagnostics: [Diagnostic] = []

  /// An empty configuration for `root`.
  public init(root: String) {
    self.root = root
  }

  /// Everything the run leaves out of its inputs: the root's `.gitignore` (when respected), then
  /// `exclude:`, then `--exclude`; the last pattern that matches decides.
  public var exclusions: PathExclusions {
    PathExclusions(gitignorePatterns + excludePatterns + commandLineExcludePatterns)
  }

  /// The waiver file's path: `waivers:` resolved against the root, else `.plumb-waivers.yaml` there.
  public var waiverFilePath: String {
    let name = waiverFile ?? Self.waiverFileName
    return name.hasPrefix("/") ? name : (root.hasSuffix("/") ? root : root + "/") + name
  }

  /// Adds the command line's `--exclude` patterns (after the configuration's) and, with
  /// `respectGitignore`, reads the root's `.gitignore` if the configuration did not already.
  public mutating func addCommandLine(exclude patterns: [String], respectGitignore: Bool) {
    commandLineExcludePatterns += patterns.compactMap(ExclusionPattern.init)
    if respectGitignore && !self.respectGitignore {
      self.respectGitignore = true
      readGitignore()
    }
  }

  /// Reads `<root>/.gitignore` (a regular file inside the root; missing is empty). A file that
  /// cannot be read is an error: an exclusion asked for never silently vanishes.
  mutating func readGitignore() {
    let path = (root.hasSuffix("/") ? root : root + "/") + ".gitignore"
    var info = stat()
    guard lstat(path, &info) == 0 else { return }
    switch readFile(path: path, displayPath: ".gitignore", limit: Self.gitignoreLimit, within: ReadBoundary(root: root)) {
    case .success(let bytes):
      gitignorePatterns = PathExclusions.gitignorePatterns(String(decoding: bytes, as: UTF8.self))
    case .failure(let failure):
      diagnostics.append(failure.diagnostic(path: ".gitignore"))
    }
  }

  /// The largest `.gitignore` read (1 MiB): each pattern is tried on every file walked.
  public static let gitignoreLimit = 1 << 20

  /// `rules:` resolved against the root.
  public var ruleDirectoryPaths: [String] {
    ruleDirectories.map { $0.hasPrefix("/") ? $0 : (root.hasSuffix("/") ? root : root + "/") + $0 }
  }

  /// Reads `<root>/.plumb.yaml`; a missing file gives an empty configuration. The file is the
  /// repository's: it is read only if it is a regular file inside the root, and each `rules:` entry
  /// must resolve inside the root (a diagnostic otherwise, and the entry is dropped).
  public static func load(root: String) -> PlumbConfiguration {
    let path = (root.hasSuffix("/") ? root : root + "/") + fileName
    // Anything there, even a dangling symbolic link or a FIFO, is read (and refused with a reason).
    var info = stat()
    guard lstat(path, &info) == 0 else { return PlumbConfiguration(root: root) }
    let boundary = ReadBoundary(root: root)
    var configuration = parse(YAMLLoader().load(path: path, displayPath: fileName, within: boundary), root: root)
    configuration.keepRulesInside(boundary)
    if configuration.respectGitignore { configuration.readGitignore() }
    return configuration
  }

  /// Drops the `rules:` entries that resolve outside `boundary`, with a diagnostic at each (an
  /// entry that does not exist yet is kept: reading it reports it as missing).
  mutating func keepRulesInside(_ boundary: ReadBoundary) {
    guard !ruleDirectories.isEmpty else { return }
    let nodes = ruleNodes
    var kept: [String] = []
    for (index, text) in ruleDirectories.enumerated() {
      let joined = text.hasPrefix("/") ? text : (root.hasSuffix("/") ? root : root + "/") + text
      let absolute = CatalogSourceConfiguration.standardized(joined)
      if boundary.containsResolving(absolute) == false {
        diagnostics.append(
          Diagnostic(
            code: "config.outside-root",
            message: "rules path '\(MessageText.shown(text, limit: 200))' resolves outside the root '\(root)'; it is not read",
            location: index < nodes.count ? nodes[index] : nil))
        continue
      }
      kept.append(text)
    }
    ruleDirectories = kept
  }

  /// Where each `rules:` entry was written, in order.
  private var ruleNodes: [SourceLocation] = []

  /// Reads a configuration from text (tests, `plumb init`).
  public static func parse(text: String, root: String) -> PlumbConfiguration {
    parse(YAMLLoader().load(text: text, path: fileName), root: root)
  }

  /// Reads a loaded `.plumb.yaml`.
  public static func parse(_ result: YAMLLoadResult, root: String) -> PlumbConfiguration {
    var configuration = PlumbConfiguration(root: root)
    configuration.source = result.source
    configuration.diagnostics = result.diagnostics
    guard let document = result.documents.first else { return configuration }
    var reader = ConfigurationReader()
    let top = document.root
    if top.kind == .scalar && top.isNull {
      // An empty file (or only comments): no settings.
    } else {
      reader.mapping(top, key: nil, known: sections.map(\.key)) { reader, key, value in
        guard let section = sections.first(where: { $0.key == key }) else { return false }
        section.read(&configuration, &reader, value)
        return true
      }
    }
    if result.documents.count > 1, let second = result.documents.dropFirst().first {
      reader.report("config.type", "\(fileName) holds one document; the ones after the first are not read", at: second.root)
    }
    configuration.diagnostics += reader.diagnostics
    return configuration
  }

  /// Why an `outputs:` entry's path may not be written, or nil. The file is the repository's, so
  /// its outputs stay inside the root: no absolute path, no `..`, no line breaks (symbolic links
  /// on the way are refused when the file is written).
  static func outputPathProblem(_ text: String) -> String? {
    guard let equals = text.firstIndex(of: "=") else { return nil }
    let path = text[text.index(after: equals)...]
    if path.isEmpty || path == "-" { return nil }
    if path.contains(where: { $0.isNewline || $0 == "\0" }) { return "holds a line break or NUL" }
    if path.hasPrefix("/") || path.hasPrefix("~") { return "names an absolute path; outputs in .plumb.yaml stay inside the root" }
    if path.split(separator: "/").contains("..") { return "leaves the root ('..'); outputs in .plumb.yaml stay inside the root" }
    return nil
  }

  /// One top-level key and how it is read. A new key is one more entry here.
  struct Section: Sendable {
    let key: String
    let read: @Sendable (inout PlumbConfiguration, inout ConfigurationReader, YAMLNode) -> Void
  }

  static let sections: [Section] = [
    Section(key: "repository") { configuration, reader, node in
      configuration.repository = reader.string(node, key: "repository")
    },
    Section(key: "rules") { configuration, reader, node in
      let entries = node.kind == .sequence ? node.elements.filter { $0.kind == .scalar && $0.scalarType == .string } : []
      configuration.ruleDirectories = reader.strings(node, key: "rules") ?? []
      configuration.ruleNodes = entries.map(\.location)
    },
    Section(key: "pack") { configuration, reader, node in
      configuration.pack = reader.string(node, key: "pack")
    },
    Section(key: "links") { configuration, reader, node in
      reader.mapping(node, key: "links", known: ["component_tags", "owner_tags"]) { reader, key, value in
        switch key {
        case "component_tags": configuration.componentTagKeys = reader.strings(value, key: key)
        case "owner_tags": configuration.ownerTagKeys = reader.strings(value, key: key)
        default: return false
        }
        return true
      }
    },
    Section(key: "catalog") { configuration, reader, node in
      configuration.catalog = CatalogSourceConfiguration.readList(node, root: configuration.root, reader: &reader)
    },
    Section(key: "rule_docs_base") { configuration, reader, node in
      configuration.ruleDocsBase = reader.linkBase(node, key: "rule_docs_base")
    },
    Section(key: "source_link_base") { configuration, reader, node in
      configuration.sourceLinkBase = reader.linkBase(node, key: "source_link_base")
    },
    Section(key: "exclude") { configuration, reader, node in
      guard let entries = reader.oneOrList(node, key: "exclude", what: "a pattern or a list of patterns") else { return }
      for entry in entries {
        guard let text = reader.nonEmptyString(entry, key: "exclude") else { continue }
        guard text.utf8.count <= ExclusionPattern.maximumLength else {
          reader.report("config.value", "'exclude' pattern longer than \(ExclusionPattern.maximumLength) bytes", at: entry)
          continue
        }
        guard !text.contains("\n"), !text.contains("\r") else {
          reader.report("config.value", "'exclude' pattern '\(MessageText.shown(text, limit: 200))' holds a line break", at: entry)
          continue
        }
        guard let pattern = ExclusionPattern(text) else {
          reader.report(
            "config.value", "'exclude' pattern '\(MessageText.shown(text, limit: 200))' matches nothing (a comment, '/' or '!')",
            at: entry)
          continue
        }
        configuration.excludePatterns.append(pattern)
      }
    },
    Section(key: "respect_gitignore") { configuration, reader, node in
      if let value = reader.bool(node, key: "respect_gitignore") { configuration.respectGitignore = value }
    },
    Section(key: "waivers") { configuration, reader, node in
      configuration.waiverFile = reader.nonEmptyString(node, key: "waivers")
    },
    Section(key: "fail_on") { configuration, reader, node in
      if let value = reader.nonEmptyString(node, key: "fail_on") { configuration.failOn = (value, node.location) }
    },
    Section(key: "outputs") { configuration, reader, node in
      guard let entries = reader.oneOrList(node, key: "outputs", what: "an output (FORMAT or FORMAT=PATH) or a list of them")
      else { return }
      for entry in entries {
        guard let text = reader.nonEmptyString(entry, key: "outputs") else { continue }
        if let problem = outputPathProblem(text) {
          reader.report("config.value", "'outputs' entry '\(MessageText.shown(text, limit: 200))' \(problem)", at: entry)
          continue
        }
        configuration.outputs.append((text, entry.location))
      }
    },
  ]
}
