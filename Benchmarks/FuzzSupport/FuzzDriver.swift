import Foundation
import PlumbDiagnostics

/// What both fuzz executables share: their entry point (libFuzzer's driver in the fuzz build, a
/// replayer of files otherwise) and the position checks every harness makes.
public enum FuzzDriver {
  /// A libFuzzer callback: one input's bytes.
  public typealias Callback = @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt

  /// Runs the executable named `name`. Built with `-DPLUMB_FUZZ` (and `-sanitize=fuzzer`),
  /// libFuzzer's driver runs `callback` with the command line (corpus dirs, -flags…): SwiftPM links
  /// an executable's entry point as `main`, so libFuzzer's own `main` is not used. Built normally,
  /// `replay` runs once per file (or every file of each directory) given as an argument.
  public static func main(name: String, callback: Callback, replay: ([UInt8]) -> Void) -> Never {
    #if PLUMB_FUZZ
      var argc = CommandLine.argc
      var argv = CommandLine.unsafeArgv
      exit(LLVMFuzzerRunDriver(&argc, &argv, callback))
    #else
      var count = 0
      for path in CommandLine.arguments.dropFirst() {
        for file in inputFiles(path) {
          guard let data = FileManager.default.contents(atPath: file) else { continue }
          replay(Array(data))
          count += 1
        }
      }
      print("\(name): replayed \(count) input(s) without a problem")
      exit(0)
    #endif
  }

  /// `path` itself, or every file below the directory `path`, sorted.
  static func inputFiles(_ path: String) -> [String] {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return [] }
    guard isDirectory.boolValue else { return [path] }
    let names = (FileManager.default.enumerator(atPath: path)?.allObjects as? [String]) ?? []
    return names.sorted().map { path + "/" + $0 }.filter { !isDirectoryPath($0) }
  }

  static func isDirectoryPath(_ path: String) -> Bool {
    var isDirectory: ObjCBool = false
    return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
  }

  /// Stops the process unless `span` lies inside a file of `count` bytes, at line and column 1 or
  /// later; `what` is printed when it does not.
  public static func check(_ span: SourceSpan, in count: Int, _ what: Any) {
    precondition(
      span.start.offset >= 0 && span.start.offset <= span.end.offset && span.end.offset <= count,
      "span \(span) outside 0..<\(count): \(what)")
    precondition(span.start.line >= 1 && span.start.column >= 1, "position before the start: \(what)")
  }
}

#if PLUMB_FUZZ
  /// libFuzzer's driver (`libclang_rt.fuzzer`): parses libFuzzer flags and runs `callback`.
  @_silgen_name("LLVMFuzzerRunDriver")
  func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
  ) -> CInt
#endif
