#!/usr/bin/env python3
# check_dom.py -- assertions on the status page's DOM as headless Chromium built it
# (chromium --dump-dom), for tests/browser/run.  Ids and classes are those of docs/page.md.
#
# usage: check_dom.py down|healthy DOM_FILE
#   down: zone kp shows state down, the diagnosis names the route withdrawal pattern, the
#         heat map row(s) of ns1.kptc.kp hold both ok and timeout cells, #events lists an outage
#   healthy: zone kp shows up, degraded or unstable (two cores shared with a starting Chromium
#         and other jobs can push a 50 ms probe past its timeout: lossy rounds), green cells
#         for ns1.kptc.kp, no outage event
# Prints one line per failed assertion and exits 1 if any failed; 2 on a usage error.

import sys
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
        "source", "track", "wbr"}


class Node:
    def __init__(self, tag, attrs, parent):
        self.tag = tag
        self.attrs = dict(attrs)
        self.parent = parent
        self.children = []
        self.text = []

    def classes(self):
        return (self.attrs.get("class") or "").split()

    def has_class(self, c):
        return c in self.classes()

    def all_text(self):
        out = list(self.text)
        for ch in self.children:
            out.append(ch.all_text())
        return " ".join(t for t in out if t).strip()

    def walk(self):
        yield self
        for ch in self.children:
            yield from ch.walk()

    def find(self, pred):
        return [n for n in self.walk() if pred(n)]


class Tree(HTMLParser):
    """A forgiving tree builder: Chromium's serialisation closes every element it opened."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", [], None)
        self.cur = self.root

    def handle_starttag(self, tag, attrs):
        n = Node(tag, attrs, self.cur)
        self.cur.children.append(n)
        if tag not in VOID:
            self.cur = n

    def handle_startendtag(self, tag, attrs):
        self.cur.children.append(Node(tag, attrs, self.cur))

    def handle_endtag(self, tag):
        n = self.cur
        while n is not self.root and n.tag != tag:
            n = n.parent
        if n is not self.root:
            self.cur = n.parent

    def handle_data(self, data):
        if data.strip():
            self.cur.text.append(data.strip())


def by_id(root, ident):
    found = root.find(lambda n: n.attrs.get("id") == ident)
    return found[0] if found else None


def server_rows(table, name):
    """The heat map rows whose server cell (the second td) is NAME."""
    rows = []
    for tr in table.find(lambda n: n.tag == "tr"):
        tds = [c for c in tr.children if c.tag == "td"]
        if len(tds) >= 2 and tds[1].all_text() == name:
            rows.append(tr)
    return rows


def main(argv):
    if len(argv) != 3 or argv[1] not in ("down", "healthy"):
        print("usage: check_dom.py down|healthy DOM_FILE", file=sys.stderr)
        return 2
    mode = argv[1]
    with open(argv[2], encoding="utf-8") as f:
        t = Tree()
        t.feed(f.read())
        t.close()
    root = t.root
    errors = []

    def expect(cond, msg):
        if not cond:
            errors.append(msg)

    zone = by_id(root, "zone-kp")
    expect(zone is not None and zone.tag == "section" and zone.has_class("zone"),
           "no section.zone#zone-kp")
    if zone is not None:
        states = zone.find(lambda n: n.tag == "span" and n.has_class("state"))
        shown = [c[len("state-"):] for s in states[:1] for c in s.classes()
                 if c.startswith("state-")]
        want = ["down"] if mode == "down" else ["up", "degraded", "unstable"]
        expect(len(shown) == 1 and shown[0] in want,
               "zone kp shows state %s, expected %s" % (shown, " or ".join(want)))
        expect(shown and zone.has_class("zone-" + shown[0]),
               "section#zone-kp lacks the class of its state")
        diag = zone.find(lambda n: n.has_class("diagnosis"))
        dtext = diag[0].all_text() if diag else ""
        if mode == "down":
            expect("route withdrawal" in dtext,
                   "diagnosis does not name a route withdrawal: %r" % dtext)
            expect(zone.find(lambda n: n.has_class("outage")),
                   "no p.outage in the zone section during an outage")

    heat = by_id(root, "heatmap-kp")
    expect(heat is not None and heat.tag == "table" and heat.has_class("heatmap"),
           "no table.heatmap#heatmap-kp")
    if heat is not None:
        rows = server_rows(heat, "ns1.kptc.kp")
        expect(rows, "no heat map row for ns1.kptc.kp")
        cells = [c for r in rows for c in r.children if c.tag == "td" and c.has_class("cell")]
        kinds = {k for c in cells for k in c.classes() if k != "cell"}
        expect(kinds <= {"ok", "lossy", "timeout", "error", "nodata"},
               "unknown cell classes: %s" % sorted(kinds))
        expect(all(c.attrs.get("title") for c in cells), "a heat map cell has no title")
        n_ok = sum(c.has_class("ok") for c in cells)
        n_to = sum(c.has_class("timeout") for c in cells)
        print("heat map ns1.kptc.kp: %d rows, %d cells, %d ok, %d timeout"
              % (len(rows), len(cells), n_ok, n_to))
        expect(n_ok > 0, "no ok (green) cell for ns1.kptc.kp")
        if mode == "down":
            expect(n_to > 0, "no timeout (red) cell for ns1.kptc.kp")
            # The outage is the newest thing that happened: the last column is red.
            last = [[c for c in r.children if c.tag == "td"][-1] for r in rows]
            expect(any(c.has_class("timeout") for c in last),
                   "the newest column of ns1.kptc.kp is not timeout")

    events = by_id(root, "events")
    expect(events is not None and events.tag == "section", "no section#events")
    if events is not None:
        outages = events.find(lambda n: n.tag == "tr" and n.has_class("event-outage"))
        if mode == "down":
            expect(outages, "section#events lists no outage")
            if outages:
                txt = outages[0].all_text()
                expect(" kp " in " %s " % txt and "down" in txt,
                       "the outage event does not name zone kp going down: %r" % txt)
        else:
            expect(not outages, "section#events lists an outage while healthy")

    for e in errors:
        print("FAIL: " + e)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
