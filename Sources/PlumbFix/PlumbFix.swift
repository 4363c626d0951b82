/// Fixes: see docs/fixes.md.
public enum PlumbFixModule {}
