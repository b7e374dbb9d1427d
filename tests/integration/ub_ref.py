#!/usr/bin/env python3
"""Independent reference for the Ub tests: Milenage (TS 35.206, AES from python3-cryptography),
HTTP Digest AKAv1-MD5 with qop=auth-int (RFC 3310 / RFC 2617, hashlib), and a UE that bootstraps
over plain http.client. No project code is used.

  ub_ref.py milenage K OPC RAND SQN AMF        -> JSON res, ck, ik, ak, ak_star, mac_a, mac_s, autn
  ub_ref.py digest RES_HEX USER REALM NONCE NC CNONCE QOP METHOD URI BODY_HEX  -> the digest (hex)
  ub_ref.py bootstrap URL IMPI K OPC           -> runs a whole Ub bootstrap, prints JSON
                                                  {btid, lifetime, ks, rand, status, rspauth_ok}
  ub_ref.py attack MODE URL IMPI K OPC [FILE]  -> a misbehaving UE, prints JSON {status, www, ...}:
      wrongres  the response computed with RES xor 1        replay    a good bootstrap, then its
      noqop     the response without qop (RFC 2069 form)              response sent again
      badauts   a resync request whose AUTS does not verify (MAC-S)
      challenge get a challenge, save the right Authorization to FILE (no response sent)
      send      send the Authorization saved in FILE (URL, IMPI, K, OPC unused)
  ub_ref.py raw URL AUTHORIZATION [PAD]        -> one GET with that Authorization value ("-": none; and an
                                                  X-Pad header of PAD octets); prints {status}
"""
import base64
import hashlib
import json
import os
import re
import sys
import urllib.parse

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes


def aes(k, x):
    e = Cipher(algorithms.AES(k), modes.ECB()).encryptor()
    return e.update(x) + e.finalize()


def xor(a, b):
    return bytes(i ^ j for i, j in zip(a, b))


def rot(x, r):
    r //= 8
    return x[r:] + x[:r]


def milenage(k, opc, rnd, sqn, amf):
    c = [bytes(15) + bytes([v]) for v in (0, 1, 2, 4, 8)]
    r = [64, 0, 32, 64, 96]
    temp = aes(k, xor(rnd, opc))
    in1 = sqn + amf + sqn + amf
    out1 = xor(aes(k, xor(xor(temp, rot(xor(in1, opc), r[0])), c[0])), opc)
    out = [out1]
    for i in range(1, 5):
        out.append(xor(aes(k, xor(rot(xor(temp, opc), r[i]), c[i])), opc))
    res, ak = out[1][8:16], out[1][0:6]
    ck, ik, ak_star = out[2], out[3], out[4][0:6]
    mac_a, mac_s = out1[0:8], out1[8:16]
    autn = xor(sqn, ak) + amf + mac_a
    return dict(res=res, ck=ck, ik=ik, ak=ak, ak_star=ak_star, mac_a=mac_a, mac_s=mac_s, autn=autn)


def md5hex(b):
    return hashlib.md5(b).hexdigest()


def digest(pw, user, realm, nonce, nc, cnonce, qop, method, uri, body):
    """RFC 2617 request-digest, qop auth-int, algorithm AKAv1-MD5 (MD5 with RES as password)."""
    ha1 = md5hex(user.encode() + b":" + realm.encode() + b":" + pw)
    ha2 = md5hex(method.encode() + b":" + uri.encode() + b":" + md5hex(body).encode())
    return md5hex(":".join([ha1, nonce, nc, cnonce, qop, ha2]).encode())


def params(v):
    out = {}
    for m in re.finditer(r'([A-Za-z-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))', v):
        out[m.group(1).lower()] = m.group(2) if m.group(2) is not None else m.group(3)
    return out


def bootstrap(url, impi, k, opc):
    import http.client
    u = urllib.parse.urlsplit(url)
    realm_guess = u.hostname
    conn = http.client.HTTPConnection(u.hostname, u.port or 80, timeout=30)
    first = 'Digest username="%s", realm="%s", nonce="", uri="/", response=""' % (impi, realm_guess)
    conn.request("GET", "/", headers={"Authorization": first, "User-Agent": "ub_ref.py; Release-6"})
    r = conn.getresponse()
    r.read()
    if r.status != 401:
        return dict(status=r.status)
    ch = params(r.getheader("WWW-Authenticate")[len("Digest "):])
    raw = base64.b64decode(ch["nonce"])
    rnd, autn = raw[:16], raw[16:32]
    # USIM: MAC-A check (SQN freshness is the simulator's business; this UE trusts it)
    ak = milenage(k, opc, rnd, bytes(6), bytes(2))["ak"]
    sqn = xor(autn[:6], ak)
    v = milenage(k, opc, rnd, sqn, autn[6:8])
    if v["mac_a"] != autn[8:16]:
        return dict(status="mac_a_mismatch")
    cnonce, nc, qop = os.urandom(16).hex(), "00000001", "auth-int"
    resp = digest(v["res"], impi, ch["realm"], ch["nonce"], nc, cnonce, qop, "GET", "/", b"")
    auth = ('Digest username="%s", realm="%s", nonce="%s", uri="/", qop=%s, nc=%s, cnonce="%s", '
            'response="%s", opaque="%s", algorithm=AKAv1-MD5') % (impi, ch["realm"], ch["nonce"], qop, nc,
                                                                  cnonce, resp, ch["opaque"])
    conn.request("GET", "/", headers={"Authorization": auth})
    r = conn.getresponse()
    body = r.read()
    out = dict(status=r.status, content_type=r.getheader("Content-Type"))
    if r.status != 200:
        return out
    ai = params(r.getheader("Authentication-Info") or "")
    want = digest(v["res"], impi, ch["realm"], ch["nonce"], nc, cnonce, qop, "", "/", body)
    out["rspauth_ok"] = ai.get("rspauth") == want
    m = re.search(rb"<btid>([^<]*)</btid>", body)
    lt = re.search(rb"<lifetime>([^<]*)</lifetime>", body)
    out["btid"] = m.group(1).decode() if m else ""
    out["lifetime"] = lt.group(1).decode() if lt else ""
    out["ks"] = (v["ck"] + v["ik"]).hex()
    out["rand"] = rnd.hex()
    return out


def get(url, auth, extra=None):
    import http.client
    u = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(u.hostname, u.port or 80, timeout=30)
    h = {"Authorization": auth} if auth is not None else {}
    h.update(extra or {})
    conn.request("GET", "/", headers=h)
    r = conn.getresponse()
    body = r.read()
    conn.close()
    return r, body


def challenge_for(url, impi, k, opc, wrong=False, qop=True, auts=None):
    """First GET, then the Authorization answering the challenge (with RES, or RES xor 1)."""
    r, _ = get(url, 'Digest username="%s", realm="%s", nonce="", uri="/", response=""' %
               (impi, urllib.parse.urlsplit(url).hostname))
    if r.status != 401:
        return None, r.status
    ch = params(r.getheader("WWW-Authenticate")[len("Digest "):])
    raw = base64.b64decode(ch["nonce"])
    rnd, autn = raw[:16], raw[16:32]
    ak = milenage(k, opc, rnd, bytes(6), bytes(2))["ak"]
    v = milenage(k, opc, rnd, xor(autn[:6], ak), autn[6:8])
    res = v["res"]
    if wrong:
        res = bytes([res[0] ^ 1]) + res[1:]
    cnonce, nc = os.urandom(16).hex(), "00000001"
    if auts is not None:  # RFC 3310 resync: the response with an empty password, plus auts
        resp = digest(b"", impi, ch["realm"], ch["nonce"], nc, cnonce, "auth-int", "GET", "/", b"")
        return ('Digest username="%s", realm="%s", nonce="%s", uri="/", qop=auth-int, nc=%s, cnonce="%s", '
                'response="%s", opaque="%s", algorithm=AKAv1-MD5, auts="%s"') % (
                    impi, ch["realm"], ch["nonce"], nc, cnonce, resp, ch["opaque"],
                    base64.b64encode(auts).decode()), 401
    if qop:
        resp = digest(res, impi, ch["realm"], ch["nonce"], nc, cnonce, "auth-int", "GET", "/", b"")
        return ('Digest username="%s", realm="%s", nonce="%s", uri="/", qop=auth-int, nc=%s, cnonce="%s", '
                'response="%s", opaque="%s", algorithm=AKAv1-MD5') % (impi, ch["realm"], ch["nonce"], nc, cnonce,
                                                                      resp, ch["opaque"]), 401
    ha1 = md5hex(impi.encode() + b":" + ch["realm"].encode() + b":" + res)
    resp = md5hex((ha1 + ":" + ch["nonce"] + ":" + md5hex(b"GET:/")).encode())
    return ('Digest username="%s", realm="%s", nonce="%s", uri="/", response="%s", opaque="%s", '
            'algorithm=AKAv1-MD5') % (impi, ch["realm"], ch["nonce"], resp, ch["opaque"]), 401


def attack(mode, url, impi, k, opc, path=None):
    if mode == "send":
        auth = open(path).read()
        r, _ = get(url, auth)
        return dict(status=r.status, www=r.getheader("WWW-Authenticate") or "")
    auth, st = challenge_for(url, impi, k, opc, wrong=(mode == "wrongres"), qop=(mode != "noqop"),
                             auts=os.urandom(14) if mode == "badauts" else None)
    if auth is None:
        return dict(status=st, stage="challenge")
    if mode == "challenge":
        open(path, "w").write(auth)
        return dict(status=st)
    r, _ = get(url, auth)
    out = dict(status=r.status, www=r.getheader("WWW-Authenticate") or "",
               retry_after=r.getheader("Retry-After") or "")
    if mode == "replay":
        r2, _ = get(url, auth)
        out = dict(first=r.status, status=r2.status)
    return out


def main(a):
    h = bytes.fromhex
    if a[0] == "milenage":
        v = milenage(h(a[1]), h(a[2]), h(a[3]), h(a[4]), h(a[5]))
        print(json.dumps({n: b.hex() for n, b in v.items()}))
    elif a[0] == "digest":
        print(digest(h(a[1]), a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], h(a[10])))
    elif a[0] == "attack":
        print(json.dumps(attack(a[1], a[2], a[3], h(a[4]), h(a[5]), a[6] if len(a) > 6 else None)))
    elif a[0] == "raw":
        extra = {"X-Pad": "p" * int(a[3])} if len(a) > 3 else None
        r, _ = get(a[1], None if a[2] == "-" else a[2], extra)
        print(json.dumps(dict(status=r.status)))
    elif a[0] == "bootstrap":
        print(json.dumps(bootstrap(a[1], a[2], h(a[3]), h(a[4]))))
    else:
        sys.exit("usage: see the docstring")


if __name__ == "__main__":
    main(sys.argv[1:])
