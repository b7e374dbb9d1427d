#!/usr/bin/env python3
"""A minimal RADIUS NAS (RFC 3579) between `gbactl ue eap` (a child process speaking EAP as hex
lines on stdin/stdout) and gbakd's RADIUS front end, written independently of lib/radius
(hashlib / hmac): Access-Request with EAP-Message (253-octet chunks), State and
Message-Authenticator; every reply's Response Authenticator and Message-Authenticator are
checked; on Access-Accept the MS-MPPE-Recv/Send keys are decrypted (RFC 2548 2.4) and the B-TID
vendor attribute (32473/1) is read.

usage: ue_eap_nas.py HOST PORT SECRET [--replay-from ADDR] -- GBACTL_COMMAND...
Prints one JSON line: {"ue": <gbactl's JSON>, "rc": <its exit status>, "radius": {"code": last
reply code, "msk": MS-MPPE Recv|Send key, "btid": ..., "rounds": EAP responses carried,
"requests": Access-Requests sent (resends after 5 s of silence, up to 8 sends, included)}}. Exit 0 when gbactl printed
its JSON, 1 otherwise (a reply that does not verify, no reply).
--replay-from ADDR: the first Access-Request that carries a State is sent once more first, from a
socket bound to ADDR (another RADIUS client with the same secret: an intruder holding the State);
"radius.replay" is the code of any reply it got within 3 s (0: none); the real exchange then goes on."""
import hashlib
import hmac
import json
import os
import socket
import struct
import subprocess
import sys


def attrs_of(pkt):
    out, off = [], 20
    while off + 2 <= len(pkt):
        t, ln = pkt[off], pkt[off + 1]
        if ln < 2 or off + ln > len(pkt):
            raise ValueError("bad attribute")
        out.append((t, pkt[off + 2:off + ln]))
        off += ln
    return out


def mppe_decrypt(v, secret, req_auth):
    salt, c = v[:2], v[2:]
    p, prev = b"", req_auth + salt
    for i in range(0, len(c), 16):
        b = hashlib.md5(secret + prev).digest()
        p += bytes(x ^ y for x, y in zip(c[i:i + 16], b))
        prev = c[i:i + 16]
    return p[1:1 + p[0]]


def main():
    host, port, secret = sys.argv[1], int(sys.argv[2]), sys.argv[3].encode()
    cmd = sys.argv[sys.argv.index("--") + 1:]
    opts = sys.argv[4:sys.argv.index("--")]
    replay_from = opts[1] if opts[:1] == ["--replay-from"] else None
    ue = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(5)
    state, rid, requests, rounds = None, 0, 0, 0
    rad = {"code": 0, "msk": "", "btid": ""}
    ue.stdin.write("0100000501\n")  # the NAS's EAP-Request/Identity, Identifier 0
    ue.stdin.flush()
    while True:
        line = ue.stdout.readline().strip()
        if not line or line.startswith("{") or line == "-":
            break
        eap = bytes.fromhex(line)
        rid = (rid + 1) & 0xFF
        auth = os.urandom(16)
        body = b""
        for i in range(0, len(eap), 253):
            body += bytes([79, 2 + len(eap[i:i + 253])]) + eap[i:i + 253]
        if state is not None:
            body += bytes([24, 2 + len(state)]) + state
        body += bytes([80, 18]) + bytes(16)
        pkt = bytearray(struct.pack(">BBH", 1, rid, 20 + len(body)) + auth + body)
        pkt[-16:] = hmac.new(secret, bytes(pkt), "md5").digest()
        if replay_from and state is not None and "replay" not in rad:
            x = bytearray(pkt)
            x[4:20] = os.urandom(16)
            x[-16:] = bytes(16)
            x[-16:] = hmac.new(secret, bytes(x), "md5").digest()
            r = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            r.bind((replay_from, 0))
            r.settimeout(3)
            r.sendto(bytes(x), (host, port))
            try:
                rad["replay"] = r.recv(4096)[0]
            except socket.timeout:
                rad["replay"] = 0
            r.close()
        rounds += 1
        for _ in range(8):  # 8 x 5 s: a loaded machine is slow, not wrong
            s.sendto(bytes(pkt), (host, port))
            requests += 1
            try:
                rep = s.recv(4096)
                break
            except socket.timeout:
                continue
        else:
            print(json.dumps({"error": "no reply"}))
            ue.kill()
            return 1
        code, rrid, ln = struct.unpack(">BBH", rep[:4])
        if rrid != rid or ln != len(rep):
            print(json.dumps({"error": "reply id/length"}))
            ue.kill()
            return 1
        if hashlib.md5(rep[:4] + auth + rep[20:] + secret).digest() != rep[4:20]:
            print(json.dumps({"error": "Response Authenticator"}))
            ue.kill()
            return 1
        at = attrs_of(rep)
        z = bytearray(rep[:4] + auth + rep[20:])
        off = 20
        for t, v in at:
            if t == 80:
                z[off + 2:off + 18] = bytes(16)
                mac = v
            off += 2 + len(v)
        if hmac.new(secret, bytes(z), "md5").digest() != mac:
            print(json.dumps({"error": "Message-Authenticator"}))
            ue.kill()
            return 1
        rad["code"] = code
        state = next((v for t, v in at if t == 24), None)
        eap = b"".join(v for t, v in at if t == 79)
        if code == 2:
            keys = {}
            for t, v in at:
                if t == 26:
                    vendor, vt, vl = struct.unpack(">IBB", v[:6])
                    if vendor == 311 and vt in (16, 17):
                        keys[vt] = mppe_decrypt(v[6:4 + vl], secret, auth)
                    if vendor == 32473 and vt == 1:
                        rad["btid"] = v[6:4 + vl].decode()
            rad["msk"] = (keys.get(17, b"") + keys.get(16, b"")).hex()
        ue.stdin.write(eap.hex() + "\n")
        ue.stdin.flush()
    rest = line + ue.stdout.read()
    ue.stdin.close()
    rc = ue.wait()
    rad["requests"] = requests  # sent, retransmissions included
    rad["rounds"] = rounds      # EAP responses carried (one Access-Request each, before resends)
    try:
        uej = json.loads(rest.strip().splitlines()[-1])
    except (ValueError, IndexError):
        print(json.dumps({"error": "no JSON from gbactl", "got": rest[:200], "rc": rc}))
        return 1
    print(json.dumps({"ue": uej, "rc": rc, "radius": rad}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
