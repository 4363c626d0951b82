#!/usr/bin/env bash
# Plumb's Action, step 1 (action.yml): downloads the release archive for this runner's OS and
# architecture, verifies its sha256, and puts `plumb` on the PATH (GITHUB_PATH).
#
# Environment (from action.yml's inputs, through env:):
#   PLUMB_VERSION            the release, e.g. 0.1.0 (required)
#   PLUMB_SHA256             the archive's expected sha256 (optional; else the published .sha256)
#   PLUMB_DOWNLOAD_URL       where the archives are (optional; else the Action's repository releases)
#   PLUMB_ACTION_REPOSITORY  owner/name of the Action (may be empty in composite actions)
# and the runner's RUNNER_OS, RUNNER_ARCH, RUNNER_TEMP, GITHUB_PATH, GITHUB_SERVER_URL.
set -euo pipefail

fail() { echo "::error title=Plumb install::$1" >&2; exit 1; }

version="${PLUMB_VERSION:-}"
[[ "$version" =~ ^[0-9A-Za-z][0-9A-Za-z._-]*$ ]] || fail "the version must look like 0.1.0"

case "${RUNNER_OS:-Linux}" in
  Linux) os=linux ;;
  *) fail "Plumb releases are built for Linux runners only, not ${RUNNER_OS}" ;;
esac
case "${RUNNER_ARCH:-X64}" in
  X64) arch=x86_64 ;;
  ARM64) arch=aarch64 ;;
  *) fail "no Plumb release for the ${RUNNER_ARCH} architecture (X64 and ARM64 only)" ;;
esac
archive="plumb-${os}-${arch}.tar.gz"

base="${PLUMB_DOWNLOAD_URL:-}"
if [ -z "$base" ]; then
  repository="${PLUMB_ACTION_REPOSITORY:-plumb-dev/plumb}"
  [[ "$repository" =~ ^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$ ]] || fail "unexpected action repository name"
  base="${GITHUB_SERVER_URL:-https://github.com}/${repository}/releases/download/v${version}"
fi
case "$base" in
  https://* | http://127.0.0.1:* | http://localhost:*) ;;
  *) fail "the download URL must be https" ;;
esac

directory="$(mktemp -d "${RUNNER_TEMP:-/tmp}/plumb.XXXXXX")"
curl --fail --silent --show-error --location --proto '=https,http' --retry 3 \
  --output "$directory/$archive" "$base/$archive" || fail "cannot download $base/$archive"

expected="${PLUMB_SHA256:-}"
if [ -z "$expected" ]; then
  curl --fail --silent --show-error --location --proto '=https,http' --retry 3 \
    --output "$directory/$archive.sha256" "$base/$archive.sha256" || fail "cannot download $base/$archive.sha256"
  expected="$(cut -d' ' -f1 "$directory/$archive.sha256")"
fi
[[ "$expected" =~ ^[0-9a-f]{64}$ ]] || fail "the expected sha256 is not 64 hexadecimal digits"
actual="$(sha256sum "$directory/$archive" | cut -d' ' -f1)"
[ "$actual" = "$expected" ] || fail "$archive has sha256 $actual, expected $expected: not installed"

mkdir -p "$directory/bin"
tar -xzf "$directory/$archive" -C "$directory/bin" plumb || fail "$archive holds no plumb"
chmod 0755 "$directory/bin/plumb"
# The binary loads libyaml (and libsqlite3, in every Ubuntu image).
if ! ldconfig -p 2>/dev/null | grep -q 'libyaml-0\.so\.2'; then
  sudo apt-get install -y --no-install-recommends libyaml-0-2 >&2 || fail "cannot install libyaml-0-2"
fi
echo "$directory/bin" >> "${GITHUB_PATH:?GITHUB_PATH is not set}"
echo "Installed Plumb $version ($archive, sha256 $actual)"
