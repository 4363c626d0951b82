import Foundation
import PlumbKit

// Regenerates, from rules/ and policies/: the embedded copy of the built-in policies, and the
// rule documentation pages in docs/rules/ (stale pages of removed rules are deleted).
let root = FileManager.default.currentDirectoryPath
let manager = FileManager.default
do {
  let generated = BuiltinPolicyGenerator.render(root: root)
  try generated.write(toFile: root + "/" + BuiltinPolicyGenerator.outputPath, atomically: true, encoding: .utf8)
  let pages = BuiltinPolicyGenerator.documentation(root: root)
  let folder = root + "/" + BuiltinPolicyGenerator.docsFolder
  try manager.createDirectory(atPath: folder, withIntermediateDirectories: true)
  for old in (try? manager.contentsOfDirectory(atPath: folder)) ?? [] where old.hasSuffix(".md") {
    if pages[BuiltinPolicyGenerator.docsFolder + "/" + old] == nil { try manager.removeItem(atPath: folder + "/" + old) }
  }
  for (path, text) in pages { try text.write(toFile: root + "/" + path, atomically: true, encoding: .utf8) }
  print("wrote \(BuiltinPolicyGenerator.outputPath) (\(BuiltinPolicyGenerator.policyFiles(root: root).count) policy files) and \(pages.count) pages in \(BuiltinPolicyGenerator.docsFolder)")
} catch {
  FileHandle.standardError.write(Data("plumb-generate: \(error)\n".utf8))
  exit(1)
}
