// The synthetic organisation as a model: teams, people, systems, components, APIs, resources and
// the repositories they live in. The catalog, Terraform and workflow generators all draw on it, so
// tags, owners and repositories point at entities that exist (and, on purpose, a few that do not).

struct Sizes {
  var domains = 20
  var systems = 200
  var groups = 400
  var users = 3000
  var components = 4000
  var apis = 1500
  var resources = 800
  /// Location entities: the root one, one per user-file glob, and the rest list repositories.
  var locations = 80
  var repositories = 1000
  var workflows = 2000
  var gitlabPipelines = 20
  var terraformResources = 100_000
  var terraformPlans = 100

  var catalogEntities: Int { domains + systems + groups + users + components + apis + resources + locations }

  /// Scales everything by `factor` (for quick runs), keeping at least one of each.
  func scaled(_ factor: Double) -> Sizes {
    func s(_ n: Int) -> Int { max(1, Int((Double(n) * factor).rounded())) }
    var r = self
    r.domains = s(domains)
    r.systems = s(systems)
    r.groups = max(3, s(groups))
    r.users = s(users)
    r.components = max(s(components), s(repositories))
    r.apis = s(apis)
    r.resources = s(resources)
    r.locations = max(2, s(locations))
    r.repositories = s(repositories)
    r.workflows = max(s(workflows), s(repositories))
    r.gitlabPipelines = s(gitlabPipelines)
    r.terraformResources = s(terraformResources)
    r.terraformPlans = max(1, s(terraformPlans))
    return r
  }
}

struct Group {
  var name: String
  var type: String
  var parent: Int?
  var children: [Int] = []
  var members: [Int] = []
  var displayName: String
}

struct User {
  var name: String
  var displayName: String
  var teams: [Int]
}

struct Component {
  var name: String
  var type: String
  var lifecycle: String
  /// The owner as written (`group:payments`, `payments`, `user:ana`, a ghost, `""`).
  var owner: String
  var team: Int
  var system: Int
  var repository: Int
  var providesApis: [Int] = []
  var consumesApis: [Int] = []
  var dependsOnResources: [Int] = []
  var dependsOnComponents: [Int] = []
  var personalData: Bool
}

struct API {
  var name: String
  var type: String
  var team: Int
  var system: Int
  var repository: Int
}

struct CatalogResource {
  var name: String
  var type: String
  var team: Int
  var system: Int
}

struct SystemEntry {
  var name: String
  var team: Int
  var domain: Int
}

struct Repository {
  var name: String
  var components: [Int] = []
  var apis: [Int] = []
  var workflows = 0
  var gitlab = false
  var language: String
}

enum Words {
  static let nouns = [
    "ledger", "payments", "checkout", "catalog", "search", "pricing", "billing", "invoices", "orders", "cart",
    "inventory", "shipping", "returns", "loyalty", "coupons", "reviews", "ratings", "accounts", "identity", "auth",
    "profile", "consent", "notifications", "email", "sms", "push", "chat", "support", "tickets", "fraud", "risk",
    "ledgers", "treasury", "payouts", "refunds", "subscriptions", "plans", "metering", "usage", "analytics",
    "reporting", "warehouse", "etl", "streams", "events", "audit", "compliance", "kyc", "onboarding", "partners",
    "merchants", "sellers", "buyers", "recommendations", "ads", "campaigns", "content", "media", "images", "video",
    "maps", "geo", "routing", "dispatch", "fleet", "drivers", "riders", "bookings", "calendar", "scheduler",
    "workflow", "forms", "documents", "signatures", "storage", "backup", "secrets", "keys", "certs", "dns",
  ]
  static let qualifiers = [
    "api", "service", "worker", "gateway", "web", "ui", "sync", "batch", "stream", "consumer", "producer", "proxy",
    "admin", "portal", "engine", "store", "indexer", "exporter", "importer", "scheduler", "bff", "cron",
  ]
  static let firstNames = [
    "ana", "ben", "carla", "dmitri", "elif", "femi", "grace", "hiro", "ines", "jonas", "kavya", "liam", "mei",
    "noah", "olga", "pedro", "qin", "rosa", "sami", "tara", "umar", "vera", "wei", "ximena", "yusuf", "zoe",
    "amara", "bruno", "chiara", "diego", "eva", "farah", "gustav", "hana", "ivan", "jana", "kenji", "lucia",
  ]
  static let lastNames = [
    "garcia", "smith", "mueller", "rossi", "dubois", "kowalski", "nakamura", "okafor", "silva", "jensen", "novak",
    "haddad", "kim", "lopez", "ivanova", "patel", "chen", "nguyen", "oconnor", "fischer", "moreau", "berg",
  ]
  static let departments = [
    "engineering", "platform", "commerce", "finance-tech", "data", "security", "mobile", "growth", "operations",
    "infrastructure", "marketplace", "customer",
  ]
  static let domains = [
    "payments", "commerce", "identity", "logistics", "data", "platform", "marketing", "finance", "customer",
    "content", "security", "mobility", "partners", "operations", "growth", "risk", "supply", "support", "media",
    "core",
  ]
}

/// Builds the organisation model from a seed.
struct Organisation {
  let sizes: Sizes
  var domains: [String] = []
  var systems: [SystemEntry] = []
  var groups: [Group] = []
  var users: [User] = []
  var components: [Component] = []
  var apis: [API] = []
  var resources: [CatalogResource] = []
  var repositories: [Repository] = []
  /// Indexes of groups that are teams (own things).
  var teams: [Int] = []

  init(sizes: Sizes, random: inout SeededRandom) {
    self.sizes = sizes
    var used = Set<String>()
    func unique(_ base: String) -> String {
      var name = base
      var n = 2
      while !used.insert(name).inserted {
        name = base + "-" + String(n)
        n += 1
      }
      return name
    }

    // Domains.
    for i in 0..<sizes.domains {
      domains.append(unique(i < Words.domains.count ? Words.domains[i] : "domain-\(i)"))
    }

    // Groups: the organisation, departments, teams (the rest).
    groups.append(Group(name: unique("acme"), type: "organization", parent: nil, displayName: "ACME Corp"))
    let departmentCount = min(12, max(1, sizes.groups / 30), sizes.groups - 1)
    for i in 0..<departmentCount {
      let name = unique(i < Words.departments.count ? Words.departments[i] : "department-\(i)")
      groups.append(Group(name: name, type: "department", parent: 0, displayName: name.capitalized + " Department"))
      groups[0].children.append(groups.count - 1)
    }
    while groups.count < sizes.groups {
      let parent = 1 + random.below(departmentCount)
      let name = unique(random.pick(Words.nouns) + "-" + random.pick(["team", "squad", "crew", "guild", "devs"]))
      groups.append(Group(name: name, type: "team", parent: parent, displayName: name.capitalized))
      groups[parent].children.append(groups.count - 1)
      teams.append(groups.count - 1)
    }
    if teams.isEmpty { teams = [groups.count - 1] }

    // Users, members of one team (sometimes two).
    for _ in 0..<sizes.users {
      let first = random.pick(Words.firstNames)
      let last = random.pick(Words.lastNames)
      let name = unique(first + "." + last)
      var memberOf = [random.pick(teams)]
      if random.chance(0.1) { memberOf.append(random.pick(teams)) }
      users.append(User(name: name, displayName: first.capitalized + " " + last.capitalized, teams: memberOf))
      for team in Set(memberOf) { groups[team].members.append(users.count - 1) }
    }

    // Systems, owned by teams, in domains.
    for _ in 0..<sizes.systems {
      let name = unique(random.pick(Words.nouns) + "-" + random.pick(["platform", "system", "suite", "core", "hub"]))
      systems.append(SystemEntry(name: name, team: random.pick(teams), domain: random.below(max(1, domains.count))))
    }

    // Repositories.
    let languages = ["java", "node", "go", "python", "kotlin", "rust", "dotnet", "ruby", "terraform", "docker"]
    for _ in 0..<sizes.repositories {
      let name = unique(random.pick(Words.nouns) + "-" + random.pick(Words.qualifiers))
      repositories.append(Repository(name: name, language: random.pick(languages)))
    }

    // Resources (databases, buckets, queues) in the catalog.
    for _ in 0..<sizes.resources {
      let type = random.pick(["database", "s3-bucket", "queue", "cache", "topic"])
      let name = unique(random.pick(Words.nouns) + "-" + type.replacingOccurrences(of: "s3-", with: "") + "-res")
      let system = random.below(systems.count)
      resources.append(CatalogResource(name: name, type: type, team: systems[system].team, system: system))
    }

    // Components: one per repository first, then spread; mostly owned by a team of their system.
    for i in 0..<sizes.components {
      let repository = i < repositories.count ? i : random.below(repositories.count)
      let system = random.below(systems.count)
      let team = random.chance(0.7) ? systems[system].team : random.pick(teams)
      let teamName = groups[team].name
      let owner: String = {
        switch random.below(1000) {
        case 0..<5: return "\" \""  // a blank owner (the schema wants 1+ characters): component_has_owner fails
        case 5..<10: return "group:ghost-team-\(i)"  // dangling: owner_is_a_group fails
        case 10..<25: return "user:" + users[random.below(users.count)].name  // a person, not a group
        case 25..<400: return teamName
        default: return "group:" + teamName
        }
      }()
      let name = unique(repositories[repository].name.split(separator: "-").first.map(String.init)! + "-"
        + random.pick(Words.qualifiers))
      components.append(
        Component(
          name: name, type: random.weighted([("service", 60), ("website", 15), ("library", 15), ("worker", 10)]),
          lifecycle: random.weighted([("production", 55), ("experimental", 30), ("deprecated", 15)]), owner: owner,
          team: team, system: system, repository: repository, personalData: random.chance(0.15)))
      repositories[repository].components.append(i)
    }

    // APIs, provided by components (in the provider's repository), consumed by others.
    for i in 0..<sizes.apis {
      let provider = random.below(components.count)
      let c = components[provider]
      let name = unique(c.name + "-" + random.pick(["rest", "grpc", "events", "graphql", "v2"]) + "-api")
      apis.append(
        API(
          name: name, type: random.weighted([("openapi", 70), ("grpc", 15), ("asyncapi", 10), ("graphql", 5)]),
          team: c.team, system: c.system, repository: c.repository))
      components[provider].providesApis.append(i)
      repositories[c.repository].apis.append(i)
    }
    for i in components.indices {
      if !apis.isEmpty {
        for _ in 0..<random.below(4) { components[i].consumesApis.append(random.below(apis.count)) }
      }
      if !resources.isEmpty && random.chance(0.4) { components[i].dependsOnResources.append(random.below(resources.count)) }
      if random.chance(0.3) { components[i].dependsOnComponents.append(random.below(components.count)) }
    }

    // Workflows: at least one per repository, the rest spread; a few repositories also use GitLab.
    for i in 0..<sizes.workflows {
      let repository = i < repositories.count ? i : random.below(repositories.count)
      repositories[repository].workflows += 1
    }
    for index in random.sample(Array(repositories.indices), sizes.gitlabPipelines) { repositories[index].gitlab = true }
  }

  /// Components of a team (for tags on its infrastructure).
  func components(ofTeam team: Int) -> [Int] {
    components.indices.filter { components[$0].team == team }
  }
}
