import Foundation
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
/// `../…`) are followed.
public final class TerraformSources: @unchecked Sendable {
  let root: String
  let terraformRoot: String?
  private var plans: [String: YAMLNode?] = [:]
  private var scanned: [String: Result<HCLFile, HCLError>] = [:]
  private let lock = NSLock()

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

  /// The scanned file (cached); `bytes` replaces what is on disk (verification).
  public func scan(_ path: String, bytes: [UInt8]? = nil) -> Result<HCLFile, HCLError>? {
    if let bytes { return Result { try HCLFile(bytes: bytes) }.mapError { $0 as! HCLError } }
    lock.lock()
    defer { lock.unlock() }
    if let cached = scanned[path] { return cached }
    guard let data = FileManager.default.contents(atPath: path) else { return nil }
    let result = Result { try HCLFile(bytes: [UInt8](data)) }.mapError { $0 as! HCLError }
    scanned[path] = result
    return result
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
    var module = configuration(planPath)
    var notes: [String] = []
    let calls = attributes["module_path"].elements.compactMap(\.string)
    try requireReadable(directory, what: "the root module's directory")
    for call in calls {
      var source = module?["module_calls"]?[call]?["source"]?.string
      if source == nil { source = moduleSource(call, in: directory) }
      guard let source else {
        throw FixRefusal("cannot find the source of module '\(call)' (no module_calls in the plan, no module \"\(call)\" block in \(display(directory)))")
      }
      guard source.hasPrefix("./") || source.hasPrefix("../") || source == "." else {
        throw FixRefusal("'\(entity.name)' is defined in module '\(call)' from '\(source)', which is not a local directory: fix it there")
      }
      directory = IngestPath.standardize(directory + "/" + source)
      try requireReadable(directory, what: "module '\(call)' (source '\(source)')")
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
      if overlay[path] == nil, let problem = Self.notRegular(path) {
        problems.append("\(display(path)): \(problem)")
        continue
      }
      switch scan(path, bytes: overlay[path]) {
      case .success(let hcl)?:
        for block in hcl.blocks(keyword, [type, name]) { found.append((path, hcl, block)) }
      case .failure(let error)?:
        problems.append("\(display(path)): \(error)")
      case nil:
        problems.append("\(display(path)): unreadable")
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

  /// Refuses a directory outside the repository root (and outside `--tf-root`, which the user
  /// named): a module source in a plan (`../../../home/runner`) must not make Plumb read, and
  /// print in a diff, files the pull request does not hold. Symbolic links are resolved first.
  func requireReadable(_ directory: String, what: String) throws {
    let resolved = Self.resolved(directory)
    let allowed = [root] + (terraformRoot.map { [$0] } ?? [])
    guard allowed.map(Self.resolved).contains(where: { resolved == $0 || resolved.hasPrefix($0 == "/" ? "/" : $0 + "/") }) else {
      throw FixRefusal("\(what) is \(display(directory)), outside the repository root: Plumb does not read it")
    }
  }

  /// `path` with every symbolic link resolved (itself when it cannot be resolved).
  static func resolved(_ path: String) -> String {
    guard let real = realpath(path, nil) else { return IngestPath.standardize(path) }
    defer { free(real) }
    return String(cString: real)
  }

  /// Why the `.tf` file at `path` is not read (a symbolic link, a FIFO, a device), or nil for a
  /// regular file.
  static func notRegular(_ path: String) -> String? {
    var info = stat()
    guard lstat(path, &info) == 0 else { return "unreadable" }
    switch info.st_mode & S_IFMT {
    case S_IFREG: return nil
    case S_IFLNK: return "a symbolic link: not read"
    default: return "not a regular file: not read"
    }
  }

  /// A `module "call"` block's literal `source` in the `.tf` files of `directory`.
  func moduleSource(_ call: String, in directory: String) -> String? {
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return nil }
    for file in names.filter({ $0.hasSuffix(".tf") }).sorted() where Self.notRegular(directory + "/" + file) == nil {
      guard case .success(let hcl)? = scan(directory + "/" + file) else { continue }
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
