"""Stylesheets and images pulled into the copy as ``data:`` URIs, within a budget.

A copy opened in a browser must make no outside request, so a resource that
cannot be inlined (too big, failed, not an image) is dropped, never left as a
remote URL. Each URL is fetched at most once per page.
"""

import base64
import binascii
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import unquote_to_bytes

from .css import clean_style_attribute, clean_stylesheet, wrap_media
from .decoding import decode_stylesheet
from .sanitising import join_url, sanitise_svg

logger = logging.getLogger(__name__)

FetchResource = Callable[..., object]

_IMAGE_ACCEPT = "image/avif,image/webp,image/png,image/svg+xml,image/*;q=0.8"
_STYLESHEET_ACCEPT = "text/css,*/*;q=0.1"
_STYLESHEET_TYPES = {"text/css", "text/plain", "application/octet-stream", ""}
#: Magic numbers, so a type only comes from what the bytes are.
_RASTER_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"\x00\x00\x01\x00", "image/x-icon"),
)
_SVG_START = re.compile(
    rb"\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*|<!DOCTYPE[^>]*>\s*)*<svg[\s>]", re.DOTALL
)
_DATA_URI = re.compile(r"data:([^,;]*)((?:;[^,;]*)*),(.*)", re.DOTALL | re.IGNORECASE)


def _media_type(value: str | None) -> str:
    return (value or "").split(";", 1)[0].strip().lower()


def image_type(body: bytes, declared: str) -> str | None:
    """The image type the bytes really are, if it is one a copy may hold."""
    for magic, kind in _RASTER_MAGIC:
        if body.startswith(magic):
            return kind
    if body[:4] == b"RIFF" and body[8:12] == b"WEBP":
        return "image/webp"
    if body[4:12] in (b"ftypavif", b"ftypavis"):
        return "image/avif"
    if declared == "image/svg+xml" or _SVG_START.match(body[:1024]):
        return "image/svg+xml"
    return None


def _decode_data_uri(uri: str) -> tuple[bytes, str] | None:
    match = _DATA_URI.fullmatch(uri)
    if not match:
        return None
    params = match.group(2).lower().split(";")
    try:
        if "base64" in params:
            return base64.b64decode(re.sub(r"\s+", "", match.group(3))), match.group(1).lower()
        return unquote_to_bytes(match.group(3)), match.group(1).lower()
    except (binascii.Error, ValueError):
        return None


@dataclass
class Inliner:
    """Fetches a page's resources once each, within the byte budget, and keeps notes."""

    fetch_resource: FetchResource
    max_resource_bytes: int
    max_total_bytes: int
    #: Requests per page: the budget counts bytes, not the time hundreds of icons take.
    max_resources: int = 150
    notes: list[str] = field(default_factory=list)
    used_bytes: int = 0
    _fetched: dict = field(default_factory=dict)

    def image(self, url: str) -> str | None:
        """A ``data:`` URI for the image at ``url`` (http(s) or data:), or None."""
        key = ("image", url)
        if key not in self._fetched:
            self._fetched[key] = self._image(url)
        return self._fetched[key]

    def stylesheet(self, url: str, fallback_charset: str) -> tuple[str, str] | None:
        """(CSS text, the URL it came from after redirects), or None."""
        key = ("stylesheet", url)
        if key not in self._fetched:
            result = self._fetch(url, _STYLESHEET_ACCEPT, "stylesheet")
            if result and _media_type(result.content_type) not in _STYLESHEET_TYPES:
                self.notes.append(f"dropped stylesheet {url}: it is {result.content_type}")
                result = None
            self._fetched[key] = result and (
                decode_stylesheet(result.body, result.charset, fallback_charset),
                result.url or url,
            )
        return self._fetched[key]

    def _image(self, url: str) -> str | None:
        if url.startswith("data:"):
            decoded = _decode_data_uri(url)
            if decoded is None or not self._within_budget(len(decoded[0]), "image", url[:40]):
                return None
            body, declared = decoded
        else:
            result = self._fetch(url, _IMAGE_ACCEPT, "image")
            if result is None:
                return None
            body, declared = result.body, _media_type(result.content_type)
        kind = image_type(body, declared)
        if kind == "image/svg+xml":
            body = sanitise_svg(body)
        if kind is None or body is None:
            self.notes.append(f"dropped image {url[:200]}: not an image a copy can hold")
            return None
        return f"data:{kind};base64,{base64.b64encode(body).decode('ascii')}"

    def _within_budget(self, size: int, what: str, url: str) -> bool:
        limit = min(self.max_resource_bytes, self.max_total_bytes - self.used_bytes)
        if size > limit:
            self.notes.append(f"dropped {what} {url}: {size} bytes is over the budget")
            return False
        self.used_bytes += size
        return True

    def _fetch(self, url: str, accept: str, what: str):
        limit = min(self.max_resource_bytes, self.max_total_bytes - self.used_bytes)
        if limit <= 0 or len(self._fetched) >= self.max_resources:
            self.notes.append(f"dropped {what} {url}: the page's resource budget is spent")
            return None
        try:
            # One byte over the limit: a fetcher that cuts a body short instead
            # of refusing it still lets us tell "too big" from "just fits".
            result = self.fetch_resource(url, max_bytes=limit + 1, accept=accept)
        except Exception as error:  # any failure just drops this resource
            # The fetcher's own errors are expected (and it logs them itself);
            # anything else is a bug worth a traceback, but must not cost the copy.
            if type(error).__module__.startswith("bookmarks.fetch"):
                logger.info("Dropped %s %s: %s", what, url, error)
            else:
                logger.warning("Dropped %s %s: %r", what, url, error, exc_info=True)
            self.notes.append(f"dropped {what} {url}: {error}")
            return None
        if not 200 <= (result.status or 200) < 300:
            self.notes.append(f"dropped {what} {url}: HTTP {result.status}")
            return None
        if not self._within_budget(len(result.body), what, url):
            return None
        return result


def _image_resolver(inliner: Inliner, base: str):
    def resolve(reference: str) -> str | None:
        url = join_url(base, reference)
        return inliner.image(url) if url else None

    return resolve


def _first_candidate(srcset: str | None) -> str | None:
    candidates = (srcset or "").strip().split()
    return candidates[0].rstrip(",") if candidates else None


def inline_images(images: list, *, base: str, inliner: Inliner) -> None:
    """Each ``<img>`` gets a data: URI, or gives way to its alt text."""
    for image in images:
        url = join_url(base, image.get("src") or _first_candidate(image.get("srcset")))
        uri = inliner.image(url) if url else None
        for attribute in ("srcset", "sizes"):
            image.attrib.pop(attribute, None)
        if uri:
            image.set("src", uri)
        else:
            image.tail = (image.get("alt") or "") + (image.tail or "")
            image.drop_tree()


def gather_stylesheets(nodes: list, *, base: str, inliner: Inliner, charset: str) -> list:
    """(CSS, the URL it is relative to, media) for each ``<style>`` and stylesheet ``<link>``."""
    sheets = []
    for node in nodes:
        if node.tag == "style":
            sheets.append((node.text or "", base, node.get("media")))
            continue
        rel = (node.get("rel") or "").lower().split()
        url = join_url(base, node.get("href"))
        if "stylesheet" in rel and "alternate" not in rel and url and not url.startswith("data:"):
            fetched = inliner.stylesheet(url, charset)
            if fetched:
                sheets.append((*fetched, node.get("media")))
    return sheets


def clean_stylesheets(sheets: list, *, inliner: Inliner, charset: str, dropped) -> list[str]:
    """Cleaned CSS for each sheet, its images inlined and its @imports (one level) too."""

    def import_loader(base: str):
        def load(reference: str) -> str | None:
            url = join_url(base, reference)
            fetched = inliner.stylesheet(url, charset) if url and url[:5] != "data:" else None
            if fetched is None:
                return None
            text, sheet_url = fetched
            resolve = _image_resolver(inliner, sheet_url)
            return clean_stylesheet(text, resolve=resolve, dropped=dropped)

        return load

    cleaned = []
    for text, base, media in sheets:
        css = clean_stylesheet(
            text,
            resolve=_image_resolver(inliner, base),
            load_import=import_loader(base),
            dropped=dropped,
        )
        css = wrap_media(css, media)
        if css is None:
            dropped["stylesheet whose media condition is not plain media text"] += 1
        elif css:
            cleaned.append(css)
    return cleaned


def clean_style_attributes(elements: list, *, base: str, inliner: Inliner, dropped) -> None:
    resolve = _image_resolver(inliner, base)
    cleaned: dict[str, str] = {}  # pages repeat the same few style attributes
    for element in elements:
        original = element.get("style")
        if original not in cleaned:
            cleaned[original] = clean_style_attribute(original, resolve=resolve, dropped=dropped)
        value = cleaned[original]
        if value:
            element.set("style", value)
        else:
            del element.attrib["style"]
