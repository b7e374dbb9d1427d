#!/usr/bin/env python3
"""A scripted partner home BSF for tests/integration/roaming.sh (UDP Zn'), and its NAF-side
load generator. Not a BSF: it answers what the visited Zn-Proxy forwards, in ways a test chooses.

  roaming_home.py home ADDR OTHER_ADDR CTL_DIR
      Listens on ADDR:3868 (also binds ADDR:3869 and OTHER_ADDR:3868 to send forgeries from).
      BIRs are answered by the first label of the NAF FQDN inside NAF-Id:
        drop.*    never answered
        lossy.*   every 200th dropped, the others answered at once
        forge.*   five forged answers first (from OTHER_ADDR; from port 3869; hop-by-hop token
                  changed; end-to-end id changed; Origin-Realm evil.example), all 2001 with a
                  bogus key from forger.example, then the real answer
        hold.*    written to CTL_DIR/held, answered once CTL_DIR/go exists
        anything else: answered at once
      The real answer is Experimental-Result 5403 from bsf.home2.net / home2.net.
      DWRs: CTL_DIR/dwr holds the mode: "answer" (default), "ignore", or "forge" (every DWR gets
      the same five forgeries as DWAs and no real answer).
      Counts go to CTL_DIR/stats (JSON), rewritten after every datagram (dwr_hop<N>: DWRs by the
      hop field of the probe's hop-by-hop id).
  roaming_home.py load SERVER COUNT BTID
      Sends COUNT BIRs (NAF lossy.visited.example, origin naf1.visited.example) to SERVER:3868,
      24 at a time, and prints how many were lost and the answers by result code.
"""
import json
import os
import select
import socket
import struct
import sys
import time

REALM, HOST = b"home2.net", b"bsf.home2.net"


def avp(code, data, vendor=None, m=True):
    flags = (0x40 if m else 0) | (0x80 if vendor else 0)
    n = (12 if vendor else 8) + len(data)
    b = struct.pack(">I", code) + bytes([flags]) + n.to_bytes(3, "big")
    if vendor:
        b += struct.pack(">I", vendor)
    return b + data + b"\0" * ((4 - n % 4) % 4)


def msg(flags, cmd, app, hbh, e2e, body):
    return bytes([1]) + (20 + len(body)).to_bytes(3, "big") + bytes([flags]) + cmd.to_bytes(3, "big") \
        + struct.pack(">III", app, hbh, e2e) + body


def avps(d):
    """Top-level AVPs of message d: list of (code, vendor, data)."""
    out, off = [], 20
    while off + 8 <= len(d):
        code, fl, ln = struct.unpack(">I", d[off:off + 4])[0], d[off + 4], int.from_bytes(d[off + 5:off + 8], "big")
        hl = 12 if fl & 0x80 else 8
        if ln < hl or off + ln > len(d):
            break
        vendor = struct.unpack(">I", d[off + 8:off + 12])[0] if fl & 0x80 else 0
        out.append((code, vendor, d[off + hl:off + ln]))
        off += (ln + 3) & ~3
    return out


VSAI = avp(260, avp(266, struct.pack(">I", 10415)) + avp(258, struct.pack(">I", 16777220)))


def bia(hbh, e2e, sid, real=True, realm=REALM):
    if real:
        res = avp(297, avp(266, struct.pack(">I", 10415)) + avp(298, struct.pack(">I", 5403)))
        host = HOST
    else:
        res = avp(268, struct.pack(">I", 2001))
        host = b"forger.example"
    body = (avp(263, sid) if sid is not None else b"") + VSAI + res + avp(277, struct.pack(">I", 1)) \
        + avp(264, host) + avp(296, realm)
    if not real:
        body += avp(1, b"victim@home2.net") + avp(405, b"E" * 32, 10415)
    return msg(0x40, 310, 16777220, hbh, e2e, body)


def dwa(hbh, e2e, realm=REALM):
    return msg(0, 280, 0, hbh, e2e, avp(268, struct.pack(">I", 2001)) + avp(264, HOST) + avp(296, realm))


def home(addr, other, ctl):
    main = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    main.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 22)
    main.bind((addr, 3868))
    altport = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    altport.bind((addr, 3869))
    otheraddr = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    otheraddr.bind((other, 3868))
    st = {"birs": 0, "answered": 0, "dropped": 0, "forged_sent": 0, "held": 0, "dwr": 0, "dwa": 0,
          "dwa_forged_sent": 0}
    held = []
    lossy_n = 0

    def save():
        with open(os.path.join(ctl, "stats.tmp"), "w") as f:
            json.dump(st, f)
        os.replace(os.path.join(ctl, "stats.tmp"), os.path.join(ctl, "stats"))

    def forgeries(peer, make, hbh, e2e, token_mask):
        """the five ways an answer can fail to come from the hop asked"""
        otheraddr.sendto(make(hbh, e2e, REALM), peer)                  # another address
        altport.sendto(make(hbh, e2e, REALM), peer)                    # right address, wrong port
        main.sendto(make(hbh ^ token_mask, e2e, REALM), peer)          # guessed token
        main.sendto(make(hbh, e2e ^ 0x00010000, REALM), peer)          # wrong end-to-end id
        main.sendto(make(hbh, e2e, b"evil.example"), peer)             # wrong Origin-Realm
        return 5

    save()
    while True:
        r, _, _ = select.select([main], [], [], 0.05)
        if held and os.path.exists(os.path.join(ctl, "go")):
            for peer, a in held:
                main.sendto(a, peer)
                st["answered"] += 1
            held = []
            save()
        if not r:
            continue
        d, peer = main.recvfrom(65535)
        if len(d) < 20 or not d[4] & 0x80:
            continue
        cmd = int.from_bytes(d[5:8], "big")
        hbh, e2e = struct.unpack(">II", d[12:20])
        if cmd == 280:
            st["dwr"] += 1
            if hbh & 0x80000000:  # gbakd's probe layout: 1 | hop (5 bits) | address (2) | token
                k = "dwr_hop%d" % (hbh >> 26 & 0x1f)
                st[k] = st.get(k, 0) + 1
            try:
                mode = open(os.path.join(ctl, "dwr")).read().strip()
            except OSError:
                mode = "answer"
            if mode == "answer":
                main.sendto(dwa(hbh, e2e), peer)
                st["dwa"] += 1
            elif mode == "forge":
                st["dwa_forged_sent"] += forgeries(peer, lambda h, e, rl: dwa(h, e, rl), hbh, e2e, 1)
            save()
            continue
        if cmd != 310:
            continue
        st["birs"] += 1
        sid, naf = None, b""
        for code, vendor, data in avps(d):
            if code == 263 and vendor == 0:
                sid = data
            elif code == 402 and vendor == 10415:
                naf = data[:-5]
        label = naf.split(b".")[0]
        if label == b"drop":
            st["dropped"] += 1
        elif label == b"lossy":
            lossy_n += 1
            if lossy_n % 200 == 0:
                st["dropped"] += 1
            else:
                main.sendto(bia(hbh, e2e, sid), peer)
                st["answered"] += 1
        elif label == b"forge":
            st["forged_sent"] += forgeries(peer, lambda h, e, rl: bia(h, e, sid, False, rl), hbh, e2e, 1)
            main.sendto(bia(hbh, e2e, sid), peer)
            st["answered"] += 1
        elif label == b"hold":
            held.append((peer, bia(hbh, e2e, sid)))
            st["held"] += 1
            with open(os.path.join(ctl, "held"), "w") as f:
                f.write("%d\n" % len(held))
        else:
            main.sendto(bia(hbh, e2e, sid), peer)
            st["answered"] += 1
        save()


def load(server, count, btid):
    """A window of 24 queries in flight: a query leaves it only with its answer, so the visited
    side never holds more than 24 of them (its table has 64 slots) however slow the machine is;
    a query the home drops holds its window place until the visited side's hop timeout (10 s)
    answers it 3002, while answered queries keep cycling around it. One still unanswered after
    30 s (three hop timeouts) is counted lost (there should be none)."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 22)
    s.setblocking(False)
    s.connect((server, 3868))
    naf_id = b"lossy.visited.example\x01\x00\x00\x00\x02"
    pending, codes, sent, lost = {}, {}, 0, 0
    end = time.monotonic() + 900  # a bound on a hang only
    while (sent < count or pending) and time.monotonic() < end:
        now = time.monotonic()
        for h in [h for h, t in pending.items() if now - t > 30.0]:
            del pending[h]
            lost += 1
        while sent < count and len(pending) < 24:
            body = avp(263, b"naf1.visited.example;lossy;%d" % sent) + VSAI + avp(264, b"naf1.visited.example") \
                + avp(296, b"visited.example") + avp(283, b"home2.net") + avp(401, btid.encode(), 10415) \
                + avp(402, naf_id, 10415)
            try:
                s.send(msg(0xC0, 310, 16777220, sent + 1, 0x10000 + sent, body))
            except BlockingIOError:
                break
            sent += 1
            pending[sent] = now
        select.select([s], [], [], 0.01)
        while True:
            try:
                d = s.recv(65535)
            except BlockingIOError:
                break
            if len(d) < 20:
                continue
            pending.pop(struct.unpack(">I", d[12:16])[0], None)
            rc = "?"
            for code, vendor, data in avps(d):
                if code == 268 and len(data) == 4:
                    rc = str(struct.unpack(">I", data)[0])
                elif code == 297:  # Experimental-Result: its code is the last 4 octets
                    rc = str(struct.unpack(">I", data[-4:])[0]) if len(data) >= 4 else "?"
            codes[rc] = codes.get(rc, 0) + 1
    print("sent %d lost %d answers %s" % (sent, lost, " ".join("%s=%d" % kv for kv in sorted(codes.items()))))


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "home":
        home(sys.argv[2], sys.argv[3], sys.argv[4])
    elif len(sys.argv) == 5 and sys.argv[1] == "load":
        load(sys.argv[2], int(sys.argv[3]), sys.argv[4])
    else:
        sys.exit(__doc__)
