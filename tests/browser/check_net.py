#!/usr/bin/env python3
# check_net.py -- reads an `strace -f -yy -e trace=connect,sendto,sendmsg,sendmmsg,write,writev`
# log of Chromium and checks that nothing could leave loopback, for tests/browser/run.
#
# usage: check_net.py LOG [PORT]   PORT: also require a request sent to 127.0.0.1:PORT
#
# Rules (anything the checker cannot read counts as a failure):
# - connect(): AF_UNIX, AF_NETLINK and AF_UNSPEC (a disconnect) are local; AF_INET/AF_INET6 must
#   go to 127.0.0.1 or ::1.  One exception: a datagram (UDP) connect() to 2001:4860:4860::8888
#   port 443.  That is Chromium's IPv6 reachability probe (net/dns/host_resolver_manager.cc,
#   kIPv6ProbeAddress), made before every connection it opens, even to 127.0.0.1, and no flag
#   turns it off; a UDP connect() sends no packet, it only asks the kernel for a route.  It is
#   counted and reported; a send on that socket would show its peer and fail the next rule.
# - sendto/sendmsg/sendmmsg/write/writev on an IP socket: every address in the call (the
#   socket's endpoints as strace -yy decodes them, an explicit destination) must be loopback.
# - raw and packet sockets fail outright.
# Exits 1 on any failure, 2 on a usage error.

import re
import sys

LOCAL_FAMILIES = {"AF_UNIX", "AF_LOCAL", "AF_NETLINK", "AF_UNSPEC"}
LOOPBACK = {"127.0.0.1", "::1", "::ffff:127.0.0.1"}
IPV6_PROBE = ("2001:4860:4860::8888", "443")
SENDS = {"sendto", "sendmsg", "sendmmsg", "write", "writev"}
IP_PROTOS = {"TCP", "UDP", "TCPv6", "UDPv6", "UDPLITE", "UDPLITEv6", "SCTP", "SCTPv6"}
BAD_PROTOS = {"RAW", "RAWv6", "PACKET", "ICMP", "ICMPv6", "PING", "PINGv6"}

CALL = re.compile(r"^\d+\s+([a-z0-9_]+)\((\d+)(?:<([^:>\[]+))?")
# strace -yy: "FD<TCP:[a:p->b:p]>", "FD<UDPv6:[[::1]:p->[::1]:p]>", "FD<UDP:[inode]>".
DECODE = re.compile(r"^\d+\s+[a-z0-9_]+\(\d+<[^:>\[]+:(\[.*?\])>")
FAMILY = re.compile(r"sa_family=(AF_[A-Z0-9]+)")
PORT = re.compile(r"sin6?_port=htons\((\d+)\)")
ADDR4 = re.compile(r'inet_addr\("([^"]*)"\)')
ADDR6 = re.compile(r'inet_pton\(AF_INET6, "([^"]*)"')


def endpoints(decoded):
    """Addresses in an strace -yy socket decode: "[1234]" (inode) or "[a:p->b:p]"."""
    if not (decoded.startswith("[") and decoded.endswith("]")):
        return None
    inner = decoded[1:-1]
    if inner.isdigit():
        return []
    out = []
    for ep in inner.split("->"):
        if ep.startswith("["):
            out.append(ep[1:ep.index("]")])
        else:
            out.append(ep.rsplit(":", 1)[0])
    return out


def main(argv):
    if len(argv) not in (2, 3):
        print("usage: check_net.py LOG [PORT]", file=sys.stderr)
        return 2
    want = argv[2] if len(argv) == 3 else None
    bad = []
    n_connect = n_inet = n_send = n_probe = 0
    connected = sent = False
    with open(argv[1], encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            m = CALL.match(line)
            # Signals, exits and "<... resumed>" halves carry no address.
            if m is None or "resumed>" in line[:80]:
                continue
            call, proto = m.group(1), m.group(3) or ""
            d = DECODE.match(line)
            decoded = d.group(1) if d else ""
            if proto in BAD_PROTOS:
                bad.append("%s socket: %s" % (proto, line))
                continue
            if call == "connect":
                n_connect += 1
                fam = FAMILY.search(line)
                if fam is None:
                    bad.append("unreadable: " + line)
                    continue
                if fam.group(1) in LOCAL_FAMILIES:
                    continue
                if fam.group(1) not in ("AF_INET", "AF_INET6"):
                    bad.append("family %s: %s" % (fam.group(1), line))
                    continue
                n_inet += 1
                a = (ADDR4 if fam.group(1) == "AF_INET" else ADDR6).search(line)
                p = PORT.search(line)
                addr, port = (a.group(1) if a else None), (p.group(1) if p else None)
                if addr in LOOPBACK:
                    if want and port == want and addr == "127.0.0.1":
                        connected = True
                    continue
                if (addr, port) == IPV6_PROBE and proto in ("UDP", "UDPv6"):
                    n_probe += 1
                    continue
                bad.append("connect outside loopback: " + line)
            elif call in SENDS:
                if proto not in IP_PROTOS:
                    continue
                n_send += 1
                eps = endpoints(decoded)
                if eps is None:
                    bad.append("unreadable socket: " + line)
                    continue
                addrs = eps + ADDR4.findall(line) + ADDR6.findall(line)
                if not addrs:
                    bad.append("send with no known destination: " + line)
                    continue
                out = [x for x in addrs if x not in LOOPBACK]
                if out:
                    bad.append("send to %s: %s" % (", ".join(out), line))
                elif want and len(eps) == 2 and eps[1] == "127.0.0.1" and \
                        decoded.endswith(":%s]" % want):
                    sent = True
    print("%d connect() (%d AF_INET/AF_INET6, %d the IPv6 probe: UDP, no packet), "
          "%d sends on IP sockets, %d outside loopback" % (n_connect, n_inet, n_probe, n_send,
                                                            len(bad)))
    for b in bad:
        print("FAIL: " + b[:300])
    if want and not (connected and sent):
        print("FAIL: no request sent to 127.0.0.1:%s (was the trace empty?)" % want)
        return 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
