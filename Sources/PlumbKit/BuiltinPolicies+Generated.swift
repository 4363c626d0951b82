// GENERATED FILE. DO NOT EDIT! Run `swift run plumb-generate` to update it.
// Embeds the texts of rules/ and policies/ so the plumb binary is self-contained.
import PlumbPolicy

extension BuiltinPolicies {
  static let embedded: [PolicySource] = [
    PolicySource(
      path: "policies/baseline.plumb",
      text: #"""
      # The packs and scorecards that ship with Plumb. `plumb check` applies `baseline` unless
      # `--pack` or `.plumb.yaml` names another.

      pack baseline {
        title "Baseline"
        description "What every platform should hold: ownership and critical security issues block; the rest warns."
        all rules: warn
        category ownership: block
        rule template_injection: block
        rule security_group_admin_ports_open: block
        rule personal_data_in_allowed_regions: block
      }

      pack strict {
        title "Strict"
        description "Everything blocks, and inline ignore comments are not accepted."
        inline_ignores forbidden
        all rules: block
      }

      scorecard production_readiness {
        title "Production readiness"
        for c in catalog.Component when c.spec.lifecycle == "production"
        level bronze: component_has_owner, owner_is_a_group
        level silver: bronze, actions_pinned_to_sha, checkout_persist_credentials
        level gold: silver, personal_data_in_allowed_regions
        weight component_has_owner 2
      }

      """#),
    PolicySource(
      path: "rules/ownership/component_has_owner.plumb",
      text: #"""
      rule component_has_owner {
        title "Components name an owner"
        severity high
        category ownership
        tags [catalog, ownership]
        rationale """
          Every component needs someone to page, to review its changes and to fix its findings. A
          component without `spec.owner` is invisible to scorecards and to on-call rotations.
        """
        remediation "Set `spec.owner` to the Group that runs the component, e.g. `owner: group:payments`."

        for c in catalog.Component
        require exists(c.spec.owner) and trim(to_string(c.spec.owner)) != ""
          else "component '${c.metadata.name}' has no spec.owner" at c.spec

        example pass """
          apiVersion: backstage.io/v1alpha1
          kind: Component
          metadata:
            name: payments-api
          spec:
            type: service
            lifecycle: production
            owner: group:payments
        """
        example fail "no owner" """
          apiVersion: backstage.io/v1alpha1
          kind: Component
          metadata:
            name: payments-api
          spec:
            ↓type: service
            lifecycle: production
        """ expect "component 'payments-api' has no spec.owner"
      }

      """#),
    PolicySource(
      path: "rules/ownership/owner_is_a_group.plumb",
      text: #"""
      rule owner_is_a_group {
        title "A component's owner is a Group that exists"
        severity high
        category ownership
        tags [catalog, ownership]
        rationale """
          `spec.owner` must resolve to a Group in the catalog. An owner that names nobody (a typo, a
          renamed or deleted team) looks owned but reaches no one. Individual users leave companies;
          groups outlive them, so users are accepted only where `allow_users` is set.
        """
        remediation "Point `spec.owner` at an existing Group, or register the Group in the catalog."
        param allow_users: bool = false

        for c in catalog.Component
        let owners = c -> ownedBy
        when exists(c.spec.owner)
        require count(owners) > 0
          else "owner '${c.spec.owner}' of component '${c.metadata.name}' does not exist in the catalog" at c.spec.owner
        require all(o in owners, kind(o) == "catalog.Group" or (param.allow_users and kind(o) == "catalog.User"))
          else "component '${c.metadata.name}' is owned by ${join(map(o in owners, id(o)), ", ")}, not a Group" at c.spec.owner

        example pass {
          file "catalog-info.yaml" """
            apiVersion: backstage.io/v1alpha1
            kind: Component
            metadata: {name: api}
            spec: {type: service, lifecycle: production, owner: payments}
            ---
            apiVersion: backstage.io/v1alpha1
            kind: Group
            metadata: {name: payments}
            spec: {type: team, children: []}
          """
        }
        example fail "dangling owner" """
          apiVersion: backstage.io/v1alpha1
          kind: Component
          metadata: {name: api}
          spec: {type: service, lifecycle: production, owner: ↓ghosts}
        """ expect "owner 'ghosts' of component 'api' does not exist in the catalog"
        example fail "owned by a user" {
          file "catalog-info.yaml" """
            apiVersion: backstage.io/v1alpha1
            kind: Component
            metadata: {name: api}
            spec: {type: service, lifecycle: production, owner: ↓user:ana}
            ---
            apiVersion: backstage.io/v1alpha1
            kind: User
            metadata: {name: ana}
            spec: {memberOf: []}
          """
        } expect "is owned by catalog:user:default/ana, not a Group"
      }

      """#),
    PolicySource(
      path: "rules/ownership/terraform_component_tag_resolves.plumb",
      text: #"""
      rule terraform_component_tag_resolves {
        title "Terraform resources tagged with a component name one that exists"
        severity medium
        category ownership
        tags [terraform, catalog, cross-source]
        rationale """
          The `component` tag is how a cloud resource finds its owner, its data classification and its
          scorecard. A tag naming a component that is not in the catalog breaks all three silently.
        """
        remediation "Fix the tag to name a catalog Component, or register the component."

        for r in terraform.resource
        let component = r.tags["component"]
        when exists(component)
        require count(catalog.Component[name(it) == component]) == 1
          else "'${r.address}' is tagged component '${component}', which is not a Component in the catalog" at component

        example pass {
          file "catalog-info.yaml" """
            apiVersion: backstage.io/v1alpha1
            kind: Component
            metadata: {name: payments-api}
            spec: {type: service, lifecycle: production, owner: payments}
          """
          file "plan.tfplan.json" """
            {"format_version": "1.2", "resource_changes": [
              {"address": "aws_s3_bucket.b", "mode": "managed", "type": "aws_s3_bucket", "name": "b",
               "provider_name": "registry.terraform.io/hashicorp/aws",
               "change": {"actions": ["create"], "before": null,
                 "after": {"tags": {"component": "payments-api"}}, "after_unknown": {}}}]}
          """
        }
        example fail {
          file "catalog-info.yaml" """
            apiVersion: backstage.io/v1alpha1
            kind: Component
            metadata: {name: payments-api}
            spec: {type: service, lifecycle: production, owner: payments}
          """
          file "plan.tfplan.json" """
            {"format_version": "1.2", "resource_changes": [
              {"address": "aws_s3_bucket.b", "mode": "managed", "type": "aws_s3_bucket", "name": "b",
               "provider_name": "registry.terraform.io/hashicorp/aws",
               "change": {"actions": ["create"], "before": null,
                 "after": {"tags": {"component": ↓"payment-api"}}, "after_unknown": {}}}]}
          """
        } expect "tagged component 'payment-api', which is not a Component in the catalog"
      }

      """#),
    PolicySource(
      path: "rules/residency/personal_data_in_allowed_regions.plumb",
      text: #"""
      rule personal_data_in_allowed_regions {
        title "Resources of components holding personal data stay in allowed regions"
        severity critical
        category residency
        tags [terraform, catalog, cross-source, gdpr]
        rationale """
          A component whose catalog entry carries the annotation `plumb.dev/data-class: personal`
          processes personal data. Every Terraform resource tagged with that component must be placed in
          an allowed region. A region unknown until apply cannot be shown to comply, so it is
          indeterminate, which a gate treats as blocking: residency fails closed.
        """
        remediation "Move the resource to an allowed region (set the provider's or the resource's `region`)."
        param allowed_regions: list<string> = ["eu-west-1", "eu-west-3", "eu-central-1", "eu-north-1", "eu-south-1"]

        for r in terraform.resource
        let c = first(catalog.Component[name(it) == r.tags["component"]])
        let region = default(r.after.region, r.provider.region)
        when c.metadata.annotations["plumb.dev/data-class"] == "personal"
        require region in param.allowed_regions
          else "'${r.address}' holds personal data of '${name(c)}' in region '${region}', outside ${param.allowed_regions}"

        example pass {
          file "catalog-info.yaml" """
            apiVersion: backstage.io/v1alpha1
            kind: Component
            metadata:
              name: payments-api
              annotations: {plumb.dev/data-class: personal}
            spec: {type: service, lifecycle: production, owner: payments}
          """
          file "plan.tfplan.json" """
            {"format_version": "1.2", "resource_changes": [
              {"address": "aws_s3_bucket.b", "mode": "managed", "type": "aws_s3_bucket", "name": "b",
               "provider_name": "registry.terraform.io/hashicorp/aws",
               "change": {"actions": ["create"], "before": null,
                 "after": {"region": "eu-west-1", "tags": {"component": "payments-api"}}, "after_unknown": {}}}]}
          """
        }
        example fail "us region" {
          file "catalog-info.yaml" """
            apiVersion: backstage.io/v1alpha1
            kind: Component
            metadata:
              name: payments-api
              annotations: {plumb.dev/data-class: personal}
            spec: {type: service, lifecycle: production, owner: payments}
          """
          file "plan.tfplan.json" """
            {"format_version": "1.2", "resource_changes": [
              {"address": "aws_s3_bucket.b", "mode": "managed", "type": "aws_s3_bucket", "name": "b",
               "provider_name": "registry.terraform.io/hashicorp/aws",
               "change": {"actions": ["create"], "before": null,
                 "after": {"region": ↓"us-east-1", "tags": {"component": "payments-api"}}, "after_unknown": {}}}]}
          """
        } expect "holds personal data of 'payments-api' in region 'us-east-1'"
        example indeterminate "region known only after apply" {
          file "catalog-info.yaml" """
            apiVersion: backstage.io/v1alpha1
            kind: Component
            metadata:
              name: payments-api
              annotations: {plumb.dev/data-class: personal}
            spec: {type: service, lifecycle: production, owner: payments}
          """
          file "plan.tfplan.json" """
            {"format_version": "1.2", "resource_changes": [
              {"address": "aws_s3_bucket.b", "mode": "managed", "type": "aws_s3_bucket", "name": "b",
               "provider_name": "registry.terraform.io/hashicorp/aws",
               "change": {"actions": ["create"], "before": null,
                 "after": {"tags": {"component": "payments-api"}}, "after_unknown": {"region": true}}}]}
          """
        }
        example pass "not personal data" {
          file "catalog-info.yaml" """
            apiVersion: backstage.io/v1alpha1
            kind: Component
            metadata: {name: docs-site}
            spec: {type: website, lifecycle: production, owner: web}
          """
          file "plan.tfplan.json" """
            {"format_version": "1.2", "resource_changes": [
              {"address": "aws_s3_bucket.b", "mode": "managed", "type": "aws_s3_bucket", "name": "b",
               "provider_name": "registry.terraform.io/hashicorp/aws",
               "change": {"actions": ["create"], "before": null,
                 "after": {"region": "us-east-1", "tags": {"component": "docs-site"}}, "after_unknown": {}}}]}
          """
        }
      }

      """#),
    PolicySource(
      path: "rules/security/github/actions_pinned_to_sha.plumb",
      text: #"""
      rule actions_pinned_to_sha {
        title "Third-party actions are pinned to a full commit SHA"
        severity high
        category security
        tags [github-actions, supply-chain]
        rationale """
          A tag or branch can be moved to point at different code after you reviewed it; a full
          40-character commit SHA cannot. Compromised tags of popular actions have leaked secrets from
          thousands of repositories. Actions from owners you trust as much as GitHub itself (the
          `trusted_owners` parameter) may use tags.
        """
        remediation "Pin the action to the commit SHA of the release you reviewed, with the tag in a comment: `uses: owner/repo@<sha> # v1.2.3`."
        param trusted_owners: list<string> = []

        for s in github.step
        when s.uses_ref.kind == "repository" and not (lower(s.uses_ref.owner) in param.trusted_owners)
        require s.uses_ref.ref_kind == "sha"
          else "'${s.uses_ref.owner}/${s.uses_ref.repo}' is pinned to ${s.uses_ref.ref_kind} '${s.uses_ref.ref}', not a full commit SHA" at s.uses

        example pass """
          on: push
          jobs:
            build:
              runs-on: ubuntu-24.04
              steps:
                - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
                - uses: ./local-action
                - run: make
        """
        example fail "tag" """
          on: push
          jobs:
            build:
              runs-on: ubuntu-24.04
              steps:
                - uses: ↓actions/checkout@v4
                - uses: ↓some-org/deploy@main
        """ expect "'actions/checkout' is pinned to version-tag 'v4'" expect "'some-org/deploy' is pinned to branch-or-tag 'main'"
      }

      """#),
    PolicySource(
      path: "rules/security/github/checkout_persist_credentials.plumb",
      text: #"""
      rule checkout_persist_credentials {
        title "actions/checkout does not persist the token"
        severity medium
        category security
        tags [github-actions, credentials]
        rationale """
          By default `actions/checkout` writes the job's token into `.git/config`, where every later
          step (and anything that uploads the workspace as an artifact) can read it.
        """
        remediation "Set `persist-credentials: false` on the checkout step, and pass a token explicitly to the steps that push."

        for s in github.step
        when s.uses_ref.owner == "actions" and s.uses_ref.repo == "checkout"
        require s.with["persist-credentials"] == false
          else "checkout in job '${s.job}' keeps the GITHUB_TOKEN in .git/config" at s.uses
          fix { set s.with["persist-credentials"] = false }

        example pass """
          on: push
          jobs:
            build:
              runs-on: ubuntu-24.04
              steps:
                - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683
                  with:
                    persist-credentials: false
        """
        example fail """
          on: push
          jobs:
            build:
              runs-on: ubuntu-24.04
              steps:
                - uses: ↓actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683
        """ expect "checkout in job 'build' keeps the GITHUB_TOKEN in .git/config"
      }

      """#),
    PolicySource(
      path: "rules/security/github/template_injection.plumb",
      text: #"""
      rule template_injection {
        title "Untrusted input is not expanded into run scripts"
        severity critical
        category security
        tags [github-actions, injection]
        rationale """
          `${{ … }}` is expanded into the script text before the shell runs it. When the value comes
          from an attacker (a pull request title, an issue body, a branch name), the attacker writes
          shell code into your job, with its token and secrets.
        """
        remediation "Pass the value through an environment variable (`env: TITLE: ${{ github.event.pull_request.title }}`) and use `\"$TITLE\"` in the script."
        param untrusted: string = "^github\\.(event\\.(issue|pull_request|comment|review|review_comment|pages|commits|head_commit|workflow_run)\\b.*\\b(title|body|name|label|ref|message|email|head_branch|default_branch|page_name)|head_ref)"

        for s in github.step
        let risky = filter(e in s.expressions, e.field == "run" and any(c in e.contexts, c matches param.untrusted))
        require count(risky) == 0
          else "'${first(risky).text}' is expanded into a run script; an attacker controls its value" at first(risky)

        example pass """
          on: pull_request_target
          jobs:
            greet:
              runs-on: ubuntu-24.04
              steps:
                - env:
                    TITLE: ${{ github.event.pull_request.title }}
                  run: echo "$TITLE"
                - run: echo "${{ github.sha }}"
        """
        example fail """
          on: pull_request_target
          jobs:
            greet:
              runs-on: ubuntu-24.04
              steps:
                - run: |
                    echo "checking"
                    echo "↓${{ github.event.pull_request.title }}"
        """ expect "'github.event.pull_request.title' is expanded into a run script"
      }

      """#),
    PolicySource(
      path: "rules/security/github/workflow_write_all_permissions.plumb",
      text: #"""
      rule workflow_write_all_permissions {
        title "Jobs do not run with a write-all token"
        severity high
        category security
        tags [github-actions, least-privilege]
        rationale """
          `permissions: write-all`, or no `permissions` at all (the repository default, often
          read-write), lets every step push code, publish releases and change settings. A job should ask
          for the scopes it uses, in the job or for the whole workflow.
        """
        remediation "Add `permissions: {contents: read}` at the top of the workflow, and grant write scopes per job."

        for j in github.job
        let workflow = first(j -> inWorkflow)
        require j.permissions_kind != "write-all"
          else "job '${j.id}' asks for a write-all token" at j.permissions
        require j.permissions_kind != "missing" or workflow.permissions_kind not in ["missing", "write-all"]
          else "job '${j.id}' runs with the workflow's token permissions (${workflow.permissions_kind})"

        example pass """
          on: push
          permissions:
            contents: read
          jobs:
            build:
              runs-on: ubuntu-24.04
              steps:
                - run: make
        """
        example fail "inherits write-all" """
          on: push
          permissions: write-all
          jobs:
            ↓build:
              runs-on: ubuntu-24.04
              steps:
                - run: make
        """ expect "job 'build' runs with"
        example fail "asks for write-all" """
          on: push
          permissions: {}
          jobs:
            build:
              runs-on: ubuntu-24.04
              permissions: ↓write-all
              steps:
                - run: make
        """ expect "job 'build' asks for a write-all token"
      }

      """#),
    PolicySource(
      path: "rules/security/gitlab/image_pinned_by_digest.plumb",
      text: #"""
      rule image_pinned_by_digest {
        title "GitLab jobs run images pinned by digest"
        severity medium
        category security
        tags [gitlab-ci, supply-chain]
        rationale """
          An image tag, `latest` above all, can be re-pushed: the job then runs code nobody reviewed,
          with the pipeline's variables and deploy credentials. A `@sha256:` digest names exactly one
          image.
        """
        remediation "Reference the image by digest: `image: registry/name@sha256:…` (keep the tag in a comment)."

        for j in gitlab.job
        when exists(j.image_ref)
        require j.image_ref.tag != "latest" and (exists(j.image_ref.tag) or exists(j.image_ref.digest))
          else "job '${j.name}' runs '${j.image_ref.raw}', a moving 'latest' image" at j.image_ref
        require exists(j.image_ref.digest)
          else "job '${j.name}' runs '${j.image_ref.raw}' by tag, not by digest" at j.image_ref

        example pass """
          build:
            image: ruby@sha256:4b7e0c1d2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c
            script: [make]
        """
        example fail """
          build:
            image: ↓docker:latest
            script: [make]
        """ expect "job 'build' runs 'docker:latest', a moving 'latest' image" expect "by tag, not by digest"
      }

      """#),
    PolicySource(
      path: "rules/security/terraform/security_group_admin_ports_open.plumb",
      text: #"""
      rule security_group_admin_ports_open {
        title "Security groups do not open admin ports to the internet"
        severity critical
        category security
        tags [terraform, aws, network]
        rationale """
          SSH (22) and RDP (3389) open to 0.0.0.0/0 or ::/0 are scanned within minutes of creation and
          brute-forced from then on.
        """
        remediation "Restrict the rule's CIDR blocks to your VPN or bastion ranges, or use SSM Session Manager instead of SSH."
        param admin_ports: list<int> = [22, 3389]

        for sg in terraform.resource("aws_security_group")
        let open = filter(r in sg.after.ingress,
          ("0.0.0.0/0" in r.cidr_blocks or "::/0" in r.ipv6_cidr_blocks)
          and any(p in param.admin_ports, r.from_port <= p and p <= r.to_port))
        require count(open) == 0
          else "'${sg.address}' opens port ${join(map(p in filter(p in param.admin_ports, any(r in open, r.from_port <= p and p <= r.to_port)), to_string(p)), ", ")} to the internet" at first(open)

        example pass """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_security_group.web", "mode": "managed", "type": "aws_security_group", "name": "web",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {},
               "after": {"ingress": [
                 {"cidr_blocks": ["0.0.0.0/0"], "ipv6_cidr_blocks": [], "from_port": 443, "to_port": 443, "protocol": "tcp"},
                 {"cidr_blocks": ["10.0.0.0/8"], "ipv6_cidr_blocks": [], "from_port": 22, "to_port": 22, "protocol": "tcp"}]}}}]}
        """
        example fail """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_security_group.bastion", "mode": "managed", "type": "aws_security_group", "name": "bastion",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {},
               "after": {"ingress": [
                 ↓{"cidr_blocks": [], "ipv6_cidr_blocks": ["::/0"], "from_port": 0, "to_port": 65535, "protocol": "tcp"}]}}}]}
        """ expect "'aws_security_group.bastion' opens port 22, 3389 to the internet"
        example indeterminate "CIDR known only after apply" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_security_group.x", "mode": "managed", "type": "aws_security_group", "name": "x",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null,
               "after": {"ingress": [{"cidr_blocks": [null], "ipv6_cidr_blocks": [], "from_port": 22, "to_port": 22}]},
               "after_unknown": {"ingress": [{"cidr_blocks": [true], "ipv6_cidr_blocks": []}]}}}]}
        """
      }

      """#),
  ]
}
