import BenchmarkSupport
import Testing

/// The bounded runner the hostile-input tests rely on: a hang must end as `timedOut`, both streams
/// must be captured, and the exit status must be the child's.
@Suite struct BoundedRunTests {
  @Test func capturesBothStreamsAndTheStatus() throws {
    let result = try runBounded(
      ["/bin/sh", "-c", "printf out; printf err >&2; exit 3"], options: BoundedRunOptions(timeoutSeconds: 20))
    #expect(result.status == 3)
    #expect(result.stdout == "out")
    #expect(result.stderr == "err")
    #expect(!result.timedOut)
  }

  @Test func killsAChildThatRunsPastItsTimeout() throws {
    let result = try runBounded(["/bin/sleep", "30"], options: BoundedRunOptions(timeoutSeconds: 0.5))
    #expect(result.timedOut)
    #expect(result.crashed)
    #expect(result.seconds < 20)
  }

  @Test func limitsTheAddressSpace() throws {
    // 64 MiB of address space cannot hold a 512 MiB allocation: the child fails, the test does not.
    let result = try runBounded(
      ["/usr/bin/python3", "-c", "b = bytearray(512 * 1024 * 1024); print(len(b))"],
      options: BoundedRunOptions(timeoutSeconds: 20, addressSpaceMiB: 64))
    #expect(result.status != 0)
    #expect(!result.stdout.contains("536870912"))
  }

  @Test func runsInTheGivenDirectoryWithTheGivenEnvironment() throws {
    let result = try runBounded(
      ["/bin/sh", "-c", "pwd; printf %s \"$PLUMB_BOUNDED_TEST\""],
      options: BoundedRunOptions(directory: "/tmp", environment: ["PLUMB_BOUNDED_TEST": "set"]))
    #expect(result.stdout == "/tmp\nset")
  }
}
