/// Generates one big GitLab-CI-like YAML document (a monorepo pipeline): a top-level mapping with
/// thousands of jobs, hidden `.templates` with anchors, `<<: *template` merge keys, `!reference`
/// tags, literal `script:` blocks, `rules:` with quoted expressions, and comments.
struct GitLabCIGenerator {
  var rng: SplitMix64
  var out: [UInt8] = []

  init(seed: UInt64) { rng = SplitMix64(seed: seed) }

  mutating func line(_ text: String) {
    out.append(contentsOf: text.utf8)
    out.append(0x0A)
  }

  mutating func generate(targetBytes: Int) -> [UInt8] {
    out.reserveCapacity(targetBytes + 64 << 10)
    line("# Monorepo pipeline — generated; do not edit by hand.")
    line("stages: [lint, build, test, package, deploy, verify]")
    line("")
    line("variables:")
    line("  DOCKER_DRIVER: overlay2")
    line("  GIT_DEPTH: \"20\"")
    line("  FF_USE_FASTZIP: \"true\"")
    line("  REGISTRY: registry.acme.internal")
    line("")
    line("workflow:")
    line("  rules:")
    line("    - if: '$CI_PIPELINE_SOURCE == \"merge_request_event\"'")
    line("    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH")
    line("")
    line(".rules-mr: &rules-mr")
    line("  - if: '$CI_PIPELINE_SOURCE == \"merge_request_event\"'")
    line("    changes: [\"services/**/*\", \"libs/**/*\"]")
    line("  - when: never")
    line("")
    line(".base: &base")
    line("  image: ${REGISTRY}/ci/base:1.4.2")
    line("  tags: [docker, linux, amd64]")
    line("  interruptible: true")
    line("  retry:")
    line("    max: 2")
    line("    when: [runner_system_failure, stuck_or_timeout_failure]")
    line("  before_script:")
    line("    - echo \"Job $CI_JOB_NAME on $CI_RUNNER_DESCRIPTION\"")
    line("    - source ci/env.sh")
    line("")
    line(".deploy: &deploy")
    line("  <<: *base")
    line("  image: ${REGISTRY}/ci/deployer:3.2.0")
    line("  environment:")
    line("    name: production")
    line("    url: https://acme.example")
    line("  resource_group: production")
    line("")
    var service = 0
    while out.count < targetBytes {
      service += 1
      let name = "\(rng.pick(Words.teams))-\(rng.pick(Words.nouns))-\(service)"
      line("# ---- \(name) (owner: \(rng.pick(Words.owners))) ----")
      for stage in ["lint", "build", "test", "deploy"] where stage != "lint" || rng.chance(50) {
        job(stage, name)
      }
    }
    return out
  }

  mutating func job(_ stage: String, _ name: String) {
    line("\(stage):\(name):")
    line(stage == "deploy" ? "  <<: *deploy" : "  <<: *base")
    line("  stage: \(stage)")
    if stage != "build" && rng.chance(30) { line("  needs: [\"build:\(name)\"]") }
    line("  rules: *rules-mr")
    line("  variables:")
    line("    SERVICE: \(name)")
    line("    PARALLEL: \(rng.int(1...8))")
    if rng.chance(20) { line("    EXTRA_FLAGS: \"--verbose --tag=\\\"\(rng.hex(6))\\\"\"") }
    line("  script:")
    if rng.chance(30) { line("    - !reference [.base, before_script]") }
    line("    - |")
    line("      set -euo pipefail")
    line("      cd services/\(name)")
    switch stage {
    case "build":
      line("      docker build -t \"$REGISTRY/\(name):$CI_COMMIT_SHA\" --build-arg VERSION=\(rng.int(1...9)).\(rng.int(0...99)) .")
      line("      docker push \"$REGISTRY/\(name):$CI_COMMIT_SHA\"")
    case "test":
      line("      make test COVERAGE=1 SHARD=${CI_NODE_INDEX}/${CI_NODE_TOTAL}")
      line("      echo \"coverage: $(cat coverage.txt)%\"")
    case "deploy":
      line("      helm upgrade --install \(name) charts/\(name) \\")
      line("        --set image.tag=$CI_COMMIT_SHA --set replicas=\(rng.int(2...12)) --wait --timeout \(rng.int(3...15))m")
    default:
      line("      make lint  # golangci-lint, ruff, eslint")
    }
    line("    - >-")
    line("      echo \"done: \(name) — \(rng.pick(Words.descriptions))\"")
    if stage == "test" {
      line("  parallel: \(rng.int(2...6))")
      line("  coverage: '/coverage: \\d+\\.\\d+%/'")
      line("  artifacts:")
      line("    when: always")
      line("    reports:")
      line("      junit: services/\(name)/report.xml")
      line("    expire_in: 1 week")
    } else if stage == "build" {
      line("  artifacts: { paths: [\"services/\(name)/dist/\"], expire_in: 2 days }")
      line("  cache:")
      line("    key: \(name)-${CI_COMMIT_REF_SLUG}")
      line("    paths: [.cache/, node_modules/]")
      line("    policy: pull-push")
    } else if stage == "deploy" {
      line("  when: manual")
      line("  allow_failure: false")
      line("  timeout: \(rng.int(10...60))m")
    }
  }
}
