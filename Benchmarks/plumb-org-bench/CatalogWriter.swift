// The Backstage catalog of the synthetic organisation, as YAML files laid out the way a platform
// team keeps them: a root `catalog-info.yaml` Location, org-wide files (domains, systems, groups,
// users, resources) under `catalog/`, Location files listing the repositories, and one
// `catalog-info.yaml` per repository with its components and APIs.

struct CatalogWriter {
  let org: Organisation
  var random: SeededRandom
  /// Files written, relative path → text.
  var files: [(path: String, text: String)] = []

  static let usersPerFile = 300

  init(org: Organisation, seed: UInt64) {
    self.org = org
    self.random = SeededRandom(seed: seed)
  }

  mutating func write() -> [(path: String, text: String)] {
    files = []
    let locationFiles = max(1, org.sizes.locations - 1)
    files.append(("catalog-info.yaml", rootLocation()))
    files.append(("catalog/org/domains.yaml", domainsFile()))
    files.append(("catalog/org/systems.yaml", systemsFile()))
    files.append(("catalog/org/groups.yaml", groupsFile()))
    files.append(("catalog/org/resources.yaml", resourcesFile()))
    var start = 0
    var fileNumber = 0
    while start < org.users.count {
      let end = min(org.users.count, start + Self.usersPerFile)
      files.append((String(format: "catalog/users/users-%03d.yaml", fileNumber), usersFile(start..<end)))
      start = end
      fileNumber += 1
    }
    // Repositories spread over the Location files.
    var buckets = Array(repeating: [Int](), count: locationFiles)
    for index in org.repositories.indices { buckets[index % locationFiles].append(index) }
    for (number, repositories) in buckets.enumerated() {
      files.append((String(format: "catalog/locations/loc-%03d.yaml", number), locationFile(number, repositories)))
    }
    for index in org.repositories.indices {
      files.append(("repos/" + org.repositories[index].name + "/catalog-info.yaml", repositoryFile(index)))
    }
    return files
  }

  // MARK: Files

  func rootLocation() -> String {
    """
    # The catalog root: Backstage (and Plumb) follow these targets relative to this file.
    apiVersion: backstage.io/v1alpha1
    kind: Location
    metadata:
      name: acme-root
      description: Everything the platform team registers
    spec:
      type: file
      targets:
        - ./catalog/org/domains.yaml
        - ./catalog/org/systems.yaml
        - ./catalog/org/groups.yaml
        - ./catalog/org/resources.yaml
        - ./catalog/users/*.yaml
        - ./catalog/locations/*.yaml

    """
  }

  func domainsFile() -> String {
    var out = ""
    for (i, domain) in org.domains.enumerated() {
      let owner = org.groups[1 + i % max(1, org.groups.count - 1)].name
      out += """
        ---
        apiVersion: backstage.io/v1alpha1
        kind: Domain
        metadata:
          name: \(domain)
          title: \(domain.capitalized)
          description: Everything about \(domain).
        spec:
          owner: group:\(owner)

        """
    }
    return out
  }

  func systemsFile() -> String {
    var out = ""
    for system in org.systems {
      out += """
        ---
        apiVersion: backstage.io/v1alpha1
        kind: System
        metadata:
          name: \(system.name)
          description: The \(system.name.replacingOccurrences(of: "-", with: " ")).
          tags: [\(org.domains[system.domain])]
        spec:
          owner: group:\(org.groups[system.team].name)
          domain: \(org.domains[system.domain])

        """
    }
    return out
  }

  func groupsFile() -> String {
    var out = ""
    for group in org.groups {
      let children = group.children.map { org.groups[$0].name }
      let members = group.members.map { org.users[$0].name }
      out += """
        ---
        apiVersion: backstage.io/v1alpha1
        kind: Group
        metadata:
          name: \(group.name)
          title: \(group.displayName)
        spec:
          type: \(group.type)
          profile:
            displayName: \(group.displayName)
            email: \(group.name)@acme.example

        """
      if let parent = group.parent { out += "  parent: \(org.groups[parent].name)\n" }
      out += "  children: [" + children.joined(separator: ", ") + "]\n"
      if !members.isEmpty {
        out += "  members:\n"
        for member in members { out += "    - \(member)\n" }
      }
    }
    return out
  }

  func usersFile(_ range: Range<Int>) -> String {
    var out = ""
    for user in org.users[range] {
      out += """
        ---
        apiVersion: backstage.io/v1alpha1
        kind: User
        metadata:
          name: \(user.name)
        spec:
          profile:
            displayName: \(user.displayName)
            email: \(user.name)@acme.example
            picture: https://avatars.acme.example/\(user.name).png
          memberOf: [\(user.teams.map { org.groups[$0].name }.joined(separator: ", "))]

        """
    }
    return out
  }

  func resourcesFile() -> String {
    var out = ""
    for resource in org.resources {
      out += """
        ---
        apiVersion: backstage.io/v1alpha1
        kind: Resource
        metadata:
          name: \(resource.name)
          description: A \(resource.type) of \(org.systems[resource.system].name)
        spec:
          type: \(resource.type)
          owner: group:\(org.groups[resource.team].name)
          system: \(org.systems[resource.system].name)

        """
    }
    return out
  }

  func locationFile(_ number: Int, _ repositories: [Int]) -> String {
    var out = """
      apiVersion: backstage.io/v1alpha1
      kind: Location
      metadata:
        name: repositories-\(number)
        description: Repositories registered by batch \(number)
      spec:
        type: file
        targets:

      """
    for index in repositories {
      out += "    - ../../repos/\(org.repositories[index].name)/catalog-info.yaml\n"
    }
    if repositories.isEmpty { out += "    []\n" }
    return out
  }

  mutating func repositoryFile(_ index: Int) -> String {
    let repository = org.repositories[index]
    var out = "# Registered in the catalog by the \(repository.name) team.\n"
    for c in repository.components {
      let component = org.components[c]
      out += """
        ---
        apiVersion: backstage.io/v1alpha1
        kind: Component
        metadata:
          name: \(component.name)
          title: \(component.name.replacingOccurrences(of: "-", with: " ").capitalized)
          description: >-
            The \(component.name) \(component.type) of \(org.systems[component.system].name), written in
            \(repository.language) and deployed by its team.
          annotations:
            github.com/project-slug: acme/\(repository.name)
            backstage.io/techdocs-ref: dir:.
            pagerduty.com/service-id: P\(random.hex(6).uppercased())

        """
      if component.personalData { out += "    plumb.dev/data-class: personal\n" }
      out += """
          tags: [\(repository.language), \(org.domains[org.systems[component.system].domain])]
          links:
            - url: https://runbooks.acme.example/\(component.name)
              title: Runbook
              icon: docs
        spec:
          type: \(component.type)
          lifecycle: \(component.lifecycle)

        """
      out += "  owner: \(component.owner)\n"
      out += "  system: \(org.systems[component.system].name)\n"
      if !component.providesApis.isEmpty {
        out += "  providesApis: [" + component.providesApis.map { org.apis[$0].name }.joined(separator: ", ") + "]\n"
      }
      if !component.consumesApis.isEmpty {
        out += "  consumesApis:\n"
        for api in component.consumesApis { out += "    - api:\(org.apis[api].name)\n" }
      }
      let depends =
        component.dependsOnResources.map { "resource:" + org.resources[$0].name }
        + component.dependsOnComponents.map { "component:" + org.components[$0].name }
      if !depends.isEmpty {
        out += "  dependsOn:\n"
        for d in depends { out += "    - \(d)\n" }
      }
    }
    for a in repository.apis {
      let api = org.apis[a]
      out += """
        ---
        apiVersion: backstage.io/v1alpha1
        kind: API
        metadata:
          name: \(api.name)
          description: The \(api.name) interface.
        spec:
          type: \(api.type)
          lifecycle: production
          owner: group:\(org.groups[api.team].name)
          system: \(org.systems[api.system].name)
          definition: |
            openapi: 3.0.3
            info:
              title: \(api.name)
              version: 1.\(random.below(20)).0
            paths:
              /v1/\(api.name.split(separator: "-").first ?? "items"):
                get:
                  summary: List them
                  responses:
                    "200":
                      description: OK

        """
    }
    return out
  }
}
