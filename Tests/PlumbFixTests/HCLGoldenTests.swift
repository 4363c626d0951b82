import Foundation
import PlumbFix
import PlumbPolicy
import Testing

/// Golden before/after pairs in fixtures/fixes/hcl: HCL edits on one resource block.
struct HCLGoldenTests {
  static let directory = fixesFixtures.appendingPathComponent("hcl")

  static var specs: [[String: Any]] {
    guard let data = try? Data(contentsOf: directory.appendingPathComponent("cases.json")),
      let list = try? JSONSerialization.jsonObject(with: data) as? [[String: Any]]
    else { return [] }
    return list
  }

  static var cases: [String] { specs.compactMap { $0["name"] as? String } }

  static func edits(_ spec: [String: Any], _ bytes: [UInt8]) throws -> [TextEdit] {
    let file = try HCLFile(bytes: bytes)
    let resource = spec["resource"] as! [String]
    let blocks = file.blocks(resource[0], Array(resource[1...]))
    guard blocks.count == 1 else { throw FixRefusal("found \(blocks.count) blocks") }
    let editor = HCLEditor(file)
    var edits: [TextEdit] = []
    for op in spec["ops"] as! [[String: Any]] {
      let path = (op["path"] as! [String])[...]
      switch op["op"] as! String {
      case "remove": edits += try editor.remove(path, in: blocks[0])
      default: edits += try editor.set(path, to: fixValue(op["value"]!), in: blocks[0])
      }
    }
    return edits
  }

  @Test("golden HCL edit", arguments: cases)
  func golden(_ name: String) throws {
    let spec = Self.specs.first { $0["name"] as? String == name }!
    let before = [UInt8](try Data(contentsOf: Self.directory.appendingPathComponent(spec["file"] as! String)))
    if let refusal = spec["refuse"] as? String {
      do {
        _ = try Self.edits(spec, before)
        Issue.record("\(name): expected a refusal containing '\(refusal)'")
      } catch let error as FixRefusal {
        #expect(error.reason.contains(refusal), "\(error.reason)")
      }
      return
    }
    let edits = try Self.edits(spec, before)
    #expect(TextEdits.firstConflict(edits) == nil)
    let patched = TextEdits.apply(edits, to: before)
    let expected = [UInt8](try Data(contentsOf: Self.directory.appendingPathComponent(spec["expected"] as! String)))
    #expect(String(decoding: patched, as: UTF8.self) == String(decoding: expected, as: UTF8.self))
    #expect(patched == expected)
    // The result reads back with the values set, and a second application changes nothing.
    let again = try HCLFile(bytes: patched)
    let resource = spec["resource"] as! [String]
    let block = again.blocks(resource[0], Array(resource[1...]))[0]
    for op in spec["ops"] as! [[String: Any]] {
      let found = HCLEditor(again).lookup((op["path"] as! [String])[...], in: block)
      #expect(found == .literal(fixValue(op["value"]!)), "\(name): \(found)")
    }
    #expect(try Self.edits(spec, patched).isEmpty)
  }

  @Test func scannerRejectsBrokenFiles() {
    for text in ["resource \"a\" \"b\" {\n  x = \"unterminated\n}\n", "resource \"a\" \"b\" {\n", "x = <<EOF\nno end\n", "}\n", "/* open"] {
      #expect(throws: HCLError.self) { _ = try HCLFile(bytes: Array(text.utf8)) }
    }
  }

  @Test func scannerFindsBlocksPastTrickyText() throws {
    let text = """
      locals {
        a = "}" # }
        b = "${"{"}"
        c = <<-X
          }}}
          X
        d = [
          "}", # }
          { e = 1 },
        ]
      }
      resource "t" "n" {
        f = 1
      }

      """
    let file = try HCLFile(bytes: Array(text.utf8))
    #expect(file.blocks("resource", ["t", "n"]).count == 1)
    #expect(file.blocks("locals", []).first?.body.count == 4)
  }
}
