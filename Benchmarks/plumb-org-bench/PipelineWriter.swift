// CI pipelines of the synthetic organisation: GitHub Actions workflows under each repository's
// `.github/workflows/` (triggers, permissions, jobs with `needs`, matrices, services, steps using
// actions at tags and SHAs, `run` scripts with `${{ }}` expressions, reusable workflow calls), and
// a few GitLab CI pipelines with stages, `extends`, `rules`, `needs`, local includes and `!reference`.

struct PipelineWriter {
  let org: Organisation
  var random: SeededRandom

  init(org: Organisation, seed: UInt64) {
    self.org = org
    self.random = SeededRandom(seed: seed)
  }

  /// Well-known actions: (owner/repo, tag, pinned SHA).
  static let actions: [(String, String, String)] = [
    ("actions/checkout", "v4", "11bd71901bbe5b1630ceea73d27597364c9af683"),
    ("actions/setup-node", "v4", "39370e3970a6d050c480ffad4ff0ed4d3fdee5af"),
    ("actions/setup-java", "v4", "c5195efecf7bdfc987ee8bae7a71cb8b11521c00"),
    ("actions/setup-go", "v5", "3041bf56c941b39c61721a86cd11f3bb1338122a"),
    ("actions/setup-python", "v5", "0b93645e9fea7318ecaed2b359559ac225c90a2b"),
    ("actions/cache", "v4", "1bd1e32a3bdc45362d1e726936510720a7c30a57"),
    ("actions/upload-artifact", "v4", "6f51ac03b9356f520e9adb1b1b7802705f340c2b"),
    ("actions/download-artifact", "v4", "fa0a91b85d4f404e444e00e005971372dc801d16"),
    ("docker/login-action", "v3", "9780b0c442fbb1117ed29e0efdff1e18412f7567"),
    ("docker/build-push-action", "v6", "ca052bb54ab0790a636c9b5f226502c73d547a25"),
    ("aws-actions/configure-aws-credentials", "v4", "e3dd6a429d7300a6a4c196c26e071d42e0343502"),
    ("github/codeql-action/init", "v3", "48ab28a6f5dbc2a99bf1e0131198dd8f1df78169"),
    ("github/codeql-action/analyze", "v3", "48ab28a6f5dbc2a99bf1e0131198dd8f1df78169"),
    ("actions/github-script", "v7", "60a0d83039c74a4aee543508d2ffcb1c3799cdea"),
    ("hashicorp/setup-terraform", "v3", "b9cd54a3c349d3f38e8881555d616ced269862dd"),
  ]

  /// Every pipeline file: (relative path, text).
  mutating func write() -> [(path: String, text: String)] {
    var files: [(String, String)] = []
    let kinds = ["ci", "release", "deploy", "triage", "codeql", "nightly", "lint", "docs", "preview", "publish"]
    for repository in org.repositories {
      var names = Set<String>()
      for n in 0..<repository.workflows {
        var kind = n == 0 ? "ci" : random.pick(kinds)
        while names.contains(kind) { kind = random.pick(kinds) + "-\(n)" }
        names.insert(kind)
        files.append(("repos/\(repository.name)/.github/workflows/\(kind).yml", workflow(kind, repository)))
      }
      if repository.gitlab {
        files.append(("repos/\(repository.name)/.gitlab-ci.yml", gitlabPipeline(repository)))
        files.append(("repos/\(repository.name)/ci/templates.yml", gitlabTemplates()))
      }
    }
    return files
  }

  // MARK: GitHub Actions

  mutating func uses(_ index: Int? = nil) -> String {
    let (action, tag, sha) = index.map { Self.actions[$0] } ?? random.pick(Self.actions)
    switch random.below(10) {
    case 0..<4: return "\(action)@\(sha) # \(tag).2.1"
    case 4..<9: return "\(action)@\(tag)"
    default: return "\(action)@main"
    }
  }

  func setup(_ language: String) -> (Int, String, String)? {
    switch language {
    case "node": return (1, "node-version", "${{ matrix.node }}")
    case "java", "kotlin": return (2, "java-version", "\"21\"")
    case "go": return (3, "go-version-file", "go.mod")
    case "python": return (4, "python-version", "${{ matrix.python }}")
    case "terraform": return (14, "terraform_version", "1.9.8")
    default: return nil
    }
  }

  func buildCommand(_ language: String) -> String {
    switch language {
    case "node": return "npm ci\n          npm run build --if-present\n          npm test -- --ci"
    case "java": return "./mvnw -B verify -Drevision=${{ github.run_number }}"
    case "kotlin": return "./gradlew build --scan"
    case "go": return "go vet ./...\n          go test -race -coverprofile=coverage.out ./..."
    case "python": return "pip install -r requirements.txt\n          pytest -q --junitxml=report.xml"
    case "rust": return "cargo build --locked\n          cargo test --all-features"
    case "terraform": return "terraform init -backend=false\n          terraform validate"
    default: return "make build\n          make test"
    }
  }

  mutating func triggers(_ kind: String) -> String {
    switch kind {
    case "ci", "lint":
      return """
        on:
          push:
            branches: [main]
          pull_request:
            branches: [main, "release/**"]
            paths-ignore: ["docs/**", "*.md"]

        """
    case "release", "publish":
      return """
        on:
          push:
            tags: ["v*"]
          workflow_dispatch:
            inputs:
              version:
                description: Version to release
                required: true
                type: string

        """
    case "deploy":
      return """
        on:
          workflow_run:
            workflows: [ci]
            types: [completed]
            branches: [main]
          workflow_dispatch: {}

        """
    case "triage", "preview":
      return random.chance(0.5)
        ? """
          on:
            pull_request_target:
              types: [opened, synchronize, labeled]

          """
        : """
          on:
            issue_comment:
              types: [created]
            issues:
              types: [opened]

          """
    case "codeql", "nightly":
      return """
        on:
          schedule:
            - cron: "\(random.below(60)) \(random.below(24)) * * \(random.below(7))"
          workflow_dispatch:

        """
    default:
      return "on: [push, pull_request]\n"
    }
  }

  mutating func permissions(_ kind: String) -> String {
    switch random.below(10) {
    case 0: return ""  // none declared
    case 1: return "permissions: write-all\n"
    default:
      switch kind {
      case "release", "publish", "deploy": return "permissions:\n  contents: write\n  id-token: write\n  packages: write\n"
      case "triage", "preview": return "permissions:\n  issues: write\n  pull-requests: write\n"
      case "codeql": return "permissions:\n  contents: read\n  security-events: write\n"
      default: return "permissions:\n  contents: read\n"
      }
    }
  }

  mutating func workflow(_ kind: String, _ repository: Repository) -> String {
    let base = kind.split(separator: "-").first.map(String.init) ?? kind
    var out = "name: \(base)\n" + triggers(base) + permissions(base)
    out += """
      concurrency:
        group: ${{ github.workflow }}-${{ github.ref }}
        cancel-in-progress: true
      env:
        REGISTRY: ghcr.io
        IMAGE_NAME: ${{ github.repository }}
        CI: "true"

      """
    out += "jobs:\n"
    let language = repository.language
    switch base {
    case "triage", "preview": out += triageJobs()
    case "codeql": out += codeqlJobs(language)
    case "release", "publish", "deploy": out += lintJob(language) + buildJob(language, repository) + deployJobs(repository)
    default:
      out += lintJob(language) + buildJob(language, repository)
      if random.chance(0.3) { out += reusableJob() }
    }
    return out
  }

  mutating func checkout(persist: Bool = true) -> String {
    var step = "      - uses: \(uses(0))\n"
    if random.chance(0.3) || !persist {
      step += "        with:\n          persist-credentials: false\n"
      if random.chance(0.2) { step += "          fetch-depth: 0\n" }
    }
    return step
  }

  mutating func lintJob(_ language: String) -> String {
    var out = """
        lint:
          name: Lint
          runs-on: ubuntu-24.04
          timeout-minutes: 10
          steps:

      """
    out += checkout()
    if let (index, key, value) = setup(language) {
      out += "      - uses: \(uses(index))\n        with:\n          \(key): \(value.contains("matrix") ? "\"22\"" : value)\n"
    }
    out += """
            - name: Lint
              run: make lint || (echo "::error::lint failed on ${{ github.ref_name }}" && exit 1)

      """
    return out
  }

  mutating func buildJob(_ language: String, _ repository: Repository) -> String {
    var out = """
        test:
          name: Test (${{ matrix.os }})
          needs: [lint]
          runs-on: ${{ matrix.os }}
          strategy:
            fail-fast: false
            matrix:
              os: [ubuntu-24.04, macos-14]
              node: ["20", "22"]
              python: ["3.11", "3.12"]

      """
    if random.chance(0.25) {
      out += """
            services:
              postgres:
                image: postgres:16\(random.chance(0.3) ? "@sha256:" + random.hex(64) : "")
                env:
                  POSTGRES_PASSWORD: ${{ secrets.TEST_DB_PASSWORD }}
                ports: ["5432:5432"]
                options: --health-cmd pg_isready --health-interval 10s

        """
    }
    out += "    steps:\n"
    out += checkout()
    if let (index, key, value) = setup(language) {
      out += "      - uses: \(uses(index))\n        with:\n          \(key): \(value)\n"
    }
    out += """
            - uses: \(uses(5))
              with:
                path: ~/.cache
                key: ${{ runner.os }}-deps-${{ hashFiles('**/lockfiles') }}
                restore-keys: |
                  ${{ runner.os }}-deps-
            - name: Build and test
              env:
                NPM_TOKEN: ${{ secrets.NPM_TOKEN }}
                SHA: ${{ github.sha }}
              run: |
                echo "Building \(repository.name) at $SHA on ${{ runner.os }}"
                \(buildCommand(language))
            - uses: \(uses(6))
              if: always()
              with:
                name: reports-${{ matrix.os }}
                path: build/reports/
                retention-days: 7

      """
    if random.chance(0.05) {
      out += """
              - name: Install tool
                run: curl -sSL https://get.acme.example/install.sh | bash

        """
    }
    return out
  }

  mutating func deployJobs(_ repository: Repository) -> String {
    let environment = random.pick(["production", "staging"])
    var out = """
        image:
          needs: [test]
          runs-on: ubuntu-24.04
          outputs:
            digest: ${{ steps.push.outputs.digest }}
          steps:

      """
    out += checkout(persist: false)
    out += """
            - uses: \(uses(8))
              with:
                registry: ${{ env.REGISTRY }}
                username: ${{ github.actor }}
                password: ${{ secrets.GITHUB_TOKEN }}
            - id: push
              uses: \(uses(9))
              with:
                push: true
                tags: ${{ env.REGISTRY }}/${{ env.IMAGE_NAME }}:${{ github.sha }}
                build-args: |
                  VERSION=${{ inputs.version || github.ref_name }}
        deploy:
          needs: [test, image]
          if: github.ref == 'refs/heads/main' || startsWith(github.ref, 'refs/tags/v')
          runs-on: \(random.chance(0.1) ? "[self-hosted, linux, deploy]" : "ubuntu-24.04")
          environment:
            name: \(environment)
            url: https://\(repository.name).acme.example
          permissions:
            contents: read
            id-token: write
          steps:
            - uses: \(uses(10))
              with:
                role-to-assume: arn:aws:iam::123456789012:role/deploy-\(repository.name)
                aws-region: eu-west-1
            - name: Deploy
              env:
                DIGEST: ${{ needs.image.outputs.digest }}
                DEPLOY_KEY: ${{ secrets.DEPLOY_KEY }}
              run: |
                ./scripts/deploy.sh --env \(environment) --image "$DIGEST"
                echo "deployed ${{ github.sha }} to \(environment)" >> "$GITHUB_STEP_SUMMARY"

      """
    return out
  }

  mutating func triageJobs() -> String {
    let injected = random.chance(0.15)
    var out = """
        label:
          runs-on: ubuntu-24.04
          if: github.actor != 'dependabot[bot]'
          steps:
            - uses: \(uses(13))
              with:
                script: |
                  const labels = ['triage']
                  await github.rest.issues.addLabels({ ...context.repo, issue_number: context.issue.number, labels })

      """
    if injected {
      out += """
              - name: Greet
                run: echo "Thanks for ${{ github.event.pull_request.title }}${{ github.event.issue.title }}"

        """
    } else {
      out += """
              - name: Greet
                env:
                  TITLE: ${{ github.event.pull_request.title || github.event.issue.title }}
                run: echo "Thanks for $TITLE (#${{ github.event.number }})"

        """
    }
    if random.chance(0.1) {
      out += """
          preview:
            needs: label
            runs-on: ubuntu-24.04
            steps:
              - uses: \(uses(0))
                with:
                  ref: ${{ github.event.pull_request.head.sha }}
              - run: make preview

        """
    }
    return out
  }

  mutating func codeqlJobs(_ language: String) -> String {
    """
      analyze:
        runs-on: ubuntu-24.04
        permissions:
          security-events: write
          contents: read
        strategy:
          matrix:
            language: [\(language == "node" ? "javascript-typescript" : language == "kotlin" ? "java-kotlin" : language)]
        steps:
          - uses: \(uses(0))
          - uses: \(uses(11))
            with:
              languages: ${{ matrix.language }}
              queries: security-extended
          - run: make build
          - uses: \(uses(12))
            with:
              category: "/language:${{ matrix.language }}"

    """
  }

  mutating func reusableJob() -> String {
    let ref = random.chance(0.5) ? "main" : random.hex(40)
    return """
        shared:
          needs: [test]
          uses: acme/shared-workflows/.github/workflows/security-scan.yml@\(ref)
          with:
            severity: high
          secrets: \(random.chance(0.5) ? "inherit" : "\n      SCAN_TOKEN: ${{ secrets.SCAN_TOKEN }}")

      """
  }

  // MARK: GitLab CI

  mutating func gitlabPipeline(_ repository: Repository) -> String {
    let image = random.chance(0.3) ? "node:22@sha256:" + random.hex(64) : "node:22-alpine"
    return """
      # The organisation directory is the checkout root local includes resolve against.
      include:
        - local: repos/\(repository.name)/ci/templates.yml

      stages: [build, test, deploy]

      default:
        image: \(image)
        tags: [docker]

      variables:
        APP_NAME: \(repository.name)
        DOCKER_DRIVER: overlay2
        \(random.chance(0.2) ? "API_TOKEN: glpat-" + random.hex(20) : "LOG_LEVEL: info")

      build:
        extends: .build-template
        stage: build
        script:
          - npm ci
          - npm run build
        artifacts:
          paths: [dist/]

      test:
        stage: test
        needs: [build]
        services:
          - name: postgres:16
            alias: db
        script:
          - !reference [.setup, script]
          - npm test
        rules:
          - if: $CI_PIPELINE_SOURCE == "merge_request_event"
          - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH

      deploy:
        stage: deploy
        needs: [test]
        environment: production
        script:
          - echo "Deploying $CI_COMMIT_SHA for $CI_MERGE_REQUEST_TITLE"
          - ./deploy.sh
        rules:
          - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH
            when: manual

      """
  }

  func gitlabTemplates() -> String {
    """
    .setup:
      script:
        - echo "setting up"
        - npm config set registry https://npm.acme.example/

    .build-template:
      before_script:
        - echo "building $APP_NAME"
      retry: 2

    """
  }
}
