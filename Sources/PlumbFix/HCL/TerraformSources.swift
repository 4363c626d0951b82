import Foundation
import PlumbFiles
import PlumbGraph
import PlumbYAML

/// A resource block found in the Terraform source.
public struct TerraformBlockLocation: Sendable {
  /// The `.tf` file, absolute.
  public var absolutePath: String
  /// The module directory, absolute.
  public var directory: String
  /// The scanned file.
  public var file: HCLFile
  /// The `resource` (or `data`) block.
  public var block: HCLBlock
  /// What the user should know (count/for_each, shared modules).
  public var notes: [String]
}

/// Finds the `.tf` source of a plan's resource instance: the root module is the directory holding
/// the plan (or `--tf-root`); a resource in `module.a.module.b` lives in the directory of call `b`
/// inside the directory of call `a`, from the plan's `configuration.…module_calls[].source` (or, in
/// plans without configuration, the `module` blocks of the source). Only local sources (`./…`,
/// `../…`) are followed, and only inside the root or the root module's directory (the plan's, or
/// `--tf-root`: the user's choice): a module source is written by whoever opens a pull request,
/// so one that resolves elsewhere is refused before anything there is read. `.tf` files are read
/// through ``readFile(path:displayPath:limit:within:)`` (regular files inside that boundary).
public final class TerraformSources: @unchecked Sendable {
  let root: String
  let terraformRoot: String?
  private var plans: [String: YAMLNode?] = [:]
  private var scanned: [String: Result<HCLFile, TerraformSourceProblem>] = [:]
  private let lock = NSLock()

  /// The largest `.tf` file read, in bytes.
  public static let maxFileBytes = 64 << 20

  /// - Parameters:
  ///   - root: the ingest root (plan paths are relative to it).
  ///   - terraformRoot: the root module's directory, when not the plan's.
  public init(root: String, terraformRoot: String?) {
    self.root = root
    self.terraformRoot = terraformRoot.map { IngestPath.absolute($0) }
  }

  func configuration(_ planPath: String) -> YAMLNode? {
    lock.lock()
    defer { lock.unlock() }
    if let cached = plans[planPath] { return cached }
    let loaded = YAMLLoader().load(path: planPath)
    let node = loaded.documents.first?.root["configuration"]?["root_module"]
    plans[planPath] = node
    return node
  }

  /// The scanned file (cached), or why it could not be read or scanned; `bytes` replaces what is
  /// on disk (verification). The file must resolve inside `boundary`.
  public func scan(_ path: String, bytes: [UInt8]? = nil, within boundary: ReadBoundary) -> Result<HCLFile, TerraformSourceProblem> {
    if let bytes { return Self.parse(bytes) }
    lock.lock()
    defer { lock.unlock() }
    if let cached = scanned[path] { return cached }
    let result = readFile(path: path, displayPath: display(path), limit: Self.maxFileBytes, within: boundary)
      .mapError { TerraformSourceProblem.unreadable($0.reason) }.flatMap(Self.parse)
    scanned[path] = result
    return result
  }

  private static func parse(_ bytes: [UInt8]) -> Result<HCLFile, TerraformSourceProblem> {
    Result { try HCLFile(bytes: bytes) }.mapError { .unscannable(($0 as? HCLError)?.description ?? "\($0)") }
  }

  /// The block of `entity` (a `terraform.resource` or `terraform.data`).
  public func locate(_ entity: Entity, overlay: [String: [UInt8]] = [:]) throws -> TerraformBlockLocation {
    let attributes = entity.attributes
    guard let type = attributes["type"].string, let name = attributes["name"].string else {
      throw FixRefusal("the resource's type and name are not known")
    }
    let keyword = attributes["mode"].string == "data" ? "data" : "resource"
    let planPath = IngestPath.absolute(entity.location.path, root: root)
    var directory = terraformRoot ?? (planPath as NSString).deletingLastPathComponent
    let boundary = ReadBoundary(root: root, also: [directory])
    var module = configuration(planPath)
    var notes: [String] = []
    let calls = attributes["module_path"].elements.compactMap(\.string)
    for call in calls {
      var source = module?["module_calls"]?[call]?["source"]?.string
      if source == nil { source = moduleSource(call, in: directory, within: boundary) }
      guard let source else {
        throw FixRefusal("cannot find the source of module '\(call)' (no module_calls in the plan, no module \"\(call)\" block in \(display(directory)))")
      }
      guard source.hasPrefix("./") || source.hasPrefix("../") || source == "." else {
        throw FixRefusal("'\(entity.name)' is defined in module '\(call)' from '\(source)', which is not a local directory: fix it there")
      }
      directory = IngestPath.standardize(directory + "/" + source)
      if let real = try? realPath(directory).get(), !boundary.contains(realPath: real) {
        throw FixRefusal(
          "module '\(call)' comes from '\(source)', which resolves to '\(real)', outside the root '\(root)': it is not read")
      }
      module = module?["module_calls"]?[call]?["module"]
    }
    if !calls.isEmpty {
      notes.append("the edit is in module '\(calls.joined(separator: "."))' (\(display(directory))): it changes every use of that module")
    }
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else {
      throw FixRefusal("cannot read the module directory \(display(directory))")
    }
    var found: [(String, HCLFile, HCLBlock)] = []
    var problems: [String] = []
    for file in names.filter({ $0.hasSuffix(".tf") }).sorted() {
      let path = directory + "/" + file
      switch scan(path, bytes: overlay[path], within: boundary) {
      case .success(let hcl):
        for block in hcl.blocks(keyword, [type, name]) { found.append((path, hcl, block)) }
      case .failure(.unreadable(let reason)):
        // The block could be in the file that cannot be read: nothing in the module is edited.
        throw FixRefusal("cannot read \(display(path)): \(reason)")
      case .failure(let problem):
        problems.append("\(display(path)): \(problem)")
      }
    }
    guard found.count == 1, let (path, file, block) = found.first else {
      if found.count > 1 {
        throw FixRefusal("'\(keyword) \"\(type)\" \"\(name)\"' is defined \(found.count) times in \(display(directory))")
      }
      let hint = problems.isEmpty ? "" : " (could not read: \(problems.joined(separator: "; ")))"
      let json = names.contains { $0.hasSuffix(".tf.json") } ? " (.tf.json files are not edited)" : ""
      throw FixRefusal("no '\(keyword) \"\(type)\" \"\(name)\"' block in \(display(directory))/*.tf\(hint)\(json)")
    }
    if block.attribute("count") != nil || block.attribute("for_each") != nil {
      notes.append("'\(type).\(name)' has count/for_each: the edit applies to every instance")
    }
    return TerraformBlockLocation(absolutePath: path, directory: directory, file: file, block: block, notes: notes)
  }

  /// A `module "call"` block's literal `source` in the `.tf` files of `directory`.
  func moduleSource(_ call: String, in directory: String, within boundary: ReadBoundary) -> String? {
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return nil }
    for file in names.filter({ $0.hasSuffix(".tf") }).sorted() {
      guard case .success(let hcl) = scan(directory + "/" + file, within: boundary) else { continue }
      for block in hcl.blocks("module", [call]) {
        if let source = block.attribute("source"),
          case .string(let text)? = HCLValue.literal(Lines(hcl.bytes).text(source.expression))
        {
          return text
        }
      }
    }
    return nil
  }

  func display(_ path: String) -> String { IngestPath.relative(path, root: root) }
}

/// Why a `.tf` file gave no scan.
public enum TerraformSourceProblem: Error, Sendable, Equatable, CustomStringConvertible {
  /// It could not be read (``readFile(path:displayPath:limit:within:)``'s reason).
  case unreadable(String)
  /// The HCL scanner stopped (a construct it does not know).
  case unscannable(String)

  public var description: String {
    switch self {
    case .unreadable(let reason): "cannot read: " + reason
    case .unscannable(let reason): reason
    }
  }
}

/// Path helpers (absolute, standardised, relative to a root).
enum IngestPath {
  static func standardize(_ path: String) -> String {
    URL(fileURLWithPath: path).standardizedFileURL.path
  }

  static func absolute(_ path: String, root: String? = nil) -> String {
    if path.hasPrefix("/") { return standardize(path) }
    let base = root ?? FileManager.default.currentDirectoryPath
    return standardize(base + "/" + path)
  }

  static func relative(_ path: String, root: String) -> String {
    let prefix = root.hasSuffix("/") ? root : root + "/"
    return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path
  }
}
