/// Scorecards: see docs/scorecards.md.
public enum PlumbScoreModule {}
