#!/usr/bin/env python3
"""check_html.py -- is a status page well-formed enough and self-contained?

Reads the page (file or stdin) and fails (exit 1, one line per problem) when
it is not strict UTF-8, lacks the doctype or the refresh, nests or closes
elements wrongly, repeats an id, or would load or run anything: script,
iframe, object, embed, link, img, src=, href=, url(, @import.
"""
import sys
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
        "source", "track", "wbr"}
FORBIDDEN_TAGS = {"script", "iframe", "object", "embed", "link", "img", "frame", "base"}
FORBIDDEN_ATTRS = {"src", "href", "srcset", "action", "formaction", "background"}
REQUIRED_IDS = {"summary", "legend", "events"}


class Checker(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []
        self.ids = set()
        self.problems = []
        self.elements = 0
        self.refresh = False
        self.in_style = False

    def problem(self, msg):
        line, col = self.getpos()
        self.problems.append("line %d col %d: %s" % (line, col + 1, msg))

    def handle_starttag(self, tag, attrs):
        self.elements += 1
        if tag in FORBIDDEN_TAGS:
            self.problem("forbidden element <%s>" % tag)
        for name, value in attrs:
            if name in FORBIDDEN_ATTRS or name.startswith("on"):
                self.problem("forbidden attribute %s= on <%s>" % (name, tag))
            if name == "id":
                if value in self.ids:
                    self.problem("duplicate id %r" % value)
                if value is None or value == "" or any(c.isspace() for c in value):
                    self.problem("bad id %r" % value)
                self.ids.add(value)
        if tag == "meta" and dict(attrs).get("http-equiv") == "refresh":
            content = dict(attrs).get("content") or ""
            if not content.isdigit() or int(content) < 5:
                self.problem("bad refresh %r" % content)
            self.refresh = True
        if tag == "style":
            self.in_style = True
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.problem("self-closing non-void <%s/>" % tag)
            self.stack.pop()

    def handle_endtag(self, tag):
        if tag in VOID:
            self.problem("end tag for void element </%s>" % tag)
            return
        if not self.stack or self.stack[-1] != tag:
            self.problem("</%s> does not close the open <%s>" %
                         (tag, self.stack[-1] if self.stack else "nothing"))
            return
        self.stack.pop()
        if tag == "style":
            self.in_style = False

    def handle_data(self, data):
        if self.in_style and ("url(" in data or "@import" in data):
            self.problem("external resource in CSS")


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else None
    raw = open(path, "rb").read() if path else sys.stdin.buffer.read()
    try:
        text = raw.decode("utf-8", errors="strict")
    except UnicodeDecodeError as e:
        print("not UTF-8: %s" % e)
        return 1
    c = Checker()
    if not text.startswith("<!DOCTYPE html>"):
        c.problems.append("no <!DOCTYPE html> at the start")
    c.feed(text)
    c.close()
    if c.stack:
        c.problems.append("unclosed at the end: %s" % " ".join(c.stack))
    if not c.refresh:
        c.problems.append("no <meta http-equiv=\"refresh\">")
    for i in sorted(REQUIRED_IDS - c.ids):
        c.problems.append("no element with id %r" % i)
    for p in c.problems:
        print(p)
    if c.problems:
        return 1
    print("html ok: %d elements, %d ids" % (c.elements, len(c.ids)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
