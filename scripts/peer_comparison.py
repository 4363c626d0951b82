#!/usr/bin/env python3
"""Plumb vs Checkov vs zizmor on the shared corpus (driven by scripts/peer-comparison.sh).

What it does, in order (docs/peer-comparison.md explains the method and the results):
  1. stages the corpus: GitHub workflows that do not live in `.github/workflows/` are copied into
     one (Checkov's github_actions runner only reads files there); GitLab files not named
     `*.gitlab-ci.yml` are copied under that name (Checkov's gitlab_ci runner only reads those);
     generates a `terraform show -json` plan of 2,000 S3 buckets;
  2. runs Plumb, Checkov and zizmor on the same inputs, timing each run (wall clock);
  3. maps the rule classes the tools share (the tables below) and compares the findings per class,
     keyed by (file, resource address) for plans and (file, job, step) for workflows (the job and
     step are found from the line each tool reports, with the YAML node spans of the file);
  4. scores Plumb against zizmor's expected test output and actionlint's `.out` expectations;
  5. gives every difference a cause (`reason`) from the checks in `explain_*`; anything left
     `UNEXPLAINED` is a finding to look at (a Plumb bug or a new cause to document).

Outputs (in --work/results): summary.json, differences.tsv, labelled.tsv, report.md; the tables
are also printed to standard output.

Runs under the venv's Python (PyYAML comes with Checkov).
"""
from __future__ import annotations

import argparse
import collections
import json
import os
import statistics
import platform
import random
import re
import shutil
import subprocess
import sys
import time

import yaml  # PyYAML, installed with checkov

# ----------------------------------------------------------------------------------------------
# Rule-class mapping tables (from the rule authors; the ids are the equivalents named in each
# rule's tags/comments). A Plumb rule id maps to the Checkov ids that judge the same property.
# ----------------------------------------------------------------------------------------------

TF_MAPPING = """
s3_bucket_public_acl=CKV_AWS_20,CKV_AWS_57
s3_public_access_block_disabled=CKV_AWS_53,CKV_AWS_54,CKV_AWS_55,CKV_AWS_56
s3_bucket_public_access_block_missing=CKV2_AWS_6
s3_bucket_versioning_disabled=CKV_AWS_21
s3_bucket_encryption_missing=CKV_AWS_19
s3_bucket_encryption_not_kms=CKV_AWS_145
s3_bucket_policy_public=CKV_AWS_70
s3_bucket_access_logging_missing=CKV_AWS_18
s3_bucket_tls_not_enforced=CKV_AWS_379
security_group_admin_ports_open=CKV_AWS_24,CKV_AWS_25
security_group_all_ports_open=CKV_AWS_277
security_group_egress_open=CKV_AWS_382
iam_policy_admin_wildcard=CKV_AWS_62
iam_policy_document_admin_wildcard=CKV_AWS_1
iam_policy_attached_to_user=CKV_AWS_40
rds_publicly_accessible=CKV_AWS_17
rds_storage_not_encrypted=CKV_AWS_16,CKV_AWS_96
rds_backup_retention_short=CKV_AWS_133
rds_deletion_protection_disabled=CKV_AWS_293,CKV_AWS_139
rds_iam_authentication_disabled=CKV_AWS_161,CKV_AWS_162
kms_key_rotation_disabled=CKV_AWS_7
ebs_volume_not_encrypted=CKV_AWS_3
ebs_encryption_by_default_disabled=CKV_AWS_106
cloudtrail_log_file_validation_disabled=CKV_AWS_36
cloudtrail_not_multi_region=CKV_AWS_67
cloudtrail_not_encrypted_with_kms=CKV_AWS_35
lb_listener_plain_http=CKV_AWS_2,CKV2_AWS_20
lb_listener_outdated_tls_policy=CKV_AWS_103
lb_invalid_headers_not_dropped=CKV_AWS_131
cloudfront_allows_http=CKV_AWS_34
cloudfront_outdated_tls=CKV_AWS_174
eks_public_endpoint_open=CKV_AWS_38,CKV_AWS_39
eks_secrets_not_encrypted=CKV_AWS_58
lambda_function_url_unauthenticated=CKV_AWS_258
dynamodb_point_in_time_recovery_disabled=CKV_AWS_28
sqs_queue_not_encrypted=CKV_AWS_27
sns_topic_not_encrypted=CKV_AWS_26
ecr_image_tags_mutable=CKV_AWS_51
ecr_scan_on_push_disabled=CKV_AWS_163
opensearch_encryption_at_rest_disabled=CKV_AWS_5
opensearch_node_to_node_encryption_disabled=CKV_AWS_6
opensearch_https_not_enforced=CKV_AWS_83
azure_storage_blob_public_access=CKV_AZURE_190
azure_storage_secure_transport_disabled=CKV_AZURE_3,CKV_AZURE_60
azure_storage_min_tls_below_1_2=CKV_AZURE_44
azure_storage_public_network_access=CKV_AZURE_59,CKV_AZURE_35
azure_nsg_admin_ports_open=CKV_AZURE_10,CKV_AZURE_9
azure_key_vault_not_recoverable=CKV_AZURE_110,CKV_AZURE_42
azure_sql_server_public_network_access=CKV_AZURE_113
azure_sql_server_min_tls_below_1_2=CKV_AZURE_52
azure_aks_api_server_unrestricted=CKV_AZURE_6
azure_aks_rbac_disabled=CKV_AZURE_5
azure_aks_local_accounts_enabled=CKV_AZURE_141
azure_db_server_public_network_access=CKV_AZURE_68,CKV_AZURE_53,CKV_AZURE_48
azure_db_server_ssl_enforcement_disabled=CKV_AZURE_29,CKV_AZURE_28,CKV_AZURE_47
azure_db_server_min_tls_below_1_2=CKV_AZURE_147,CKV_AZURE_54
azure_app_service_https_only_disabled=CKV_AZURE_14,CKV_AZURE_70
azure_app_service_min_tls_below_1_2=CKV_AZURE_15,CKV_AZURE_145
gcp_storage_bucket_uniform_access_disabled=CKV_GCP_29
gcp_storage_bucket_public_iam=CKV_GCP_28
gcp_storage_bucket_public_access_prevention=CKV_GCP_114
gcp_iam_public_principal=CKV_GCP_112
gcp_firewall_admin_ports_open=CKV_GCP_2,CKV_GCP_3
gcp_sql_open_to_world=CKV_GCP_11
gcp_sql_ssl_not_enforced=CKV_GCP_6
gcp_sql_backups_disabled=CKV_GCP_14
gcp_gke_legacy_abac_enabled=CKV_GCP_7
gcp_gke_master_authorized_networks_missing=CKV_GCP_20
gcp_gke_private_nodes_disabled=CKV_GCP_25
gcp_gke_shielded_nodes_disabled=CKV_GCP_71
gcp_kms_key_rotation=CKV_GCP_43
gcp_compute_instance_public_ip=CKV_GCP_40
gcp_compute_instance_serial_port_enabled=CKV_GCP_35
gcp_compute_instance_os_login_disabled=CKV_GCP_34
gcp_compute_instance_default_sa_full_access=CKV_GCP_31
gcp_bigquery_dataset_public=CKV_GCP_15
"""


def parse_tf_mapping(text):
    out = {}
    for line in text.split():
        rule, ids = line.split("=")
        out[rule] = ids.split(",")
    return out


TF_CLASSES = parse_tf_mapping(TF_MAPPING)


def _feature(z):
    return z.get("_feature", "")


def _annotation(z):
    return z.get("_annotation", "")


def _is_inputs_expansion(z):
    # zizmor's template-injection covers `inputs.*`; Plumb splits those into their own rule.
    return re.search(r"\b(github\.event\.)?inputs\b", _feature(z)) is not None


# CI classes: Plumb rules <-> zizmor audits (with a filter on the finding) <-> Checkov ids, and the
# granularity of the comparison key: "step" = (file, job, step), "job" = (file, job), "file".
CI_CLASSES = [
    dict(cls="template_injection", plumb=["template_injection"],
         zizmor=[("template-injection", lambda z: not _is_inputs_expansion(z))], checkov=["CKV_GHA_2"], gran="step"),
    dict(cls="input_expanded_into_script", plumb=["input_expanded_into_script"],
         zizmor=[("template-injection", _is_inputs_expansion)], checkov=[], gran="step"),
    dict(cls="token_permissions_undeclared", plumb=["token_permissions_undeclared"],
         zizmor=[("excessive-permissions", lambda z: "default permissions" in _annotation(z))], checkov=[], gran="file"),
    dict(cls="workflow_write_all_permissions", plumb=["workflow_write_all_permissions"],
         zizmor=[("excessive-permissions", lambda z: "write-all" in _annotation(z))], checkov=["CKV2_GHA_1"], gran="file"),
    dict(cls="workflow_level_write_permissions", plumb=["workflow_level_write_permissions"],
         zizmor=[("excessive-permissions", lambda z: "overly broad at the workflow level" in _annotation(z))], checkov=[], gran="file"),
    dict(cls="dangerous_workflow_triggers", plumb=["dangerous_workflow_triggers"],
         zizmor=[("dangerous-triggers", None)], checkov=[], gran="file"),
    dict(cls="reusable_workflow_secrets_inherit", plumb=["reusable_workflow_secrets_inherit"],
         zizmor=[("secrets-inherit", None)], checkov=[], gran="job"),
    dict(cls="actions_pinned_to_sha", plumb=["actions_pinned_to_sha", "reusable_workflow_pinned_to_sha"],
         zizmor=[("unpinned-uses", None)], checkov=[], gran="step"),
    dict(cls="self_hosted_runner_on_public_trigger", plumb=["self_hosted_runner_on_public_trigger"],
         zizmor=[("self-hosted-runner", None)], checkov=[], gran="job"),
    dict(cls="github_env_untrusted_write", plumb=["github_env_untrusted_write"],
         zizmor=[("github-env", None)], checkov=[], gran="step"),
    dict(cls="insecure_workflow_commands_enabled", plumb=["insecure_workflow_commands_enabled", "insecure_workflow_commands_enabled_in_action"],
         zizmor=[("insecure-commands", None)], checkov=["CKV_GHA_1"], gran="file"),
    dict(cls="container_credentials_hardcoded", plumb=["container_credentials_hardcoded"],
         zizmor=[("hardcoded-container-credentials", None)], checkov=[], gran="job"),
    dict(cls="images_pinned_by_digest", plumb=["container_images_pinned_by_digest", "docker_uses_pinned_by_digest"],
         zizmor=[("unpinned-images", None)], checkov=[], gran="job"),
    dict(cls="bot_actor_condition", plumb=["bot_actor_condition"],
         zizmor=[("bot-conditions", None)], checkov=[], gran="job"),
    dict(cls="unsound_if_condition", plumb=["unsound_if_condition"],
         zizmor=[("unsound-condition", None)], checkov=[], gran="job"),
    dict(cls="overprovisioned_secrets", plumb=["overprovisioned_secrets"],
         zizmor=[("overprovisioned-secrets", None)], checkov=[], gran="step"),
    dict(cls="checkout_persist_credentials", plumb=["checkout_persist_credentials"],
         zizmor=[("artipacked", None)], checkov=[], gran="step"),
    dict(cls="cache_poisoning_in_release_workflow", plumb=["cache_poisoning_in_release_workflow"],
         zizmor=[("cache-poisoning", None)], checkov=[], gran="step"),
    dict(cls="dependabot_cooldown", plumb=["dependabot_cooldown"],
         zizmor=[("dependabot-cooldown", None)], checkov=[], gran="line"),
    dict(cls="dependabot_insecure_external_code_execution", plumb=["dependabot_insecure_external_code_execution"],
         zizmor=[("dependabot-execution", None)], checkov=[], gran="line"),
]

# actionlint rules (of the `.out` files) that correspond to Plumb classes. `match` filters the
# expected message. Permissions validity is an input diagnostic in Plumb, not a rule.
ACTIONLINT_CLASSES = [
    dict(cls="template_injection", rule="expression", match=r"potentially untrusted",
         plumb=["template_injection"], gran="step"),
    dict(cls="container_credentials_hardcoded", rule="credentials", match=r"",
         plumb=["container_credentials_hardcoded"], gran="job"),
    dict(cls="unsound_if_condition", rule="if-cond", match=r"always evaluated to true",
         plumb=["unsound_if_condition"], gran="job"),
    dict(cls="permissions (validity)", rule="permissions", match=r"",
         plumb_diagnostics=["github.invalid-permissions", "github.unknown-permission"], gran="line"),
]

# zizmor audits whose expected findings are scored (the CI classes above).
ZIZMOR_LABEL_CLASSES = [c for c in CI_CLASSES]

# ----------------------------------------------------------------------------------------------
# Small helpers
# ----------------------------------------------------------------------------------------------


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def run(cmd, out_path=None, cwd=None, env=None):
    """Runs cmd; stdout to out_path (or captured); returns (rc, seconds, stderr text)."""
    t0 = time.perf_counter()
    if out_path:
        with open(out_path, "wb") as out:
            p = subprocess.run(cmd, stdout=out, stderr=subprocess.PIPE, cwd=cwd, env=env)
    else:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=cwd, env=env)
    dt = time.perf_counter() - t0
    return p.returncode, dt, p.stderr.decode("utf-8", "replace")


def timed(label, cmd, runs, out_path, cwd=None, ok=lambda rc: True, warmup=False):
    """Best of `runs` wall-clock runs, after one untimed warm-up run when `warmup` (for the tools
    that take well under a second, where a single hiccup of the machine is most of a run)."""
    times = []
    rc = None
    err = ""
    if warmup and runs > 0:
        rc, dt, err = run(cmd, out_path, cwd=cwd)
        log(f"  {label}: warm-up: {dt:.3f} s (exit {rc}, not counted)")
    for i in range(runs):
        rc, dt, err = run(cmd, out_path, cwd=cwd)
        if not ok(rc):
            log(f"{label}: exit {rc}\n{err[-2000:]}")
            raise SystemExit(f"{label} failed")
        times.append(dt)
        log(f"  {label}: run {i + 1}/{runs}: {dt:.3f} s (exit {rc})")
    return dict(best=min(times), runs=times, rc=rc, stderr=err)


def rel(path, base):
    return os.path.relpath(os.path.abspath(path), os.path.abspath(base))


def load_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


# ----------------------------------------------------------------------------------------------
# Staging
# ----------------------------------------------------------------------------------------------

WORKFLOW_TOP = re.compile(r"^(on|\"on\"|'on'|jobs)\s*:", re.M)


def stage_github(src_root, dst_root):
    """Copies workflows and action.yml files; returns {staged rel path: corpus rel path}."""
    shutil.rmtree(dst_root, ignore_errors=True)
    mapping = {}
    for dp, dn, fn in os.walk(src_root):
        dn.sort()
        r = os.path.relpath(dp, src_root)
        if r.startswith(("zizmor/expected", "zizmor/snapshots")):
            continue
        for f in sorted(fn):
            if not f.endswith((".yml", ".yaml")):
                continue
            src = os.path.join(dp, f)
            cr = os.path.normpath(os.path.join(r, f))
            with open(src, encoding="utf-8", errors="replace") as fh:
                text = fh.read()
            if f in ("action.yml", "action.yaml"):
                d = cr
            elif f in ("dependabot.yml", "dependabot.yaml") and re.search(r"^updates\s*:", text, re.M):
                # Dependabot configurations, where both tools look for them: <dir>/.github/dependabot.yml.
                d = cr if os.path.basename(r) == ".github" else os.path.normpath(os.path.join(r, ".github", f))
            elif WORKFLOW_TOP.search(text):
                d = cr if "/.github/workflows/" in "/" + cr else os.path.normpath(os.path.join(r, ".github/workflows", f))
            else:
                continue  # pre-commit, zizmor configs: not pipelines
            if d in mapping:
                raise SystemExit(f"staging collision: {d}")
            mapping[d] = cr
            os.makedirs(os.path.dirname(os.path.join(dst_root, d)), exist_ok=True)
            shutil.copyfile(src, os.path.join(dst_root, d))
    return mapping


def stage_gitlab(src_root, dst_root):
    shutil.rmtree(dst_root, ignore_errors=True)
    mapping = {}
    for dp, dn, fn in os.walk(src_root):
        dn.sort()
        r = os.path.relpath(dp, src_root)
        for f in sorted(fn):
            if not f.endswith((".yml", ".yaml")):
                continue
            cr = os.path.normpath(os.path.join(r, f))
            d = cr if f.endswith((".gitlab-ci.yml", ".gitlab-ci.yaml")) else re.sub(r"\.ya?ml$", ".gitlab-ci.yml", cr)
            mapping[d] = cr
            os.makedirs(os.path.dirname(os.path.join(dst_root, d)), exist_ok=True)
            shutil.copyfile(os.path.join(dp, f), os.path.join(dst_root, d))
    return mapping


def generate_s3_plan(path, buckets=2000, seed=7):
    """A `terraform show -json` plan (format 1.2) creating `buckets` S3 buckets in a module-less
    root, with the usual companions: versioning on every 3rd bucket, SSE on every 2nd, a public
    access block on every 4th, tags from a provider default_tags-like mix."""
    rnd = random.Random(seed)
    changes, planned, config = [], [], []
    teams = ["payments", "search", "identity", "platform", "data"]

    def add(rtype, name, after, unknown, exprs):
        addr = f"{rtype}.{name}"
        changes.append({
            "address": addr, "mode": "managed", "type": rtype, "name": name,
            "provider_name": "registry.terraform.io/hashicorp/aws",
            "change": {"actions": ["create"], "before": None, "after": after, "after_unknown": unknown,
                       "before_sensitive": False, "after_sensitive": {"tags": {}, "tags_all": {}} if "tags" in after else {}},
        })
        planned.append({"address": addr, "mode": "managed", "type": rtype, "name": name,
                        "provider_name": "registry.terraform.io/hashicorp/aws", "schema_version": 0,
                        "values": after, "sensitive_values": {}})
        config.append({"address": addr, "mode": "managed", "type": rtype, "name": name,
                       "provider_config_key": "aws", "expressions": exprs, "schema_version": 0})

    for i in range(buckets):
        name = f"bucket_{i:04d}"
        team = teams[rnd.randrange(len(teams))]
        bname = f"acme-{team}-{i:04d}-{rnd.randrange(16**6):06x}"
        tags = {"team": team, "env": rnd.choice(["prod", "staging", "dev"]), "cost-center": str(1000 + i % 50)}
        add("aws_s3_bucket", name,
            {"bucket": bname, "bucket_prefix": None, "force_destroy": False, "object_lock_enabled": None,
             "tags": tags, "tags_all": dict(tags, managed_by="terraform"), "timeouts": None},
            {"acceleration_status": True, "acl": True, "arn": True, "bucket_domain_name": True,
             "bucket_regional_domain_name": True, "cors_rule": True, "grant": True, "hosted_zone_id": True,
             "id": True, "lifecycle_rule": True, "logging": True, "object_lock_configuration": True,
             "policy": True, "region": True, "replication_configuration": True, "request_payer": True,
             "server_side_encryption_configuration": True, "tags": {}, "tags_all": {}, "versioning": True,
             "website": True, "website_domain": True, "website_endpoint": True},
            {"bucket": {"constant_value": bname}, "tags": {"constant_value": tags}})
        ref = {"references": [f"aws_s3_bucket.{name}.id", f"aws_s3_bucket.{name}"]}
        if i % 3 == 0:
            add("aws_s3_bucket_versioning", name,
                {"expected_bucket_owner": None, "mfa": None,
                 "versioning_configuration": [{"status": "Enabled"}]},
                {"bucket": True, "id": True, "versioning_configuration": [{"mfa_delete": True}]},
                {"bucket": ref, "versioning_configuration": [{"status": {"constant_value": "Enabled"}}]})
        if i % 2 == 0:
            add("aws_s3_bucket_server_side_encryption_configuration", name,
                {"expected_bucket_owner": None,
                 "rule": [{"apply_server_side_encryption_by_default": [{"kms_master_key_id": None, "sse_algorithm": "AES256"}],
                           "bucket_key_enabled": None}]},
                {"bucket": True, "id": True, "rule": [{"apply_server_side_encryption_by_default": [{}]}]},
                {"bucket": ref, "rule": [{"apply_server_side_encryption_by_default": [{"sse_algorithm": {"constant_value": "AES256"}}]}]})
        if i % 4 == 0:
            add("aws_s3_bucket_public_access_block", name,
                {"block_public_acls": True, "block_public_policy": True, "ignore_public_acls": True,
                 "restrict_public_buckets": True},
                {"bucket": True, "id": True},
                {"bucket": ref, "block_public_acls": {"constant_value": True},
                 "block_public_policy": {"constant_value": True}, "ignore_public_acls": {"constant_value": True},
                 "restrict_public_buckets": {"constant_value": True}})
    plan = {
        "format_version": "1.2", "terraform_version": "1.9.5",
        "planned_values": {"root_module": {"resources": planned}},
        "resource_changes": changes,
        "configuration": {
            "provider_config": {"aws": {"name": "aws", "full_name": "registry.terraform.io/hashicorp/aws",
                                        "version_constraint": "~> 5.0",
                                        "expressions": {"region": {"constant_value": "eu-west-1"}}}},
            "root_module": {"resources": config},
        },
        "timestamp": "2026-01-01T00:00:00Z", "applyable": True, "complete": True, "errored": False,
    }
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(plan, f, indent=2)
    return len(changes)


# ----------------------------------------------------------------------------------------------
# YAML structure index: line -> (job, step)
# ----------------------------------------------------------------------------------------------

_index_cache = {}


def _span(node_start, node_end):
    start = node_start.line + 1
    end = node_end.line if node_end.column == 0 else node_end.line + 1
    return start, max(start, end)


def yaml_index(path):
    """[(start, end, job, step)] for every job and step of a workflow or composite action."""
    if path in _index_cache:
        return _index_cache[path]
    spans = None
    try:
        with open(path, encoding="utf-8") as f:
            root = yaml.compose(f.read(), Loader=yaml.SafeLoader)
        spans = []

        def get(mapping, key):
            if isinstance(mapping, yaml.MappingNode):
                for k, v in mapping.value:
                    if isinstance(k, yaml.ScalarNode) and k.value == key:
                        return k, v
            return None, None

        def steps_of(job_name, node):
            _, steps = get(node, "steps")
            if isinstance(steps, yaml.SequenceNode):
                for i, st in enumerate(steps.value):
                    s, e = _span(st.start_mark, st.end_mark)
                    spans.append((s, e, job_name, i))

        _, jobs = get(root, "jobs")
        if isinstance(jobs, yaml.MappingNode):
            for k, v in jobs.value:
                s, _ = _span(k.start_mark, k.end_mark)
                _, e = _span(v.start_mark, v.end_mark)
                spans.append((s, e, str(k.value), None))
                steps_of(str(k.value), v)
        _, runs = get(root, "runs")
        if isinstance(runs, yaml.MappingNode):
            s, e = _span(runs.start_mark, runs.end_mark)
            spans.append((s, e, "(action)", None))
            steps_of("(action)", runs)
    except Exception:
        spans = None
    _index_cache[path] = spans
    return spans


def locate(path, line):
    """(job, step) of a line: the innermost step span, else the job span, else (None, None)."""
    spans = yaml_index(path)
    if not spans or line is None:
        return (None, None)
    # A block node's end mark is the start of the next token, so consecutive spans share a line:
    # the innermost span that starts last wins.
    best_job, best_step = None, None
    for s, e, j, st in spans:
        if s <= line <= e:
            if st is None:
                if best_job is None or s >= best_job[0]:
                    best_job = (s, j)
            elif best_step is None or s >= best_step[0]:
                best_step = (s, j, st)
    if best_step is not None and (best_job is None or best_step[1] == best_job[1]):
        return (best_step[1], best_step[2])
    return (best_job[1] if best_job else None, None)


def ci_key(file, job_step, gran, line=None):
    job, step = job_step
    if gran == "file":
        return (file,)
    if gran == "job":
        return (file, job)
    if gran == "line":
        return (file, line)
    return (file, job, step)


# ----------------------------------------------------------------------------------------------
# Readers: every finding becomes a dict with tool, rule, file (corpus-relative), line, and more.
# ----------------------------------------------------------------------------------------------


def read_plumb(report_path, path_map=None):
    d = load_json(report_path)
    out = []
    for f in d["findings"]:
        loc = f.get("location") or {}
        p = loc.get("path")
        if path_map is not None:
            p = path_map.get(p, p)
        line = (loc.get("start") or {}).get("line")
        ent = f.get("entity") or ""
        addr = ent.split("#", 1)[1] if "#" in ent and ent.startswith("terraform:") else None
        defined = ((f.get("definedAt") or {}).get("start") or {}).get("line")
        out.append(dict(tool="plumb", rule=f["ruleId"], file=p, line=line, address=addr,
                        verdict=f["verdict"], message=f["message"], entity=ent, defined_line=defined))
    diags = []
    for x in d.get("inputDiagnostics", []):
        loc = x.get("location") or {}
        p = loc.get("path")
        if path_map is not None and p is not None:
            p = path_map.get(p, p)
        diags.append(dict(code=x["code"], severity=x["severity"], file=p,
                          line=(loc.get("start") or {}).get("line"), message=x["message"]))
    files = {}
    for fi in d.get("files", []):
        p = fi["path"]
        if path_map is not None:
            p = path_map.get(p, p)
        files[p] = fi.get("format")
    return out, diags, files, d


def read_checkov(report_path, base, path_map=None):
    """Returns (failed, passed) lists; file paths relative to base (then mapped)."""
    d = load_json(report_path)
    reports = d if isinstance(d, list) else [d]
    failed, passed = [], []
    for r in reports:
        res = r.get("results") or {}
        for kind, bucket in (("failed_checks", failed), ("passed_checks", passed)):
            for c in res.get(kind, []) or []:
                p = rel(c["file_abs_path"], base)
                if path_map is not None:
                    p = path_map.get(p, p)
                rng = c.get("file_line_range") or [None, None]
                bucket.append(dict(tool="checkov", rule=c["check_id"], file=p, line=rng[0], end=rng[1],
                                   address=c.get("resource_address") or c.get("resource"),
                                   resource=c.get("resource"), name=c.get("check_name")))
    return failed, passed


def read_zizmor(report_path, base, path_map=None):
    out = []
    for z in load_json(report_path):
        prim = [l for l in z["locations"] if l["symbolic"].get("kind") == "Primary"] or z["locations"]
        p0 = prim[0]
        key = p0["symbolic"]["key"]
        vp = (key.get("Local") or {}).get("verbatim_path") or (key.get("Local") or {}).get("given_path")
        p = rel(os.path.join(base, vp), base) if vp and not os.path.isabs(vp) else rel(vp, base)
        if path_map is not None:
            p = path_map.get(p, p)
        line = p0["concrete"]["location"]["start_point"]["row"] + 1
        out.append(dict(tool="zizmor", rule=z["ident"], file=p, line=line,
                        persona=z["determinations"]["persona"], confidence=z["determinations"]["confidence"],
                        severity=z["determinations"]["severity"],
                        _annotation=p0["symbolic"].get("annotation", ""),
                        _feature=p0["concrete"].get("feature", ""),
                        route=p0["symbolic"].get("route", {}).get("route", [])))
    return out


# ----------------------------------------------------------------------------------------------
# Running the peers robustly
# ----------------------------------------------------------------------------------------------

ZIZMOR_OK = {0, 3, 11, 12, 13, 14}


def zizmor_cmd(zizmor, files):
    return [zizmor, "--offline", "--no-config", "--persona=auditor", "--format", "json", *files]


def zizmor_bad_inputs(zizmor, files, cwd):
    """Files zizmor aborts on (a load error or a panic stops the whole run); found by bisection."""
    rc, _, _ = run(zizmor_cmd(zizmor, files), os.devnull, cwd=cwd)
    if rc in ZIZMOR_OK:
        return []
    if len(files) == 1:
        return list(files)
    mid = len(files) // 2
    return zizmor_bad_inputs(zizmor, files[:mid], cwd) + zizmor_bad_inputs(zizmor, files[mid:], cwd)


def checkov_cmd(checkov, target, framework, skips=()):
    cmd = [checkov, "--framework", framework, "-o", "json", "--compact", "--skip-download"]
    cmd += ["-d", target] if os.path.isdir(target) else ["-f", target]
    for s in skips:
        cmd += ["--skip-path", re.escape(s)]
    return cmd


def yaml_is_recursive(path):
    """True when an alias refers to a node that contains it (`&a [*a]`): Checkov's graph builder
    recurses into such a value until Python's recursion limit and aborts the whole run."""
    try:
        with open(path, encoding="utf-8") as f:
            root = yaml.compose(f.read(), Loader=yaml.SafeLoader)
    except Exception:
        return False
    on_path, done = set(), set()

    def walk(n):
        if id(n) in on_path:
            return True
        if id(n) in done or isinstance(n, yaml.ScalarNode) or n is None:
            return False
        on_path.add(id(n))
        kids = [x for kv in n.value for x in kv] if isinstance(n, yaml.MappingNode) else n.value
        r = any(walk(k) for k in kids)
        on_path.discard(id(n))
        done.add(id(n))
        return r

    try:
        return walk(root)
    except RecursionError:
        return True


def checkov_find_skips(checkov, target, framework, out_path, cwd):
    """Runs Checkov; when it crashes on a file (it aborts the whole run), skips that file and
    tries again. Files with recursive aliases are skipped from the start (they always crash it).
    Returns (skips, seconds of the successful run, exit status)."""
    skips = []
    if os.path.isdir(target):
        for dp, dn, fn in os.walk(target):
            for f in fn:
                if f.endswith((".yml", ".yaml")) and yaml_is_recursive(os.path.join(dp, f)):
                    skips.append(rel(os.path.join(dp, f), target))
        skips.sort()
    for _ in range(8):
        rc, dt, err = run(checkov_cmd(checkov, target, framework, skips), out_path, cwd=cwd)
        try:
            load_json(out_path)
            return skips, dt, rc
        except Exception:
            m = re.findall(r"Failed to invoke function .* with (\S+)", err)
            if not m:
                log(err[-3000:])
                raise SystemExit(f"checkov failed on {target}")
            bad = rel(m[-1], target) if os.path.isdir(target) else m[-1]
            log(f"  checkov crashed on {bad}; skipping it")
            skips.append(bad)
    raise SystemExit("checkov keeps crashing")


# ----------------------------------------------------------------------------------------------
# Comparison
# ----------------------------------------------------------------------------------------------


def compare_sets(plumb_keys, peer_keys):
    both = sorted(set(plumb_keys) & set(peer_keys), key=str)
    only_p = sorted(set(plumb_keys) - set(peer_keys), key=str)
    only_q = sorted(set(peer_keys) - set(plumb_keys), key=str)
    return both, only_p, only_q


def group(findings, keyf):
    g = collections.defaultdict(list)
    for f in findings:
        k = keyf(f)
        if k is not None:
            g[k].append(f)
    return g


# ----------------------------------------------------------------------------------------------
# Labelled data
# ----------------------------------------------------------------------------------------------

ZIZMOR_HEADER = re.compile(r"^(error|warning|help|info|note)\[([a-z0-9-]+)\]: [^\n]*\n\s*--> (\S+?):(\d+):(\d+)", re.M)
USABLE_ARGS = {"--persona=auditor", "--persona=pedantic", "--pedantic", "--no-online-audits"}


def zizmor_labels(expected_dir):
    """{corpus-relative file: {"tests": [...], "findings": [(audit, line, persona_arg)]}} from the
    usable tests: plain output, no fixes/configs/filters/remote inputs, local file inputs only."""
    labels = {}
    skipped = collections.Counter()
    for fn in sorted(os.listdir(expected_dir)):
        if not fn.endswith(".json") or fn in ("config.json", "crater.json"):
            skipped[fn] += 1 if fn.endswith(".json") else 0
            continue
        for t in load_json(os.path.join(expected_dir, fn)):
            out = t.get("expected_output")
            ro = " ".join(t.get("runner_options") or [])
            args = t.get("args") or []
            if out is None or any(a not in USABLE_ARGS for a in args) or "expects_failure" in ro \
                    or "input(\"" in ro or "config" in ro or "working_dir" in ro or len(t["inputs"]) != 1:
                skipped["test not usable (fix/config/filter/remote/multi-input)"] += 1
                continue
            inp = t["inputs"][0]
            persona = "auditor" if "--persona=auditor" in args else "pedantic" if ("--pedantic" in args or "--persona=pedantic" in args) else "regular"
            found = []
            ms = list(ZIZMOR_HEADER.finditer(out))
            for i, m in enumerate(ms):
                path = m.group(3).replace("@@INPUT@@", inp.rstrip("/"))
                block = out[m.start(): ms[i + 1].start() if i + 1 < len(ms) else len(out)]
                found.append((path, m.group(2), int(m.group(4)), (block, int(m.group(5)))))
            files = {inp} if inp.endswith((".yml", ".yaml")) else {p for p, _, _, _ in found}
            for f in files:
                e = labels.setdefault(f, {"tests": [], "findings": set(), "blocks": {}})
                e["tests"].append((fn, t["test_fn"], persona))
            for p, audit, line, block in found:
                e = labels.setdefault(p, {"tests": [(fn, t["test_fn"], persona)], "findings": set(), "blocks": {}})
                e["findings"].add((audit, line, persona))
                e["blocks"][(audit, line)] = block
    return labels, skipped


ACTIONLINT_LINE = re.compile(r"^[^:]+:(\d+):(\d+): (.*) \[([a-z-]+)\]$")


def actionlint_labels(root):
    """{corpus-relative yaml: [(line, col, message, rule)]} for err/, examples/ (with .out) and ok/."""
    labels = {}
    for sub in ("err", "examples", "ok"):
        d = os.path.join(root, sub)
        for fn in sorted(os.listdir(d)):
            if not fn.endswith((".yaml", ".yml")):
                continue
            outp = os.path.join(d, re.sub(r"\.ya?ml$", ".out", fn))
            exp = []
            if os.path.exists(outp):
                with open(outp, encoding="utf-8") as f:
                    for line in f:
                        line = line.rstrip("\n")
                        m = ACTIONLINT_LINE.match(line)
                        if m:
                            exp.append((int(m.group(1)), int(m.group(2)), m.group(3), m.group(4)))
                        elif line.startswith("/"):
                            # a regex line: its rule is in the trailing [rule]; no fixed position
                            m2 = re.search(r"\\\[([a-z-]+)\\\]/?$|\[([a-z-]+)\]/?$", line)
                            exp.append((None, None, line, (m2.group(1) or m2.group(2)) if m2 else "?"))
            elif sub != "ok":
                continue
            labels[f"actionlint/{sub}/{fn}"] = exp
    return labels


def prf(tp, fp, fn):
    p = tp / (tp + fp) if tp + fp else None
    r = tp / (tp + fn) if tp + fn else None
    return p, r


def pct(x):
    return "–" if x is None else f"{100 * x:.0f}%"


# ----------------------------------------------------------------------------------------------
# Explanations of differences (filled in from what the corpus shows; see docs/peer-comparison.md)
# ----------------------------------------------------------------------------------------------


_plans = {}


def plan_info(tf_dir, file):
    if file not in _plans:
        try:
            with open(os.path.join(tf_dir, file), encoding="utf-8") as f:
                p = json.load(f)
        except Exception:
            p = {}
        planned = set()

        def walk(m):
            for r in (m or {}).get("resources", []) or []:
                planned.add(r.get("address"))
            for c in (m or {}).get("child_modules", []) or []:
                walk(c)

        walk((p.get("planned_values") or {}).get("root_module"))
        changes = {r.get("address"): r for r in p.get("resource_changes", []) or []}
        _plans[file] = dict(planned=planned, changes=changes)
    return _plans[file]


def _rtype(addr):
    parts = re.sub(r"\[[^\]]*\]", "", addr).split(".")
    return ".".join(parts[-3:-1]) if len(parts) >= 3 and parts[-3] == "data" else parts[-2]


def explain_tf(cls, side, key, plumb_fs, peer_fs, ctx):
    """Why Plumb and Checkov disagree on one (plan file, resource) of one class."""
    file, addr = key
    ids = TF_CLASSES[cls]
    info = plan_info(ctx["tf_dir"], file)
    rc = info["changes"].get(addr) or {}
    after = (rc.get("change") or {}).get("after") or {}
    rtype = _rtype(addr)
    st = {r: v for r, v in ctx["ck_status"].get((file, addr), {}).items() if r in ids}
    same_module = lambda a: a.rsplit(".", 2)[0] if a.count(".") >= 2 else ""
    if side == "only_plumb":
        if file not in ctx["ck_files"]:
            return "Checkov produced no result at all for this plan file"
        if addr not in info["planned"] and not addr.startswith("data."):
            return "Checkov reads resources from planned_values, which in this trimmed test plan do not list the resource; Plumb reads resource_changes"
        if cls == "s3_bucket_public_acl" and rtype == "aws_s3_bucket_acl":
            peer_keys = {k for (f, k) in ctx["ck_fail_keys"].get(cls, set()) if f == file}
            if any(_rtype(k) == "aws_s3_bucket" and same_module(k) == same_module(addr) for k in peer_keys):
                return "same ACL, other resource: Plumb reports the aws_s3_bucket_acl, Checkov the bucket it is attached to"
        if not st and plumb_fs and all(f["verdict"] == "indeterminate" for f in plumb_fs):
            return "Plumb indeterminate (a value it needs is unknown until apply); Checkov has no result for it"
        if not st:
            if not any(rtype in ctx["ck_types"].get(i, set()) for i in ids):
                return f"Checkov's {'/'.join(ids)} do not evaluate {rtype}"
            if cls == "s3_bucket_policy_public" and not isinstance(after.get("policy"), str):
                return ("the policy is unknown until apply in the planned values: Plumb reads its document through the "
                        "plan's configuration reference (an aws_iam_policy_document data source); Checkov has no result for it")
            return "UNEXPLAINED"
        if plumb_fs and all(f["verdict"] == "indeterminate" for f in plumb_fs):
            return "Plumb indeterminate (a value it needs is unknown until apply); Checkov passes what it cannot see"
        if cls == "s3_bucket_encryption_missing" and not after.get("server_side_encryption_configuration"):
            return "Checkov's CKV_AWS_19 passes a bucket with no encryption configuration at all (S3 default SSE-S3); Plumb requires a declared default encryption"
        if cls == "s3_bucket_access_logging_missing" and not after.get("logging"):
            return "Checkov's CKV_AWS_18 only checks that the attribute `logging` exists; the plan has `logging = []` (no logging), which passes"
        if cls == "opensearch_node_to_node_encryption_disabled":
            cc = (after.get("cluster_config") or [{}])[0] or {}
            if not cc or (isinstance(cc.get("instance_count"), int) and cc["instance_count"] <= 1) or "instance_count" not in cc:
                return "Checkov's CKV_AWS_6 passes a domain with one node or no cluster_config; Plumb requires node-to-node encryption on every domain"
        if cls == "opensearch_https_not_enforced" and not after.get("domain_endpoint_options"):
            return "Checkov's CKV_AWS_83 passes a domain without domain_endpoint_options (missing block = PASSED); Plumb reports it: HTTPS is then not enforced"
        if cls in ("security_group_admin_ports_open", "security_group_egress_open", "security_group_all_ports_open") \
                and rtype == "aws_security_group_rule" and after.get("prefix_list_ids") is None and cls != "security_group_all_ports_open":
            return "Checkov false negative: `prefix_list_ids = null` in the plan reads as a prefix-list restriction, so the 0.0.0.0/0 rule passes"
        if cls == "security_group_all_ports_open":
            rules = [after] if rtype == "aws_security_group_rule" else list(after.get("ingress") or [])
            if any(str(r.get("protocol")) != "-1" and r.get("from_port") == 0 and r.get("to_port") == 65535 for r in rules if isinstance(r, dict)):
                return "Checkov's CKV_AWS_277 only flags protocol -1; Plumb also flags a tcp/udp rule over ports 0-65535 from the internet"
        if cls == "azure_nsg_admin_ports_open" and "0.0.0.0/0" in json.dumps(after.get("security_rule")):
            return "Checkov false negative: CKV_AZURE_9/10 match '*', 'Internet', 'Any', '0.0.0.0', '/0' but not the source prefix '0.0.0.0/0'"
        if cls in ("gcp_iam_public_principal", "gcp_bigquery_dataset_public") and isinstance(after.get("policy_data"), str):
            return "Checkov passes/skips an *_iam_policy: it reads policy_data only as an HCL object, and in a plan it is a JSON string"
        return "UNEXPLAINED"
    # only_peer
    plumb_same = ctx["plumb_keys"].get((file, addr), set())
    if cls == "s3_bucket_encryption_not_kms" and "s3_bucket_encryption_missing" in plumb_same:
        return "no default encryption declared: Plumb reports it once, as s3_bucket_encryption_missing (Checkov: CKV_AWS_145 fails, CKV_AWS_19 passes)"
    if cls == "azure_storage_blob_public_access" and after.get("allow_nested_items_to_be_public") is None and after.get("allow_blob_public_access") is False:
        return "azurerm 2.x plan with allow_blob_public_access = false; Checkov's CKV_AZURE_190 reads only the 3.x attribute allow_nested_items_to_be_public and fails when it is absent"
    if cls == "azure_storage_public_network_access" and ctx["ck_status"].get((file, addr), {}).get("CKV_AZURE_35") == "P":
        return "network_rules deny by default (CKV_AZURE_35 passes); Checkov's CKV_AZURE_59 still wants public_network_access_enabled = false, Plumb reports only accounts open to every network"
    if cls == "cloudfront_outdated_tls":
        vc = (after.get("viewer_certificate") or [{}])[0] or {}
        if vc.get("cloudfront_default_certificate") is True:
            return "default *.cloudfront.net certificate (its TLS floor cannot be set): Plumb's rule does not apply, Checkov's CKV_AWS_174 fails it"
        if not after.get("viewer_certificate"):
            return "viewer_certificate is unknown until apply: Plumb cannot judge it (no finding for an absent block), Checkov fails a missing block"
    if cls == "iam_policy_attached_to_user" and after.get("users") in ([""], []):
        return "aws_iam_policy_attachment whose users list is [\"\"] (attached to groups only): Checkov's CKV_AWS_40 fails any `users` attribute, Plumb needs a user name"
    if cls == "lb_listener_plain_http" and after.get("load_balancer_type") == "network":
        return "Checkov's CKV2_AWS_20 (ALB redirects HTTP to HTTPS) fails a network load balancer, whose TCP listeners have no HTTP redirect; Plumb judges listeners"
    if cls == "s3_bucket_public_acl" and rtype == "aws_s3_bucket":
        if any(k[0] == file and _rtype(k[1]) == "aws_s3_bucket_acl" and same_module(k[1]) == same_module(addr) and cls in ks
               for k, ks in ctx["plumb_keys"].items()):
            return "same ACL, other resource: Plumb reports the aws_s3_bucket_acl, Checkov the bucket it is attached to"
    if cls == "s3_bucket_public_access_block_missing" and any(
            a.startswith(same_module(addr) + ".aws_s3_bucket_public_access_block.") for a in info["changes"]):
        return "Checkov false positive: the module's aws_s3_bucket_public_access_block references this count-indexed bucket (aws_s3_bucket.this[0].id), a connection Checkov's graph does not make"
    return "UNEXPLAINED"


# Contexts Plumb's template_injection treats as attacker-controlled (the rule's `untrusted` param).
def _plumb_untrusted_rule_param():
    here = os.path.dirname(os.path.abspath(__file__))
    try:
        with open(os.path.join(here, "..", "rules/security/github/template_injection.plumb"), encoding="utf-8") as f:
            m = re.search(r'param untrusted: (?:string|pattern) = "((?:[^"\\]|\\.)*)"', f.read())
        return re.compile(m.group(1).encode().decode("unicode_escape")) if m else None
    except OSError:
        return None


_UNTRUSTED = None


def _contexts(expr):
    return re.findall(r"[A-Za-z_][A-Za-z0-9_\-]*(?:\s*(?:\.\s*[A-Za-z_*][A-Za-z0-9_\-*]*|\[[^\]]*\]))*", expr)


def _file_text(ctx, file):
    try:
        with open(ctx["src"](file), encoding="utf-8") as f:
            return f.read()
    except OSError:
        return ""


def _ignored_by_zizmor(ctx, cls, key, gran):
    """A `# zizmor: ignore[audit]` comment inside the key's job/step (or file)."""
    audits = [aid for c in CI_CLASSES if c["cls"] == cls for aid, _ in c["zizmor"]]
    for i, line in enumerate(_file_text(ctx, key[0]).split("\n"), 1):
        m = re.search(r"# zizmor: ignore\[([^\]]+)\]", line)
        if m and any(a in [x.strip() for x in m.group(1).split(",")] for a in audits):
            if ci_key(key[0], locate(ctx["src"](key[0]), i), gran, i) == key:
                return True
    return False


def _input_types(ctx, file):
    try:
        doc = yaml.safe_load(_file_text(ctx, file)) or {}
    except Exception:
        return {}
    on = doc.get("on", doc.get(True)) or {}
    types = {}
    if isinstance(on, dict):
        for ev in ("workflow_dispatch", "workflow_call"):
            for name, spec in ((on.get(ev) or {}).get("inputs") or {}).items():
                types[str(name)] = (spec or {}).get("type", "string") if isinstance(spec, dict) else "string"
    return types


def explain_ci(cls, peer, side, key, plumb_fs, peer_fs, ctx):
    """Why Plumb and a peer disagree on one key of one CI class."""
    global _UNTRUSTED
    file = key[0]
    gran = next(c["gran"] for c in CI_CLASSES if c["cls"] == cls)
    text = _file_text(ctx, file)
    lines = text.split("\n")
    at = lambda n: lines[n - 1] if n and 0 < n <= len(lines) else ""
    anchor = "YAML anchor/alias: Plumb locates the finding where the value is written (the anchor), the peer where it is used (the alias)"
    if side == "only_plumb" and any(re.search(r"&[A-Za-z_]", at(f["line"])) for f in plumb_fs):
        return anchor
    if side == "only_plumb" and plumb_fs and all(f.get("defined_line") for f in plumb_fs):
        return ("YAML alias: Plumb reports each use of an anchored value where it is used (the alias, with the "
                "anchor as definedAt), since each use runs; the peer reports the anchored value once, where it is written")
    if side == "only_peer" and peer_fs and ctx.get("plumb_all") and all(
            any(f["file"] == file and f.get("defined_line") and f["rule"] in next((c["plumb"] for c in CI_CLASSES if c["cls"] == cls), [f["rule"]])
                and f["defined_line"] <= x["line"] <= max(f["defined_line"], x.get("end") or x["line"])
                for f in ctx["plumb_all"]) for x in peer_fs):
        return ("YAML anchor: the peer reports the anchored value once, where it is written; Plumb reports it at "
                "each use (the alias), with this place as definedAt")
    if side == "only_peer" and any(re.search(r"(^|[\s:\-\[,])\*[A-Za-z_]", " ".join(at(n) for n in range(x["line"] or 0, (x.get("end") or x["line"] or 0) + 1)))
                                   for x in peer_fs):
        return anchor
    if side == "only_plumb" and cls == "checkout_persist_credentials" and all(
            re.search(r"checkout(/+\.?)+/?@|checkout/+@", at(f["line"])) for f in plumb_fs):
        return "obfuscated `uses:` path (actions/checkout/@…, ////, /.): Plumb still recognises actions/checkout, zizmor's artipacked does not (its obfuscation audit flags the path)"
    if side == "only_peer" and peer == "zizmor" and cls == "template_injection" and peer_fs and all(
            re.match(r"\s*[\w-]+:", at(x["line"])) and not re.match(r"\s*(run|script):", at(x["line"])) for x in peer_fs):
        return "an action input in zizmor's sink list (CodeQL models, e.g. tibdex/backport title_template) that is not in Plumb's code_inputs list"
    if side == "only_peer" and cls == "insecure_workflow_commands_enabled" and any(
            re.search(r"ACTIONS_ALLOW_UNSECURE_COMMANDS:\s*['\"]?(yes|on|1)\b", at(n)) for x in peer_fs for n in range(x["line"] or 0, (x.get("end") or x["line"] or 0) + 1)):
        return "value `yes`/`on`/`1` rather than `true`: the runner enables the commands only for values .NET's bool.TryParse reads as true (actions/runner ActionCommandManager.cs), so Plumb does not report it; Checkov and zizmor flag any value (a peer false positive)"
    if side == "only_plumb":
        if peer == "zizmor" and peer_fs:
            personas = sorted({z["persona"].lower() for z in peer_fs})
            return f"zizmor reports it only with --persona={'/'.join(personas)}"
        if peer == "zizmor":
            if _ignored_by_zizmor(ctx, cls, key, gran):
                return "suppressed in the file by a `# zizmor: ignore[...]` comment (Plumb honours its own `# plumb:ignore`, not zizmor's)"
            if file not in ctx["z_files_with_findings"]:
                return "zizmor reports nothing at all for this file: it could not load it (YAML anchors, duplicate keys, invalid values)"
            if len(key) > 1 and key[1] is None and re.search(r"^\s*[\w-]+:\s*&\w+", text, re.M):
                return "YAML anchor: Plumb locates the finding at the anchor's definition, outside any job; zizmor at the alias"
            if cls == "actions_pinned_to_sha" and all(re.search(r"'(actions|github)/", f["message"]) for f in plumb_fs):
                return "zizmor's default unpinned-uses policy lets GitHub's own actions (actions/*, github/*) use a tag; Plumb's trusted_owners is empty"
            if cls == "template_injection" and any("'github.event.'" in f["message"] for f in plumb_fs):
                return "malformed expression `github.event.` (a syntax error): Plumb reads it as the github.event object, zizmor skips it"
            if cls == "template_injection" and any("jannekem/run-python-script-action" in f["message"] for f in plumb_fs):
                return "code input of jannekem/run-python-script-action (in Plumb's sink list, from CodeQL's models); zizmor does not know this sink"
            if cls == "images_pinned_by_digest" and any("image 'null'" in f["message"] for f in plumb_fs):
                return "`container: null`: Plumb reads the YAML null as an untagged image name 'null' (a Plumb false positive, see the report)"
            if cls == "input_expanded_into_script" and any(re.search(r"→ (needs|steps)\.", f["message"]) for f in plumb_fs):
                return ("the input reaches the script through a job or step output (inputs.x → needs.….outputs.y): Plumb follows "
                        "it back to the workflow input (input_expanded_into_script); zizmor reports the output as template-injection")
            if cls == "input_expanded_into_script" and any("unknown_input" in f["message"] for f in plumb_fs):
                return "input not declared by the workflow: Plumb cannot see a safe type, so it reports it; zizmor only reports declared inputs"
            if cls == "dangerous_workflow_triggers":
                return "UNEXPLAINED"
        if peer == "checkov":
            if cls == "template_injection":
                return "Checkov's CKV_GHA_2 regex list misses this context/sink (whole github.event, github-script `script`, toJSON(...), multi-line run)"
            if cls == "workflow_write_all_permissions":
                return "write-all on a job: Checkov's CKV2_GHA_1 looks only at the top-level permissions"
        return "UNEXPLAINED"
    # only peer
    if peer == "checkov" and cls == "workflow_write_all_permissions":
        if "token_permissions_undeclared" in ctx["plumb_rules_by_file"].get(file, set()):
            return "no permissions block: Checkov's CKV2_GHA_1 fails it (the default may be write-all); Plumb reports it as token_permissions_undeclared"
        return "no top-level permissions block and every job declares its own: Checkov's CKV2_GHA_1 fails it, Plumb does not (the jobs' own permissions apply)"
    feats = " ".join(z.get("_feature", "") for z in peer_fs)
    if peer == "zizmor" and cls == "template_injection" and peer_fs and ctx.get("plumb_all") and any(
            f["file"] == file and f["rule"] == "input_expanded_into_script"
            and any(x["line"] and x["line"] <= f["line"] <= (x.get("end") or x["line"]) for x in peer_fs)
            for f in ctx["plumb_all"]):
        return ("same expansion: Plumb traces the output back to a workflow input and reports it as input_expanded_into_script; "
                "zizmor reports the output itself as template-injection")
    if peer == "zizmor" and cls == "cache_poisoning_in_release_workflow":
        if re.search(r"actions/setup-node@v[1-4]\b", text) and "package-manager-cache" in feats + " ".join(z.get("_annotation", "") for z in peer_fs):
            return "actions/setup-node before v5 caches only when `cache:` is set; zizmor assumes v5's package-manager cache (a zizmor false positive)"
        if re.search(r"actions/setup-go@[0-9a-f]{40}\s*#\s*(tag=)?v[1-3]\.|actions/setup-go@v[1-3]\b", text):
            return "actions/setup-go before v4 caches only with `cache: true`; zizmor assumes v4's default (a zizmor false positive)"
        if "docker/build-push-action" in text and not re.search(r"^\s*push:\s*['\"]?true", text, re.M):
            return ("docker/build-push-action without `push: true` builds but does not publish: Plumb does not count it as a "
                    "publishing step; zizmor does, at low confidence")
    if peer == "zizmor" and cls == "template_injection":
        if _UNTRUSTED is None:
            _UNTRUSTED = _plumb_untrusted_rule_param()
        ctxs = [c.replace(" ", "") for c in _contexts(re.sub(r"^\$\{\{|\}\}$", "", feats.strip())) if "." in c or c in ("github",)]
        if _UNTRUSTED is not None and not any(_UNTRUSTED.search(c) for c in ctxs):
            return "zizmor treats this context as possibly attacker-controlled (step/job outputs, matrix, env, vars...); Plumb only the event fields an outsider writes"
    if peer == "zizmor" and cls == "input_expanded_into_script":
        types = _input_types(ctx, file)
        names = re.findall(r"inputs\s*\.\s*([A-Za-z_][\w-]*)", feats)
        if names and all(types.get(n) in ("boolean", "number", "choice", "environment") for n in names):
            return "input typed boolean/number/choice/environment (cannot carry code): Plumb does not report it, zizmor does"
        if names and any(n not in types for n in names):
            return "input of a reusable workflow/composite action whose type Plumb cannot see here, used in a boolean position (`x == y`, fromJSON) — see the detail"
    if peer == "zizmor" and cls == "images_pinned_by_digest" and "${{" in feats:
        return "image computed by an expression (`${{ matrix.… }}`): Plumb does not judge it, zizmor says it may be unpinned"
    if peer == "zizmor" and cls == "github_env_untrusted_write" and file.endswith(("action.yml", "action.yaml")):
        return "composite action: it has no trigger, and Plumb's rule applies to pull_request_target/workflow_run workflows; zizmor reports any computed write in an action"
    if peer == "zizmor" and cls == "dangerous_workflow_triggers":
        if re.search(r"^\s*issue_comment\b|\bissue_comment\s*[:,\]]", text, re.M) and "pull_request_target" not in text and "workflow_run" not in text:
            return "issue_comment: zizmor 1.32 counts it as a dangerous trigger; Plumb's rule covers pull_request_target and workflow_run (comment-triggered risks are in template_injection/bot_actor_condition/untrusted_checkout)"
        return "every job is gated on the change's origin (Plumb's `gate` list: head.repo, labels, author_association, …): Plumb does not report it, zizmor reports any use"
    return "UNEXPLAINED"


def explain_label(source, cls, side, key, ctx):
    """Why Plumb disagrees with a peer's labelled expectation (fp: Plumb only; fn: label only)."""
    if source == "actionlint":
        if cls == "permissions (validity)":
            return "per-scope values: actionlint knows that id-token has no `read` and models no `write`; Plumb checks scope names and read/write/none only"
        if cls == "template_injection" and any("'github.event'" in f["message"] for f in ctx["plumb"]):
            return "the whole github.event object (it contains titles and bodies): Plumb reports it, actionlint only names untrusted properties"
        if cls == "template_injection" and any("'github.event.'" in f["message"] for f in ctx["plumb"]):
            return "malformed expression `github.event.` (a syntax error): Plumb reads it as the github.event object"
        return "UNEXPLAINED"
    personas = {p for _, _, p in ctx["expected"]}
    if side == "fn" and personas and personas <= {"auditor", "pedantic"}:
        return f"expected only in a --persona={'/'.join(sorted(personas))} test of zizmor (false positives accepted there)"
    if side == "fp":
        zall = ctx["z_keys_all"].get(cls, {}).get(key)
        if zall:
            return f"zizmor finds it only with --persona={'/'.join(sorted({z['persona'].lower() for z in zall}))}, and no test of that persona covers the file"
        r = explain_ci(cls, "zizmor", "only_plumb", key, ctx["plumb"], [], ctx)
    else:
        pseudo = [dict(line=line, _feature="", _annotation="", persona=p) for _, line, p in ctx["expected"]]
        lines = _file_text(ctx, key[0]).split("\n")
        for x in pseudo:
            t = lines[x["line"] - 1] if 0 < x["line"] <= len(lines) else ""
            x["_feature"] = t[t.find("${{"):] if "${{" in t else t
        r = explain_ci(cls, "zizmor", "only_peer", key, [], pseudo, ctx)
    return r


# ----------------------------------------------------------------------------------------------
# Main
# ----------------------------------------------------------------------------------------------


def tool_version(cmd):
    try:
        return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120).stdout.decode().strip().splitlines()[-1]
    except Exception as e:  # pragma: no cover
        return f"unknown ({e})"


def machine():
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    load = open("/proc/loadavg").read().split()[:3] if os.path.exists("/proc/loadavg") else []
    return dict(nproc=os.cpu_count(), cpu=cpu, system=platform.platform(), python=platform.python_version(), load=load)


def fmt_key(k):
    return " ".join("-" if x is None else str(x) for x in k[1:]) if len(k) > 1 else "(workflow)"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--plumb", required=True)
    ap.add_argument("--checkov", required=True)
    ap.add_argument("--zizmor", required=True)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--runs", type=int, default=10, help="timed runs of Plumb and zizmor, after one warm-up run (best is kept)")
    ap.add_argument("--checkov-runs", type=int, default=2, help="timed runs of Checkov on the corpus sets")
    ap.add_argument("--checkov-runs-generated", type=int, default=1, help="timed runs of Checkov on the generated plan")
    ap.add_argument("--buckets", type=int, default=2000)
    ap.add_argument("--plumb-rules", default="rules/security",
                    help="rule directory Plumb loads instead of its embedded copy ('builtin': the embedded rules)")
    ap.add_argument("--reuse", action="store_true", help="reuse the tool outputs of the previous run (no timing); for working on the comparison")
    a = ap.parse_args()

    for t in ("plumb", "checkov", "zizmor"):
        v = getattr(a, t)
        setattr(a, t, os.path.abspath(v) if os.sep in v else (shutil.which(v) or v))
    corpus = os.path.abspath(a.corpus)
    work = os.path.abspath(a.work)
    runs_dir = os.path.join(work, "runs")
    res_dir = os.path.join(work, "results")
    os.makedirs(runs_dir, exist_ok=True)
    os.makedirs(res_dir, exist_ok=True)
    gh_src = os.path.join(corpus, "pipelines/github")
    gl_src = os.path.join(corpus, "pipelines/gitlab")
    tf_dir = os.path.join(corpus, "terraform-plans")

    log("staging the corpus")
    gh_stage = os.path.join(work, "stage/github")
    gh_map = stage_github(gh_src, gh_stage)
    gl_stage = os.path.join(work, "stage/gitlab")
    gl_map = stage_gitlab(gl_src, gl_stage)
    s3_plan = os.path.join(work, "stage/s3-2000/plan.json")
    s3_resources = generate_s3_plan(s3_plan, a.buckets)
    log(f"  {len(gh_map)} GitHub files, {len(gl_map)} GitLab files, generated plan: {a.buckets} buckets / {s3_resources} resources")

    versions = dict(plumb=tool_version([a.plumb, "--version"]), checkov=tool_version([a.checkov, "--version"]),
                    zizmor=tool_version([a.zizmor, "--version"]))
    timing = {}
    state_path = os.path.join(runs_dir, "state.json")
    prev = load_json(state_path) if a.reuse and os.path.exists(state_path) else None
    if prev:
        global timed, checkov_find_skips, zizmor_bad_inputs
        timed = lambda label, cmd, runs, out, cwd=None, ok=None: dict(best=prev["timing"].get(label, 0), runs=[prev["timing"].get(label, 0)])
        checkov_find_skips = lambda checkov, target, fw, out, cwd: (prev["skips"][fw], prev["timing"].get(fw, 0), 0)
        zizmor_bad_inputs = lambda z, files, cwd: prev["zizmor_bad"]
    plumb_ok = lambda rc: rc in (0, 1, 2)  # 2: an input error (the corpus has a deliberately broken plan)

    rules_args = [] if a.plumb_rules == "builtin" else ["--no-builtin-rules", "--rules", os.path.abspath(a.plumb_rules)]

    def plumb_cmd(out, root, *paths):
        return [a.plumb, "check", "--fail-on", "never", *rules_args, "--output", f"json={out}", "--root", root, *paths]

    # --- (a) Terraform plans ---------------------------------------------------------------
    log("terraform plans")
    p_tf = os.path.join(runs_dir, "plumb-plans.json")
    timing["plans", "plumb"] = timed("plumb plans", plumb_cmd(p_tf, tf_dir, tf_dir), a.runs, os.devnull, ok=plumb_ok, warmup=True)
    c_tf = os.path.join(runs_dir, "checkov-plans.json")
    tf_skips, dt, _ = checkov_find_skips(a.checkov, tf_dir, "terraform_plan", c_tf, cwd=work)
    more = timed("checkov plans", checkov_cmd(a.checkov, tf_dir, "terraform_plan", tf_skips), a.checkov_runs - 1, c_tf) if a.checkov_runs > 1 else dict(runs=[])
    timing["plans", "checkov"] = dict(best=min([dt] + more["runs"]), runs=[dt] + more["runs"])

    # --- (b) GitHub workflows ----------------------------------------------------------------
    log("github workflows")
    p_gh = os.path.join(runs_dir, "plumb-github.json")
    timing["workflows", "plumb"] = timed("plumb workflows", plumb_cmd(p_gh, gh_stage, gh_stage), a.runs, os.devnull, ok=plumb_ok, warmup=True)
    z_files = sorted(gh_map)
    z_bad = zizmor_bad_inputs(a.zizmor, z_files, gh_stage)
    z_files = [f for f in z_files if f not in z_bad]
    log(f"  zizmor aborts on {len(z_bad)} file(s): {', '.join(z_bad)}")
    z_gh = os.path.join(runs_dir, "zizmor-github.json")
    timing["workflows", "zizmor"] = timed("zizmor workflows", zizmor_cmd(a.zizmor, z_files), a.runs, z_gh, cwd=gh_stage,
                                          ok=lambda rc: rc in ZIZMOR_OK, warmup=True)
    z_err_path = os.path.join(runs_dir, "zizmor-github.stderr")
    if not prev:
        with open(z_err_path, "w", encoding="utf-8") as f:
            f.write(timing["workflows", "zizmor"].pop("stderr", ""))
    with open(z_err_path, encoding="utf-8") as f:
        z_skipped = sorted(set(re.findall(r"failed to (?:validate|load) file://(\S+) as", f.read())))
    c_gh = os.path.join(runs_dir, "checkov-github.json")
    gh_skips, dt, _ = checkov_find_skips(a.checkov, gh_stage, "github_actions", c_gh, cwd=work)
    more = timed("checkov workflows", checkov_cmd(a.checkov, gh_stage, "github_actions", gh_skips), a.checkov_runs - 1, c_gh) if a.checkov_runs > 1 else dict(runs=[])
    timing["workflows", "checkov"] = dict(best=min([dt] + more["runs"]), runs=[dt] + more["runs"])

    # --- GitLab (findings only; timed once each for the record) -------------------------------
    log("gitlab")
    p_gl = os.path.join(runs_dir, "plumb-gitlab.json")
    timing["gitlab", "plumb"] = timed("plumb gitlab", plumb_cmd(p_gl, gl_stage, gl_stage), a.runs, os.devnull, ok=plumb_ok, warmup=True)
    c_gl = os.path.join(runs_dir, "checkov-gitlab.json")
    gl_skips, dt, _ = checkov_find_skips(a.checkov, gl_stage, "gitlab_ci", c_gl, cwd=work)
    timing["gitlab", "checkov"] = dict(best=dt, runs=[dt])

    # --- (c) generated plan --------------------------------------------------------------------
    log(f"generated plan ({a.buckets} buckets)")
    p_s3 = os.path.join(runs_dir, "plumb-s3.json")
    s3_dir = os.path.dirname(s3_plan)
    timing["s3", "plumb"] = timed("plumb s3", plumb_cmd(p_s3, s3_dir, s3_plan), a.runs, os.devnull, ok=plumb_ok, warmup=True)
    c_s3 = os.path.join(runs_dir, "checkov-s3.json")
    timing["s3", "checkov"] = timed("checkov s3", checkov_cmd(a.checkov, s3_plan, "terraform_plan"), a.checkov_runs_generated, c_s3)

    if not prev:
        with open(state_path, "w") as f:
            json.dump(dict(skips=dict(terraform_plan=tf_skips, github_actions=gh_skips, gitlab_ci=gl_skips), zizmor_bad=z_bad,
                           timing={f"{k[0]}/{k[1]}": {x: y for x, y in v.items() if x != "stderr"} for k, v in timing.items()}), f)
    if prev and prev.get("timing") and isinstance(next(iter(prev["timing"].values())), dict):
        timing = {tuple(k.split("/")): v for k, v in prev["timing"].items()}

    # ================= comparison =================
    diffs = []
    for k in list(timing):
        timing[k].pop("stderr", None)
    summary = dict(versions=versions, machine=machine(), corpus=corpus, zizmor_aborts=z_bad, zizmor_skipped=len(z_skipped),
                   checkov_skips=dict(plans=tf_skips, github=gh_skips, gitlab=gl_skips), classes=[], labelled=[],
                   timing={f"{k[0]}/{k[1]}": v for k, v in timing.items()}, s3_resources=s3_resources)

    # --- Terraform ---
    pf, pdiag, pfiles, _ = read_plumb(p_tf)
    cf, cp = read_checkov(c_tf, tf_dir)
    ck_files = {x["file"] for x in cf + cp}
    ck_status = collections.defaultdict(dict)
    ck_types = collections.defaultdict(set)
    for x in cp:
        ck_status[x["file"], x["address"]].setdefault(x["rule"], "P")
        ck_types[x["rule"]].add(_rtype(x["address"] or "x.x"))
    for x in cf:
        ck_status[x["file"], x["address"]][x["rule"]] = "F"
        ck_types[x["rule"]].add(_rtype(x["address"] or "x.x"))
    plumb_keys = collections.defaultdict(set)
    for f in pf:
        plumb_keys[f["file"], f["address"]].add(f["rule"])
    ck_fail_keys = {rule: {(x["file"], x["address"]) for x in cf if x["rule"] in ids} for rule, ids in TF_CLASSES.items()}
    ctx = dict(plumb_all=pf, checkov_failed=cf, checkov_passed=cp, tf_dir=tf_dir, plumb_files=pfiles, ck_files=ck_files,
               ck_status=ck_status, ck_types=ck_types, plumb_keys=plumb_keys, ck_fail_keys=ck_fail_keys)
    tf_rows = []
    for rule, ids in TF_CLASSES.items():
        P = group([f for f in pf if f["rule"] == rule], lambda f: (f["file"], f["address"]))
        Q = group([f for f in cf if f["rule"] in ids], lambda f: (f["file"], f["address"]))
        both, op, oq = compare_sets(P, Q)
        n_ind = sum(1 for k in P if all(f["verdict"] == "indeterminate" for f in P[k]))
        tf_rows.append(dict(domain="terraform", cls=rule, peer="checkov", peer_ids=",".join(ids),
                            both=len(both), only_plumb=len(op), only_peer=len(oq), plumb_indeterminate=n_ind))
        for side, keys in (("only_plumb", op), ("only_peer", oq)):
            for k in keys:
                reason = explain_tf(rule, side, k, P.get(k, []), Q.get(k, []), ctx)
                src = (P.get(k) or Q.get(k))
                diffs.append(dict(domain="terraform", cls=rule, peer="checkov", side=side, file=k[0], key=k[1],
                                  line=src[0]["line"], reason=reason,
                                  detail=(P[k][0]["message"] + (" [indeterminate]" if P[k][0]["verdict"] == "indeterminate" else "")) if k in P
                                  else ",".join(sorted({f["rule"] for f in Q[k]}))))
    summary["classes"] += tf_rows

    # --- GitHub ---
    inv_gh = {v: k for k, v in gh_map.items()}  # corpus rel -> staged rel
    gpf, gdiag, gfiles, _ = read_plumb(p_gh, gh_map)
    zf = read_zizmor(z_gh, gh_stage, gh_map)
    gcf, gcp = read_checkov(c_gh, gh_stage, gh_map)
    z_analysed = {gh_map[f] for f in z_files if f not in set(z_skipped)}
    c_analysed = {x["file"] for x in gcf + gcp}
    p_analysed = {f for f, fmt in gfiles.items() if fmt in ("github-workflow", "github-action")}
    src_path = lambda f: os.path.join(gh_src, f)
    plumb_rules_by_file = collections.defaultdict(set)
    for f in gpf:
        plumb_rules_by_file[f["file"]].add(f["rule"])
    ctx_ci = dict(z_files_with_findings={z["file"] for z in zf}, plumb_rules_by_file=plumb_rules_by_file, plumb_all=gpf, zizmor_all=zf, checkov_failed=gcf, checkov_passed=gcp, plumb_diags=gdiag,
                  src=src_path, z_analysed=z_analysed, c_analysed=c_analysed, p_analysed=p_analysed)
    ci_rows = []
    for c in CI_CLASSES:
        gran = c["gran"]
        pk = lambda f: ci_key(f["file"], locate(src_path(f["file"]), f["line"]), gran, f["line"])
        P_all = group([f for f in gpf if f["rule"] in c["plumb"]], pk)
        peers = []
        if c["zizmor"]:
            zsel = [z for z in zf if any(z["rule"] == aid and (pred is None or pred(z)) for aid, pred in c["zizmor"])]
            peers.append(("zizmor", zsel, z_analysed))
        if c["checkov"]:
            peers.append(("checkov", [x for x in gcf if x["rule"] in c["checkov"]], c_analysed))
        for peer, sel, analysed in peers:
            both_files = analysed & p_analysed
            P = {k: v for k, v in P_all.items() if k[0] in both_files}
            Q_all = group([x for x in sel if x["file"] in both_files], pk)
            if peer == "zizmor":
                Q = {k: [x for x in v if x["persona"] == "Regular"] for k, v in Q_all.items()}
                Q = {k: v for k, v in Q.items() if v}
            else:
                Q = Q_all
            both, op, oq = compare_sets(P, Q)
            not_comparable = sum(1 for k in P_all if k[0] not in both_files)
            peer_not_comparable = len({pk(x) for x in sel if x["file"] not in both_files})
            ci_rows.append(dict(domain="github", cls=c["cls"], peer=peer,
                                peer_ids=",".join(aid for aid, _ in c["zizmor"]) if peer == "zizmor" else ",".join(c["checkov"]),
                                gran=gran, both=len(both), only_plumb=len(op), only_peer=len(oq),
                                plumb_in_files_peer_skipped=not_comparable, peer_in_files_plumb_skipped=peer_not_comparable))
            for side, keys in (("only_plumb", op), ("only_peer", oq)):
                for k in keys:
                    qk = Q_all.get(k, []) if side == "only_plumb" else Q.get(k, [])
                    reason = explain_ci(c["cls"], peer, side, k, P.get(k, []), qk, ctx_ci)
                    src = P.get(k) or Q.get(k)
                    diffs.append(dict(domain="github", cls=c["cls"], peer=peer, side=side, file=k[0], key=fmt_key(k),
                                      line=src[0]["line"], reason=reason,
                                      detail=P[k][0]["message"] if k in P else (src[0].get("_annotation") or src[0].get("name") or src[0]["rule"])))
    summary["classes"] += ci_rows

    # --- GitLab: Checkov's CKV_GITLABCI_3 is an inventory (always passes) ---
    lpf, _, _, _ = read_plumb(p_gl, gl_map)
    lcf, lcp = read_checkov(c_gl, gl_stage, gl_map)
    gl_rows = dict(
        plumb=collections.Counter(f["rule"] for f in lpf),
        checkov_failed=collections.Counter(x["rule"] for x in lcf),
        checkov_passed=collections.Counter(x["rule"] for x in lcp),
        inventory_files=len({x["file"] for x in lcp if x["rule"] == "CKV_GITLABCI_3"}),
        plumb_image_files=len({f["file"] for f in lpf if f["rule"] in ("image_pinned_by_digest", "services_pinned_by_digest")}),
    )
    summary["gitlab"] = {k: dict(v) if isinstance(v, collections.Counter) else v for k, v in gl_rows.items()}

    # --- peer classes with no Plumb rule (context only) ---
    mapped_z = {aid for c in CI_CLASSES for aid, _ in c["zizmor"]}
    mapped_c = {i for c in CI_CLASSES for i in c["checkov"]}
    summary["unmapped"] = dict(
        zizmor=dict(collections.Counter(z["rule"] for z in zf if z["rule"] not in mapped_z and z["persona"] == "Regular")),
        checkov_github=dict(collections.Counter(x["rule"] for x in gcf if x["rule"] not in mapped_c)),
        plumb_github=dict(collections.Counter(f["rule"] for f in gpf if f["rule"] not in {r for c in CI_CLASSES for r in c["plumb"]})),
    )

    z_keys_all = {}
    for c in CI_CLASSES:
        sel = [z for z in zf if any(z["rule"] == aid and (pred is None or pred(z)) for aid, pred in c["zizmor"])]
        z_keys_all[c["cls"]] = group(sel, lambda f, g=c["gran"]: ci_key(f["file"], locate(src_path(f["file"]), f["line"]), g, f["line"]))
    ctx_ci["z_keys_all"] = z_keys_all

    # --- labelled data: zizmor's expected output ---
    lab_rows = []
    labels, lab_skipped = zizmor_labels(os.path.join(gh_src, "zizmor/expected"))
    lab_files = {f"zizmor/test-data/{f}": v for f, v in labels.items()}
    src_lines = {}

    def src_line(f, line):
        if f not in src_lines:
            try:
                with open(src_path(f), encoding="utf-8") as fh:
                    src_lines[f] = fh.read().split("\n")
            except OSError:
                src_lines[f] = []
        ls = src_lines[f]
        return ls[line - 1] if line and 0 < line <= len(ls) else ""

    for c in CI_CLASSES:
        gran = c["gran"]
        pk = lambda f, line: ci_key(f, locate(src_path(f), line), gran, line)
        exp_all, exp_reg = collections.defaultdict(list), collections.defaultdict(list)
        for f, v in lab_files.items():
            for audit, line, persona in v["findings"]:
                block, col = v["blocks"].get((audit, line), ("", 1))
                text = src_line(f, line)[col - 1:]
                pseudo = dict(_feature=text[: text.find("}}") + 2] if "}}" in text else text, _annotation=block)
                for aid, pred in c["zizmor"]:
                    if audit == aid and (pred is None or pred(pseudo)):
                        k = pk(f, line)
                        exp_all[k].append((audit, line, persona))
                        if persona == "regular":
                            exp_reg[k].append((audit, line, persona))
        plumb_k = group([x for x in gpf if x["rule"] in c["plumb"] and x["file"] in lab_files], lambda x: pk(x["file"], x["line"]))
        tp = set(plumb_k) & set(exp_all)
        fp = set(plumb_k) - set(exp_all)
        fn = set(exp_all) - set(plumb_k)
        fn_reg = set(exp_reg) - set(plumb_k)
        p, r = prf(len(tp), len(fp), len(fn))
        _, r_reg = prf(len(set(exp_reg) & set(plumb_k)), 0, len(fn_reg))
        lab_rows.append(dict(source="zizmor", cls=c["cls"], labels=len(exp_all), labels_regular=len(exp_reg), plumb=len(plumb_k),
                             tp=len(tp), fp=len(fp), fn=len(fn), precision=p, recall=r, recall_regular=r_reg))
        for side, keys in (("fp", fp), ("fn", fn)):
            for k in sorted(keys, key=str):
                src = plumb_k.get(k) or []
                reason = explain_label("zizmor", c["cls"], side, k, dict(ctx_ci, plumb=src, expected=exp_all.get(k, [])))
                diffs.append(dict(domain="labels-zizmor", cls=c["cls"], peer="zizmor-expected", side=side, file=k[0],
                                  key=fmt_key(k), line=(src[0]["line"] if src else exp_all[k][0][1]), reason=reason,
                                  detail=src[0]["message"] if src else str(exp_all[k][0])))

    # --- labelled data: actionlint's .out ---
    al = actionlint_labels(os.path.join(gh_src, "actionlint"))
    for c in ACTIONLINT_CLASSES:
        gran = c["gran"]
        exp = collections.defaultdict(list)
        regex_only = 0
        for f, items in al.items():
            for line, col, msg, rule in items:
                if rule == c["rule"] and re.search(c["match"], msg):
                    if line is None:
                        regex_only += 1
                        continue
                    exp[ci_key(f, locate(src_path(f), line), gran, line)].append((line, col, msg))
        if "plumb" in c:
            found = [x for x in gpf if x["rule"] in c["plumb"] and x["file"] in al]
        else:
            found = [dict(file=d["file"], line=d["line"], message=d["message"]) for d in gdiag
                     if d["code"] in c["plumb_diagnostics"] and d["file"] in al]
        plumb_k = group(found, lambda x: ci_key(x["file"], locate(src_path(x["file"]), x["line"]), gran, x["line"]))
        tp, fp, fn = set(plumb_k) & set(exp), set(plumb_k) - set(exp), set(exp) - set(plumb_k)
        p, r = prf(len(tp), len(fp), len(fn))
        lab_rows.append(dict(source="actionlint", cls=c["cls"], labels=len(exp), labels_regular=None, plumb=len(plumb_k),
                             tp=len(tp), fp=len(fp), fn=len(fn), precision=p, recall=r, recall_regular=None,
                             regex_only=regex_only))
        for side, keys in (("fp", fp), ("fn", fn)):
            for k in sorted(keys, key=str):
                src = plumb_k.get(k) or []
                reason = explain_label("actionlint", c["cls"], side, k, dict(ctx_ci, plumb=src, expected=exp.get(k, [])))
                diffs.append(dict(domain="labels-actionlint", cls=c["cls"], peer="actionlint-expected", side=side, file=k[0],
                                  key=fmt_key(k), line=(src[0]["line"] if src else exp[k][0][0]), reason=reason,
                                  detail=src[0]["message"] if src else exp[k][0][2]))
    summary["labelled"] = lab_rows
    summary["labelled_skipped_tests"] = dict(lab_skipped)

    # ================= output =================
    with open(os.path.join(res_dir, "differences.tsv"), "w", encoding="utf-8") as f:
        cols = ["domain", "cls", "peer", "side", "file", "key", "line", "reason", "detail"]
        f.write("\t".join(cols) + "\n")
        for d in diffs:
            f.write("\t".join(str(d[c]).replace("\t", " ").replace("\n", " ") for c in cols) + "\n")
    reasons = collections.Counter((d["domain"], d["cls"], d["peer"], d["side"], d["reason"]) for d in diffs)
    summary["reasons"] = [dict(domain=k[0], cls=k[1], peer=k[2], side=k[3], reason=k[4], count=v) for k, v in sorted(reasons.items())]
    summary["unexplained"] = sum(1 for d in diffs if d["reason"] == "UNEXPLAINED")
    with open(os.path.join(res_dir, "summary.json"), "w", encoding="utf-8") as f:
        json.dump(summary, f, indent=1, default=str)
    md = render(summary)
    with open(os.path.join(res_dir, "report.md"), "w", encoding="utf-8") as f:
        f.write(md)
    print(md)
    if summary["unexplained"]:
        log(f"{summary['unexplained']} difference(s) have no explanation: see {res_dir}/differences.tsv")
    return 0


def render(s):
    L = []
    v, m = s["versions"], s["machine"]
    L.append("## Environment\n")
    L.append(f"- plumb: `{v['plumb']}`; checkov: `{v['checkov']}`; zizmor: `{v['zizmor']}`")
    L.append(f"- machine: {m['nproc']} cores, {m['cpu']}; {m['system']}; load at the end {' '.join(m['load'])}")
    L.append(f"- zizmor aborted on (left out of its input): {', '.join(s['zizmor_aborts']) or 'none'}")
    L.append(f"- Checkov crashed on (skipped with --skip-path): " + "; ".join(f"{k}: {', '.join(x) or 'none'}" for k, x in s["checkov_skips"].items()))
    L.append("")
    L.append("## Timing (wall clock, best run)\n")
    L.append("Plumb and zizmor: one untimed warm-up run, then the timed runs; Checkov: the timed runs "
             "(each takes seconds). Ratios compare the best runs; the medians show the spread.\n")
    t = s["timing"]
    L.append("| input | Plumb | Checkov | zizmor | Checkov / Plumb | zizmor / Plumb |")
    L.append("|---|---|---|---|---|---|")
    names = dict(plans="(a) all corpus plans", workflows="(b) all corpus workflows", s3=f"(c) generated plan, 2,000 buckets ({s['s3_resources']} resources)", gitlab="GitLab CI files")
    for k in ("plans", "workflows", "s3", "gitlab"):
        p = t.get(f"{k}/plumb")
        c = t.get(f"{k}/checkov")
        z = t.get(f"{k}/zizmor")
        f = lambda x: "–" if not x else (f"{x['best']:.3f} s (median {statistics.median(x['runs']):.3f}, {len(x['runs'])} runs)" if len(x['runs']) > 1 else f"{x['best']:.3f} s (1 run)")
        r = lambda x: "–" if not x or not p or not p["best"] else f"{x['best'] / p['best']:.1f}×"
        L.append(f"| {names[k]} | {f(p)} | {f(c)} | {f(z)} | {r(c)} | {r(z)} |")
    L.append("")
    L.append("## Per class (corpus)\n")
    L.append("Terraform: key = (plan file, resource address). Plumb counts fail and indeterminate findings (indeterminate in brackets).\n")
    L.append("| Plumb rule | Checkov ids | both | only Plumb | only Checkov |")
    L.append("|---|---|---|---|---|")
    for r in s["classes"]:
        if r["domain"] == "terraform" and (r["both"] or r["only_plumb"] or r["only_peer"]):
            ind = f" ({r['plumb_indeterminate']} ind.)" if r["plumb_indeterminate"] else ""
            L.append(f"| {r['cls']} | {r['peer_ids']} | {r['both']} | {r['only_plumb']}{ind} | {r['only_peer']} |")
    empty = [r["cls"] for r in s["classes"] if r["domain"] == "terraform" and not (r["both"] or r["only_plumb"] or r["only_peer"])]
    L.append(f"\nNo finding by either tool on the corpus: {', '.join(empty)}.\n")
    L.append("GitHub Actions: key = (file, job, step) / (file, job) / (file) by the class's granularity; zizmor at its default (regular) persona.\n")
    L.append("| class (Plumb rules) | peer | peer ids | key | both | only Plumb | only peer | Plumb in files the peer could not load | peer in files Plumb rejected |")
    L.append("|---|---|---|---|---|---|---|---|---|")
    for r in s["classes"]:
        if r["domain"] == "github":
            L.append(f"| {r['cls']} | {r['peer']} | {r['peer_ids']} | {r['gran']} | {r['both']} | {r['only_plumb']} | {r['only_peer']} | {r['plumb_in_files_peer_skipped']} | {r['peer_in_files_plumb_skipped']} |")
    g = s["gitlab"]
    L.append("\nGitLab CI: Plumb " + ", ".join(f"{k} {v}" for k, v in sorted(g["plumb"].items())) +
             f"; Checkov failed: {g['checkov_failed'] or 'none'}; passed: {g['checkov_passed']}"
             f" (CKV_GITLABCI_3 is an image inventory that always passes: {g['inventory_files']} files inventoried; Plumb flags unpinned images in {g['plumb_image_files']} files).\n")
    L.append("## Recall and precision on labelled data\n")
    L.append("| source | class | labels (regular persona) | Plumb | TP | FP | FN | precision | recall (regular-persona labels) |")
    L.append("|---|---|---|---|---|---|---|---|---|")
    for r in s["labelled"]:
        lr = "" if r["labels_regular"] is None else f" ({r['labels_regular']})"
        rr = "" if r["recall_regular"] is None else f" ({pct(r['recall_regular'])})"
        L.append(f"| {r['source']} | {r['cls']} | {r['labels']}{lr} | {r['plumb']} | {r['tp']} | {r['fp']} | {r['fn']} | {pct(r['precision'])} | {pct(r['recall'])}{rr} |")
    L.append("")
    L.append("## Causes of the differences\n")
    L.append("| domain | class | peer | side | cause | count |")
    L.append("|---|---|---|---|---|---|")
    for r in s["reasons"]:
        L.append(f"| {r['domain']} | {r['cls']} | {r['peer']} | {r['side']} | {r['reason']} | {r['count']} |")
    L.append(f"\nUnexplained differences: {s['unexplained']}\n")
    u = s["unmapped"]
    L.append("## Peer findings with no Plumb class (context)\n")
    L.append("- zizmor (regular persona): " + ", ".join(f"{k} {v}" for k, v in sorted(u["zizmor"].items(), key=lambda x: -x[1])))
    L.append("- Checkov github_actions: " + (", ".join(f"{k} {v}" for k, v in sorted(u["checkov_github"].items())) or "none"))
    L.append("- Plumb GitHub rules with no peer class: " + ", ".join(f"{k} {v}" for k, v in sorted(u["plumb_github"].items())))
    return "\n".join(L) + "\n"


if __name__ == "__main__":
    sys.exit(main())
