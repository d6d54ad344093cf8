"""The allow-list that decides what of a page survives into its cached copy.

nh3 (ammonia, an HTML5 parser in Rust) is the last word: whatever the lxml
passes before it did, only the tags and attributes below come out, ``href``
only as http(s) or an in-page ``#fragment``, ``src`` only as a ``data:`` image
we made, and ``style`` only after the CSS cleaner. Everything that can run
code, submit data or load a frame (scripts, handlers, forms and their
controls, iframes, objects, inline SVG and MathML) is removed.
"""

import re
from urllib.parse import urljoin, urlsplit

import nh3
from lxml import etree

from .css import clean_style_attribute, clean_stylesheet

_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
ALLOWED_TAGS = _HEADINGS | {
    "a", "abbr", "acronym", "address", "article", "aside", "b", "bdi", "bdo", "big",
    "blockquote", "br", "caption", "center", "cite", "code", "col", "colgroup", "data",
    "dd", "del", "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "font",
    "footer", "header", "hgroup", "hr", "i", "img", "ins", "kbd", "li", "main", "mark",
    "nav", "ol", "p", "pre", "q", "rp", "rt", "ruby", "s", "samp", "section", "small",
    "span", "strike", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot",
    "th", "thead", "time", "tr", "tt", "u", "ul", "var", "wbr",
}  # fmt: skip
#: Removed with everything inside them; other unknown tags (form, label,
#: video...) lose only the tag and keep their text.
DROPPED_WITH_CONTENT = {
    "script", "style", "template", "svg", "math", "iframe", "frame", "frameset",
    "noframes", "noembed", "noscript", "object", "applet", "embed", "textarea", "select",
    "button", "datalist", "title", "head",
}  # fmt: skip
_CELL = {"colspan", "rowspan", "headers", "align", "valign", "width"}
#: ``id`` stays so in-page links and ``#id`` selectors keep working; the copy
#: runs no script, so nothing can be clobbered through it.
ALLOWED_ATTRIBUTES = {
    "*": {"class", "id", "title", "lang", "dir", "style"},
    "a": {"href", "hreflang"},
    "img": {"src", "alt", "width", "height"},
    "td": _CELL,
    "th": _CELL | {"scope", "abbr"},
    "table": {"border", "cellpadding", "cellspacing", "width", "align", "summary"},
    "col": {"span", "width"},
    "colgroup": {"span", "width"},
    "ol": {"start", "reversed", "type"},
    "ul": {"type"},
    "li": {"value"},
    "time": {"datetime"},
    "data": {"value"},
    "del": {"datetime"},
    "ins": {"datetime"},
    "details": {"open"},
    "font": {"color", "face", "size"},
    **{tag: {"align"} for tag in _HEADINGS | {"p", "div"}},
}
INLINED_IMAGE = re.compile(
    r"data:image/(?:png|jpeg|gif|webp|avif|svg\+xml|x-icon);base64,[A-Za-z0-9+/]*={0,2}"
)
#: Tags whose end is a line break anyway: a newline after them keeps words
#: of minified pages apart in the text without changing the rendering.
_BLOCKS = _HEADINGS | {
    "address", "article", "aside", "blockquote", "br", "caption", "dd", "details", "div",
    "dl", "dt", "figcaption", "figure", "footer", "header", "hgroup", "hr", "li", "main",
    "nav", "ol", "p", "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th",
    "thead", "tr", "ul",
}  # fmt: skip
_NOTABLE = ("script", "iframe", "frame", "object", "embed", "applet", "form", "svg", "math", "base")
_FIND_NOTABLE = etree.XPath(" | ".join(f"//{tag}" for tag in _NOTABLE) + " | //meta[@http-equiv]")
_URL_JUNK = re.compile(r"[\t\n\r]")
_SPACE = " \t\n\r\f"
_UNKNOWN_VOID = ("embed", "source", "track", "wbr", "keygen")


def inlined_only(reference: str) -> str | None:
    """A ``resolve`` for the CSS cleaner that keeps our own data URIs and nothing else."""
    return reference if INLINED_IMAGE.fullmatch(reference) else None


def _filter_attribute(tag: str, name: str, value: str) -> str | None:
    if name == "href":
        return value if value.startswith(("http://", "https://", "#")) else None
    if name == "src":
        return value if INLINED_IMAGE.fullmatch(value) else None
    if name == "style":
        return clean_style_attribute(value, resolve=inlined_only) or None
    return value


_CLEANER = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    clean_content_tags=DROPPED_WITH_CONTENT,
    attributes=ALLOWED_ATTRIBUTES,
    attribute_filter=_filter_attribute,
    link_rel="noopener noreferrer nofollow",
    url_schemes={"http", "https", "data"},
)


def sanitise_body(html: str) -> str:
    """The allowed part of an HTML fragment (the page's body), as HTML."""
    return _CLEANER.clean(html)


def join_url(base: str, reference: str | None) -> str | None:
    """``reference`` made absolute, if it is an http(s) or data: URL."""
    # Browsers drop tabs and newlines anywhere in a URL ("java\tscript:").
    reference = _URL_JUNK.sub("", reference or "").strip(" \x00-\x1f")
    if not reference:
        return None
    try:
        url = urljoin(base, reference)
        scheme = urlsplit(url).scheme
    except ValueError:  # a malformed IPv6 host, for one
        return None
    return url if scheme in ("http", "https", "data") else None


def rewrite_links(anchors: list, *, base: str, page_url: str) -> None:
    """Links become absolute http(s) URLs, or ``#id`` when they point into the page."""
    page = page_url.split("#", 1)[0]
    for anchor in anchors:
        url = join_url(base, anchor.get("href"))
        if url is None or url.startswith("data:"):
            del anchor.attrib["href"]
        elif url.startswith(page + "#"):
            anchor.set("href", url[len(page) :])
        else:
            anchor.set("href", url)


def repair_void_elements(root) -> None:
    """Give back what libxml2 nested inside void elements it does not know.

    libxml2 parses HTML4, so ``<embed>``, ``<source>``, ``<wbr>``... take the
    content after them as children, where HTML5 parsers (nh3's and the
    browser's) leave it beside them.
    """
    for element in list(root.iter(*_UNKNOWN_VOID)):
        children = list(element)
        if not (children or element.text):
            continue
        text, tail = element.text, element.tail
        element.text, element.tail = None, text
        for child in reversed(children):
            element.addnext(child)
        last = children[-1] if children else element
        last.tail = (last.tail or "") + (tail or "")


def separate_blocks(root) -> None:
    """Put whitespace around every block, so its text never runs into its neighbours'."""
    # Tag-filtered iteration runs in C; an XPath with ancestor tests was 10× slower.
    in_pre = {inner for pre in root.iter("pre") for inner in pre.iterdescendants()}
    for element in root.iter(*_BLOCKS):
        if element in in_pre:
            continue
        tail = element.tail
        if not tail or tail[0] not in _SPACE:
            element.tail = "\n" + (tail or "")
        before = element.getprevious()
        if before is not None:
            if not before.tail or before.tail[-1] not in _SPACE:
                before.tail = (before.tail or "") + "\n"
        elif (parent := element.getparent()) is not None and (parent.text or " ")[-1] not in _SPACE:
            parent.text += "\n"


def removal_notes(root) -> list[str]:
    """What the allow-list will take out that a reader might look for."""
    counts: dict[str, int] = {}
    for element in _FIND_NOTABLE(root):
        label = "meta refresh" if element.tag == "meta" else f"<{element.tag}>"
        if element.tag != "meta" or element.get("http-equiv", "").lower() == "refresh":
            counts[label] = counts.get(label, 0) + 1
    return [f"removed {count} × {label} (not allowed in a copy)" for label, count in counts.items()]


_SVG_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, remove_comments=True, remove_pis=True
)
_SVG_DROPPED = {"script", "foreignobject", "iframe", "handler", "listener"}
_SVG_UNSAFE_VALUE = re.compile(r"javascript:|vbscript:|url\((?!['\"]?#)", re.IGNORECASE)
_SVG_SAFE_REFERENCE = re.compile(r"#.*|data:image/(?:png|jpeg|gif|webp);base64,.*", re.DOTALL)
_SPACE_AND_CONTROL = re.compile(r"[\s\x00-\x1f]+")


def sanitise_svg(data: bytes) -> bytes | None:
    """An SVG image without scripts, handlers or outside references; None if not SVG.

    Browsers run no script in an ``<img>`` SVG, but the copy may be downloaded
    and opened on its own, so it is cleaned as if it were a document.
    """
    try:
        root = etree.fromstring(data, _SVG_PARSER)
    except (etree.XMLSyntaxError, ValueError):
        return None
    if not isinstance(root.tag, str) or etree.QName(root).localname != "svg":
        return None
    for element in list(root.iter()):
        if not isinstance(element.tag, str):  # an unresolved entity reference
            element.getparent().remove(element)
            continue
        name = etree.QName(element).localname.lower()
        if name in _SVG_DROPPED:
            element.getparent().remove(element)
            continue
        if name == "style":
            element.text = clean_stylesheet(element.text or "", resolve=lambda url: None)
        for attribute, value in element.attrib.items():
            local = etree.QName(attribute).localname.lower()
            flat = _SPACE_AND_CONTROL.sub("", value)
            if local == "style":
                element.set(attribute, clean_style_attribute(value, resolve=lambda url: None))
            elif (
                local.startswith("on")
                or (local in ("href", "src") and not _SVG_SAFE_REFERENCE.fullmatch(flat))
                or _SVG_UNSAFE_VALUE.search(flat)
            ):
                del element.attrib[attribute]
    return etree.tostring(root)
