"""Bytes to text the way a browser would: BOM, then the HTTP charset, then a
``<meta>`` in the first bytes, then detection.

Legacy labels decode with the superset browsers use (the WHATWG Encoding
Standard): a page labelled gb2312 is written in GBK in practice, and Python's
gb2312 codec would turn every GBK-only character into garbage. Decoding never
raises: undecodable bytes become U+FFFD.
"""

import codecs
import re
from dataclasses import dataclass

import charset_normalizer

#: Python codec: the labels that browsers decode with it, a superset of what
#: the label names (WHATWG Encoding Standard).
_SUPERSET_TABLE = """
gb18030: gb2312 gbk gb_2312 gb_2312-80 gb18030 x-gbk cp936 ms936 chinese csgb2312
         csiso58gb231280 iso-ir-58 euc-cn euccn
big5: big5 big5-hkscs big5hkscs cn-big5 csbig5 x-x-big5 cp950 ms950
cp932: shift_jis shift-jis sjis ms_kanji csshiftjis windows-31j x-sjis ms932 cp932
cp949: euc-kr euc_kr ks_c_5601-1987 ks_c_5601-1989 ksc5601 ksc_5601 korean iso-ir-149
       csksc56011987 cseuckr windows-949 cp949 uhc
cp1252: iso-8859-1 iso8859-1 iso_8859-1 iso_8859-1:1987 latin1 l1 ascii us-ascii
        ansi_x3.4-1968 cp819 ibm819 csisolatin1 iso-ir-100 windows-1252 cp1252 x-cp1252
cp1254: iso-8859-9 iso8859-9 iso_8859-9 latin5 l5 windows-1254
cp874: iso-8859-11 iso8859-11 tis-620 dos-874 windows-874
utf-16-le: utf-16 utf-16le utf16
"""
_SUPERSETS = {
    label: codec
    for entry in re.split(r"\n(?=\S)", _SUPERSET_TABLE.strip())
    for codec, labels in [entry.split(":", 1)]
    for label in labels.split()
}
#: Other encodings a web page may use; anything else Python knows (utf-7,
#: base64, rot13, idna...) is treated as no label at all.
_WEB_CODECS = {
    "utf-8", "utf-16-le", "utf-16-be", "gb18030", "big5", "cp932", "cp949", "euc_jp",
    "iso2022_jp", "koi8-r", "koi8-u", "cp866", "mac-roman", "mac-cyrillic", "cp874",
    *(f"cp{n}" for n in range(1250, 1259)),
    *(f"iso8859-{n}" for n in (2, 3, 4, 5, 6, 7, 8, 10, 13, 14, 15, 16)),
}  # fmt: skip
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))
_META_SCAN_BYTES = 4096
_META_CHARSET = re.compile(rb"""<meta[\s/][^>]*?charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)
_CSS_CHARSET = re.compile(rb'@charset "([\w.:-]+)";')
_COMMENT = re.compile(rb"<!--.*?-->", re.DOTALL)


@dataclass(frozen=True)
class Decoded:
    text: str
    #: The codec that decoded the bytes ("gb18030", "cp932", "utf-8"...).
    charset: str
    #: Where the charset came from: bom, header, meta, detected or default.
    source: str


def codec_for(label: str | None) -> str | None:
    """The Python codec a browser-equivalent decoder uses for ``label``, if any."""
    label = (label or "").strip().strip("\"'").lower()
    if not label:
        return None
    if label in _SUPERSETS:
        return _SUPERSETS[label]
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    return _SUPERSETS.get(name, name if name in _WEB_CODECS else None)


def _big5_fallback(error: UnicodeDecodeError) -> tuple[str, int]:
    # cp950 lacks the Hong Kong (HKSCS) characters and big5hkscs lacks the
    # euro sign; browsers decode both, so a pair cp950 refuses gets a second try.
    pair = error.object[error.start : error.start + 2]
    try:
        return pair.decode("big5hkscs"), error.start + 2
    except UnicodeDecodeError:
        return "\ufffd", error.start + 1


codecs.register_error("commonplace.big5", _big5_fallback)


def _decode(body: bytes, codec: str, source: str) -> Decoded:
    if codec == "big5":
        return Decoded(body.decode("cp950", "commonplace.big5"), "cp950", source)
    return Decoded(body.decode(codec, "replace"), codec, source)


def _bom(body: bytes) -> tuple[str, int] | None:
    for bom, codec in _BOMS:
        if body.startswith(bom):
            return codec, len(bom)
    return None


def _meta_charset(body: bytes) -> str | None:
    head = _COMMENT.sub(b"", body[:_META_SCAN_BYTES])
    for match in _META_CHARSET.finditer(head):
        codec = codec_for(match.group(1).decode("ascii", "replace"))
        if codec:
            # An ASCII-readable meta cannot be UTF-16; browsers read it as UTF-8.
            return "utf-8" if codec.startswith("utf-16") else codec
    return None


def _detect(body: bytes) -> str | None:
    try:
        # Valid UTF-8 (a cut-off last character included) is almost never an accident.
        codecs.getincrementaldecoder("utf-8")().decode(body, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(body).best()
    codec = codec_for(best.encoding) if best else None
    # Browsers never guess UTF-16 without a BOM.
    return None if codec is None or codec.startswith("utf-16") else codec


def decode_document(body: bytes, charset_header: str | None, *, sniff_meta: bool = True) -> Decoded:
    """Decode an HTML (or, with ``sniff_meta=False``, plain-text) response."""
    bom = _bom(body)
    if bom:
        return _decode(body[bom[1] :], bom[0], "bom")
    codec = codec_for(charset_header)
    if codec:
        return _decode(body, codec, "header")
    codec = _meta_charset(body) if sniff_meta else None
    if codec:
        return _decode(body, codec, "meta")
    codec = _detect(body)
    if codec:
        return _decode(body, codec, "detected")
    return _decode(body, "cp1252", "default")


def decode_stylesheet(body: bytes, charset_header: str | None, fallback: str) -> str:
    """Decode a stylesheet: BOM, HTTP charset, ``@charset``, then the page's own charset."""
    bom = _bom(body)
    if bom:
        return _decode(body[bom[1] :], bom[0], "bom").text
    match = _CSS_CHARSET.match(body)
    label = match and match.group(1).decode()
    codec = codec_for(charset_header) or codec_for(label) or codec_for(fallback) or "utf-8"
    return _decode(body, codec, "header").text
