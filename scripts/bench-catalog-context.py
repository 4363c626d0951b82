#!/usr/bin/env python3
"""The cost of a 10,000-entity catalog context in one repository's gate.

Generates (deterministically, fixed seed) a central catalog of ENTITIES entities (groups, users,
domains, systems, components, APIs, resources) in three forms: a directory of catalog YAML (one
file per team, as a catalog repository holds it), a Backstage entities export (the JSON
`GET /entities` returns) and a Plumb snapshot (what a live run writes); and one service
repository whose catalog-info.yaml, Terraform plan and workflow reference it. Then times
`plumb check` on the repository without context and with each form, interleaved (round after
round, so each sees the same minutes of a machine whose speed drifts), and prints best and
median wall times and the difference with context.

    scripts/bench-catalog-context.py [--plumb PATH] [--entities 10000] [--rounds 7] [--work DIR]

Build the binary first: scripts/build-release.sh (or swift build -c release).
"""
import argparse
import json
import os
import random
import statistics
import subprocess
import time

root = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
ap = argparse.ArgumentParser()
ap.add_argument("--plumb", default=os.path.join(root, ".build-release/release/plumb"))
ap.add_argument("--entities", type=int, default=10_000)
ap.add_argument("--rounds", type=int, default=7)
ap.add_argument("--work", default=os.path.join(root, ".build-catalog-context"))
a = ap.parse_args()

rng = random.Random(0xC0DE)
work = a.work
central = os.path.join(work, "central")
repo = os.path.join(work, "service")
os.makedirs(central, exist_ok=True)
os.makedirs(os.path.join(repo, ".github/workflows"), exist_ok=True)

# The mix of a real catalog: many users and components, fewer teams, systems and domains.
n = a.entities
teams = [f"team-{i:03d}" for i in range(max(1, n // 40))]
domains = [f"domain-{i:02d}" for i in range(max(1, n // 500))]
systems = [f"system-{i:03d}" for i in range(max(1, n // 50))]
users_count = n * 3 // 10
apis_count = n // 10
resources_count = n // 20
components_count = n - len(teams) - len(domains) - len(systems) - users_count - apis_count - resources_count


def entity(kind, name, spec, annotations=None, api="backstage.io/v1alpha1"):
    metadata = {"name": name, "description": f"{kind} {name}"}
    if annotations:
        metadata["annotations"] = annotations
    return {"apiVersion": api, "kind": kind, "metadata": metadata, "spec": spec}


by_team = {t: [] for t in teams}
for d in domains:
    by_team[rng.choice(teams)].append(entity("Domain", d, {"owner": rng.choice(teams)}))
for s in systems:
    t = rng.choice(teams)
    by_team[t].append(entity("System", s, {"owner": t, "domain": rng.choice(domains)}))
for t in teams:
    by_team[t].append(entity("Group", t, {"type": "team", "children": [], "parent": None}))
    by_team[t][-1]["spec"].pop("parent")
for i in range(users_count):
    t = rng.choice(teams)
    by_team[t].append(entity("User", f"user-{i:05d}", {"memberOf": [t]}))
apis = [f"api-{i:04d}" for i in range(apis_count)]
for name in apis:
    t = rng.choice(teams)
    by_team[t].append(entity("API", name, {"type": "openapi", "lifecycle": "production", "owner": t,
                                            "system": rng.choice(systems), "definition": "openapi: 3.0.0"}))
for i in range(resources_count):
    t = rng.choice(teams)
    by_team[t].append(entity("Resource", f"db-{i:04d}", {"type": "database", "owner": t, "system": rng.choice(systems)}))
for i in range(components_count):
    t = rng.choice(teams)
    annotations = {"github.com/project-slug": f"acme/component-{i:05d}"}
    if i % 7 == 0:
        annotations["plumb.dev/data-class"] = "personal"
    by_team[t].append(entity("Component", f"component-{i:05d}", {
        "type": "service", "lifecycle": "production", "owner": t, "system": rng.choice(systems),
        "providesApis": [rng.choice(apis)], "dependsOn": [f"resource:db-{rng.randrange(resources_count):04d}"]},
        annotations))

everything = [e for t in teams for e in by_team[t]]
assert len(everything) == n, len(everything)

# 1. A directory: one YAML file per team (JSON is YAML; each document on its own).
for t in teams:
    with open(os.path.join(central, t + ".yaml"), "w") as f:
        f.write("\n---\n".join(json.dumps(e) for e in by_team[t]) + "\n")
# 2. An export (GET /entities) with the fields the server adds.
served = []
for i, e in enumerate(everything):
    e = json.loads(json.dumps(e))
    e["metadata"]["uid"] = f"00000000-0000-4000-8000-{i:012d}"
    e["metadata"]["etag"] = f"etag-{i}"
    owner = e["spec"].get("owner")
    e["relations"] = [{"type": "ownedBy", "targetRef": f"group:default/{owner}"}] if owner else []
    served.append(e)
with open(os.path.join(work, "entities.json"), "w") as f:
    f.write("[\n" + ",\n".join(json.dumps(e, separators=(",", ":")) for e in served) + "\n]\n")
# 3. A snapshot, as a live run writes it (fetchedAt now, so that it is within max_age).
fetched = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
with open(os.path.join(work, "snapshot.json"), "w") as f:
    f.write('{"plumbSnapshot":{"version":1,"source":"https://backstage.example.com/api/catalog","fetchedAt":"%s","entities":%d},\n'
            % (fetched, n))
    f.write('"totalItems":%d,\n"pageInfo":{},\n"items":[\n' % n)
    f.write(",\n".join(json.dumps(e, separators=(",", ":")) for e in served) + "\n]}\n")

# The service repository: its component (owned by a central team, in a central system), a plan
# whose buckets are tagged with central components (one holds personal data), and a workflow.
team, system = teams[0], systems[0]
with open(os.path.join(repo, "catalog-info.yaml"), "w") as f:
    f.write(f"""apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: payments-api
  description: Takes payments
  tags: [java]
  annotations:
    github.com/project-slug: acme/payments-api
spec:
  type: service
  lifecycle: production
  owner: {team}
  system: {system}
  providesApis: [{apis[0]}]
""")
changes = []
for i in range(20):
    changes.append({"address": f"aws_s3_bucket.b{i}", "mode": "managed", "type": "aws_s3_bucket", "name": f"b{i}",
                    "provider_name": "registry.terraform.io/hashicorp/aws",
                    "change": {"actions": ["create"], "before": None,
                               "after": {"bucket": f"b{i}", "region": "eu-west-1" if i % 2 else "us-east-1",
                                         "tags": {"component": f"component-{i * 7:05d}", "owner": team}},
                               "after_unknown": {}}})
with open(os.path.join(repo, "plan.json"), "w") as f:
    json.dump({"format_version": "1.2", "terraform_version": "1.9.0", "resource_changes": changes}, f)
with open(os.path.join(repo, ".github/workflows/ci.yml"), "w") as f:
    f.write("on: [push]\npermissions: {}\njobs:\n  build:\n    runs-on: ubuntu-24.04\n    steps:\n"
            "      - run: echo build\n")

env = dict(os.environ, PLUMB_TODAY="2026-06-01")
variants = [
    ("no context", []),
    ("directory", ["--catalog", central]),
    ("export", ["--catalog", os.path.join(work, "entities.json")]),
    ("snapshot", ["--catalog", os.path.join(work, "snapshot.json")]),
]


def timed(args):
    cmd = [a.plumb, "check", ".", "--fail-on", "never", "--output", "json=" + os.path.join(work, "report.json")] + args
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=repo, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} exited {done.returncode}: {done.stderr.decode()[-2000:]}")
    return elapsed


for _, args in variants:
    timed(args)  # warm the page cache
times = {name: [] for name, _ in variants}
for _ in range(a.rounds):
    for name, args in variants:
        times[name].append(timed(args))
base_best, base_median = min(times["no context"]), statistics.median(times["no context"])
print(f"{n} context entities, {a.rounds} interleaved rounds, {a.plumb}")
print(f"{'variant':12} {'best s':>8} {'median s':>9} {'added (best)':>13} {'added (median)':>15}")
for name, _ in variants:
    best, median = min(times[name]), statistics.median(times[name])
    print(f"{name:12} {best:8.3f} {median:9.3f} {best - base_best:13.3f} {median - base_median:15.3f}")
