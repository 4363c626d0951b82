import Foundation

// The shapes of the generated tables, and the lookups the residency built-ins use.

extension RegionData {
  /// A name with a list of strings (a jurisdiction's countries, a dual-region's members, …).
  struct Named: Sendable, Equatable {
    let name: String
    let values: [String]
    init(_ name: String, _ values: [String]) {
      self.name = name
      self.values = values
    }
  }

  /// A cloud region: its country (nil when not documented), partition (AWS) and pair (Azure).
  struct Region: Sendable, Equatable {
    let name: String
    let country: String?
    let partition: String?
    let pair: String?
    init(_ name: String, country: String?, partition: String? = nil, pair: String? = nil) {
      self.name = name
      self.country = country
      self.partition = partition
      self.pair = pair
    }
  }

  /// An AWS pseudo-location: an alias of a region, or a set of countries.
  struct Pseudo: Sendable, Equatable {
    let name: String
    let aliasOf: String?
    let countries: [String]?
    init(_ name: String, aliasOf: String?, countries: [String]?) {
      self.name = name
      self.aliasOf = aliasOf
      self.countries = countries
    }
  }

  /// A multi-region token and the jurisdiction it stays in (nil when not stated).
  struct Token: Sendable, Equatable {
    let name: String
    let jurisdiction: String?
    init(_ name: String, jurisdiction: String?) {
      self.name = name
      self.jurisdiction = jurisdiction
    }
  }
}

/// Where a location puts data: a country, somewhere inside a named jurisdiction (GCS `EU`), or
/// anywhere (`global`).
enum Place: Hashable, Sendable {
  case country(String)
  case jurisdiction(String)
  case everywhere
}

/// Location tokens → places, built once from ``RegionData``.
enum Regions {
  /// Lower-cased, without white space (Azure's `West Europe` is `westeurope`).
  static func normalize(_ text: String) -> String {
    String(text.lowercased().unicodeScalars.filter { !CharacterSet.whitespacesAndNewlines.contains($0) })
  }

  /// The jurisdictions in preference order (narrowest first for naming), `ALL` last.
  static let jurisdictionCountries: [String: Set<String>] = Dictionary(
    uniqueKeysWithValues: RegionData.jurisdictions.map { ($0.name, Set($0.values)) })

  /// Azure region → its pair (nil: none), for geo-redundant replication.
  static let azurePairs: [String: String?] = Dictionary(
    uniqueKeysWithValues: RegionData.azureRegions.map { ($0.name, $0.pair) })

  /// Every token regions.yaml knows, lower-cased → its places (nil: known token, unknown place).
  static let table: [String: [Place]?] = {
    var table: [String: [Place]?] = [:]
    func country(_ code: String?) -> [Place]? { code.map { $0 == "*" ? [.everywhere] : [.country($0)] } }
    for region in RegionData.awsRegions { table[region.name] = country(region.country) }
    for region in RegionData.azureRegions { table[region.name] = country(region.country) }
    for region in RegionData.gcpRegions { table[region.name] = country(region.country) }
    for token in RegionData.gcpMultiRegions {
      switch token.jurisdiction {
      case nil: table[token.name] = .some(nil)
      case "ALL": table[token.name] = [.everywhere]
      case let name?: table[token.name] = [.jurisdiction(name)]
      }
    }
    for group in RegionData.gcpDualRegions + RegionData.gcpInstanceConfigs + RegionData.gcpLegacyLocationIDs {
      var places: [Place]? = []
      for member in group.values {
        guard let known = table[member], let memberPlaces = known else {
          places = nil
          break
        }
        for place in memberPlaces where !(places ?? []).contains(place) { places?.append(place) }
      }
      table[group.name] = places
    }
    for logical in RegionData.azureLogicalLocations where table[logical] == nil { table[logical] = .some(nil) }
    for pseudo in RegionData.awsPseudoLocations {
      let name = normalize(pseudo.name)
      if let alias = pseudo.aliasOf {
        table[name] = table[alias] ?? .some(nil)
      } else if let countries = pseudo.countries {
        table[name] = countries.contains("*") ? [.everywhere] : countries.map { .country($0) }
      }
    }
    table["global"] = [.everywhere]
    return table
  }()

  /// A GCP zone (`europe-west1-b`) or an AWS availability zone (`eu-west-1a`) → its region, when
  /// that region is known.
  static func regionOfZone(_ token: String) -> String? {
    if let dash = token.lastIndex(of: "-"), token.distance(from: dash, to: token.endIndex) == 2,
      let last = token.last, last.isLetter
    {
      let region = String(token[..<dash])
      if table[region] != nil { return region }
    }
    if let last = token.last, last.isLetter, token.dropLast().last?.isNumber == true {
      let region = String(token.dropLast())
      if table[region] != nil { return region }
    }
    return nil
  }

  /// The places of a location; nil when the location is not in the data (or its place is not).
  static func places(_ location: String) -> [Place]? {
    var token = normalize(location)
    if token.hasPrefix("regional-") { token.removeFirst("regional-".count) }
    if let known = table[token] { return known }
    if let region = regionOfZone(token), let known = table[region] { return known }
    return nil
  }

  /// The countries of a jurisdiction name (`EU`, `EEA`, `UK`, `CH`, `US`, `ALL`) or of an ISO
  /// country code (`DE`); nil for anything else.
  static func countries(ofJurisdiction name: String) -> Set<String>? {
    let upper = name.uppercased()
    if let countries = jurisdictionCountries[upper] { return countries }
    if upper.count == 2, upper.allSatisfy({ $0.isASCII && $0.isLetter }) { return [upper] }
    return nil
  }

  /// Whether `place` lies inside the countries `allowed`.
  static func place(_ place: Place, isIn allowed: Set<String>) -> Bool {
    if allowed.contains("*") { return true }
    switch place {
    case .everywhere: return false
    case .country(let code): return allowed.contains(code)
    case .jurisdiction(let name):
      guard let countries = jurisdictionCountries[name] else { return false }
      return !countries.contains("*") && countries.isSubset(of: allowed)
    }
  }

  /// The narrowest jurisdiction name for each place (`EU` before `EEA`), else the country code;
  /// several places are joined with `+` (`EU+UK` for GCS `EUR5`), `ALL` for everywhere.
  static func jurisdictionName(_ places: [Place]) -> String {
    var names: [String] = []
    for place in places {
      let name: String
      switch place {
      case .everywhere: name = "ALL"
      case .jurisdiction(let j): name = j
      case .country(let code):
        name =
          RegionData.jurisdictions.first { $0.name != "ALL" && $0.values.contains(code) }?.name ?? code
      }
      if !names.contains(name) { names.append(name) }
    }
    return names.joined(separator: "+")
  }
}
