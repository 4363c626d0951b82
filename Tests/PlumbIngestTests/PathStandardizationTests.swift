import Foundation
import Testing

@testable import PlumbIngest

@Suite struct PathStandardizationTests {
  /// `IngestContext.standardize` works on the text alone; it must agree with Foundation's
  /// `standardizedFileURL`, which it replaced (it runs once per input file).
  @Test(arguments: [
    "/", "/a", "/a/b", "/a/b/", "/a//b", "//a", "/a/./b", "/a/../b", "/a/b/..", "/a/b/.", "/..", "/../a",
    "/a/b/../../..", "/a/.../b", "/a/..b/c", "/a/b../c", "/a/.b", "/.", "/./", "/a/b/c/../../d/./e//",
    "/srv/data/corpus/pipelines/github/zizmor/../zizmor/expected",
    "/ünï/cödé/../x", "/a b/c d/../e f",
  ])
  func agreesWithFoundation(path: String) {
    #expect(IngestContext.standardize(path) == URL(fileURLWithPath: path).standardizedFileURL.path)
  }

  @Test func relativePathsAreResolvedAgainstTheWorkingDirectory() {
    let cwd = FileManager.default.currentDirectoryPath
    #expect(IngestContext.standardize("x/../y") == URL(fileURLWithPath: cwd + "/y").standardizedFileURL.path)
  }
}
