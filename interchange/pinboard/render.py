"""Pinboard's answers in XML (the default) and JSON (``format=json``).

XML is written by the standard library's SAX ``XMLGenerator``, which escapes
text and attributes (newlines in an attribute included, so a multi-line
description survives), after every string has lost the characters XML 1.0
cannot hold (``feeds.text``). JSON is ``json``'s, served as ``text/json`` as
Pinboard does (the aiopinboard client expects that type). posts/all is
streamed a batch of posts at a time, in either format."""

import hashlib
import io
import json
from collections.abc import Callable, Iterable, Iterator
from xml.sax.saxutils import XMLGenerator
from xml.sax.xmlreader import AttributesImpl

from django.http import HttpResponse, StreamingHttpResponse

from feeds.text import clean_xml_text

from .params import format_moment, wire_name
from .selectors import Post

XML_TYPE = "text/xml; charset=utf-8"
JSON_TYPE = "text/json; charset=utf-8"
#: Posts written between two flushes of a streamed answer.
STREAM_BATCH = 200


def post_fields(post: Post) -> dict[str, str]:
    """One bookmark as Pinboard shows it (JSON key names; XML calls tags ``tag``)."""
    tags = " ".join(wire_name(name) for name in post.tags)
    time = format_moment(post.created_at)
    shared = "no" if post.is_private else "yes"
    toread = "yes" if post.to_read else "no"
    signature = "\n".join([post.url, post.title, post.description, tags, time, shared, toread])
    return {
        "href": post.url,
        "description": post.title,
        "extended": post.description,
        "meta": _md5(signature),
        "hash": _md5(post.url),
        "time": time,
        "shared": shared,
        "toread": toread,
        "tags": tags,
    }


def _md5(text: str) -> str:
    # Pinboard's "hash" is the MD5 of the URL; clients compare, never trust, it.
    return hashlib.md5(text.encode("utf-8"), usedforsecurity=False).hexdigest()


def _xml_post_attributes(post: Post) -> dict[str, str]:
    fields = post_fields(post)
    order = ("href", "time", "description", "extended", "tags", "hash", "meta", "shared", "toread")
    return {("tag" if key == "tags" else key): fields[key] for key in order}


class XmlWriter:
    """A SAX writer into a text buffer that can be drained while writing."""

    def __init__(self):
        self.buffer = io.StringIO()
        self.sax = XMLGenerator(self.buffer, encoding="utf-8", short_empty_elements=True)
        self.sax.startDocument()

    def start(self, name: str, attributes: dict[str, str] | None = None) -> None:
        self.sax.startElement(name, _attributes(attributes))
        self.sax.ignorableWhitespace("\n")

    def end(self, name: str) -> None:
        self.sax.endElement(name)
        self.sax.ignorableWhitespace("\n")

    def element(self, name: str, attributes: dict[str, str] | None = None, text: str = "") -> None:
        self.sax.startElement(name, _attributes(attributes))
        if text:
            self.sax.characters(clean_xml_text(text))
        self.end(name)

    def drain(self) -> bytes:
        data = self.buffer.getvalue().encode("utf-8")
        self.buffer.seek(0)
        self.buffer.truncate()
        return data


def _attributes(attributes: dict[str, str] | None) -> AttributesImpl:
    return AttributesImpl({key: clean_xml_text(str(v)) for key, v in (attributes or {}).items()})


def xml_response(write: Callable[[XmlWriter], None], status: int = 200) -> HttpResponse:
    writer = XmlWriter()
    write(writer)
    return HttpResponse(writer.drain(), content_type=XML_TYPE, status=status)


def json_bytes(data) -> bytes:
    # A lone surrogate cannot be UTF-8; escaped, it stays valid JSON.
    return json.dumps(data, ensure_ascii=False).encode("utf-8", "backslashreplace")


def json_response(data, status: int = 200) -> HttpResponse:
    return HttpResponse(json_bytes(data), content_type=JSON_TYPE, status=status)


def result_code(fmt: str, code: str, status: int = 200) -> HttpResponse:
    """``<result code="done"/>`` or ``{"result_code": "done"}``: how posts/add,
    posts/delete and every error answer."""
    if fmt == "json":
        return json_response({"result_code": code}, status)
    return xml_response(lambda xml: xml.element("result", {"code": code}), status)


def result_text(fmt: str, text: str, *, json_key: str = "result_code") -> HttpResponse:
    """``<result>done</result>``: how tags/delete, tags/rename and
    user/api_token answer (the last with ``{"result": ...}`` in JSON)."""
    if fmt == "json":
        return json_response({json_key: text})
    return xml_response(lambda xml: xml.element("result", text=text))


def posts_response(fmt: str, posts: list[Post], *, header: dict[str, str], date: str):
    """posts/get and posts/recent: ``<posts ...>`` or ``{"date", "user", "posts"}``."""
    if fmt == "json":
        return json_response(
            {"date": date, "user": header["user"], "posts": [post_fields(p) for p in posts]}
        )

    def write(xml: XmlWriter) -> None:
        xml.start("posts", header)
        for post in posts:
            xml.element("post", _xml_post_attributes(post))
        xml.end("posts")

    return xml_response(write)


def streamed_posts(fmt: str, posts: Iterable[Post], *, header: dict[str, str]):
    """posts/all: a JSON list or ``<posts>``, written as the rows arrive."""
    if fmt == "json":
        return StreamingHttpResponse(_json_stream(posts), content_type=JSON_TYPE)
    return StreamingHttpResponse(_xml_stream(posts, header), content_type=XML_TYPE)


def _json_stream(posts: Iterable[Post]) -> Iterator[bytes]:
    parts, separator = [b"["], b""
    for post in posts:
        parts.append(separator + json_bytes(post_fields(post)))
        separator = b","
        if len(parts) >= STREAM_BATCH:
            yield b"".join(parts)
            parts = []
    parts.append(b"]")
    yield b"".join(parts)


def _xml_stream(posts: Iterable[Post], header: dict[str, str]) -> Iterator[bytes]:
    xml = XmlWriter()
    xml.start("posts", header)
    for count, post in enumerate(posts, 1):
        xml.element("post", _xml_post_attributes(post))
        if count % STREAM_BATCH == 0:
            yield xml.drain()
    xml.end("posts")
    xml.sax.endDocument()
    yield xml.drain()


def suggest_response(fmt: str, popular: list[str], recommended: list[str]):
    popular = [wire_name(name) for name in popular]
    recommended = [wire_name(name) for name in recommended]
    if fmt == "json":
        return json_response([{"popular": popular}, {"recommended": recommended}])

    def write(xml: XmlWriter) -> None:
        xml.start("suggested")
        for name in popular:
            xml.element("popular", text=name)
        for name in recommended:
            xml.element("recommended", text=name)
        xml.end("suggested")

    return xml_response(write)


def tags_response(fmt: str, counts: list[tuple[str, int]]):
    counts = [(wire_name(name), count) for name, count in counts]
    if fmt == "json":
        return json_response(dict(counts))

    def write(xml: XmlWriter) -> None:
        xml.start("tags")
        for name, count in counts:
            xml.element("tag", {"count": str(count), "tag": name})
        xml.end("tags")

    return xml_response(write)


def dates_response(fmt: str, days: list[tuple[str, int]], *, header: dict[str, str]):
    if fmt == "json":
        return json_response({**header, "dates": dict(days)})

    def write(xml: XmlWriter) -> None:
        xml.start("dates", header)
        for day, count in days:
            xml.element("date", {"count": str(count), "date": day})
        xml.end("dates")

    return xml_response(write)


def update_response(fmt: str, moment: str):
    if fmt == "json":
        return json_response({"update_time": moment})
    return xml_response(lambda xml: xml.element("update", {"time": moment}))
