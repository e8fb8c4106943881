#!/usr/bin/env bash
# Makes sure every Debian package the project builds, tests and plots with is installed.
# As root it installs what is missing; otherwise it prints the exact command to run and fails.
#   scripts/ensure-deps.sh             what make run and make test need
#   scripts/ensure-deps.sh sanitizers  also clang and libFuzzer (make fuzz; make sanitize
#                                      itself uses g++'s ASan and UBSan)
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config
  ns3 libns3-dev libgsl-dev
  libboost-program-options-dev libfmt-dev nlohmann-json3-dev
  libgtest-dev libgmock-dev libbenchmark-dev libabsl-dev
  python3 python3-matplotlib python3-pandas python3-scipy python3-distributed
)
if [[ "${1:-}" == sanitizers ]]; then
  PACKAGES+=(clang-14 libclang-rt-14-dev)
fi

missing=()
for pkg in "${PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$pkg")
done

if [[ ${#missing[@]} -eq 0 ]]; then
  exit 0
fi

command="apt-get install -y --no-install-recommends ${missing[*]}"
if [[ $(id -u) -ne 0 ]]; then
  echo "Missing Debian packages: ${missing[*]}" >&2
  echo "Install them with:" >&2
  echo "  sudo apt-get update && sudo $command" >&2
  exit 1
fi

echo "Installing missing Debian packages: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
$command
