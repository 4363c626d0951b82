import PlumbConfig
import PlumbDiagnostics
import Testing

/// `catalog:` in `.plumb.yaml` and `--catalog`: sources of catalog context, their options, and a
/// diagnostic at file:line:column for everything that cannot be used.
@Suite struct CatalogSourceConfigurationTests {
  func parse(_ text: String) -> PlumbConfiguration { PlumbConfiguration.parse(text: text, root: "/repo") }

  func problems(_ configuration: PlumbConfiguration) -> [String] {
    configuration.diagnostics.map { d in
      "\(d.code)@\(d.location.map { "\($0.span.start.line):\($0.span.start.column)" } ?? "-") \(d.message)"
    }
  }

  @Test func sourcesWrittenAsStringsAndMappings() {
    let configuration = parse(
      """
      catalog:
        - ../central-catalog
        - /srv/exports/entities.json
        - path: snapshots/catalog.json
          max_age: 7d
        - https://backstage.example.com/api/catalog
        - url: http://127.0.0.1:7007/api/catalog/
          token_env: BACKSTAGE_TOKEN
          timeout: 1500ms
          retries: 0
          max_bytes: 8MiB
          page_size: 200
          filter: [kind=group, "kind=component,spec.type=service"]
          snapshot: .plumb/catalog/local.json
          max_age: 12h
      """)
    #expect(configuration.diagnostics.isEmpty, "\(problems(configuration))")
    let sources = configuration.catalog
    #expect(sources.map(\.location) == [
      .path("/central-catalog"), .path("/srv/exports/entities.json"), .path("/repo/snapshots/catalog.json"),
      .url("https://backstage.example.com/api/catalog"), .url("http://127.0.0.1:7007/api/catalog/"),
    ])
    #expect(sources.map(\.display) == [
      "../central-catalog", "/srv/exports/entities.json", "snapshots/catalog.json",
      "https://backstage.example.com/api/catalog", "http://127.0.0.1:7007/api/catalog/",
    ])
    #expect(sources[2].maxAge == 604_800.0)
    #expect(sources[3].tokenEnvironment == nil && sources[3].timeout == 30 && sources[3].retries == 2)
    #expect(sources[3].maxResponseBytes == 64 << 20 && sources[3].pageSize == 500 && sources[3].maxAge == nil)
    let live = sources[4]
    #expect(live.tokenEnvironment == "BACKSTAGE_TOKEN")
    #expect(live.timeout == 1.5 && live.retries == 0 && live.maxResponseBytes == 8 << 20 && live.pageSize == 200)
    #expect(live.filters == ["kind=group", "kind=component,spec.type=service"])
    #expect(live.snapshot == "/repo/.plumb/catalog/local.json" && live.maxAge == 12 * 3600)
    #expect(live.declaredAt?.span.start.line == 7)
  }

  @Test func everyProblemIsADiagnosticAtItsNode() {
    let configuration = parse(
      """
      catalog:
        - ftp://catalog.example.com/api/catalog
        - path: a
          url: https://b.example.com/api/catalog
        - token_env: X
        - path: ../central
          timeout: 5s
        - url: https://c.example.com/api/catalog
          retries: 50
          timeout: forever
          max_bytes: 12 parsecs
          page_size: 0
          snapshot: ""
          frobnicate: yes
        - url: ../not-a-url
        - 42
      """)
    #expect(
      problems(configuration) == [
        "config.value@2:5 catalog source 'ftp://catalog.example.com/api/catalog': only http and https URLs are read, not 'ftp:'",
        "config.value@3:5 a catalog source has either 'path' or 'url', not both",
        "config.value@5:5 a catalog source needs 'path' or 'url'",
        "config.value@7:14 'timeout' applies to 'url' sources only",
        "config.value@9:14 'retries' must be between 0 and 10, found 50",
        "config.type@10:14 'timeout': expected a duration such as 30s, 15m, 24h or 7d, found a string",
        "config.type@11:16 'max_bytes': expected a size such as 512KiB, 64MiB or 1GiB, found a string",
        "config.value@12:16 'page_size' must be between 1 and 10000, found 0",
        "config.value@13:15 'snapshot' must not be empty",
        "config.unknown-key@14:5 unknown key 'frobnicate' in 'catalog'",
        "config.value@15:10 'url' must be an http or https URL, found '../not-a-url'",
        "config.type@16:5 'catalog': expected a string, found a number",
      ])
    // The sources that could be read are kept; the others are left out.
    #expect(configuration.catalog.count == 2)
  }

  @Test func aTokenIsNeverReadFromTheConfigurationNorRepeated() {
    let secret = "ghp_abcdefghijklmnopqrstuvwxyz0123456789"
    let configuration = parse(
      """
      catalog:
        - url: https://backstage.example.com/api/catalog
          token: \(secret)
        - url: https://backstage.example.com/api/catalog
          token_env: \(secret)-with-dashes
        - url: https://user:\(secret)@backstage.example.com/api/catalog
      """)
    let messages = configuration.diagnostics.map(\.message)
    #expect(messages.count == 3)
    #expect(messages[0].contains("a token is never read from the configuration"))
    #expect(messages[1].contains("names the environment variable"))
    #expect(messages[2].contains("must not hold credentials"))
    #expect(messages.allSatisfy { !$0.contains(secret) })
    #expect(configuration.catalog.allSatisfy { $0.tokenEnvironment == nil })
  }

  @Test func catalogMustBeAList() {
    #expect(problems(parse("catalog: ../central\n")) == ["config.type@1:10 'catalog': expected a list of catalog sources, found a string"])
  }

  @Test func commandLineSources() throws {
    #expect(try CatalogSourceConfiguration.parse("central", base: "/srv/platform").get().location == .path("/srv/platform/central"))
    #expect(try CatalogSourceConfiguration.parse("HTTPS://x.example.com/api/catalog", base: "/").get().location
      == .url("HTTPS://x.example.com/api/catalog"))
    for bad in ["", "file:///etc/passwd", "javascript://x", "https://", "https://u:p@x.example.com/"] {
      #expect(throws: CatalogSourceError.self, "\(bad)") { try CatalogSourceConfiguration.parse(bad, base: "/").get() }
    }
    #expect(CatalogSourceConfiguration.isEnvironmentName("BACKSTAGE_TOKEN"))
    for bad in ["", "1TOKEN", "TOKEN-X", "A B", "eyJhbGciOiJIUzI1NiJ9.e30.x"] {
      #expect(!CatalogSourceConfiguration.isEnvironmentName(bad), "\(bad)")
    }
  }
}
