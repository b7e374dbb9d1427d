#!/usr/bin/env bash
# make bench: runs every benchmark (bench/<name>.sh, each also reachable as `make bench-<name>`)
# in one invocation, so that every figure can be read as a ratio against the reference runs of the
# same invocation on the same machine. Everything goes to one folder, bench/results/<UTC timestamp>/
# (or $BENCH_OUT): each benchmark's JSON (kdf.json, diameter.json, store.json, gbakd.json + .csv and
# plots, ub.json, eap.json, capacity.json), bench.log (this console output), summary.txt and summary.json (the table
# printed last). bench-capacity runs last: its sum of parts reads kdf.json and diameter.json of this run.
set -u
cd "$(dirname "$0")/.."
export BENCH_OUT=${BENCH_OUT:-bench/results/$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$BENCH_OUT"
exec > >(tee "$BENCH_OUT/bench.log") 2>&1
rc=0
t0=$SECONDS
for b in $(ls bench/*.sh | grep -v '/capacity.sh$') bench/capacity.sh; do
	n=$(basename "$b" .sh)
	case "$n" in run|lib|compare) continue ;; esac   # compare: make bench-compare (two trees)
	[ -f "$b" ] || continue
	echo "=== bench-$n"
	t1=$SECONDS
	bash "$b" || { echo "!! bench-$n failed"; rc=1; }
	echo "--- bench-$n: $((SECONDS - t1)) s"
done
echo
# summary table: one line per headline figure, from the JSON files of this run
python3 - "$BENCH_OUT" <<'PY'
import json, os, sys
d = sys.argv[1]
def load(n):
    try: return json.load(open(os.path.join(d, n + ".json")))
    except Exception: return None
rows = []
def row(name, value, target="", met=None):
    rows.append((name, value, target, "" if met is None else ("met" if met else "MISSED")))
k = load("kdf")
if k:
    row("kdf: burst vs OpenSSL one-shot HMAC", "%.2fx  (%.2f M/s)" % (k["ratio_c_a"], k["burst32"] / 1e6), ">= 10x", k["ratio_c_a"] >= 10)
    row("kdf: burst vs OpenSSL precomputed pads", "%.2fx" % k["ratio_c_b"], ">= 1.3x", k["ratio_c_b"] >= 1.3)
else: row("kdf", "no kdf.json")
m = load("diameter")
if m:
    row("diameter: parse BIR + build BIA", "%.1f ns/pair" % m["pair_ns"], "< %s ns" % m.get("target_ns", 150), m.get("target_met"))
else: row("diameter", "no diameter.json")
s = load("store")
if s:
    for r in s.get("results", []):
        n = r.get("store_lookups_per_s", r.get("store_wait_lookups_per_s", 0))
        row("store: lib/store vs redis-benchmark -P %d" % r["depth"], "%.2fx  (%d lookups/s)" % (r["ratio"], n), ">= 0.8", r["ratio"] >= 0.8)
else: row("store", "no store.json")
p = load("diameter_peer")
if p and isinstance(p.get("summary"), dict):
    for k, v in p["summary"].items():
        if isinstance(v, dict) and "ratio_to_udp" in v:
            row("diameter_peer: %s vs Zn/UDP" % k, "%.3fx  (%d answers/s)" % (v["ratio_to_udp"], v.get("ok_per_s", 0)))
g = load("gbakd")
if g:
    x = g["summary"]
    row("gbakd: reflector (testpmd 5tswap) saturation", "%d answers/s" % x["reflector_sat_per_s"])
    row("gbakd hot: saturation / reflector", "%.2fx  (%d answers/s)" % (x["hot_ratio"], x["hot_sat_per_s"]), ">= 0.8", x["met"]["hot_ratio"])
    row("gbakd cold: saturation / reflector", "%.2fx  (%d answers/s)" % (x["cold_ratio"], x["cold_sat_per_s"]), ">= 0.6", x["met"]["cold_ratio"])
    row("gbakd hot: p99 at half saturation", "%s us" % x["hot_p99_half_us"], "< 1000 us", x["met"]["hot_p99_half"])
    row("gbakd cold: p99 at half saturation", "%s us" % x["cold_p99_half_us"], "< 1000 us", x["met"]["cold_p99_half"])
    row("gbakd: generator lag p99 at half sat. (hot / cold)", "%s / %s us" % (x.get("hot_gen_lag_p99_half_us"), x.get("cold_gen_lag_p99_half_us")))
    row("gbakd hot: cache hit ratio (measured runs)", "%s" % x.get("hot_cache_hit_ratio"))
    row("gbakd: p99 at %d/s reflector / hot / cold" % x["fixed_rate"], "%s / %s / %s us" % (x["reflector_fixed_p99_us"], x["hot_fixed_p99_us"], x["cold_fixed_p99_us"]))
    row("gbakd: keys verified (wrong keys / wrong answers)", "%d / %d" % (x["wrong_keys"], x["wrong_answers"]), "0 / 0", x["wrong_keys"] == 0 and x["wrong_answers"] == 0)
else: row("gbakd", "no gbakd.json")
r = load("roaming")
if r and r.get("direct"):
    row("roaming: NAF->visited->home->NAF vs direct home", "%.2fx  (%d vs %d answers/s)" % (
        r.get("ratio_roaming_to_direct", 0), r["roaming"]["ok_per_s"], r["direct"]["ok_per_s"]))
    row("roaming: p50 / p99 closed loop (us)", "%.0f / %.0f  (direct %.0f / %.0f)" % (
        r["roaming"]["p50_us"], r["roaming"]["p99_us"], r["direct"]["p50_us"], r["direct"]["p99_us"]))
u = load("ub")
if u:
    row("ub: bootstraps/s gbakd (subscriber store) / plain libmicrohttpd", "%.2fx  (%.0f vs %.0f /s)" % (
        u["ratio"], u["store_per_s"], u["plain_per_s"]), ">= 0.5", u["met"])
    row("ub: AV fetch p50 / p99, Zh via the lab HSS", "%s / %s us  (store %s / %s us)" % (
        u["zh_av_fetch_us_p50"], u["zh_av_fetch_us_p99"], u["store_av_fetch_us_p50"], u["store_av_fetch_us_p99"]))
e = load("eap")
if e and "aka_per_s" in e:
    row("eap: EAP-AKA auths/s / Ub bootstraps/s (RADIUS, subscriber store)", "%.2fx  (%.0f vs %.0f /s)" % (
        e["ratio_aka_to_ub"], e["aka_per_s"], e["ub_per_s"]))
    row("eap: EAP-AKA' auths/s / Ub bootstraps/s", "%.2fx  (%.0f /s)" % (e["ratio_aka_prime_to_ub"], e["aka_prime_per_s"]))
    row("eap: the same per round, median (AKA / AKA')", "%sx / %sx" % (
        e.get("ratio_aka_to_ub_median_of_rounds"), e.get("ratio_aka_prime_to_ub_median_of_rounds")))
    row("eap: one authentication p50 / p99, AKA (AKA')", "%s / %s us  (%s / %s us)" % (
        e["aka_p50_us"], e["aka_p99_us"], e["aka_prime_p50_us"], e["aka_prime_p99_us"]))
if e and "dia_aka_per_s" in e:
    row("eap: Diameter (two freeDiameterd relays) EAP-AKA / AKA' auths/s / Ub", "%.2fx / %.2fx  (%.0f / %.0f /s)" % (
        e["ratio_dia_aka_to_ub"], e["ratio_dia_aka_prime_to_ub"], e["dia_aka_per_s"], e["dia_aka_prime_per_s"]))
    row("eap: Diameter one authentication p50 / p99, AKA (AKA')", "%s / %s us  (%s / %s us)" % (
        e["dia_aka_p50_us"], e["dia_aka_p99_us"], e["dia_aka_prime_p50_us"], e["dia_aka_prime_p99_us"]))
if e:
    row("eap: verified (failed / wrong keys / timeouts)", "%d / %d / %d" % (e["failed"], e["wrong_keys"], e["timeouts"]),
        "0 / 0 / 0", e["failed"] == 0 and e["wrong_keys"] == 0 and e["timeouts"] == 0)
c = load("capacity")
if c:
    x, M = c["summary"], lambda v: "%.2f M/s" % ((v or 0) / 1e6)
    met = x.get("met", {})
    row("capacity: port ceiling (testpmd 5tswap, net_pcap replay)", "%s per forwarding-core s" % M(x["testpmd_5tswap_per_cpu_s"]["best"]))
    row("capacity hot: 2001 answers per worker-core second", "%s  (%s ns, %s cycles)" % (M(x["hot_ok_per_cpu_s"]["best"]), x.get("hot_ns_per_answer"), x.get("hot_cycles_per_answer")), ">= 2.5 M/s", met.get("hot_per_s"))
    row("capacity hot / sum of parts (KDF + parse/build)", "%sx  (parts %s)" % (x.get("hot_vs_parts"), M(x.get("sum_of_parts_per_s"))), ">= 0.6x", met.get("hot_vs_parts"))
    row("capacity cold / redis-benchmark -P 64 (wall; per Redis CPU s)", "%sx; %sx" % (x.get("cold_vs_redis"), x.get("cold_vs_redis_per_redis_cpu")), ">= 0.8x", met.get("cold_vs_redis"))
    row("capacity: instructions per query hot / cold (callgrind)", "%s / %s" % (x.get("hot_instr_per_query"), x.get("cold_instr_per_query")), "<= 1500 / 4000", met.get("hot_instr") and met.get("cold_instr"))
    row("capacity: keys verified (wrong keys / wrong answers)", "%d / %d" % (x["wrong_keys"], x["wrong_answers"]), "0 / 0", met.get("keys_verified"))
else: row("capacity", "no capacity.json")
known = {"kdf", "diameter", "store", "diameter_peer", "gbakd", "roaming", "ub", "eap", "capacity"}
others = sorted(f[:-5] for f in os.listdir(d) if f.endswith(".json") and f[:-5] not in known and not f.startswith("summary"))
if others: row("other benchmarks of this run (see their JSON)", ", ".join(o + ".json" for o in others))
w = max(len(r[0]) for r in rows); v = max(len(r[1]) for r in rows); t = max(len(r[2]) for r in rows)
lines = ["%-*s  %-*s  %-*s  %s" % (w, "figure", v, "value (same run)", t, "target", "")]
lines.append("-" * (w + v + t + 12))
lines += ["%-*s  %-*s  %-*s  %s" % (w, a, v, b, t, c, e) for a, b, c, e in rows]
txt = "\n".join(lines)
print(txt)
open(os.path.join(d, "summary.txt"), "w").write(txt + "\n")
json.dump([dict(zip(("figure", "value", "target", "status"), r)) for r in rows], open(os.path.join(d, "summary.json"), "w"), indent=1)
PY
echo
echo "results: $BENCH_OUT   ($((SECONDS - t0)) s; reproduce: make bench)"
exit $rc
