"""Title, description and other facts read from a parsed page.

Scraped text is cleaned of control characters here, once: they are invisible
on a page, but XML 1.0 forbids them and Django's feed writer raises on them.
"""

import re
from dataclasses import dataclass

from lxml import etree

#: C0 controls other than tab, newline and carriage return, DEL, C1 controls
#: and the two non-characters XML forbids. Form feed becomes a space (it is
#: whitespace in HTML), the rest go.
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
_ASCII_WHITESPACE = re.compile("[\t\n\f\r ]+")
#: The document's title, not an SVG or MathML one inside the body.
_TITLE = etree.XPath("(//title[not(ancestor::svg) and not(ancestor::math)])[1]")
_FIRST_H1 = etree.XPath("(//h1)[1]")
_META = etree.XPath("//meta[@content][@name or @property]")
_LANG = re.compile(r"[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*")
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_VIEWPORT = re.compile(r"[\w\s=,.\-]{1,200}")


def clean_control_characters(text: str) -> str:
    return _CONTROL.sub("", text.replace("\f", " "))


def collapse_whitespace(text: str) -> str:
    """Runs of ASCII whitespace as one space, none at the ends (as ``document.title``)."""
    return _ASCII_WHITESPACE.sub(" ", text).strip(" ")


def _clean(text: str | None) -> str:
    return collapse_whitespace(clean_control_characters(text or ""))


@dataclass(frozen=True)
class PageFacts:
    title: str = ""
    description: str = ""
    #: The page's language (``<html lang>``), kept so CJK text picks the right font.
    lang: str = ""
    dir: str = ""
    #: ``<meta name=viewport>``: without it a phone shows the copy zoomed out.
    viewport: str = ""


def extract_facts(root) -> PageFacts:
    """Title (``<title>``, else og:title, else the first ``<h1>``), description and the like."""
    metas: dict[str, str] = {}
    for meta in _META(root):
        key = (meta.get("name") or meta.get("property") or "").strip().lower()
        metas.setdefault(key, meta.get("content"))
    head_title = _TITLE(root)
    title = _clean(head_title[0].text_content()) if head_title else ""
    title = title or _clean(metas.get("og:title"))
    if not title and (heading := _FIRST_H1(root)):
        title = _clean(heading[0].text_content())
    lang = (root.get("lang") or root.get(_XML_LANG) or "").strip()
    direction = (root.get("dir") or "").strip().lower()
    viewport = (metas.get("viewport") or "").strip()
    return PageFacts(
        title=title,
        description=_clean(metas.get("description")) or _clean(metas.get("og:description")),
        lang=lang if _LANG.fullmatch(lang) else "",
        dir=direction if direction in ("ltr", "rtl", "auto") else "",
        viewport=viewport if _VIEWPORT.fullmatch(viewport) else "",
    )
