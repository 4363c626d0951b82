// The organisation as many repositories around one central catalog (issue 14, part 4): the same
// synthetic organisation as the single-tree benchmark, laid out the way a platform team has it.
//
//   DIR/central/                  the central catalog repository: the root Location, org-wide
//                                 files (domains, systems, groups, users, resources), Location files,
//                                 and every repository's catalog-info.yaml as registered there
//                                 (10,000 entities at full size)
//   DIR/repos/NAME/               one repository: its catalog-info.yaml (the same text the central
//                                 catalog registers: the usual overlap), its GitHub workflows (and
//                                 sometimes a GitLab pipeline) and its Terraform plan
//
// Every repository's components name owners, systems and domains that only the central catalog
// defines, so a repository checked without context has dangling references.

import BenchmarkSupport
import Foundation

/// The sizes for `count` repositories: at 1,000, about 10,000 catalog entities, 50,000 Terraform
/// resource instances in one plan per repository, and 3,000 workflows.
func repositorySizes(_ count: Int) -> Sizes {
  var sizes = Sizes().scaled(Double(count) / 1000)
  sizes.repositories = count
  sizes.workflows = max(count, count * 3)
  sizes.terraformResources = max(count, count * 50)
  sizes.terraformPlans = count
  return sizes
}

/// Bumped whenever the layout or a generator changes, so stale data is regenerated.
let repositoriesLayoutVersion = 2

/// The generated organisation of `count` repositories.
struct RepositoriesLayout {
  var directory: String
  var central: String { directory + "/central" }
  var repositories: [String]
  var summary: String

  func repositoryPath(_ name: String) -> String { directory + "/repos/" + name }
}

/// The organisation for these options, generated unless it is already there.
///
/// Generation runs in a child process (`--mode store-generate`) when `inChild` is set, so that the
/// measuring parent stays small: on Linux a spawned child's `ru_maxrss` starts at its parent's.
func ensureRepositories(_ options: Options, count: Int) throws -> RepositoriesLayout {
  let directory = options.dataDir + "/" + String(format: "repos-g%d-l%d-s%llx-r%d", generatorVersion, repositoriesLayoutVersion, options.seed, count)
  let marker = directory + "/.generated"
  func load() -> RepositoriesLayout? {
    guard let text = try? String(contentsOfFile: marker, encoding: .utf8) else { return nil }
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    guard lines.count >= 2 else { return nil }
    return RepositoriesLayout(
      directory: directory, repositories: lines[1].split(separator: " ").map(String.init), summary: lines[0])
  }
  if !options.regenerate, let layout = load() { return layout }
  try? FileManager.default.removeItem(atPath: directory)
  try writeRepositories(directory: directory, count: count, seed: options.seed)
  guard let layout = load() else { throw BenchError.io("no \(marker) after generating") }
  return layout
}

/// Writes the organisation of `count` repositories into `directory`, then its marker (the summary
/// line, then the repository names).
func writeRepositories(directory: String, count: Int, seed: UInt64) throws {
  let manager = FileManager.default
  let started = now()
  FileHandle.standardError.write("generating \(count) repositories into \(directory)...\n".data(using: .utf8)!)
  let sizes = repositorySizes(count)
  var random = SeededRandom(seed: seed)
  let org = Organisation(sizes: sizes, random: &random)

  var totals: [String: (files: Int, bytes: Int)] = [:]
  func write(_ relative: String, _ bytes: [UInt8], kind: String) throws {
    let path = directory + "/" + relative
    try manager.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    guard manager.createFile(atPath: path, contents: Data(bytes)) else { throw BenchError.io("cannot write \(path)") }
    totals[kind, default: (0, 0)].files += 1
    totals[kind, default: (0, 0)].bytes += bytes.count
  }

  var catalog = CatalogWriter(org: org, seed: random.next())
  for (path, text) in catalog.write() {
    try write("central/" + path, Array(text.utf8), kind: "central")
    // A repository's own catalog-info.yaml, as the central catalog registers it.
    if path.hasPrefix("repos/") { try write(path, Array(text.utf8), kind: "catalog-info") }
  }
  var pipelines = PipelineWriter(org: org, seed: random.next())
  for (path, text) in pipelines.write() {
    // A GitLab `include: local:` is relative to the repository's root, which is now `repos/NAME`.
    let parts = path.split(separator: "/", maxSplits: 2)
    let local = parts.count == 3 ? text.replacingOccurrences(of: "local: repos/\(parts[1])/", with: "local: ") : text
    try write(path, Array(local.utf8), kind: path.contains(".github/") ? "github" : "gitlab")
  }
  var terraform = TerraformWriter(org: org, seed: random.next(), includePlannedValues: false)
  var resources = 0
  for (number, plan) in terraform.write().enumerated() {
    // One plan per repository ("infra/STACK/plan.tfplan.json" inside it).
    let repository = org.repositories[number % org.repositories.count].name
    try write("repos/" + repository + "/" + plan.path, plan.bytes, kind: "terraform")
    resources += plan.resources
  }
  func mb(_ bytes: Int) -> String { String(format: "%.1f MB", Double(bytes) / 1e6) }
  func part(_ kind: String) -> (files: Int, bytes: Int) { totals[kind] ?? (0, 0) }
  let summary =
    "\(org.repositories.count) repositories; central catalog: \(part("central").files) files, "
    + "\(sizes.catalogEntities) entities, \(mb(part("central").bytes)); in the repositories: "
    + "\(part("catalog-info").files) catalog-info.yaml (\(sizes.components) components, \(sizes.apis) APIs), "
    + "\(part("terraform").files) Terraform plans with \(resources) resource instances (\(mb(part("terraform").bytes))), "
    + "\(part("github").files) GitHub workflows (\(mb(part("github").bytes))), "
    + "\(part("gitlab").files) GitLab files"
  let names = org.repositories.map(\.name).joined(separator: " ")
  try (summary + "\n" + names + "\n").write(toFile: directory + "/.generated", atomically: true, encoding: .utf8)
  FileHandle.standardError.write(String(format: "generated in %.1f s: %@\n", now() - started, summary).data(using: .utf8)!)
}
