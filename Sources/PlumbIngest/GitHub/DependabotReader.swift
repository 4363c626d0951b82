import PlumbDiagnostics
import PlumbGraph
import PlumbYAML

extension GitHubFileReader {
  /// Reads a Dependabot configuration (`.github/dependabot.yml`) into a `github.dependabot` entity,
  /// one `github.dependabot_update` per entry of `updates` and one `github.dependabot_registry` per
  /// private registry, validating what GitHub would reject.
  ///
  /// Attributes are the file's own keys (so fixes can edit them), plus `file`, an update's `index`,
  /// `ecosystem` (lower-cased) and `cooldown_days` (the `default-days` it sets, or null), and a
  /// registry's `id`.
  mutating func readDependabot(_ input: LoadedInput) {
    guard let root = singleMappingRoot(input, kind: "dependabot", article: "a") else { return }
    let configID = EntityID("github:" + path)
    var attributes = ValueMap()
    var updates: YAMLNode?
    var registries: YAMLNode?
    var version: YAMLNode?
    for pair in root.pairs {
      let key = Self.keyText(pair.key)
      attributes[key] = .yaml(pair.value)
      checkKey(pair.key, key, known: Self.dependabotKeys, section: "the Dependabot configuration")
      switch key {
      case "version": version = pair.value
      case "updates": updates = pair.value
      case "registries": registries = pair.value
      default: break
      }
    }
    attributes["file"] = .string(path)
    entities.append(
      Entity(
        id: configID, kind: EntityKinds.githubDependabot, type: nil, name: path, location: root.location,
        attributes: .map(attributes)))

    if let version {
      if !(version.kind == .scalar && version.string == "2") {
        diagnose(
          "dependabot-invalid-version", "Dependabot reads only 'version: 2', not '\(Self.summary(version.rawText))'",
          at: version.location)
      }
    } else {
      diagnose("dependabot-missing-version", "the Dependabot configuration has no 'version: 2'", at: root.location)
    }

    let registryNames = readRegistries(registries, config: configID)
    guard let updates else {
      diagnose("dependabot-missing-updates", "the Dependabot configuration has no 'updates'", at: root.location)
      return
    }
    guard updates.kind == .sequence else {
      diagnose("dependabot-invalid-updates", "'updates' must be a list of update entries", at: updates.location)
      return
    }
    var registryLinks = 0
    for (index, entry) in updates.elements.enumerated() {
      readUpdate(entry, index: index, config: configID, registries: registryNames, links: &registryLinks)
    }
  }

  /// The most update-to-registry edges one file may create (`registries: "*"` on every entry of
  /// a file with many registries would otherwise grow with their product).
  static let maximumRegistryLinks = 100_000

  /// Reads `registries`: one entity per named registry. Returns the names defined.
  private mutating func readRegistries(_ node: YAMLNode?, config: EntityID) -> Set<String> {
    guard let node, !node.isNull else { return [] }
    guard node.kind == .mapping else {
      diagnose("dependabot-invalid-registries", "'registries' must be a mapping of registry names", at: node.location)
      return []
    }
    var names = Set<String>()
    for pair in node.pairs {
      let name = Self.keyText(pair.key)
      guard pair.value.kind == .mapping else {
        diagnose(
          "dependabot-invalid-registry", "registry '\(name)' must be a mapping with 'type' and 'url'",
          at: pair.value.location)
        continue
      }
      names.insert(name)
      var attributes = ValueMap()
      for entry in pair.value.pairs {
        let key = Self.keyText(entry.key)
        attributes[key] = .yaml(entry.value)
        checkKey(entry.key, key, known: Self.registryKeys, section: "registry '\(name)'")
      }
      attributes["id"] = .located(.string(name), pair.key.location)
      attributes["file"] = .string(path)
      if let type = pair.value["type"] {
        if let text = type.string, type.kind == .scalar {
          if !Self.registryTypes.contains(text) {
            diagnose(
              "dependabot-unknown-registry-type", "registry '\(name)' has type '\(text)', which Dependabot does not know",
              at: type.location, severity: .warning)
          }
        } else {
          diagnose("dependabot-invalid-registry", "registry '\(name)': 'type' must be a string", at: type.location)
        }
      } else {
        diagnose("dependabot-invalid-registry", "registry '\(name)' has no 'type'", at: pair.key.location)
      }
      let id = EntityID("github:\(path)#registries.\(name)")
      entities.append(
        Entity(
          id: id, kind: EntityKinds.githubDependabotRegistry, type: pair.value["type"]?.string, name: name,
          location: pair.value.location, attributes: .map(attributes)))
      connect(id, "inDependabot", config, at: pair.key.location)
    }
    return names
  }

  /// Reads one entry of `updates`.
  private mutating func readUpdate(
    _ entry: YAMLNode, index: Int, config: EntityID, registries: Set<String>, links: inout Int
  ) {
    guard entry.kind == .mapping else {
      diagnose("dependabot-invalid-update", "each entry of 'updates' must be a mapping", at: entry.location)
      return
    }
    var attributes = ValueMap()
    for pair in entry.pairs {
      let key = Self.keyText(pair.key)
      attributes[key] = .yaml(pair.value)
      checkKey(pair.key, key, known: Self.updateKeys, section: "an entry of 'updates'")
    }
    attributes["index"] = .int(index)
    attributes["file"] = .string(path)

    var ecosystem: String?
    if let node = entry["package-ecosystem"] {
      if node.kind == .scalar, !node.isNull, let text = node.string {
        ecosystem = text.lowercased()
        attributes["ecosystem"] = .located(.string(text.lowercased()), node.location)
        if !Self.ecosystems.contains(text.lowercased()) {
          diagnose(
            "dependabot-unknown-ecosystem", "package ecosystem '\(text)' is not one Dependabot knows",
            at: node.location, severity: .warning)
        }
      } else {
        diagnose("dependabot-invalid-update", "'package-ecosystem' must be a string", at: node.location)
      }
    } else {
      diagnose("dependabot-invalid-update", "the update entry has no 'package-ecosystem'", at: entry.location)
    }
    if entry["directory"] == nil && entry["directories"] == nil {
      diagnose(
        "dependabot-invalid-update", "the update entry has neither 'directory' nor 'directories'", at: entry.location)
    }
    checkSchedule(entry)
    attributes["cooldown_days"] = checkCooldown(entry["cooldown"])
    if let node = entry["insecure-external-code-execution"] {
      if !(node.kind == .scalar && ["allow", "deny"].contains(node.string ?? "")) {
        diagnose(
          "dependabot-invalid-update",
          "'insecure-external-code-execution' is 'allow' or 'deny', not '\(Self.summary(node.rawText))'",
          at: node.location)
      }
    }

    let id = EntityID("github:\(path)#updates[\(index)]")
    let directories = entry["directory"]?.string.map { [$0] }
      ?? entry["directories"]?.elements.compactMap(\.string) ?? []
    entities.append(
      Entity(
        id: id, kind: EntityKinds.githubDependabotUpdate, type: ecosystem,
        name: directories.isEmpty ? "?" : directories.joined(separator: ", "), location: entry.location, attributes: .map(attributes)))
    connect(id, "inDependabot", config, at: entry.location)
    linkRegistries(entry["registries"], from: id, defined: registries, links: &links)
  }

  /// `schedule.interval` is required unless the entry belongs to a multi-ecosystem group.
  private mutating func checkSchedule(_ entry: YAMLNode) {
    guard let schedule = entry["schedule"] else {
      if entry["multi-ecosystem-group"] == nil {
        diagnose("dependabot-invalid-update", "the update entry has no 'schedule'", at: entry.location)
      }
      return
    }
    guard schedule.kind == .mapping else {
      diagnose("dependabot-invalid-update", "'schedule' must be a mapping with 'interval'", at: schedule.location)
      return
    }
    guard let interval = schedule["interval"] else {
      diagnose("dependabot-invalid-update", "'schedule' has no 'interval'", at: schedule.location)
      return
    }
    if !(interval.kind == .scalar && Self.intervals.contains(interval.string ?? "")) {
      diagnose(
        "dependabot-invalid-update",
        "'schedule.interval' is one of \(Self.intervals.sorted().joined(separator: ", ")), not "
          + "'\(Self.summary(interval.rawText))'",
        at: interval.location)
    }
  }

  /// Validates `cooldown` (days are integers from 1 to 90) and returns its `default-days`, or null.
  private mutating func checkCooldown(_ node: YAMLNode?) -> Value {
    guard let node, !node.isNull else { return .null }
    guard node.kind == .mapping else {
      diagnose("dependabot-invalid-cooldown", "'cooldown' must be a mapping", at: node.location)
      return .null
    }
    var defaultDays: Value = .null
    for pair in node.pairs {
      let key = Self.keyText(pair.key)
      guard key.hasSuffix("-days") else {
        checkKey(pair.key, key, known: ["include", "exclude"], section: "'cooldown'")
        continue
      }
      checkKey(pair.key, key, known: Self.cooldownDayKeys, section: "'cooldown'")
      guard pair.value.kind == .scalar, let text = pair.value.string, let days = Int(text), (1...90).contains(days)
      else {
        diagnose(
          "dependabot-invalid-cooldown",
          "'\(key)' is a whole number of days from 1 to 90, not '\(Self.summary(pair.value.rawText))'",
          at: pair.value.location)
        continue
      }
      if key == "default-days" { defaultDays = .located(.int(days), pair.value.location) }
    }
    return defaultDays
  }

  /// Connects an update to the registries it names (`registries: "*"` names them all).
  private mutating func linkRegistries(
    _ node: YAMLNode?, from update: EntityID, defined: Set<String>, links: inout Int
  ) {
    guard let node, !node.isNull else { return }
    let all = node.kind == .scalar && node.string == "*"
    guard all || node.kind == .sequence else {
      diagnose("dependabot-invalid-update", "'registries' is \"*\" or a list of registry names", at: node.location)
      return
    }
    // Counted before anything is built, and reported once.
    guard links <= Self.maximumRegistryLinks else { return }
    let count = all ? defined.count : node.count
    guard links + count <= Self.maximumRegistryLinks else {
      diagnose(
        "dependabot-too-many-registry-links",
        "the update entries name registries more than \(Self.maximumRegistryLinks) times; the rest are not linked",
        at: node.location)
      links = Self.maximumRegistryLinks + 1
      return
    }
    links += count
    let names: [(String, SourceLocation)] =
      all
      ? defined.sorted().map { ($0, node.location) }
      : node.elements.compactMap { item in item.string.map { ($0, item.location) } }
    for (name, location) in names {
      guard defined.contains(name) else {
        diagnose(
          "dependabot-unknown-registry", "registry '\(name)' is not defined in the top-level 'registries'",
          at: location)
        continue
      }
      connect(update, "usesRegistry", EntityID("github:\(path)#registries.\(name)"), at: location)
    }
  }

  static let dependabotKeys: Set<String> = [
    "version", "updates", "registries", "enable-beta-ecosystems", "multi-ecosystem-groups",
  ]
  static let updateKeys: Set<String> = [
    "package-ecosystem", "directory", "directories", "schedule", "allow", "assignees", "commit-message", "cooldown",
    "exclude-paths", "groups", "ignore", "insecure-external-code-execution", "labels", "milestone",
    "multi-ecosystem-group", "open-pull-requests-limit", "patterns", "pull-request-branch-name", "rebase-strategy",
    "registries", "reviewers", "target-branch", "vendor", "versioning-strategy", "enable-beta-ecosystems",
  ]
  static let registryKeys: Set<String> = [
    "type", "url", "username", "password", "key", "token", "replaces-base", "organization", "repo", "auth-key",
    "public-key-fingerprint", "tenant-id", "client-id", "aws-region", "account-id", "role-name", "domain",
    "domain-owner", "jfrog-oidc-provider-name", "identity-mapping-name", "audience", "registry",
  ]
  static let registryTypes: Set<String> = [
    "cargo-registry", "composer-repository", "docker-registry", "git", "goproxy-server", "helm-registry",
    "hex-organization", "hex-repository", "maven-repository", "npm-registry", "nuget-feed", "pub-repository",
    "python-index", "rubygems-server", "terraform-registry",
  ]
  static let ecosystems: Set<String> = [
    "bazel", "bun", "bundler", "cargo", "composer", "conda", "devcontainers", "docker", "docker-compose",
    "dotnet-sdk", "elm", "github-actions", "gitsubmodule", "gomod", "gradle", "helm", "julia", "maven", "mix", "npm",
    "nuget", "opentofu", "pip", "pre-commit", "pub", "rust-toolchain", "swift", "terraform", "uv", "vcpkg", "yarn",
  ]
  static let intervals: Set<String> = ["daily", "weekly", "monthly", "quarterly", "semiannually", "yearly", "cron"]
  static let cooldownDayKeys: Set<String> = ["default-days", "semver-major-days", "semver-minor-days", "semver-patch-days"]
}
