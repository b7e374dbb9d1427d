#!/usr/bin/env python3
"""Instructions per query from bench/capacity.sh's callgrind run of one mode.

usage: capacity_cg.py MODE QUERIES LOGDIR
  LOGDIR/callgrind-MODE.out.1: dump 1 (every query answered), .out.2: dump 2 (idle polls only);
  LOGDIR/cg-MODE-samples.jsonl: four /gbakd/stats samples (around dump 1, around dump 2).
Prints one JSON object: instructions per query with the idle polls subtracted, and without the
port's file reading and the SHA-256 work (see bench/README.md), plus the top inclusive costs.
"""
import glob, json, os, re, sys
mode, n, logs = sys.argv[1], int(sys.argv[2]), sys.argv[3]
s = [json.loads(x)["/gbakd/stats"] for x in open(os.path.join(logs, "cg-%s-samples.jsonl" % mode))]
files = sorted(glob.glob(os.path.join(logs, "callgrind-%s.out.*" % mode)), key=lambda f: int(f.rsplit(".", 1)[1]))
def total(f):
    for line in open(f):
        if line.startswith("summary:") or line.startswith("totals:"):
            return int(line.split()[1])
    return 0
def iterations(f):
    """Calls of the worker's loop body (iterate) in a dump: exact, from callgrind's call counts."""
    ids, n, want = set(), 0, False
    for line in open(f):
        m = re.match(r"^c?fn=\((\d+)\)(?: (\S+))?", line)
        if m:
            if m.group(2) and m.group(2).startswith("iterate"):
                ids.add(m.group(1))
            want = line.startswith("cfn=") and m.group(1) in ids
            continue
        if want and line.startswith("calls="):
            n += int(line.split("=")[1].split()[0])
            want = False
    return n
ir1, ir2 = total(files[0]), total(files[1])
it1, it2 = iterations(files[0]), iterations(files[1])
busy1 = s[1].get("busy_iterations", 0)   # unchanged once every query is answered
idle_ir = ir2 / it2 if it2 > 0 else 0
idle1 = it1 - busy1
per = (ir1 - idle1 * idle_ir) / n
# inclusive costs per query of what is not gbakd's own work on a real CPU: the port (net_pcap
# reading the file through libpcap: the replay port of the rate runs copies from memory instead),
# and the SHA-256 work (valgrind hides SHA-NI: IPsec-MB runs its AVX2/SSE code, ~10x the
# instructions), i.e. the HMAC pad set-up of a store record and the KDF burst
import subprocess
ann = subprocess.run(["callgrind_annotate", "--inclusive=yes", "--threshold=100", files[0]], capture_output=True, text=True).stdout
incl = {}
for line in ann.splitlines():
    m = re.match(r"^\s*([\d,]+) \(\s*[\d.]+%\)\s+(\S+)(?: \[(\S+)\])?", line)
    if not m or m.group(2) == "PROGRAM":
        continue
    v, name, obj = int(m.group(1).replace(",", "")), m.group(2), m.group(3) or ""
    fn = name.rsplit(":", 1)[-1]
    key = fn + (" [" + os.path.basename(obj) + "]" if obj and "gbakd" not in obj else "")
    incl[key] = max(incl.get(key, 0), v)
def f(pred):
    return max([v for k, v in incl.items() if pred(k)] or [0])
port = f(lambda k: "librte_net_pcap" in k)
crypto = f(lambda k: k == "gba_hmac_pads_init") + f(lambda k: k == "gba_kdf_naf_burst")
top = sorted(((k, round(v / n)) for k, v in incl.items() if v / n >= 100), key=lambda x: -x[1])[:40]
print(json.dumps({"mode": mode, "queries": n, "answers": s[1].get("answers"), "ir_dump1": ir1, "iterations": it1,
                  "busy_iterations": busy1, "ir_per_idle_iteration": round(idle_ir, 1), "idle_ir_subtracted": idle1 * idle_ir,
                  "cache_hits": s[1].get("cache_hits"), "cache_misses": s[1].get("cache_misses"),
                  "ir_per_query": round(per, 1), "port_ir_per_query": round(port / n, 1),
                  "sha256_ir_per_query": round(crypto / n, 1),
                  "ir_per_query_ex_port": round(per - port / n, 1),
                  "ir_per_query_ex_port_sha": round(per - (port + crypto) / n, 1),
                  "inclusive_per_query_top": top}))
