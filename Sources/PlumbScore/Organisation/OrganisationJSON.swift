import Foundation
import PlumbDiagnostics

/// `plumb org --format json`: the organisation's view in a versioned schema
/// (`docs/schemas/organisation.v1.schema.json`, `https://plumb.dev/schemas/organisation/v1`).
///
/// Entities, teams, systems and domains are named by their Backstage entity reference
/// (`component:default/payments`, `group:default/team-payments`) where they are catalog
/// entities, so a Backstage plugin can join the view to its catalog; `id` keeps Plumb's own id.
/// Version 1 only grows by optional members; keys are sorted, the same store gives the same bytes.
public enum OrganisationJSONRenderer {
  public static let schemaURI = "https://plumb.dev/schemas/organisation/v1"
  public static let schemaVersion = 1

  struct Document: Encodable {
    var schema = OrganisationJSONRenderer.schemaURI
    var schemaVersion = OrganisationJSONRenderer.schemaVersion
    var tool: Tool
    var generatedAt: String
    var branch: String
    var staleAfterDays: Int
    var repositories: [RepositoryFreshness]
    var duplicates: [Duplicate]
    var scorecards: [Scorecard]
    var trends: [Trend]
    var changes: Changes?
  }

  struct Tool: Encodable {
    var name = "plumb"
    var version: String
  }

  struct Duplicate: Encodable {
    var entityRef: String?
    var id: String
    var keptIn: String
    var alsoIn: [String]
  }

  struct Scorecard: Encodable {
    var name: String
    var title: String
    var levels: [ScorecardDefinition.Level]
    var rules: [Rule]
    var entities: [Entity]
    var rollups: [RollupOut]
  }

  struct Rule: Encodable {
    var id: String
    var title: String
    var weight: Int
  }

  struct Entity: Encodable {
    var entityRef: String?
    var id: String
    var name: String
    var kind: String
    var repository: String?
    var stale: Bool
    var ownerRef: String?
    var systemRef: String?
    var domainRef: String?
    var level: String?
    var nextLevel: String?
    var score: Double?
    var passingWeight: Int
    var applicableWeight: Int
    var rules: [RuleState]
    var nextFixes: [String]
  }

  struct RuleState: Encodable {
    var id: String
    var state: String
  }

  struct RollupOut: Encodable {
    var dimension: String
    var key: String
    var entityRef: String?
    var name: String
    var parentRef: String?
    var entities: Int
    var staleEntities: Int
    var repositories: [String]
    var scored: Int
    var scoreSum: Double
    var averageScore: Double?
    /// `Σ scores 3.5 / 5 scored entities = 70%`.
    var arithmetic: String
    var levels: [LevelCount]
    var worstRules: [String]
    var members: [String]
  }

  struct Trend: Encodable {
    var scorecard: String
    var dimension: String
    var key: String
    var points: [Point]
  }

  struct Point: Encodable {
    var date: String
    var entities: Int
    var averageScore: Double?
  }

  struct Changes: Encodable {
    var since: String
    var levelChanges: [ScoreDiff.LevelChange]
    var ruleChanges: [RuleChange]
    var rollupChanges: [ScoreDiff.RollupChange]
  }

  struct RuleChange: Encodable {
    var scorecard: String
    var entity: String
    var rule: String
    var from: ScoreState?
    var to: ScoreState?
  }

  /// The Backstage entity reference of a catalog id (`catalog:component:default/payments` →
  /// `component:default/payments`), nil for anything else.
  public static func entityRef(_ id: String) -> String? {
    guard id.hasPrefix("catalog:") else { return nil }
    let ref = id.dropFirst("catalog:".count)
    return ref.isEmpty ? nil : String(ref)
  }

  public static func render(_ view: OrganisationView) -> String {
    let stale = view.staleRepositories
    var scorecards: [Scorecard] = []
    for card in view.report.scorecards {
      let definition = card.definition
      let entities = card.entities.map { entity in
        Entity(
          entityRef: entityRef(entity.id), id: entity.id, name: entity.name, kind: entity.kind,
          repository: view.entityRepository[entity.id], stale: view.isStale(entity: entity.id),
          ownerRef: entity.owner.map { entityRef($0) ?? $0 }, systemRef: entity.system.map { entityRef($0) ?? $0 },
          domainRef: entity.domain.map { entityRef($0) ?? $0 }, level: entity.level, nextLevel: entity.nextLevel,
          score: entity.score, passingWeight: entity.passingWeight, applicableWeight: entity.applicableWeight,
          rules: entity.rules.map { RuleState(id: $0.ruleID, state: $0.state.rawValue) }, nextFixes: entity.nextFixes)
      }
      let rollups = card.rollups.map { rollup in
        let repositories = Set(rollup.entities.compactMap { view.entityRepository[$0] })
        return RollupOut(
          dimension: rollup.dimension.rawValue, key: rollup.key, entityRef: entityRef(rollup.key), name: rollup.name,
          parentRef: rollup.parent.map { entityRef($0) ?? $0 }, entities: rollup.entities.count,
          staleEntities: rollup.entities.count { id in view.entityRepository[id].map { stale.contains($0) } ?? false },
          repositories: repositories.sorted(), scored: rollup.scored, scoreSum: rollup.scoreSum,
          averageScore: rollup.averageScore, arithmetic: arithmetic(rollup), levels: rollup.levels,
          worstRules: rollup.worstRules, members: rollup.entities.map { entityRef($0) ?? $0 })
      }
      scorecards.append(
        Scorecard(
          name: definition.name, title: definition.title, levels: definition.levels,
          rules: definition.rules.map { Rule(id: $0, title: view.report.title($0), weight: definition.weight($0)) },
          entities: entities, rollups: rollups))
    }
    var trends: [Trend] = []
    for card in view.report.scorecards {
      for rollup in card.rollups where [.organisation, .team, .department].contains(rollup.dimension) {
        let points = view.trends.points(scorecard: card.definition.name, dimension: rollup.dimension, group: rollup.key)
        guard !points.isEmpty else { continue }
        trends.append(
          Trend(
            scorecard: card.definition.name, dimension: rollup.dimension.rawValue, key: rollup.key,
            points: points.map { Point(date: $0.recordedAt, entities: $0.entities, averageScore: $0.averageScore) }))
      }
    }
    let changes = view.changes.map { diff in
      Changes(
        since: diff.from.recordedAt, levelChanges: diff.levelChanges,
        ruleChanges: diff.ruleChanges.map {
          RuleChange(scorecard: $0.scorecard, entity: $0.entity, rule: $0.rule, from: $0.from, to: $0.to)
        }, rollupChanges: diff.rollupChanges)
    }
    let document = Document(
      tool: Tool(version: view.query.toolVersion), generatedAt: view.query.now, branch: view.query.branch.description,
      staleAfterDays: view.query.staleAfterDays, repositories: view.repositories,
      duplicates: view.duplicates.map {
        Duplicate(entityRef: entityRef($0.entity), id: $0.entity, keptIn: $0.keptIn, alsoIn: $0.alsoIn)
      }, scorecards: scorecards, trends: trends, changes: changes)
    return ScoreJSONRenderer.encode(document)
  }

  /// How a group's average is computed, in numbers.
  static func arithmetic(_ rollup: Rollup) -> String {
    guard rollup.scored > 0 else { return "no entity with an applicable rule: no average" }
    return "Σ scores \(Format.decimal(rollup.scoreSum)) / \(rollup.scored) scored entities = \(Format.percent(rollup.averageScore))"
  }
}
