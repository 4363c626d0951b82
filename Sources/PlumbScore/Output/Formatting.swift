import Foundation
import PlumbDiagnostics

/// Number and table formatting shared by the outputs. Everything is locale-independent so the same
/// report gives the same bytes everywhere.
enum Format {
  /// `0.8333` → `83.3%`; nil → `n/a`.
  static func percent(_ value: Double?) -> String {
    guard let value else { return "n/a" }
    return String(format: "%.1f%%", value * 100)
  }

  /// A score with its arithmetic: `5/6 = 83.3%`.
  static func fraction(_ passing: Int, _ applicable: Int) -> String {
    applicable == 0 ? "0/0 (no applicable rule)" : "\(passing)/\(applicable) = \(percent(Double(passing) / Double(applicable)))"
  }

  /// A number with four decimals, for arithmetic shown in explanations.
  static func decimal(_ value: Double) -> String { String(format: "%.4f", value) }

  /// A level name, or `none`.
  static func level(_ name: String?) -> String { name ?? "none" }

  /// A value from the inputs (a name, a title, a message) for terminal text: on one line, hidden
  /// scalars shown (``TerminalText/oneLine(_:separator:)``).
  static func shown(_ text: String) -> String { TerminalText.oneLine(text) }

  /// Text padded on the right to `width` terminal cells.
  static func pad(_ text: String, _ width: Int) -> String {
    let used = TerminalText.width(text)
    return used >= width ? text : text + String(repeating: " ", count: width - used)
  }

  /// Text padded on the left to `width` terminal cells.
  static func padLeft(_ text: String, _ width: Int) -> String {
    let used = TerminalText.width(text)
    return used >= width ? text : String(repeating: " ", count: width - used) + text
  }

  /// Rows as aligned columns (`right` columns are right-aligned), two spaces apart, measured in
  /// terminal cells; every cell is shown on one line (``shown(_:)``).
  static func table(_ header: [String], _ rows: [[String]], right: Set<Int> = [], indent: String = "  ") -> String {
    let header = header.map(shown)
    let rows = rows.map { $0.map(shown) }
    var widths = header.map(TerminalText.width)
    for row in rows {
      for (index, cell) in row.enumerated() where index < widths.count {
        widths[index] = max(widths[index], TerminalText.width(cell))
      }
    }
    func line(_ cells: [String]) -> String {
      let padded = cells.enumerated().map { index, cell in
        let last = index == cells.count - 1
        if right.contains(index) { return padLeft(cell, widths[index]) }
        return last ? cell : pad(cell, widths[index])
      }
      var text = indent + padded.joined(separator: "  ")
      while text.hasSuffix(" ") { text.removeLast() }
      return text
    }
    return ([line(header)] + rows.map(line)).joined(separator: "\n") + "\n"
  }

  /// The short name of an entity id: `catalog:group:default/payments` → `payments`.
  static func shortName(_ id: String) -> String {
    guard id.hasPrefix("catalog:"), let slash = id.lastIndex(of: "/") else { return id }
    return String(id[id.index(after: slash)...])
  }
}
