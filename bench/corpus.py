"""A repeatable corpus of varied web pages for the snapshot benchmark.

Every page is 30–300 KB of HTML in one of several encodings (UTF-8, GBK,
Big5, Shift_JIS, windows-1252), mixes English and CJK prose with tables,
lists and ``<pre>`` blocks, links one to three shared stylesheets (whose
``url()`` rules point at images), carries an inline ``<style>``, several
images (PNG, SVG, GIF) and the things a sanitiser must remove: scripts,
event handlers, iframes, forms, ``javascript:`` links. The same seed gives
the same bytes, so two runs measure the same work.
"""

import random
import struct
import zlib
from dataclasses import dataclass, field

MIN_PAGE_BYTES = 30 * 1024
MAX_PAGE_BYTES = 300 * 1024

ENCODINGS = [
    # (codec, label the page declares, share of pages)
    ("utf-8", "utf-8", 50),
    ("gbk", "gb2312", 15),
    ("big5", "big5", 12),
    ("shift_jis", "shift_jis", 8),
    ("windows-1252", "windows-1252", 15),
]

_PROSE_WORDS = (
    "annotation archive bookmark cache reader margin passage group feed tag note "
    "library snapshot highlight history review quote index chapter source draft "
    "network protocol storage query worker queue schema migration replica shard "
    "latency throughput buffer parser encoder session cookie policy sandbox"
)
WORDS = _PROSE_WORDS.split()
SIMPLIFIED = "架构设计微服务数据库缓存队列搜索标签注释书签页面阅读笔记分享小组系统网络存储"
TRADITIONAL = "架構設計微服務資料庫快取佇列搜尋標籤註釋書籤頁面閱讀筆記分享小組系統網路儲存"
JAPANESE = "設計データベース検索注釈書籍読書共有仕組みネットワーク保存"


@dataclass
class Resource:
    path: str
    content_type: str
    body: bytes


@dataclass
class Page:
    path: str
    content_type: str
    body: bytes
    #: Paths of the stylesheets and images a faithful copy inlines.
    resources: list[str] = field(default_factory=list)


@dataclass
class Corpus:
    pages: list[Page]
    resources: dict[str, Resource]

    def routes(self) -> dict[str, tuple[str, bytes]]:
        """path → (content type, body) for everything a server must answer."""
        routes = {path: (r.content_type, r.body) for path, r in self.resources.items()}
        routes.update({page.path: (page.content_type, page.body) for page in self.pages})
        return routes

    def resource_bytes(self, page: Page) -> int:
        return sum(len(self.resources[path].body) for path in page.resources)


def png(width: int, height: int, rng: random.Random) -> bytes:
    """A real PNG of noise: it compresses badly, like a photograph."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    rows = b"".join(b"\x00" + rng.randbytes(width * 3) for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 6))
        + chunk(b"IEND", b"")
    )


def gif() -> bytes:
    """The smallest transparent GIF, as tracking pixels and spacers are."""
    return (
        b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00"
        b"\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
    )


def svg(rng: random.Random) -> bytes:
    shapes = "".join(
        f'<circle cx="{rng.randrange(100)}" cy="{rng.randrange(100)}" r="{rng.randrange(3, 30)}" '
        f'fill="#{rng.randrange(0xFFFFFF):06x}"/>'
        for _ in range(rng.randrange(5, 40))
    )
    # A script an SVG may carry: the copy must lose it.
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">{shapes}'
        "<script>alert(1)</script></svg>"
    ).encode()


def stylesheet(index: int, images: list[str], rng: random.Random) -> bytes:
    rules = []
    for n in range(rng.randrange(40, 400)):
        rules.append(
            f".block-{index}-{n} {{ margin: {rng.randrange(20)}px; color: "
            f"#{rng.randrange(0xFFFFFF):06x}; font: {rng.randrange(10, 20)}px/1.5 serif }}"
        )
    for n, image in enumerate(rng.sample(images, k=rng.randrange(1, 4))):
        rules.append(f".banner-{index}-{n} {{ background: url('{image}') no-repeat }}")
    # What the CSS sanitiser must remove.
    rules.append(".old-ie { behavior: url(x.htc); width: expression(alert(1)) }")
    return "\n".join(rules).encode()


def prose(rng: random.Random, script: str, words: int) -> str:
    if script == "latin":
        return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."
    alphabet = {"zh-Hans": SIMPLIFIED, "zh-Hant": TRADITIONAL, "ja": JAPANESE}[script]
    return "".join(rng.choice(alphabet) for _ in range(words * 2)) + "。"


def block(rng: random.Random, script: str, sheet_index: int) -> str:
    kind = rng.choices(["p", "table", "list", "pre", "hostile", "figure"], [8, 2, 2, 1, 1, 1])[0]
    if kind == "p":
        return (
            f'<p class="block-{sheet_index}-{rng.randrange(40)}">{prose(rng, script, 60)} '
            f'<a href="/elsewhere/{rng.randrange(10**6)}">{prose(rng, script, 3)}</a></p>\n'
        )
    if kind == "table":
        rows = "".join(
            "<tr>" + "".join(f"<td>{prose(rng, script, 4)}</td>" for _ in range(4)) + "</tr>"
            for _ in range(rng.randrange(3, 12))
        )
        head = "<thead><tr><th>a</th><th>b</th><th>c</th><th>d</th></tr></thead>"
        return f"<table>{head}{rows}</table>\n"
    if kind == "list":
        items = "".join(f"<li>{prose(rng, script, 12)}</li>" for _ in range(rng.randrange(3, 10)))
        return f"<ul>{items}</ul>\n"
    if kind == "pre":
        lines = "\n".join(f"    step_{n}(value) # {rng.choice(WORDS)}" for n in range(12))
        return f"<pre><code>{lines}</code></pre>\n"
    if kind == "figure":
        return f'<div class="banner-{sheet_index}-0">{prose(rng, script, 8)}</div>\n'
    return rng.choice(
        [
            '<p onclick="steal()" onmouseover="steal()">tap</p>\n',
            '<a href="javascript:alert(1)">run</a>\n',
            '<iframe src="https://ads.example/frame"></iframe>\n',
            '<form action="https://evil.example/post"><input name="q"></form>\n',
            "<script>document.cookie</script>\n",
            '<object data="/movie.swf"></object>\n',
        ]
    )


def build_corpus(pages: int = 240, *, seed: int = 20261125) -> Corpus:
    rng = random.Random(seed)  # noqa: S311 - a repeatable corpus, not a secret
    resources: dict[str, Resource] = {}

    image_paths = []
    for n in range(60):
        side = rng.randrange(16, 160)
        kind = rng.choices(["png", "svg", "gif"], [6, 3, 1])[0]
        if kind == "png":
            body = png(side, side, rng)
        elif kind == "svg":
            body = svg(rng)
        else:
            body = gif()
        path = f"/img/{n}.{kind}"
        content_type = {"png": "image/png", "svg": "image/svg+xml", "gif": "image/gif"}[kind]
        resources[path] = Resource(path, content_type, body)
        image_paths.append(path)

    sheet_paths = []
    for n in range(20):
        path = f"/css/{n}.css"
        body = stylesheet(n, image_paths, rng)
        resources[path] = Resource(path, "text/css", body)
        sheet_paths.append(path)
    sheet_images = {
        path: [p for p in image_paths if f"url('{p}')".encode() in resources[path].body]
        for path in sheet_paths
    }

    codecs = [c for c, _, share in ENCODINGS for _ in range(share)]
    labels = {codec: label for codec, label, _ in ENCODINGS}
    built = []
    for n in range(pages):
        codec = rng.choice(codecs)
        script = {
            "gbk": "zh-Hans",
            "big5": "zh-Hant",
            "shift_jis": "ja",
            "windows-1252": "latin",
        }.get(codec) or rng.choice(["latin", "latin", "zh-Hans", "zh-Hant"])
        sheets = rng.sample(sheet_paths, k=rng.randrange(1, 4))
        images = rng.sample(image_paths, k=rng.randrange(2, 9))
        sheet_index = int(sheets[0].split("/")[-1].split(".")[0])
        target = rng.randrange(MIN_PAGE_BYTES + 1024, MAX_PAGE_BYTES - 8192)

        head = (
            f'<!doctype html><html><head><meta charset="{labels[codec]}">'
            f"<title>{prose(rng, script, 6)}</title>"
            f'<meta name="description" content="{prose(rng, script, 20)}">'
            + "".join(f'<link rel="stylesheet" href="{s}">' for s in sheets)
            + "<style>body { max-width: 40em } .lead { font-weight: bold }</style>"
            + "<script>window.tracker = 1</script></head><body>\n"
        )
        parts = [head, f'<h1 class="lead">{prose(rng, script, 5)}</h1>\n']
        for image in images:
            parts.append(f'<p><img src="{image}" alt="{prose(rng, script, 2)}"></p>\n')
        size = sum(len(p.encode(codec, "replace")) for p in parts)
        while size < target - 200:
            piece = block(rng, script, sheet_index)
            parts.append(piece)
            size += len(piece.encode(codec, "replace"))
        parts.append("</body></html>")
        body = "".join(parts).encode(codec, "replace")

        background = [image for sheet in sheets for image in sheet_images[sheet]]
        inlined = list(dict.fromkeys(sheets + images + background))
        # Half the pages say their charset in the header too, half only in <meta>.
        content_type = "text/html" + (f"; charset={labels[codec]}" if n % 2 else "")
        built.append(Page(f"/pages/{n}.html", content_type, body, inlined))
    return Corpus(built, resources)
