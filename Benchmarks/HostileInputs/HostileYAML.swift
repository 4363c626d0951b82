@_spi(HostileInputs) import PlumbYAML

/// Generators of hostile YAML: small inputs shaped to make loading or checking cost more than
/// their size, for the tests and benchmarks that show Plumb's cost stays bounded
/// (docs/yaml-loader.md, "Limits"). Deterministic: the same arguments give the same bytes.
public enum HostileYAML {
  /// `count` distinct keys (`key-` and six base-32 digits) crafted against the loader's key table
  /// (``LoaderKeyHash``): in the table of a mapping of `count` keys, every one starts probing in
  /// its first sixteenth. With linear probing, each insertion then walks the whole cluster built
  /// so far (quadratic, 80 s for 300,000 keys when nothing bounds it), while keys of the same
  /// shape taken in order (``ordinaryKeys(count:)``) spread over the table.
  ///
  /// The weakness: the hash is unkeyed, and a table slot is its low bits, so filtering candidates
  /// by those bits finds such keys with one hash per sixteen candidates.
  public static func collidingKeys(count: Int) -> [String] {
    let size = LoaderKeyHash.tableSize(keyCount: count)
    let window = max(1, size >> 4)
    var keys: [String] = []
    keys.reserveCapacity(count)
    var candidate = 0
    var bytes = [UInt8](repeating: 0, count: 10)
    while keys.count < count {
      writeKey(candidate, into: &bytes)
      candidate += 1
      let slot = bytes.withUnsafeBufferPointer {
        LoaderKeyHash.homeSlot(hash: LoaderKeyHash.hash($0), tableSize: size)
      }
      if slot < window { keys.append(String(decoding: bytes, as: UTF8.self)) }
    }
    return keys
  }

  /// `count` keys of the same shape as ``collidingKeys(count:)``, in order (`key-000000`, …).
  public static func ordinaryKeys(count: Int) -> [String] {
    var bytes = [UInt8](repeating: 0, count: 10)
    return (0..<count).map { index in
      writeKey(index, into: &bytes)
      return String(decoding: bytes, as: UTF8.self)
    }
  }

  /// One block mapping with these keys, each with the value 1 (`key: 1` lines, indented by
  /// `indent` spaces).
  public static func mapping(keys: [String], indent: Int = 0) -> String {
    let prefix = String(repeating: " ", count: indent)
    var text = ""
    text.reserveCapacity(keys.count * (keys.first.map { $0.utf8.count + indent + 4 } ?? 0))
    for key in keys { text += prefix + key + ": 1\n" }
    return text
  }

  /// A mapping of `count` ordinary keys anchored as `base`, and a mapping `merged` that merges it
  /// (`<<: *base`) beside one explicit key that the merge must not override. With `nested`, a
  /// second level: `middle` merges `base` and adds a key, and `merged` merges `middle`.
  public static func mergeOverKeys(count: Int, nested: Bool = false) -> String {
    var text = "base: &base\n" + mapping(keys: ordinaryKeys(count: count), indent: 2)
    if nested {
      text += "middle: &middle\n  <<: *base\n  only-in-middle: 2\n"
      text += "merged:\n  <<: *middle\n  key-000000: explicit\n"
    } else {
      text += "merged:\n  <<: *base\n  key-000000: explicit\n"
    }
    return text
  }

  /// A GitHub Actions workflow with one job: its first step runs a script of about `scriptBytes`
  /// bytes, anchored as `script`, and `steps` more steps run the same script through `*script`
  /// (each alias names the whole script: 25,000 steps of a 1 MB script name 25 GB of text).
  public static func aliasedScriptWorkflow(scriptBytes: Int, steps: Int) -> String {
    var text = "name: aliased\non: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n"
    text += "      - run: &script |\n"
    var written = 0
    var line = 0
    while written < scriptBytes {
      let command = "echo \"line \(line) of a long build script\"\n"
      text += "          " + command
      written += command.utf8.count
      line += 1
    }
    for _ in 0..<steps { text += "      - run: *script\n" }
    return text
  }

  /// A plain scalar of `bytes` bytes anchored as `big`, then a flow sequence of `aliases` aliases
  /// of it.
  public static func aliasedScalar(bytes: Int, aliases: Int) -> String {
    "big: &big " + String(repeating: "x", count: bytes) + "\nuses: ["
      + Array(repeating: "*big", count: aliases).joined(separator: ", ") + "]\n"
  }

  /// Writes `key-` and `index` in six base-32 digits (most significant first) into `bytes`.
  private static func writeKey(_ index: Int, into bytes: inout [UInt8]) {
    let digits = Array("0123456789abcdefghijklmnopqrstuv".utf8)
    bytes[0] = UInt8(ascii: "k")
    bytes[1] = UInt8(ascii: "e")
    bytes[2] = UInt8(ascii: "y")
    bytes[3] = UInt8(ascii: "-")
    var value = index
    for position in stride(from: 9, through: 4, by: -1) {
      bytes[position] = digits[value & 31]
      value >>= 5
    }
  }
}
