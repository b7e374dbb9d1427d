#!/usr/bin/env bash
# The bench harness in smoke mode (issue 8): bench/gbakd.sh with BENCH_SMOKE=1 (testpmd 5tswap
# reflector, gbakd hot and cold, short runs) must produce valid JSON, CSV rows and PNG/SVG plots;
# the load generator's verification must be able to fail: a session whose Ks was replaced in Redis
# (gbakd answers 2001 with a key that is not the synthetic one) fails the run with exit 3, and so
# do 5403 answers for sessions the generator believes provisioned. Then bench/capacity.sh with
# BENCH_SMOKE=1 (issue 14): the replay port, hot / mix / cold, every sampled answer verified, and
# its verifier must fail on keys of another seed. bench/ub.sh and bench/eap.sh (issue 16) in smoke
# mode (eap.sh over RADIUS and over Diameter through two freeDiameterd relays); eap.sh's negative
# runs (a UE with a wrong K over both transports, Ks_NAF checked against another NAF-Id) must fail.
. "$(dirname "$0")/../common/lib.sh"
t_begin bench_smoke
t_need_root
cd "$T_ROOT"
OUT=$T_TMP/out
LG=$BUILD/bench/loadgen

# ---- the harness in smoke mode
BENCH_SMOKE=1 BENCH_OUT=$OUT bash bench/gbakd.sh >"$T_TMP/smoke.log" 2>&1
rc=$?
check_eq "bench/gbakd.sh (BENCH_SMOKE=1) exits 0" 0 "$rc"
[ "$rc" -eq 0 ] || tail -30 "$T_TMP/smoke.log"
check "gbakd.json is valid JSON" python3 -c "import json,sys; json.load(open(sys.argv[1]))" "$OUT/gbakd.json"
J() { python3 -c '
import json, sys
o = json.load(open(sys.argv[1]))
print(eval(sys.argv[2], {"o": o, "s": o.get("summary", {}), "runs": o.get("runs", [])}))' "$OUT/gbakd.json" "$1" 2>/dev/null; }
check_eq "11 runs (reflector 3, hot 5, cold 3)" "3 5 3" \
	"$(J '" ".join(str(sum(1 for r in runs if r["system"] in g)) for g in (["reflector"], ["hot", "mix"], ["cold"]))')"
check_eq "every run verified: no wrong key, no wrong answer, no loss counted as lost" "0 0" \
	"$(J 's["wrong_keys"], s["wrong_answers"]' | tr -d '(),')"
check_eq "summary: saturation figures and ratios present" "True" \
	"$(J 'all(s[k] > 0 for k in ("reflector_sat_per_s", "hot_sat_per_s", "cold_sat_per_s", "hot_ratio", "cold_ratio"))')"
check_eq "summary: ratio = hot saturation / reflector saturation" "True" \
	"$(J 'abs(s["hot_ratio"] - s["hot_sat_per_s"] / s["reflector_sat_per_s"]) < 0.001')"
check_eq "summary: p99 at half saturation for hot and cold" "True" \
	"$(J 's["hot_p99_half_us"] > 0 and s["cold_p99_half_us"] > 0')"
check_eq "reflector answers are echoes, hot/cold answers are 2001" "echo 2001 2001" \
	"$(J '" ".join(",".join(sorted(next(r for r in runs if r["label"] == l)["codes"])) for l in ("reflector-fixed", "hot-fixed", "cold-fixed"))')"
check_eq "cold: every query went to Redis (store lookups >= answers)" "True" \
	"$(J 's["cold_store_lookups"] >= sum(r["answered"] for r in runs if r["system"] == "cold")')"
# the mix run: every negative query got its exact code (no loss on a closed loop this short)
check_eq "mix: 5403 answers = unknown B-TIDs sent" "True" \
	"$(J '(lambda r: r["codes"].get("5403", 0) == r["sent_by_kind"]["unknown"] > 0)(next(r for r in runs if r["label"] == "hot-mix"))')"
check_eq "mix: 5402 answers = unauthorised queries sent" "True" \
	"$(J '(lambda r: r["codes"].get("5402", 0) == r["sent_by_kind"]["unauth"] > 0)(next(r for r in runs if r["label"] == "hot-mix"))')"
check_eq "mix: 2001 answers = known B-TIDs sent" "True" \
	"$(J '(lambda r: r["codes"].get("2001", 0) == r["sent_by_kind"]["known"] > 0)(next(r for r in runs if r["label"] == "hot-mix"))')"
hdr="label,mode,echo,target_rate,inflight,duration_s,offered_per_s,answered_per_s,ok_per_s,sent,answered,lost,loss,p50_us,p90_us,p99_us,p999_us,max_us,mean_us,gen_lag_p99_us,c2001,c3002,c3004,c5402,c5403,c_echo,wrong_keys,wrong_answers"
check_eq "CSV header" "$hdr" "$(head -1 "$OUT/gbakd.csv")"
check_eq "CSV: 11 rows of 28 columns" "11" "$(tail -n +2 "$OUT/gbakd.csv" | awk -F, 'NF == 28' | wc -l)"
check_eq "CSV row of the fixed hot run: label, mode, target rate" "hot-fixed,open,0,2000" \
	"$(grep '^hot-fixed,' "$OUT/gbakd.csv" | cut -d, -f1-4)"
for p in latency throughput; do
	check_eq "gbakd-$p.png is a PNG" "89504e470d0a1a0a" "$(head -c 8 "$OUT/gbakd-$p.png" | od -An -tx1 | tr -d ' \n')"
	check "gbakd-$p.svg is an SVG" grep -q '<svg' "$OUT/gbakd-$p.svg"
done

# ---- the verification can fail: a replaced Ks, sessions that are not there
source bench/lib.sh
BENCH_OUT=$T_TMP/neg B_SESSIONS=50
# every one of these queries must be answered, however busy the machine (seen: all 50 lost at 1 s)
B_LG_TIMEOUT_MS=30000 B_STORE_TIMEOUT_MS=20000
b_init neg || _t_fail "negative setup"
RAND3=$(python3 -c "import hashlib,struct;print(hashlib.sha256(b'gbakd-synth-rand'+struct.pack('>QQ',7,3)).hexdigest()[:32])")
check "replace session 3's Ks in Redis" ip netns exec $B_NS_DP "$BUILD/gbactl" session put --redis "$B_REDIS" \
	--rand "$RAND3" --realm $B_REALM --ks "$(printf '%064d' 0)" --impi user3@$B_REALM --lifetime 3600
b_gbakd_ini 1024 >"$T_TMP/neg.ini"
b_gbakd_start neg "$T_TMP/neg.ini" || _t_fail "gbakd starts"
b_lg hot neg-pass --pass --inflight 8 >"$T_TMP/neg1.log" 2>&1
check_eq "wrong Ks_NAF of one session: loadgen exits 3" 3 "$?"
check_eq "wrong_keys = 1, the other 49 verified 2001" "1 50" \
	"$(python3 -c "import json;o=json.load(open('$B_RUNS/neg-pass.json'));print(o['wrong_keys'],o['codes']['2001'])")"
check_match "the failing session is named on stderr" "WRONG Ks_NAF: session 3 " "$(cat "$T_TMP/neg1.log")"
ip netns exec $B_NS_CL taskset -c $B_CPU_CL "$LG" --server $B_SERVER --sessions 20 --seed 99 --pass --quiet \
	--timeout-ms "$B_LG_TIMEOUT_MS" \
	--json "$T_TMP/neg2.json" 2>/dev/null
check_eq "5403 for sessions the generator expects: exit 3" 3 "$?"
check_eq "wrong_answers = 20" 20 "$(python3 -c "import json;print(json.load(open('$T_TMP/neg2.json'))['wrong_answers'])")"
b_gbakd_stop

# ---- bench-capacity in smoke mode (issue 14): correctness only, no rate assertions
COUT=$T_TMP/cap
BENCH_SMOKE=1 BENCH_OUT=$COUT bash bench/capacity.sh >"$T_TMP/cap.log" 2>&1
rc=$?
check_eq "bench/capacity.sh (BENCH_SMOKE=1) exits 0" 0 "$rc"
[ "$rc" -eq 0 ] || tail -30 "$T_TMP/cap.log"
C() { python3 -c '
import json, sys
o = json.load(open(sys.argv[1])); s = o.get("summary", {})
print(eval(sys.argv[2], {"o": o, "s": s, "v": s.get("verified", {})}))' "$COUT/capacity.json" "$1" 2>/dev/null; }
check_eq "capacity.json: the port ceiling, hot, mix and cold were measured" "True" \
	"$(C 's["testpmd_5tswap_per_cpu_s"]["best"] > 0 and s["hot_ok_per_cpu_s"]["best"] > 0 and s["mix_answers_per_s"]["best"] > 0 and s["cold_ok_per_s"]["best"] > 0')"
check_eq "capacity: hot answers were all cache hits (no store lookup)" "True" "$(C 'all(r["store_lookups"] == 0 for r in o["runs"] if r["label"] == "hot")')"
check_eq "capacity: cold answers all came from Redis (no cache hit)" "True" "$(C 'all(r["cache_hits"] == 0 and r["store_lookups"] > 0 for r in o["runs"] if r["label"] == "cold")')"
check_eq "capacity: redis-benchmark -P 64 measured" "True" "$(C 's["redis_benchmark_P64_per_s"]["best"] > 0')"
check_eq "capacity: every sampled answer verified (hot, mix, cold), none wrong" "True 0 0" \
	"$(C 'all(v[m] and v[m]["verified"] > 0 for m in ("hot", "mix", "cold")), s["wrong_keys"], s["wrong_answers"]' | tr -d "(),")"
check_eq "capacity: mix answers 5403 for the unknown B-TIDs and 2001 for the rest" "True" \
	"$(C 'v["mix"]["codes"].get("5403", 0) > 0 and v["mix"]["codes"].get("2001", 0) > 0')"
# the verifier can fail: the same answers checked against another seed's keys
python3 bench/capacity_gen.py verify "$COUT/logs/capacity/tx-hot.pcap" --seed 8 >"$T_TMP/capv.json"
check_eq "capacity verifier: keys of another seed -> exit 3" 3 "$?"
check_eq "capacity verifier: every 2001 answer counted as a wrong key" "True" \
	"$(python3 -c "import json;o=json.load(open('$T_TMP/capv.json'));print(o['wrong_keys'] == o['codes']['2001'] > 0)")"

"$LG" --server 192.0.2.1:3868 --sessions 10 --mode open >/dev/null 2>&1
check_eq "loadgen: --mode open without --rate is a usage error (exit 2)" 2 "$?"
"$LG" --server nowhere --sessions 10 >/dev/null 2>&1
check_eq "loadgen: bad --server is a usage error (exit 2)" 2 "$?"
check "loadgen --help" "$LG" --help

# ---- bench-ub in smoke mode (correctness only: every bootstrap 200, figures present)
UO=$T_TMP/ubout
BENCH_SMOKE=1 BENCH_OUT=$UO bash bench/ub.sh >"$T_TMP/ub.log" 2>&1
rc=$?
check_eq "bench/ub.sh (BENCH_SMOKE=1) exits 0" 0 "$rc"
[ "$rc" -eq 0 ] || tail -20 "$T_TMP/ub.log"
UJ() { python3 -c 'import json,sys;o=json.load(open(sys.argv[1]));print(eval(sys.argv[2],{"o":o}))' "$UO/ub.json" "$1" 2>/dev/null; }
check_eq "ub.json: plain, store and zh runs, each bootstrap 401 then 200, none failed" "plain-0 store-0 zh True" \
	"$(UJ '" ".join(r["label"] for r in o["loadgen"]) + " " + str(all(r["failed"] == 0 and r["ok"] > 0 and r["status_401"] == r["status_200"] == r["ok"] for r in o["loadgen"]))')"
check_eq "ub.json: ratio = store / plain" True "$(UJ 'abs(o["ratio"] - o["store_per_s"] / o["plain_per_s"]) < 0.001')"
check_eq "ub.json: Zh fetches = the HSS's vectors, 0 < p50 <= p99, no failure" True \
	"$(UJ 'o["zh_av_fetches"] == o["zh_counters"]["vector"] > 0 and 0 < o["zh_av_fetch_us_p50"] <= o["zh_av_fetch_us_p99"] and o["zh_failed_total"] == 0')"
check_match "bench/ub.sh prints the summary rows" "ub: bootstraps/s gbakd .* / plain libmicrohttpd" "$(cat "$T_TMP/ub.log")"
"$BUILD/bench/ub_load" --server 127.0.0.1:1 --realm r --impi-fmt 'u%u@r' --k 00000000000000000000000000000000 \
	--opc 00000000000000000000000000000000 --conns 1 --seconds 0.2 >"$T_TMP/ubneg.json" 2>/dev/null
check_eq "ub_load: bootstraps that do not end 200 fail the run (exit 3)" 3 "$?"
"$BUILD/bench/ub_load" --server 127.0.0.1 >/dev/null 2>&1
check_eq "ub_load: missing options are a usage error (exit 2)" 2 "$?"
check "ub_load --help and ub_plain --help" bash -c "'$BUILD/bench/ub_load' --help && '$BUILD/bench/ub_plain' --help"

# ---- bench-eap in smoke mode (issue 16): EAP-AKA and AKA' through gbakd's RADIUS front end and
# through its Diameter EAP front end behind two freeDiameterd relays, beside the Ub rate of the same
# gbakd; every success verified (MSK = MS-MPPE keys / EAP-Master-Session-Key, B-TID, over Diameter
# Ks_NAF and User-Name); a wrong K fails over both, a Ks_NAF checked against another NAF-Id fails
EO=$T_TMP/eapout
BENCH_SMOKE=1 BENCH_OUT=$EO bash bench/eap.sh >"$T_TMP/eap.log" 2>&1
rc=$?
check_eq "bench/eap.sh (BENCH_SMOKE=1) exits 0" 0 "$rc"
[ "$rc" -eq 0 ] || tail -20 "$T_TMP/eap.log"
EJ() { python3 -c 'import json,sys;o=json.load(open(sys.argv[1]));print(eval(sys.argv[2],{"o":o}))' "$EO/eap.json" "$1" 2>/dev/null; }
check_eq "eap.json: ub, aka and aka-prime runs (RADIUS, Diameter), each authentication verified, none failed" \
	"ub-0 aka-0 prime-0 dia-aka-0 dia-prime-0 True" \
	"$(EJ '" ".join(r["label"] for r in o["loadgen"]) + " " + str(all(r["ok"] > 0 and r.get("failed", 0) == 0 and r.get("wrong_keys", 0) == 0 for r in o["loadgen"]))')"
check_eq "eap.json: EAP-AKA in 2 round trips (hint selects the method), ratio = aka / ub, 0 < p50 <= p99" True \
	"$(EJ 'o["rounds_per_auth"] == 2.0 and abs(o["ratio_aka_to_ub"] - o["aka_per_s"] / o["ub_per_s"]) < 0.001 and 0 < o["aka_p50_us"] <= o["aka_p99_us"] and o["round_ratios_aka_to_ub"] == [o["ratio_aka_to_ub_median_of_rounds"]] == [round(o["ratio_aka_to_ub"], 3)]')"
check_eq "eap.json: gbakd counted every verified success, once" True \
	"$(EJ 'o["gbakd_eap"]["success"] == sum(r["ok"] for r in o["loadgen"] if "auths_per_s" in r)')"
check_eq "eap.json: a wrong K fails the run (exit 3, every authentication rejected by the UE: MAC-A)" "3 0 4 4" \
	"$(EJ '"%d %d %d %d" % (o["wrong_k_run"]["exit"], o["wrong_k_run"]["ok"], o["wrong_k_run"]["failed"], o["wrong_k_run"]["peer"].get("autn", 0))')"
check_match "bench/eap.sh prints the summary rows" "eap: EAP-AKA auths/s / Ub bootstraps/s" "$(cat "$T_TMP/eap.log")"
check_eq "eap.json: over Diameter 2 DER/DEA rounds per authentication, every DER answered (none expired, none refused)" True \
	"$(EJ 'all(r["rounds_per_auth"] == 2.0 and r["diameter"]["sent"] == r["diameter"]["answered"] == 2 * r["ok"] and r["diameter"]["timeouts"] == r["diameter"]["refused"] == 0 for r in o["loadgen"] if r.get("transport") == "diameter")')"
check_eq "eap.json: gbakd's Diameter EAP front end counted every verified Diameter success, once" True \
	"$(EJ 'o["gbakd_eap"]["diameter"]["success"] == sum(r["ok"] for r in o["loadgen"] if r.get("transport") == "diameter") > 0')"
check_eq "eap.json: Diameter ratio = dia_aka / ub, 0 < p50 <= p99" True \
	"$(EJ 'abs(o["ratio_dia_aka_to_ub"] - o["dia_aka_per_s"] / o["ub_per_s"]) < 0.001 and 0 < o["dia_aka_p50_us"] <= o["dia_aka_p99_us"]')"
check_eq "eap.json: a wrong K over Diameter fails the run (exit 3, 4 rejected by the UE at MAC-A, DEA 4001 EAP-Failure)" "3 0 4 4 4" \
	"$(EJ '"%d %d %d %d %d" % (o["dia_wrong_k_run"]["exit"], o["dia_wrong_k_run"]["ok"], o["dia_wrong_k_run"]["failed"], o["dia_wrong_k_run"]["peer"].get("autn", 0), o["dia_wrong_k_run"]["peer"].get("eap_failure", 0))')"
check_eq "eap.json: Ks_NAF verified against another NAF-Id fails the run (exit 3, every success a wrong key)" "3 0 4" \
	"$(EJ '"%d %d %d" % (o["dia_wrong_naf_run"]["exit"], o["dia_wrong_naf_run"]["ok"], o["dia_wrong_naf_run"]["wrong_keys"])')"
check_match "bench/eap.sh prints the table with the Diameter rows" "EAP-AKA'  Diameter, 2 relays" "$(cat "$T_TMP/eap.log")"
"$BUILD/bench/eap_load" --transport diameter --impi-fmt 'u%u@r' --k 00000000000000000000000000000000 \
	--opc 00000000000000000000000000000000 >/dev/null 2>&1
check_eq "eap_load --transport diameter without --fd-conf / --peer / --naf-fqdn is a usage error (exit 2)" 2 "$?"
"$BUILD/bench/eap_load" --server 127.0.0.1:1 --secret s --impi-fmt 'u%u@r' --k 00000000000000000000000000000000 \
	--opc 00000000000000000000000000000000 --max-auths 1 --seconds 20 --retx-ms 100 >/dev/null 2>&1
check_eq "eap_load: no server (timeouts after the retransmissions) fails the run (exit 3)" 3 "$?"
"$BUILD/bench/eap_load" --server 127.0.0.1:1 >/dev/null 2>&1
check_eq "eap_load: missing options are a usage error (exit 2)" 2 "$?"
check "eap_load --help" "$BUILD/bench/eap_load" --help
t_end
