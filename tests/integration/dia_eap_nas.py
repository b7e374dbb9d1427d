#!/usr/bin/env python3
"""A minimal Diameter EAP NAS / NAF (RFC 6733 over TCP, RFC 4072 DER/DEA) written independently of
lib/diameter and freeDiameter (struct / socket only), for tests/integration/eap_diameter.sh. It is a
Diameter peer of its own: CER/CEA with Origin-Host ORIGIN (Auth-Application-Id 5), DWR answered,
DPR/DPA at the end. Realm = ORIGIN minus its first label; Destination-Realm = DEST_REALM.

usage: dia_eap_nas.py HOST PORT ORIGIN DEST_REALM NAF_FQDN cases
         sends DERs that gbakd must refuse, one per case, and prints one line per case:
         "CASE result_code failed art app eap key" -- failed = the first Failed-AVP's inner AVP as
         code/vendor/value-hex ("-" when none), art / app = the DEA's Auth-Request-Type /
         Auth-Application-Id ("-" when absent), eap / key = 1 when EAP-Payload /
         ME-Key-Material came back.
       dia_eap_nas.py HOST PORT ORIGIN DEST_REALM NAF_FQDN eap [--replay-from ORIGIN2] -- GBACTL...
         the DER/DEA rounds of one authentication for `gbactl ue eap` (a child speaking EAP as hex
         lines on stdin/stdout, as for tests/integration/ue_eap_nas.py); NAF-Id = NAF_FQDN || 01 00
         00 00 02. With --replay-from, a second connection as ORIGIN2 (another peer) sends the
         second DER first -- the same Session-Id, NAF-Id, State and EAP-Payload -- and its DEA is
         reported under "replay"; the real exchange then goes on. Prints one JSON line: {"ue":
         gbactl's JSON, "rc": its exit status, "dia": {"result_code", "experimental_result",
         "rounds", "ks_naf", "msk", "btid"}, "replay": {...} (with --replay-from)}."""
import json
import os
import socket
import struct
import subprocess
import sys

V3GPP = 10415
UA = bytes.fromhex("0100000002")


def avp(code, data, vendor=0, mandatory=True):
    flags = (0x40 if mandatory else 0) | (0x80 if vendor else 0)
    hdr = struct.pack(">I", code) + bytes([flags])
    ln = 8 + (4 if vendor else 0) + len(data)
    out = hdr + ln.to_bytes(3, "big") + (struct.pack(">I", vendor) if vendor else b"") + data
    return out + bytes((4 - len(data) % 4) % 4)


def u32(code, x, vendor=0):
    return avp(code, struct.pack(">I", x & 0xFFFFFFFF), vendor)


def parse_avps(b):
    out, off = [], 0
    while off + 8 <= len(b):
        code, fl = struct.unpack(">IB", b[off:off + 5])
        ln = int.from_bytes(b[off + 5:off + 8], "big")
        vendor, hl = 0, 8
        if fl & 0x80:
            vendor, hl = struct.unpack(">I", b[off + 8:off + 12])[0], 12
        if ln < hl or off + ln > len(b):
            raise ValueError("bad AVP length")
        out.append((code, vendor, b[off + hl:off + ln]))
        off += (ln + 3) & ~3
    return out


class Peer:
    def __init__(self, host, port, origin):
        self.origin = origin.encode()
        self.realm = origin.split(".", 1)[1].encode()
        self.s = socket.create_connection((host, port), timeout=60)
        self.hbh = int.from_bytes(os.urandom(4), "big")
        cer = [avp(264, self.origin), avp(296, self.realm), avp(257, b"\x00\x01" + bytes([127, 0, 0, 1])),
               u32(266, 0), avp(269, b"dia_eap_nas", mandatory=False), u32(258, 5)]
        rc, _ = self.request(257, 0, cer)
        if rc != 2001:
            raise RuntimeError("CEA %s" % rc)

    def send(self, flags, cmd, app, hbh, e2e, avps):
        body = b"".join(avps)
        self.s.sendall(bytes([1]) + (20 + len(body)).to_bytes(3, "big") + bytes([flags]) + cmd.to_bytes(3, "big")
                       + struct.pack(">III", app, hbh, e2e) + body)

    def recv_msg(self):
        def need(n):
            b = b""
            while len(b) < n:
                c = self.s.recv(n - len(b))
                if not c:
                    raise RuntimeError("connection closed")
                b += c
            return b
        h = need(20)
        ln = int.from_bytes(h[1:4], "big")
        return h[4], int.from_bytes(h[5:8], "big"), struct.unpack(">I", h[12:16])[0], h, parse_avps(need(ln - 20))

    def request(self, cmd, app, avps):
        """send a request, answer DWRs meanwhile; returns (Result-Code, the answer's AVPs)"""
        self.hbh = (self.hbh + 1) & 0xFFFFFFFF
        self.send(0x80 | (0x40 if app else 0), cmd, app, self.hbh, self.hbh, avps)
        while True:
            flags, c, hbh, h, a = self.recv_msg()
            if flags & 0x80:
                if c == 280:  # DWR
                    self.send(0, 280, 0, hbh, struct.unpack(">I", h[16:20])[0],
                              [u32(268, 2001), avp(264, self.origin), avp(296, self.realm)])
                continue
            if hbh != self.hbh:
                continue
            rc = next((struct.unpack(">I", v)[0] for cd, vd, v in a if cd == 268 and vd == 0), 0)
            return rc, a

    def close(self):
        try:
            self.s.settimeout(10)
            self.request(282, 0, [avp(264, self.origin), avp(296, self.realm), u32(273, 0)])
        except (OSError, RuntimeError):
            pass
        self.s.close()


def der(p, sid, dest_realm, eap, naf_id=None, state=None, extra=(), art=3):
    avps = [avp(263, sid), u32(258, 5), avp(264, p.origin), avp(296, p.realm), avp(283, dest_realm)]
    if art is not None:
        avps.append(u32(274, art))
    avps.append(avp(462, eap))
    if state is not None:
        avps.append(avp(24, state))
    if naf_id is not None:
        avps.append(avp(402, naf_id, V3GPP))
    avps.extend(extra)
    return p.request(268, 5, avps)


def summary(rc, a):
    def first(code, vendor=0):
        return next((v for c, vd, v in a if c == code and vd == vendor), None)
    failed = "-"
    fa = first(279)
    if fa is not None:
        inner = parse_avps(fa)
        if inner:
            failed = "%d/%d/%s" % (inner[0][0], inner[0][1], inner[0][2].hex() or "")
    art, app = first(274), first(258)
    return dict(result_code=rc, failed=failed, art=struct.unpack(">i", art)[0] if art else "-",
                app=struct.unpack(">I", app)[0] if app else "-", eap=int(first(462) is not None),
                key=int(first(405, V3GPP) is not None),
                experimental_result=next((struct.unpack(">I", v)[0] for c, vd, v in parse_avps(first(297) or b"")
                                          if c == 298), 0))


def cases(p, dest, fqdn):
    naf = fqdn + UA
    eap = bytes.fromhex("0201000601") + b"0"  # a Response/Identity; never reaches EAP
    n = [0]

    def sid():
        n[0] += 1
        return p.origin + b";cases;%d" % n[0]
    todo = [
        ("no_naf", dict()),
        ("naf_empty", dict(naf_id=b"")),
        ("naf_bad", dict(naf_id=b"bad name!" + UA)),
        ("eap_empty", dict(naf_id=naf, eap=b"")),
        ("art_authorize_only", dict(naf_id=naf, art=2)),
        ("art_dup", dict(naf_id=naf, extra=[u32(274, 3)])),
        ("sid_dup", dict(naf_id=naf, extra=[avp(263, b"other;1;2")])),
        ("user_dup", dict(naf_id=naf, extra=[avp(1, b"a@home1.net"), avp(1, b"b@home1.net")])),
    ]
    for name, kw in todo:
        kw.setdefault("eap", eap)
        e = kw.pop("eap")
        r = summary(*der(p, sid(), dest, e, **kw))
        print(name, r["result_code"], r["failed"], r["art"], r["app"], r["eap"], r["key"], flush=True)


def eap_run(p, dest, fqdn, replay_from, host, port, cmd):
    naf = fqdn + UA
    sid = p.origin + b";eap;" + os.urandom(4).hex().encode()
    ue = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)
    ue.stdin.write("0100000501\n")  # the NAF's EAP-Request/Identity, Identifier 0
    ue.stdin.flush()
    state, rounds, out = None, 0, {}
    dia = dict(result_code=0, experimental_result=0, rounds=0, ks_naf="", msk="", btid="")
    while True:
        line = ue.stdout.readline().strip()
        if not line or line.startswith("{") or line == "-":
            break
        resp = bytes.fromhex(line)
        if replay_from and state is not None and "replay" not in out:
            q = Peer(host, port, replay_from)
            r = summary(*der(q, sid, dest, resp, naf_id=naf, state=state))
            q.close()
            out["replay"] = r
        rounds += 1
        rc, a = der(p, sid, dest, resp, naf_id=naf, state=state)
        s = summary(rc, a)
        dia.update(result_code=rc, experimental_result=s["experimental_result"], rounds=rounds)
        state = next((v for c, vd, v in a if c == 24 and vd == 0), None)
        e = b"".join(v for c, vd, v in a if c == 462 and vd == 0)
        for c, vd, v in a:
            if c == 405 and vd == V3GPP:
                dia["ks_naf"] = v.hex()
            elif c == 464 and vd == 0:
                dia["msk"] = v.hex()
            elif c == 401 and vd == V3GPP:
                dia["btid"] = v.decode()
        if not e:
            break
        ue.stdin.write(e.hex() + "\n")
        ue.stdin.flush()
    ue.stdin.close()  # a DEA without EAP-Payload ends the exchange: gbactl then prints its JSON
    rest = line + ue.stdout.read()
    rc = ue.wait()
    try:
        uej = json.loads(rest.strip().splitlines()[-1])
    except (ValueError, IndexError):
        uej = {"error": "no JSON from gbactl", "got": rest[:200]}
    out.update(ue=uej, rc=rc, dia=dia)
    print(json.dumps(out), flush=True)
    return 0


def main(a):
    host, port, origin, dest, fqdn, mode = a[0], int(a[1]), a[2], a[3].encode(), a[4].encode(), a[5]
    p = Peer(host, port, origin)
    try:
        if mode == "cases":
            cases(p, dest, fqdn)
            return 0
        rest = a[6:]
        replay = None
        if rest and rest[0] == "--replay-from":
            replay, rest = rest[1], rest[2:]
        return eap_run(p, dest, fqdn, replay, host, port, rest[rest.index("--") + 1:])
    finally:
        p.close()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
