/// The trend series the dashboard draws: per scorecard, the organisation's and every team's and
/// department's roll-up in each recorded run.
public struct ScoreTrends: Sendable, Codable, Hashable {
  /// Series by ``key(scorecard:dimension:group:)``.
  public var series: [String: [TrendPoint]] = [:]

  public init() {}

  /// The key of one series.
  public static func key(scorecard: String, dimension: RollupDimension, group: String) -> String {
    [scorecard, dimension.rawValue, group].joined(separator: "\u{0}")
  }

  /// The series of one group, oldest first (empty without history).
  public func points(scorecard: String, dimension: RollupDimension, group: String) -> [TrendPoint] {
    series[Self.key(scorecard: scorecard, dimension: dimension, group: group)] ?? []
  }

  /// Whether any series has at least one point.
  public var isEmpty: Bool { series.values.allSatisfy(\.isEmpty) }

  /// Reads from `store` the series of the organisation, every team and every department of
  /// `report`, in the runs of `repository` (default: every repository's).
  public static func load(from store: any ScoreHistoryStore, for report: ScoreReport, repository: RepositoryFilter = .all)
    throws -> ScoreTrends
  {
    var trends = ScoreTrends()
    for card in report.scorecards {
      for rollup in card.rollups where [.organisation, .team, .department].contains(rollup.dimension) {
        let points = try store.series(
          scorecard: card.definition.name, dimension: rollup.dimension, key: rollup.key, repository: repository)
        trends.series[key(scorecard: card.definition.name, dimension: rollup.dimension, group: rollup.key)] = points
      }
    }
    return trends
  }
}
