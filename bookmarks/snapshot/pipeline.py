"""Bytes in, a safe and self-contained cached copy out.

The page is decoded once, parsed once with lxml, prepared in place (links
made absolute, stylesheets and images inlined, facts read), then its body goes
through the nh3 allow-list and into a fresh document of our own. Nothing here
touches the network: ``fetch_resource`` does, and tests pass a fake.

The output is deterministic (the same input gives the same bytes: no
timestamps), so its sha256 can name the stored file.
"""

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from html import escape

import lxml.html
from django.conf import settings
from lxml import etree

from .decoding import decode_document
from .extracting import PageFacts, clean_control_characters, extract_facts
from .inlining import (
    FetchResource,
    Inliner,
    clean_style_attributes,
    clean_stylesheets,
    gather_stylesheets,
    inline_images,
)
from .sanitising import (
    DROPPED_WITH_CONTENT,
    join_url,
    removal_notes,
    repair_void_elements,
    rewrite_links,
    sanitise_body,
    separate_blocks,
)
from .text import collapse, snapshot_text

_HTML_TYPES = {"text/html", "application/xhtml+xml"}
_LOOKS_LIKE_HTML = re.compile(rb"(?:\xef\xbb\xbf)?\s*<(?:!doctype\s+html|html|head|body|!--)", re.I)
# The bytes handed to lxml are always UTF-8 we encoded ourselves; the page's
# own <meta charset> must not make libxml2 decode them a second time.
_PARSER = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True)
#: Resources inside these are dropped by the allow-list, so never fetched.
_INERT = " or ".join(
    f"self::{tag}" for tag in sorted(DROPPED_WITH_CONTENT - {"head", "noscript", "style", "title"})
)
_BASE = etree.XPath("(//base[@href])[1]")
_STYLESHEETS = etree.XPath(f"(//style | //link[@href])[not(ancestor::*[{_INERT}])]")
_IMAGES = etree.XPath(f"//img[not(ancestor::*[{_INERT}])]")
_STYLED = etree.XPath(f"//*[@style][not(ancestor-or-self::*[{_INERT}])]")
_ANCHORS = etree.XPath("//a[@href]")
_NOSCRIPT = etree.XPath("//noscript")


@dataclass(frozen=True)
class CachedCopy:
    #: "html": a sanitised document in ``html``; "file": ``file_body`` kept as fetched.
    kind: str
    content_type: str
    #: The charset the page was decoded with (the stored HTML itself is UTF-8).
    charset: str = ""
    html: str = ""
    file_body: bytes = b""
    title: str = ""
    description: str = ""
    #: Plain text, per ``bookmarks.snapshot.text``.
    text: str = ""
    #: Of ``stored_bytes``.
    sha256: str = ""
    size: int = 0
    #: What was dropped and why, for the snapshot's record.
    notes: list[str] = field(default_factory=list)

    @property
    def stored_bytes(self) -> bytes:
        return self.html.encode("utf-8") if self.kind == "html" else self.file_body


def build_copy(
    *,
    url: str,
    content_type: str | None,
    charset_header: str | None,
    body: bytes,
    fetch_resource: FetchResource,
    max_resource_bytes: int | None = None,
    max_total_bytes: int | None = None,
) -> CachedCopy:
    """The cached copy of ``body``, fetched from ``url`` (the final URL, after redirects)."""
    media_type, _, params = (content_type or "").partition(";")
    media_type = media_type.strip().lower()
    found = re.search(r"charset\s*=\s*[\"']?([\w.:-]+)", params, re.IGNORECASE)
    charset_header = charset_header or (found and found.group(1))
    if not (media_type in _HTML_TYPES or (not media_type and _looks_like_html(body))):
        return _file_copy(media_type or "application/octet-stream", charset_header, body)

    decoded = decode_document(body, charset_header)
    inliner = Inliner(
        fetch_resource,
        max_resource_bytes=max_resource_bytes or settings.SNAPSHOT_MAX_RESOURCE_BYTES,
        max_total_bytes=max_total_bytes or settings.SNAPSHOT_MAX_TOTAL_BYTES,
    )
    try:
        root = lxml.html.document_fromstring(
            clean_control_characters(decoded.text).encode("utf-8"), parser=_PARSER
        )
    except etree.ParserError:  # nothing but whitespace
        root = None
    facts, styles, body_html, notes = _prepare(root, url, inliner, decoded.charset)
    body_html = clean_control_characters(sanitise_body(body_html))  # "&#1;" came through
    document = _assemble(root, facts, styles, body_html)
    stored = document.encode("utf-8")
    return CachedCopy(
        kind="html",
        content_type="text/html",
        charset=decoded.charset,
        html=document,
        title=facts.title,
        description=facts.description,
        text=snapshot_text(body_html),
        sha256=hashlib.sha256(stored).hexdigest(),
        size=len(stored),
        notes=notes + inliner.notes,
    )


def _looks_like_html(body: bytes) -> bool:
    return not body.strip() or bool(_LOOKS_LIKE_HTML.match(body))


def _file_copy(media_type: str, charset_header: str | None, body: bytes) -> CachedCopy:
    """Anything but HTML is kept as it came, to be downloaded, never rendered."""
    text = charset = ""
    if media_type == "text/plain":
        decoded = decode_document(body, charset_header, sniff_meta=False)
        text, charset = collapse(clean_control_characters(decoded.text)), decoded.charset
    return CachedCopy(
        kind="file",
        content_type=media_type,
        charset=charset,
        file_body=body,
        text=text,
        sha256=hashlib.sha256(body).hexdigest(),
        size=len(body),
    )


def _prepare(root, page_url: str, inliner: Inliner, charset: str):
    """Facts, cleaned stylesheets, body HTML and notes; ``root`` is changed in place."""
    if root is None:
        return PageFacts(), [], "", []
    repair_void_elements(root)
    base_element = _BASE(root)
    # <base> is honoured for resolving, then gone with the rest of <head>.
    base = join_url(page_url, base_element[0].get("href")) if base_element else None
    base = base if base and not base.startswith("data:") else page_url
    facts = extract_facts(root)
    notes = removal_notes(root)
    rewrite_links(_ANCHORS(root), base=base, page_url=page_url)
    for noscript in _NOSCRIPT(root):
        noscript.drop_tag()  # the copy runs no script, so a reader sees the fallback
    # Stylesheets first, then the page's images, then images the CSS asks for:
    # when the budget runs out, what goes is decoration.
    sheets = gather_stylesheets(_STYLESHEETS(root), base=base, inliner=inliner, charset=charset)
    inline_images(_IMAGES(root), base=base, inliner=inliner)
    dropped: Counter = Counter()
    styles = clean_stylesheets(sheets, inliner=inliner, charset=charset, dropped=dropped)
    clean_style_attributes(_STYLED(root), base=base, inliner=inliner, dropped=dropped)
    separate_blocks(root)
    notes += [f"removed {count} × {what}" for what, count in dropped.items()]
    body = root.find("body")
    body_html = "" if body is None else lxml.html.tostring(body, encoding="unicode")
    return facts, styles, body_html, notes


def _attributes(pairs) -> str:
    return "".join(f' {name}="{escape(value)}"' for name, value in pairs if value)


def _assemble(root, facts: PageFacts, styles: list[str], body_html: str) -> str:
    body = root.find("body") if root is not None else None
    html_class = root.get("class") if root is not None else None
    head = ['<meta charset="utf-8">']
    if facts.viewport:
        head.append(f'<meta name="viewport" content="{escape(facts.viewport)}">')
    head.append(f"<title>{escape(facts.title)}</title>")
    head += [f"<style>{css}</style>" for css in styles]
    return (
        f"<!DOCTYPE html>\n"
        f"<html{_attributes((('lang', facts.lang), ('dir', facts.dir), ('class', html_class)))}>\n"
        f"<head>\n{chr(10).join(head)}\n</head>\n"
        f"<body{_attributes((('class', body.get('class') if body is not None else None),))}>\n"
        f"{body_html}\n</body>\n</html>\n"
    )
