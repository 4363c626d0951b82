import Foundation
import PlumbKit

// Regenerates the embedded built-in rules (and, later, the rule docs) from rules/ and policies/.
let root = FileManager.default.currentDirectoryPath
let generated = BuiltinPolicyGenerator.render(root: root)
let output = root + "/" + BuiltinPolicyGenerator.outputPath
do {
  try generated.write(toFile: output, atomically: true, encoding: .utf8)
  print("wrote \(BuiltinPolicyGenerator.outputPath) (\(BuiltinPolicyGenerator.policyFiles(root: root).count) policy files)")
} catch {
  FileHandle.standardError.write(Data("plumb-generate: cannot write \(output): \(error)\n".utf8))
  exit(1)
}
