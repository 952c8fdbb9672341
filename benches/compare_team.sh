#!/usr/bin/env bash
# A team project on PostgreSQL at scale, in one run and one table (issue 16):
# 16 annotators editing at full speed (edits per second, p50/p99 latency), an
# annotator's Next on a 1M-item project, a COCO import of 100k images / 1M
# annotations (polygons and RLE, shaped like COCO 2017) and the dashboard's
# statistics on that project. `benches/pg_team.rs` does the work against a
# private durable cluster on 127.0.0.1 (PostgreSQL's server binaries from
# Debian's `postgresql` package, as the tests use; fsync on).
#
# Usage: benches/compare_team.sh
# Exit status: 0 when every target is met, 3 when one is missed, 2 when
# something could not run. Takes about 15 minutes on the 2-core machine (the
# COCO file is generated on first use, as for benches/compare_shapes.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

target="${CARGO_TARGET_DIR:-target}"
mkdir -p "$target"
log="$target/compare_team.log"
stamp="$target/compare_team.stamp"
touch "$stamp"
load_before="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
echo "== cargo bench --bench pg_team (log: $log)" >&2
cargo bench --bench pg_team 2>&1 | tee "$log" >&2
load_after="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"

python3 - "$target/criterion" "$stamp" "$log" "$load_before" "$load_after" <<'PY'
import sys
sys.path.insert(0, "benches/common")
from criterion_figures import cpu_times, estimates, log_lines

criterion, stamp, log, load_before, load_after = sys.argv[1:6]
wall = {k: mean for k, (mean, _) in estimates(criterion, stamp).items()}
cpu = cpu_times(log)
latency = {}
for parts in log_lines(log):
    if len(parts) == 7 and parts[0] == "latency":
        latency[parts[1]] = dict(zip(("count", "per_s", "p50", "p99", "max"), map(float, parts[2:])))

rows, verdicts, missing = [], [], []
def verdict(ok, text):
    verdicts.append(ok)
    return f"{text}: {'MET' if ok else 'MISSED'}"

for name, key, target in (
    ("16 annotators at full speed, edits (add, move, delete, submit)", "16 annotators at full speed: edits", 20),
    ("16 annotators at full speed, their claims (100k items)", "16 annotators at full speed: claims, 100k items", None),
    ("16 annotators, an edit each every 250 ms", "16 annotators, an edit each every 250 ms: edits", 20),
    ("16 annotators every 250 ms, their claims", "16 annotators, an edit each every 250 ms: claims, 100k items", None),
    ("claim next on 1M items, one annotator", "claim next, 1M items, one annotator", 20),
):
    if key not in latency:
        missing.append(key)
        continue
    l = latency[key]
    rows.append((name, f"{l['per_s']:.0f}/s ({l['count']:.0f})",
                 f"p50 {l['p50']:.2f} ms, p99 {l['p99']:.2f} ms, max {l['max']:.1f} ms",
                 verdict(l["p99"] < target, f"p99 < {target} ms") if target else ""))
for name, key, limit in (
    ("COCO import 100k images / 1M polygons+RLE into PostgreSQL",
     "pg coco import 100k images 1M annotations/shugu import_coco", 10.0),
    ("dashboard statistics on that project", "pg dashboard 100k items 1M annotations/stats", 1.0),
    ("claim next on 1M items (criterion mean)", "pg claim 1M items/claim next", None),
):
    if key not in wall:
        missing.append(key)
        continue
    figure = f"{wall[key]:.3f} s" if wall[key] >= 0.1 else f"{wall[key] * 1e3:.2f} ms"
    extra = f"CPU {cpu[key]:.2f} s (this process)" if key in cpu else ""
    rows.append((name, figure, extra,
                 verdict(wall[key] < limit, f"< {limit:g} s") if limit else ""))

header = ("benchmark", "figure", "detail", "target")
widths = [max(len(r[k]) for r in rows + [header]) for k in range(4)]
print(f"2 cores shared by the server and the clients; load average {load_before} before, {load_after} after.")
print("PostgreSQL on 127.0.0.1 with fsync, synchronous commits and full-page writes on.")
print()
for r in [header] + rows:
    print("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip())
if missing:
    print(f"compare_team: no figures for {missing}", file=sys.stderr)
    sys.exit(2)
sys.exit(0 if all(verdicts) else 3)
PY
