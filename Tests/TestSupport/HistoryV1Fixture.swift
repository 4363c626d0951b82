/// One run as Plumb's history schema v1 recorded it (the statements v1's `record` ran: one
/// entity, two rules, one finding, the organisation roll-up and its levels), for the tests that
/// migrate a v1 database to v2 in SQLite and in PostgreSQL (the same SQL runs in both).
public enum HistoryV1Fixture {
  public static let rows = [
    "INSERT INTO score_run (recorded_at, commit_sha, pack, tool_version) VALUES ('2026-02-01T09:00:00Z', 'v1-commit', 'baseline', '0.3.0')",
    """
    INSERT INTO score_entity (run_id, scorecard, entity_id, name, owner, level, level_rank, passing_weight, applicable_weight)
    VALUES (1, 'readiness', 'catalog:component:default/legacy', 'legacy', 'catalog:group:default/payments', 'bronze', 0, 1, 2)
    """,
    "INSERT INTO score_rule (run_id, scorecard, entity_id, rule_id, state) VALUES (1, 'readiness', 'catalog:component:default/legacy', 'has_owner', 'pass')",
    "INSERT INTO score_rule (run_id, scorecard, entity_id, rule_id, state) VALUES (1, 'readiness', 'catalog:component:default/legacy', 'pinned', 'fail')",
    """
    INSERT INTO score_finding (run_id, scorecard, entity_id, rule_id, fingerprint, finding_entity, verdict, suppressed, message, location)
    VALUES (1, 'readiness', 'catalog:component:default/legacy', 'pinned', 'fp1', 'github:ci.yml#jobs.build.steps[0]', 'fail', 0, 'not pinned', 'ci.yml:3:9')
    """,
    """
    INSERT INTO score_rollup (run_id, scorecard, dimension, group_key, name, entities, scored, score_sum, average_score)
    VALUES (1, 'readiness', 'organisation', 'organisation', 'Organisation', 1, 1, 0.5, 0.5)
    """,
    "INSERT INTO score_rollup_level (run_id, scorecard, dimension, group_key, position, level, count) VALUES (1, 'readiness', 'organisation', 'organisation', 0, 'bronze', 1)",
    "INSERT INTO score_rollup_level (run_id, scorecard, dimension, group_key, position, level, count) VALUES (1, 'readiness', 'organisation', 'organisation', 1, 'silver', 0)",
    "INSERT INTO score_rollup_level (run_id, scorecard, dimension, group_key, position, level, count) VALUES (1, 'readiness', 'organisation', 'organisation', 2, 'none', 0)",
  ]
}
