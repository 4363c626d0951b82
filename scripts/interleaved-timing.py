#!/usr/bin/env python3
"""Plumb and Checkov timed in alternation on the corpus plans: rounds of five Plumb runs, one
Checkov run, five Plumb runs, so both see the same minutes of a machine whose speed drifts (the
2-core VM this was written on varies by up to 50 % within minutes). Prints each round's ratio
from Plumb's best and median run. Uses what scripts/peer-comparison.sh set up (its Checkov venv
and Plumb's shipped build):

    scripts/interleaved-timing.py [--rounds 3] [--plumb PATH] [--checkov PATH] [--corpus DIR]
"""
import argparse
import os
import statistics
import subprocess
import time

root = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
ap = argparse.ArgumentParser()
ap.add_argument("--rounds", type=int, default=3)
ap.add_argument("--plumb", default=os.path.join(root, ".build-release/release/plumb"))
ap.add_argument("--checkov", default=os.path.join(root, ".build-peers/venv/bin/checkov"))
ap.add_argument("--corpus", default=os.path.join(root, "../shared/corpus"))
a = ap.parse_args()
plans = os.path.abspath(os.path.join(a.corpus, "terraform-plans"))
work = os.path.join(root, ".build-peers")
os.makedirs(work, exist_ok=True)
plumb = [a.plumb, "check", "--fail-on", "never", "--no-builtin-rules", "--rules", os.path.join(root, "rules/security"),
         "--output", "json=" + os.path.join(work, "interleaved-plumb.json"), "--root", plans, plans]
checkov = [a.checkov, "--framework", "terraform_plan", "-o", "json", "--compact", "--skip-download", "-d", plans]


def timed(cmd):
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=work)
    return time.perf_counter() - start


timed(plumb)  # warm-up
for number in range(1, a.rounds + 1):
    runs = [timed(plumb) for _ in range(5)]
    checkov_time = timed(checkov)
    runs += [timed(plumb) for _ in range(5)]
    best, median = min(runs), statistics.median(runs)
    print(f"round {number}: plumb best {best:.3f} s, median {median:.3f} s; checkov {checkov_time:.3f} s; "
          f"ratio {checkov_time / best:.0f}x (best), {checkov_time / median:.0f}x (median)", flush=True)
