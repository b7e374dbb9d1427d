#!/usr/bin/env python3
"""The USIM behind eapol_test's external_sim=1, over its control interface, and an independent
EAP-AKA / AKA' key derivation (hashlib / hmac, a separate SHA-1 compression for the FIPS 186-2 PRF).

usage: eap_peer.py CTRL_SOCKET K OPC IDENTITY METHOD(aka|aka-prime) NETNAME [wrong-res|auts|hold:FILE]
Attaches to eapol_test's control socket, answers every CTRL-REQ-SIM UMTS-AUTH with the Milenage
RES/CK/IK of tests/integration/ub_ref.py (after checking AUTN's MAC-A), or, with 'auts', answers the
first one with UMTS-AUTS (SQN_MS = 0: the network is always 'ahead', TS 33.102 C.2), or, with
'hold:FILE', answers only once FILE exists (the authentication stays in progress until then), and
prints one JSON line when eapol_test reports EAP success or failure: the event, the last RAND/AUTN,
and the MSK expected from the identity and the last vector (RFC 4187 7 / RFC 5448 3.3); or
{"event": "gone"} when eapol_test ended without either (its control socket refuses a PING)."""
import hashlib
import hmac
import json
import os
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ub_ref import milenage, xor, aes  # noqa: E402


def sha1_g(x):
    blk = x + bytes(64 - len(x))
    w = list(struct.unpack(">16I", blk))
    for i in range(16, 80):
        v = w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16]
        w.append(((v << 1) | (v >> 31)) & 0xFFFFFFFF)
    h = [0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0]
    a, b, c, d, e = h
    rl = lambda x, n: ((x << n) | (x >> (32 - n))) & 0xFFFFFFFF
    for i in range(80):
        if i < 20:
            f, k = (b & c) | (~b & d), 0x5A827999
        elif i < 40:
            f, k = b ^ c ^ d, 0x6ED9EBA1
        elif i < 60:
            f, k = (b & c) | (b & d) | (c & d), 0x8F1BBCDC
        else:
            f, k = b ^ c ^ d, 0xCA62C1D6
        a, b, c, d, e = (rl(a, 5) + f + e + k + w[i]) & 0xFFFFFFFF, a, rl(b, 30), c, d
    return struct.pack(">5I", *[(x + y) & 0xFFFFFFFF for x, y in zip(h, [a, b, c, d, e])])


def fips_prf(xkey, n):
    out, x = b"", int.from_bytes(xkey, "big")
    while len(out) < n:
        wv = sha1_g(x.to_bytes(20, "big"))
        out += wv
        x = (1 + x + int.from_bytes(wv, "big")) % (1 << 160)
    return out[:n]


def prf_prime(k, s, n):
    out, t, i = b"", b"", 1
    while len(out) < n:
        t = hmac.new(k, t + s + bytes([i]), hashlib.sha256).digest()
        out += t
        i += 1
    return out[:n]


def keys(method, identity, ck, ik, autn, netname):
    if method == "aka":
        mk = hashlib.sha1(identity + ik + ck).digest()
        x = fips_prf(mk, 160)
        return dict(msk=x[32:96], ks=ck + ik)
    s = b"\x20" + netname + len(netname).to_bytes(2, "big") + autn[:6] + b"\x00\x06"
    o = hmac.new(ck + ik, s, hashlib.sha256).digest()
    ckp, ikp = o[:16], o[16:]
    x = prf_prime(ikp + ckp, b"EAP-AKA'" + identity, 208)
    return dict(msk=x[80:144], ks=ckp + ikp)


def main(a):
    path, k, opc, identity, method, netname = a[0], bytes.fromhex(a[1]), bytes.fromhex(a[2]), a[3], a[4], a[5]
    mode = a[6] if len(a) > 6 else ""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    me = "%s.peer%d" % (path, os.getpid())
    s.bind(me)
    s.connect(path)
    s.send(b"ATTACH")
    last = None
    auts_sent = False
    s.settimeout(1.0)
    try:
        while True:
            try:
                m = s.recv(4096).decode(errors="replace")
            except socket.timeout:
                try:
                    s.send(b"PING")  # is eapol_test still there?
                except OSError:
                    print(json.dumps(dict(event="gone", auts_sent=auts_sent)), flush=True)
                    return 1
                continue
            if m.startswith("<"):
                m = m[m.index(">") + 1:]
            if m.startswith("CTRL-REQ-SIM-"):
                rid, rest = m[len("CTRL-REQ-SIM-"):].split(":", 1)
                f = rest.split(":")
                if f[0] != "UMTS-AUTH":
                    continue
                rnd, autn = bytes.fromhex(f[1][:32]), bytes.fromhex(f[2][:32])
                ak = milenage(k, opc, rnd, bytes(6), autn[6:8])["ak"]
                sqn = xor(autn[:6], ak)
                v = milenage(k, opc, rnd, sqn, autn[6:8])
                if v["mac_a"] != autn[8:]:
                    s.send(("CTRL-RSP-SIM-%s:UMTS-FAIL" % rid).encode())
                    continue
                if mode == "auts" and not auts_sent:
                    auts_sent = True
                    # AUTS = SQN_MS ^ AK* | MAC-S over SQN_MS = 0 with AMF 0000 (TS 33.102 6.3.3)
                    ms = milenage(k, opc, rnd, bytes(6), bytes(2))
                    auts = xor(bytes(6), ms["ak_star"]) + ms["mac_s"]
                    s.send(("CTRL-RSP-SIM-%s:UMTS-AUTS:%s" % (rid, auts.hex())).encode())
                    continue
                if mode.startswith("hold:"):
                    while not os.path.exists(mode[5:]):  # until the test releases this USIM
                        time.sleep(0.05)
                res = bytearray(v["res"])
                if mode == "wrong-res":
                    res[0] ^= 1
                last = (rnd, autn, v)
                s.send(("CTRL-RSP-SIM-%s:UMTS-AUTH:%s:%s:%s" % (rid, v["ik"].hex(), v["ck"].hex(), bytes(res).hex())).encode())
            elif m.startswith("CTRL-EVENT-EAP-SUCCESS") or m.startswith("CTRL-EVENT-EAP-FAILURE"):
                out = dict(event="success" if "SUCCESS" in m else "failure", auts_sent=auts_sent)
                if last:
                    rnd, autn, v = last
                    kk = keys(method, identity.encode(), v["ck"], v["ik"], autn, netname.encode())
                    out.update(rand=rnd.hex(), autn=autn.hex(), msk=kk["msk"].hex(), ks=kk["ks"].hex())
                print(json.dumps(out), flush=True)
                return 0
    finally:
        os.unlink(me)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
