/// Facts about this build of Plumb.
public enum Plumb {
  /// The version printed by `plumb --version` and written into reports.
  public static let version = "0.1.0"
}
