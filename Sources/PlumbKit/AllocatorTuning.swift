/// Allocator settings for one short-lived, memory-hungry run (a check of a whole organisation).
public enum AllocatorTuning {
  /// With glibc, keeps freed memory in the process instead of returning it to the kernel after
  /// every large free (and serves blocks up to 32 MB from the heap rather than fresh mappings), so
  /// that the next allocation does not fault in zeroed pages again: on a 100,000-resource
  /// organisation that halved the kernel time of `plumb check` (page faults), for the same peak.
  /// Elsewhere, nothing.
  public static func apply() {
    #if os(Linux) && canImport(Glibc)
    // <malloc.h>: M_TRIM_THRESHOLD -1, M_TOP_PAD -2, M_MMAP_THRESHOLD -3.
    _ = plumb_mallopt(-3, 32 << 20)
    _ = plumb_mallopt(-1, Int32.max)
    _ = plumb_mallopt(-2, 64 << 20)
    #endif
  }
}

#if os(Linux) && canImport(Glibc)
@_silgen_name("mallopt")
private func plumb_mallopt(_ parameter: Int32, _ value: Int32) -> Int32
#endif
