/// GitLab CI's keyword lists (https://docs.gitlab.com/ci/yaml/), as the adapter needs them.
enum GitLabKeywords {
  /// Top-level keys that are not jobs: the global keywords, the deprecated globals that act as
  /// defaults, `types` (the old name of `stages`) and `spec` (normally in the header document).
  /// `pages` is NOT here: it is an ordinary job (GitLab Pages deploys from a job named `pages`).
  static let global: Set<String> = [
    "default", "include", "stages", "variables", "workflow",
    "image", "services", "cache", "before_script", "after_script",
    "types", "spec",
  ]

  /// Keywords a job inherits from `default:` (unless `inherit: default:` says otherwise).
  static let defaultable: [String] = [
    "after_script", "artifacts", "before_script", "cache", "hooks", "id_tokens", "image",
    "interruptible", "retry", "services", "tags", "timeout",
  ]

  /// Deprecated top-level keywords that act as `default:` entries.
  static let legacyGlobalDefaults: [String] = ["image", "services", "cache", "before_script", "after_script"]

  /// The stages when `stages:` is not given.
  static let defaultStages = ["build", "test", "deploy"]

  /// GitLab's limits: `extends` nesting, `!reference` nesting, number of included files.
  static let maxExtendsDepth = 10
  static let maxReferenceDepth = 10
  static let maxIncludes = 150

  /// The custom tag of a reference to another part of the configuration.
  static let referenceTag = "!reference"
}
