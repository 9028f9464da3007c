#!/usr/bin/env bash
# Alternating A/B of two gcsim builds: CPU time (user + sys) of the whole `gcsim run gcbench`
# process, per collector, at the heaps `npm run bench` uses; prints the median of each and
# their ratio. CPU time, not wall time, because a shared machine's wall clock is noise.
#   bash bench/compare-builds.sh OLD_CHECKOUT NEW_CHECKOUT [PAIRS]   (both built: npm install)
set -euo pipefail
old=$1 new=$2 pairs=${3:-5}
for config in "mark-sweep 32MiB" "copying 64MiB" "mark-compact 32MiB" "generational 32MiB" "rc 32MiB" "none 512MiB"; do
  set -- $config
  for _ in $(seq "$pairs"); do
    for dir in "$old" "$new"; do
      /usr/bin/time -f "$dir %U %S" node "$dir/bin/gcsim.js" run "$dir/workloads/gcbench.json" -c "$1" --heap "$2" -f json -q > /dev/null
    done
  done 2>&1 | awk -v c="$1" -v old="$old" -v new="$new" '
    { cpu[$1] = cpu[$1] " " ($2 + $3) }
    function median(s,   a, n) { n = split(s, a, " "); asort(a); return a[int((n + 1) / 2)] }
    END { o = median(cpu[old]); n = median(cpu[new]); printf "%-13s old %.2f s  new %.2f s  new/old %.3f\n", c, o, n, n / o }'
done
