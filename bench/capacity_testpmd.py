#!/usr/bin/env python3
"""Port ceiling for bench/capacity.sh: dpdk-testpmd (interactive, driven over a pipe) forwarding in
5tswap mode; the forwarded packets are read twice per interval with `show fwd stats all` (the
port's own counters are not kept by net_pcap's infinite_rx), each read time-stamped on
CLOCK_MONOTONIC on both sides; rate = delta RX-total / delta time.

usage: capacity_testpmd.py SECS REPS -- TESTPMD ARGS...   (one JSON line per interval on stdout)
"""
import glob, json, re, subprocess, sys, time


def cpu_ns(pid):
    """CPU time of the forwarding lcore thread(s) (rte-worker-*) of pid so far."""
    t = 0
    for d in glob.glob("/proc/%d/task/*" % pid):
        try:
            if open(d + "/comm").read().startswith("rte-worker"):
                t += int(open(d + "/schedstat").read().split()[0])
        except OSError:
            pass
    return t


def main():
    secs, reps = float(sys.argv[1]), int(sys.argv[2])
    cmd = sys.argv[sys.argv.index("--") + 1:]
    p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1)
    # the testpmd process: the command may start with stdbuf (which execs it, same PID)
    tp = p.pid

    def send(c):
        p.stdin.write(c + "\n")
        p.stdin.flush()

    def until(pat, deadline=120):
        end = time.monotonic() + deadline
        buf = []
        while time.monotonic() < end:
            line = p.stdout.readline()
            if not line:
                raise SystemExit("testpmd exited: " + "".join(buf[-20:]))
            buf.append(line)
            m = re.search(pat, line)
            if m:
                return m
        raise SystemExit("testpmd: timed out waiting for " + pat)

    def sample():
        for _ in range(5):  # a read that took long (the pipe or testpmd preempted) is taken again
            t, n, d, c = sample1()
            if d < 50_000_000:
                break
        return t, n, d, c

    def sample1():
        t0 = time.monotonic_ns()
        send("show fwd stats all")
        # the accumulated block follows the per-port block: take the last RX-total of the reply
        until(r"Accumulated forward statistics for all ports")
        m = until(r"RX-packets:\s*(\d+)")
        t1 = time.monotonic_ns()
        return (t0 + t1) // 2, int(m.group(1)), t1 - t0, cpu_ns(tp)

    send("start")
    until(r"packet forwarding")
    time.sleep(0.5)  # pacing: let forwarding reach steady state (the rate divides by measured time)
    for r in range(1, reps + 1):
        ta, na, da, ca = sample()
        time.sleep(secs)
        tb, nb, db, cb = sample()
        dt, cpu = (tb - ta) / 1e9, (cb - ca) / 1e9
        print(json.dumps({"label": "testpmd", "rep": r, "interval_s": dt, "read_ns": max(da, db),
                          "rx_per_s": (nb - na) / dt, "answers_per_s": (nb - na) / dt, "worker_cpu_share": cpu / dt,
                          "rx_per_cpu_s": (nb - na) / cpu if cpu > 0 else 0}), flush=True)
    send("stop")
    send("quit")
    try:
        p.wait(30)
    except subprocess.TimeoutExpired:
        p.kill()


if __name__ == "__main__":
    main()
