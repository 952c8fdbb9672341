"""Figures a benchmark run left: criterion's estimates written since a stamp
file, and the `cpu time` lines (`common/cpu_time.rs`) of its log. Shared by
the compare_*.sh scripts that print one table."""
import json
import os


def estimates(criterion_dir, stamp):
    """{full benchmark id: (mean s, median s)} of the estimates written since `stamp`."""
    since = os.path.getmtime(stamp)
    found = {}
    for root, _, files in os.walk(criterion_dir):
        if os.path.basename(root) == "new" and "estimates.json" in files:
            path = os.path.join(root, "estimates.json")
            if os.path.getmtime(path) < since:
                continue
            full_id = json.load(open(os.path.join(root, "benchmark.json")))["full_id"]
            est = json.load(open(path))
            found[full_id] = (est["mean"]["point_estimate"] / 1e9,
                              est["median"]["point_estimate"] / 1e9)
    return found


def log_lines(log):
    """The tab-separated lines of `log`, split."""
    for line in open(log, encoding="utf-8", errors="replace"):
        yield line.rstrip("\n").split("\t")


def cpu_times(log):
    """{benchmark id: median CPU seconds} from the `cpu time` lines of `log`."""
    return {p[1]: float(p[2]) for p in log_lines(log) if len(p) == 4 and p[0] == "cpu time"}
