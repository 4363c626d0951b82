/// Scorecards: per-entity rule states, levels and scores (`Scoring/`), roll-ups by team,
/// department, system, domain and organisation, explanations, history in SQLite (`History/`),
/// and the outputs: terminal text, JSON, Markdown and a single-file HTML dashboard (`Output/`).
/// See docs/scorecards.md.
public enum PlumbScoreModule {}
