#!/usr/bin/env python3
"""bench/compare.sh's table: reads the runs of one compare results folder and writes compare.json and
compare.txt there (run again on a folder to re-render it: python3 bench/compare_table.py DIR).

Per figure, every value of each side (A = before, B = after) over the rounds (capacity: every measured
interval), the best (the capacity, as bench-capacity reports it: the machine is shared, a slow interval
is other work, never a faster gbakd) and the median (how noisy it was), the after/before ratios of both,
and a verdict on the best: "ok" when after is no worse than before by more than the tolerance
(throughput: --tol, latency: --lat-tol), else "WORSE". Capacity rows also give the worker lcore's median
share of its CPU, the noise's measure."""
import argparse, json, os, statistics, sys

ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
ap.add_argument("dir")
ap.add_argument("--rounds", type=int, default=0, help="rounds to read (default: every runs/*-A-N found)")
ap.add_argument("--tol", type=float, default=0.05)
ap.add_argument("--lat-tol", type=float, default=0.15)
ap.add_argument("--min-share", type=float, default=0.0,
                help="capacity: use only the intervals where the worker lcore had at least this share of its CPU (all when a side has none; default: all)")
ap.add_argument("--before", default="?")
ap.add_argument("--after", default="?")
ap.add_argument("--dirty", default="")
ap.add_argument("--command", default="")
a = ap.parse_args()
out = a.dir
rounds = a.rounds or max([int(n.rsplit("-", 1)[1]) for n in os.listdir(os.path.join(out, "runs")) if n.count("-") >= 2] or [0])


def intervals(side, label):
    rs = []
    for r in range(1, rounds + 1):
        try:
            rs += [json.loads(l) for l in open(f"{out}/runs/capacity-{side}-{r}/logs/capacity/rates.jsonl")]
        except OSError:
            pass
    rs = [x for x in rs if x.get("label") == label]
    kept = [x for x in rs if (x.get("worker_cpu_share") or 0) >= a.min_share]
    return kept or rs


used = {}


def rates(side, r, label, key):
    if r != 1:
        return []  # all rounds at once (the intervals kept by --min-share)
    xs = intervals(side, label)
    used[(side, label)] = len(xs)
    return [x.get(key) or 0 for x in xs]


def roam(side, r, path, key):
    try:
        j = json.load(open(f"{out}/runs/roaming-{side}-{r}/roaming.json"))
    except (OSError, ValueError):
        return []
    v = j.get(path, {}).get(key)
    return [v] if v else []


figs = []
for m in ("hot", "cold"):
    figs += [(f"capacity {m}: 2001 answers per worker-core s", "/s", "higher", lambda s, r, m=m: rates(s, r, m, "ok_per_cpu_s")),
             (f"capacity {m}: 2001 answers per wall s (info)", "/s", None, lambda s, r, m=m: rates(s, r, m, "ok_per_s")),
             (f"capacity {m}: worker lcore's CPU share (noise)", "share", None, lambda s, r, m=m: rates(s, r, m, "worker_cpu_share"))]
    if m == "cold":
        figs.append(("capacity cold: 2001 answers per Redis CPU s (info)", "/s", None, lambda s, r: rates(s, r, "cold", "ok_per_redis_cpu_s")))
for path, name in (("direct", "direct (e2e)"), ("roaming", "roaming")):
    figs += [(f"{name}: answers/s closed loop", "/s", "higher", lambda s, r, p=path: roam(s, r, p, "ok_per_s")),
             (f"{name}: p50 closed loop", "us", "lower", lambda s, r, p=path: roam(s, r, p, "p50_us")),
             (f"{name}: p99 closed loop", "us", "lower", lambda s, r, p=path: roam(s, r, p, "p99_us")),
             (f"{name}: p50 open loop", "us", "lower", lambda s, r, p=path: roam(s, r, p, "open_p50_us")),
             (f"{name}: p99 open loop", "us", "lower", lambda s, r, p=path: roam(s, r, p, "open_p99_us"))]
res, worse = [], 0
for name, unit, better, get in figs:
    va = [v for r in range(1, rounds + 1) for v in get("A", r)]
    vb = [v for r in range(1, rounds + 1) for v in get("B", r)]
    if not va and not vb:
        continue
    best = min if better == "lower" else max
    f = {"figure": name, "unit": unit, "better": better, "before": va, "after": vb}
    if va and vb:
        ma, mb, ba, bb = statistics.median(va), statistics.median(vb), best(va), best(vb)
        f.update(before_median=ma, after_median=mb, before_best=ba, after_best=bb,
                 ratio_median=round(mb / ma, 3) if ma else 0, ratio_best=round(bb / ba, 3) if ba else 0)
        if better is None:
            f["verdict"] = ""
        else:
            ok = f["ratio_best"] >= 1 - a.tol if better == "higher" else f["ratio_best"] <= 1 + a.lat_tol
            f["verdict"] = "ok" if ok else "WORSE"
            worse += not ok
    else:
        f["verdict"] = "missing (a run failed)"
        worse += better is not None
    res.append(f)


def fmt(v, u):
    if v is None:
        return "-"
    if u == "share":
        return "%.0f %%" % (100 * v)
    if u == "/s":
        return "%.2f M" % (v / 1e6) if v >= 1e5 else "%.0f" % v
    return "%.0f" % v


w = max([len(f["figure"]) + 5 for f in res] or [10])
nint = lambda m: "%s / %s" % (used.get(("A", m), 0), used.get(("B", m), 0))
lines = ["BEFORE %s  AFTER %s%s  %d rounds, A B interleaved; best (median)" % (a.before[:9], a.after[:9], " (+ uncommitted harness changes)" if a.dirty else "", rounds),
         "capacity intervals, before / after: hot %s, cold %s%s" % (nint("hot"), nint("cold"), " (worker CPU share >= %.0f %%, else all)" % (100 * a.min_share) if a.min_share else ""),
         "%-*s  %18s  %18s  %12s  %s" % (w, "figure", "before", "after", "ratio", "verdict (best)")]
for f in res:
    u = f["unit"]
    cell = lambda s: "%s (%s)" % (fmt(f.get(s + "_best"), u), fmt(f.get(s + "_median"), u)) if f[s] else "-"
    ratio = "%s (%s)" % (f.get("ratio_best", "-"), f.get("ratio_median", "-"))
    lines.append("%-*s  %18s  %18s  %12s  %s" % (w, f["figure"] + (" (us)" if u == "us" else ""), cell("before"), cell("after"), ratio, f["verdict"]))
if a.command:
    lines.append("reproduce: %s" % a.command)
txt = "\n".join(lines)
print(txt)
open(os.path.join(out, "compare.txt"), "w").write(txt + "\n")
json.dump({"bench": "compare", "before": a.before, "after": a.after, "after_dirty": bool(a.dirty), "rounds": rounds,
           "tolerance": a.tol, "latency_tolerance": a.lat_tol, "verdict_on": "best", "min_share": a.min_share,
           "capacity_intervals_used": {"%s_%s" % k: v for k, v in used.items()}, "command": a.command, "figures": res},
          open(os.path.join(out, "compare.json"), "w"), indent=1)
sys.exit(1 if worse else 0)
