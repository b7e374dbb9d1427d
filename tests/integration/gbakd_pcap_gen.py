#!/usr/bin/env python3
"""Write the input pcap of gbakd_pcap.sh: exact frames, python3 stdlib only (no scapy).

usage: gbakd_pcap_gen.py OUT.pcap OUR_MAC BTID_V4 BTID_V6

Frames (in this order), from the client 02:00:00:00:00:02 / 192.0.2.2 / 2001:db8::2:
  1 ARP request who-has 192.0.2.1 (broadcast)
  2 ICMP echo request to 192.0.2.1, id 0x4242 seq 7, payload "gbakd-pcap-echo!"
  3 IPv6 neighbour solicitation for 2001:db8::1 (to its solicited-node multicast, SLLA option)
  4 BIR over IPv4/UDP 40001->3868, B-TID BTID_V4, hop-by-hop 0x1001 end-to-end 0x2001
  5 BIR over IPv6/UDP 40002->3868, B-TID BTID_V6, hop-by-hop 0x1002 end-to-end 0x2002
  6 BIR without Transaction-Identifier (IPv4, 40003), hop-by-hop 0x1003 end-to-end 0x2003
  7 BIR with an unknown B-TID (IPv4, 40004), hop-by-hop 0x1004 end-to-end 0x2004
  8 Device-Watchdog-Request (IPv4, 40005), hop-by-hop 0x1005 end-to-end 0x2005
  9 garbage UDP datagram (not Diameter) to 192.0.2.1:3868 from port 40006
All checksums are computed here (gbakd verifies UDP checksums).
"""
import struct
import sys

CL_MAC = bytes.fromhex("020000000002")
CL_IP4 = bytes([192, 0, 2, 2])
US_IP4 = bytes([192, 0, 2, 1])
CL_IP6 = bytes.fromhex("20010db8000000000000000000000002")
US_IP6 = bytes.fromhex("20010db8000000000000000000000001")
ZN_PORT = 3868


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def eth(dst, src, etype, payload):
    return dst + src + struct.pack("!H", etype) + payload


def ipv4(src, dst, proto, payload, ident):
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident, 0x4000, 64, proto, 0, src, dst)
    hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
    return hdr + payload


def ipv6(src, dst, nh, payload, hlim=64):
    return struct.pack("!IHBB", 0x60000000, len(payload), nh, hlim) + src + dst + payload


def udp4(src, dst, sport, dport, data):
    u = struct.pack("!HHHH", sport, dport, 8 + len(data), 0) + data
    c = csum(src + dst + struct.pack("!BBH", 0, 17, len(u)) + u) or 0xFFFF
    return u[:6] + struct.pack("!H", c) + u[8:]


def udp6(src, dst, sport, dport, data):
    u = struct.pack("!HHHH", sport, dport, 8 + len(data), 0) + data
    c = csum(src + dst + struct.pack("!I3xB", len(u), 17) + u) or 0xFFFF
    return u[:6] + struct.pack("!H", c) + u[8:]


def avp(code, data, vendor=None, m=True):
    flags = (0x40 if m else 0) | (0x80 if vendor else 0)
    hlen = 12 if vendor else 8
    n = hlen + len(data)
    b = struct.pack("!I", code) + bytes([flags]) + n.to_bytes(3, "big")
    if vendor:
        b += struct.pack("!I", vendor)
    return b + data + b"\0" * ((4 - n % 4) % 4)


def diameter(flags, cmd, app, hbh, e2e, body):
    return bytes([1]) + (20 + len(body)).to_bytes(3, "big") + bytes([flags]) + cmd.to_bytes(3, "big") \
        + struct.pack("!III", app, hbh, e2e) + body


def bir(hbh, e2e, btid, sid, with_btid=True):
    vsai = avp(260, avp(266, struct.pack("!I", 10415)) + avp(258, struct.pack("!I", 16777220)))
    body = avp(263, sid) + vsai + avp(264, b"naf1.home1.net") + avp(296, b"home1.net") \
        + avp(283, b"home1.net")
    if with_btid:
        body += avp(401, btid, 10415)
    body += avp(402, b"naf1.home1.net\x01\x00\x00\x00\x02", 10415)
    return diameter(0xC0, 310, 16777220, hbh, e2e, body)  # R + P


def dwr(hbh, e2e):
    body = avp(264, b"naf1.home1.net") + avp(296, b"home1.net") + avp(278, struct.pack("!I", 1))
    return diameter(0x80, 280, 0, hbh, e2e, body)


def frames(us_mac, btid4, btid6):
    out = []
    # 1 ARP request
    arp = struct.pack("!HHBBH", 1, 0x0800, 6, 4, 1) + CL_MAC + CL_IP4 + b"\0" * 6 + US_IP4
    out.append(eth(b"\xff" * 6, CL_MAC, 0x0806, arp))
    # 2 ICMP echo request
    data = b"gbakd-pcap-echo!"
    icmp = struct.pack("!BBHHH", 8, 0, 0, 0x4242, 7) + data
    icmp = icmp[:2] + struct.pack("!H", csum(icmp)) + icmp[4:]
    out.append(eth(us_mac, CL_MAC, 0x0800, ipv4(CL_IP4, US_IP4, 1, icmp, 0x0101)))
    # 3 IPv6 NS for 2001:db8::1 to ff02::1:ff00:1
    sn = bytes.fromhex("ff0200000000000000000001ff") + US_IP6[13:]
    ns = struct.pack("!BBHI", 135, 0, 0, 0) + US_IP6 + bytes([1, 1]) + CL_MAC
    ns = ns[:2] + struct.pack("!H", csum(CL_IP6 + sn + struct.pack("!I3xB", len(ns), 58) + ns)) + ns[4:]
    out.append(eth(bytes([0x33, 0x33]) + sn[12:], CL_MAC, 0x86DD, ipv6(CL_IP6, sn, 58, ns, 255)))
    # 4..8 Diameter over UDP
    def u4(sport, msg, ident):
        return eth(us_mac, CL_MAC, 0x0800, ipv4(CL_IP4, US_IP4, 17, udp4(CL_IP4, US_IP4, sport, ZN_PORT, msg), ident))
    out.append(u4(40001, bir(0x1001, 0x2001, btid4, b"naf1.home1.net;pcap;1"), 0x0201))
    m6 = bir(0x1002, 0x2002, btid6, b"naf1.home1.net;pcap;2")
    out.append(eth(us_mac, CL_MAC, 0x86DD, ipv6(CL_IP6, US_IP6, 17, udp6(CL_IP6, US_IP6, 40002, ZN_PORT, m6))))
    out.append(u4(40003, bir(0x1003, 0x2003, b"", b"naf1.home1.net;pcap;3", with_btid=False), 0x0203))
    out.append(u4(40004, bir(0x1004, 0x2004, b"AAAAAAAAAAAAAAAAAAAAAA==@bsf.home1.net", b"naf1.home1.net;pcap;4"), 0x0204))
    out.append(u4(40005, dwr(0x1005, 0x2005), 0x0205))
    out.append(u4(40006, bytes(range(1, 12)), 0x0206))
    return out


def write_pcap(path, frs):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for i, fr in enumerate(frs):
            f.write(struct.pack("<IIII", 1700000000, i, len(fr), len(fr)) + fr)


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.exit("usage: gbakd_pcap_gen.py OUT.pcap OUR_MAC BTID_V4 BTID_V6")
    mac = bytes.fromhex(sys.argv[2].replace(":", ""))
    write_pcap(sys.argv[1], frames(mac, sys.argv[3].encode(), sys.argv[4].encode()))
