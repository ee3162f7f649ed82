#!/usr/bin/env bash
# Runs every test of the solution. Installs Debian's PMDK 1.12.1 (the test oracle) first when it is missing.
set -euo pipefail
cd "$(dirname "$0")"

need=(libpmem1 libpmem2 libpmemobj1 libpmemlog1 libpmemblk1 libpmempool1 pmdk-tools
      libpmem-dev libpmem2-dev libpmemobj-dev libpmemlog-dev libpmemblk-dev libpmempool-dev gcc make)
# The -dev packages carry the headers and the example sources (mapcli, string_store, queue) that the
# examples tests compile with gcc as the C oracle.
missing=()
for p in "${need[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "test.sh: installing the PMDK oracle: ${missing[*]}"
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
dotnet test Pmdk.slnx -c Release --nologo "$@" 2>&1 | tee "$log" || status=$?

# One closing line for CI: "tests: N passed, N failed, N skipped".
awk '/(Passed|Failed)! +- +Failed:/ {
       gsub(",", "");
       for (i = 1; i <= NF; i++) {
         if ($i == "Failed:") f += $(i+1);
         if ($i == "Passed:") p += $(i+1);
         if ($i == "Skipped:") s += $(i+1);
       }
     }
     END { printf "tests: %d passed, %d failed, %d skipped\n", p, f, s }' "$log"
exit $status
