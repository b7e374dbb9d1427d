#!/usr/bin/env python3
"""Input and verification for bench/capacity.sh (python3 stdlib only).

  capacity_gen.py gen OUT.pcap OUR_MAC --frames N --sessions S --seed SEED --realm R
                  [--unknown F] [--repeat K]
      N BIRs over IPv4/UDP (192.0.2.2:40000+i%4096 -> 192.0.2.1:3868, hop-by-hop id = i + 1,
      all checksums computed), the whole file K times (a fixed number of queries for callgrind).
      Query i names synthetic session i % S (gbactl provision --seed SEED: RAND_i =
      SHA-256("gbakd-synth-rand" || seed || i)[0..16)); with --unknown F a fraction F of the
      frames (every round(1/F)-th) names a B-TID that was never provisioned (RAND from seed
      SEED + 1000003), so gbakd must answer 5403.
  capacity_gen.py known --frames N --sessions S [--unknown F]
      How many distinct provisioned sessions such a file names (what a warm cache holds).
  capacity_gen.py verify TX.pcap --frames N --sessions S --seed SEED --realm R [--unknown F]
      Reads gbakd's answers (net_pcap tx_pcap), matches each to its query by hop-by-hop id and
      checks it with an independent KDF (Python's hmac, TS 33.220 Annex B): 2001 answers carry
      ME-Key-Material = HMAC-SHA256(Ks_i, 0x01 || "gba-me" || RAND_i || IMPI_i || NAF-Id) with the
      lengths, User-Name = IMPI_i; unknown B-TIDs get 5403 and no key; 3xxx (too busy: the replay
      outruns the store) are counted as busy, never with a key. Prints one JSON object (answers,
      verified, busy, wrong_keys, wrong_answers, codes); exit 3 on any wrong answer.
"""
import argparse
import base64
import hashlib
import hmac
import json
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "integration"))
import gbakd_pcap_gen as g  # noqa: E402  (the byte-exact frame builders of the pcap test)

NAF_ID = b"naf1.home1.net\x01\x00\x00\x00\x02"
UNKNOWN_SEED_OFFSET = 1000003


def synth(seed, i):
    rand = hashlib.sha256(b"gbakd-synth-rand" + struct.pack(">QQ", seed, i)).digest()[:16]
    ks = hashlib.sha256(b"gbakd-synth-ks" + struct.pack(">QQ", seed, i)).digest()
    return rand, ks


def btid(rand, realm):
    return base64.b64encode(rand) + b"@" + realm.encode()


def is_unknown(i, frac):
    if frac <= 0:
        return False
    step = max(1, round(1 / frac))
    return i % step == step - 1


def query(a, i):
    """(B-TID, session index or None for an unknown B-TID) of frame i."""
    if is_unknown(i, a.unknown):
        rand, _ = synth(a.seed + UNKNOWN_SEED_OFFSET, i)
        return btid(rand, a.realm), None
    k = i % a.sessions
    return btid(synth(a.seed, k)[0], a.realm), k


def gen(a):
    mac = bytes.fromhex(a.mac.replace(":", ""))
    frs = []
    for i in range(a.frames):
        b, _ = query(a, i)
        msg = g.bir(i + 1, 0x40000000 + i, b, b"naf1.home1.net;cap;%d" % i)
        sport = 40000 + i % 4096
        frs.append(g.eth(mac, g.CL_MAC, 0x0800,
                         g.ipv4(g.CL_IP4, g.US_IP4, 17, g.udp4(g.CL_IP4, g.US_IP4, sport, g.ZN_PORT, msg), i & 0xFFFF)))
    g.write_pcap(a.out, frs * a.repeat)


def avps(buf):
    """Top-level AVPs of a Diameter message body: {code: [data, ...]}."""
    out, p = {}, 20
    while p + 8 <= len(buf):
        code = struct.unpack("!I", buf[p:p + 4])[0]
        flags = buf[p + 4]
        ln = int.from_bytes(buf[p + 5:p + 8], "big")
        h = 12 if flags & 0x80 else 8
        if ln < h:
            break
        out.setdefault(code, []).append(buf[p + h:p + ln])
        p += (ln + 3) & ~3
    return out


def udp_payloads(path):
    with open(path, "rb") as f:
        d = f.read()
    p = 24
    while p + 16 <= len(d):
        incl = struct.unpack("<I", d[p + 8:p + 12])[0]
        fr = d[p + 16:p + 16 + incl]
        p += 16 + incl
        if len(fr) < 42 or fr[12:14] != b"\x08\x00" or fr[23] != 17:
            continue
        ihl = (fr[14] & 15) * 4
        yield fr[14 + ihl + 8:]


def verify(a):
    res = {"answers": 0, "verified": 0, "busy": 0, "wrong_keys": 0, "wrong_answers": 0, "codes": {}, "first_wrong": []}
    kdf_cache = {}

    def wrong(kind, hbh, why):
        res[kind] += 1
        if len(res["first_wrong"]) < 5:
            res["first_wrong"].append("hbh %d: %s" % (hbh, why))

    for msg in udp_payloads(a.tx):
        if len(msg) < 20 or msg[4] & 0x80:
            continue
        hbh = struct.unpack("!I", msg[12:16])[0]
        res["answers"] += 1
        av = avps(msg)
        rc = None
        if 268 in av:
            rc = struct.unpack("!I", av[268][0][:4])[0]
        elif 297 in av:  # Experimental-Result { Vendor-Id, Experimental-Result-Code }
            inner = avps(b"\0" * 20 + av[297][0])
            rc = struct.unpack("!I", inner.get(298, [b"\0\0\0\0"])[0][:4])[0]
        res["codes"][str(rc)] = res["codes"].get(str(rc), 0) + 1
        i = hbh - 1
        if rc is not None and 3000 <= rc < 4000:  # busy / unable to deliver: overload, counted, no key
            res["busy"] += 1
            if 405 in av:
                wrong("wrong_answers", hbh, "a %d answer with a key" % rc)
            continue
        if not 0 <= i < a.frames:
            wrong("wrong_answers", hbh, "no such query")
            continue
        _, k = query(a, i)
        if k is None:
            if rc != 5403 or 405 in av or 1 in av:
                wrong("wrong_answers", hbh, "unknown B-TID answered %s" % rc)
            else:
                res["verified"] += 1
            continue
        if rc != 2001:
            wrong("wrong_answers", hbh, "session %d answered %s" % (k, rc))
            continue
        if k not in kdf_cache:
            rand, ks = synth(a.seed, k)
            impi = b"user%d@%s" % (k, a.realm.encode())
            p = lambda b: b + len(b).to_bytes(2, "big")  # noqa: E731
            s = b"\x01" + p(b"gba-me") + p(rand) + p(impi) + p(NAF_ID)
            kdf_cache[k] = (hmac.new(ks, s, hashlib.sha256).digest(), impi)
        want, impi = kdf_cache[k]
        got = av.get(1, [b""])[0]
        if av.get(405, [b""])[0] != want:  # ME-Key-Material (vendor 10415, code 405)
            wrong("wrong_keys", hbh, "session %d: wrong Ks_NAF" % k)
        elif got != impi:
            wrong("wrong_answers", hbh, "session %d: User-Name %r" % (k, got))
        else:
            res["verified"] += 1
    print(json.dumps(res))
    return 3 if res["wrong_keys"] or res["wrong_answers"] or res["answers"] == 0 else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    for name in ("gen", "verify", "known"):
        s = sub.add_parser(name)
        if name == "known":
            pass
        elif name == "gen":
            s.add_argument("out")
            s.add_argument("mac")
            s.add_argument("--repeat", type=int, default=1)
        else:
            s.add_argument("tx")
        s.add_argument("--frames", type=int, default=2048)
        s.add_argument("--sessions", type=int, default=2048)
        s.add_argument("--seed", type=int, default=7)
        s.add_argument("--realm", default="bsf.home1.net")
        s.add_argument("--unknown", type=float, default=0.0)
    a = ap.parse_args()
    if a.cmd == "gen":
        gen(a)
        return 0
    if a.cmd == "known":  # how many distinct provisioned sessions the file names
        print(len({k for k in (query(a, i)[1] for i in range(a.frames)) if k is not None}))
        return 0
    return verify(a)


if __name__ == "__main__":
    sys.exit(main())
