"""Reads a rendered form back the way a browser would submit it: text boxes and hidden fields, checked boxes,
selected options, textareas. Lets a test save a page exactly as it was shown."""

from __future__ import annotations

from html.parser import HTMLParser

from werkzeug.datastructures import MultiDict


class _Form(HTMLParser):
    def __init__(self, css_class: str):
        super().__init__()
        self.css_class, self.done, self.inside = css_class, False, False
        self.data: MultiDict = MultiDict()
        self.select: str | None = None
        self.select_first: str | None = None
        self.select_chosen = False
        self.textarea: str | None = None
        self.text = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = not self.done and self.css_class in (a.get("class") or "").split()
        if not self.inside:
            return
        if tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.data.add(a["name"], a.get("value", "on"))
            elif kind not in ("submit", "button"):
                self.data.add(a["name"], a.get("value") or "")
        elif tag == "select":
            self.select, self.select_first, self.select_chosen = a.get("name"), None, False
        elif tag == "option" and self.select:
            value = a.get("value") or ""
            if self.select_first is None:
                self.select_first = value
            if "selected" in a:
                self.data.add(self.select, value)
                self.select_chosen = True
        elif tag == "textarea":
            self.textarea, self.text = a.get("name"), ""

    def handle_endtag(self, tag):
        if tag == "form" and self.inside:
            self.inside, self.done = False, True
        if not self.inside:
            return
        if tag == "select" and self.select:
            if not self.select_chosen:
                self.data.add(self.select, self.select_first or "")
            self.select = None
        elif tag == "textarea" and self.textarea:
            self.data.add(self.textarea, self.text)
            self.textarea = None

    def handle_data(self, data):
        if self.textarea:
            self.text += data


def form_data(html: str, css_class: str = "stack") -> MultiDict:
    """What submitting the first form of ``html`` with class ``css_class`` sends (no button's own name)."""
    parser = _Form(css_class)
    parser.feed(html)
    return parser.data
