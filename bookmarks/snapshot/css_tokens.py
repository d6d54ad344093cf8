"""CSS tokens, after CSS Syntax Level 3 (simplified): enough to find every
name, string and ``url()`` the way a browser reads them, escapes undone.
"""

import re

_ESC = r"\\(?:[0-9a-fA-F]{1,6}[ \t\r\n\f]?|[^\r\n\f0-9a-fA-F])"
_NAME = rf"(?:[\w\-\u0080-\U0010ffff]|{_ESC})"
_IDENT = rf"(?:--|-?(?:[A-Za-z_\u0080-\U0010ffff]|{_ESC})){_NAME}*"
_TOKEN = re.compile(
    rf"""(?P<comment>/\*.*?(?:\*/|\Z))
    |(?P<ws>[ \t\r\n\f]+)
    |(?P<str>"(?:[^"\\\r\n\f]|\\[\s\S])*(?:"|(?=[\r\n\f])|\Z)|'(?:[^'\\\r\n\f]|\\[\s\S])*(?:'|(?=[\r\n\f])|\Z))
    |(?P<cd><!--|-->)
    |(?P<num>[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?(?:%|{_IDENT})?)
    |(?P<at>@{_IDENT})
    |(?P<hash>\#{_NAME}+)
    |(?P<ident>{_IDENT})(?P<paren>\()?
    |(?P<char>[\s\S])""",
    re.VERBOSE | re.DOTALL,
)
_URL_REST = re.compile(
    rf"[ \t\r\n\f]*((?:[^\"'()\\\s\x00-\x08\x0b\x0e-\x1f\x7f]|{_ESC})*)[ \t\r\n\f]*\)"
)
_BAD_URL_REST = re.compile(rf"(?:[^)\\]|{_ESC}|\\)*\)?")
_ESCAPE = re.compile(_ESC)
_LINE_CONTINUATION = re.compile(r"\\(?:\r\n|[\r\n\f])")


def unescape(text: str) -> str:
    """``text`` with CSS escapes and string line continuations undone."""
    return _ESCAPE.sub(_unescape_one, _LINE_CONTINUATION.sub("", text))


def _unescape_one(match: re.Match) -> str:
    escaped = match.group(0)[1:]
    hex_digits = escaped.rstrip(" \t\r\n\f")
    if re.fullmatch(r"[0-9a-fA-F]{1,6}", hex_digits):
        code = int(hex_digits, 16)
        return chr(code) if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else "\ufffd"
    return escaped


def tokenize(css: str) -> list[tuple[str, str, str]]:
    """(kind, unescaped value, source text) for each token; comments keep no text."""
    tokens, pos, end = [], 0, len(css)
    while pos < end:
        match = _TOKEN.match(css, pos)
        kind, raw = match.lastgroup, match.group(0)
        pos = match.end()
        if kind == "comment":
            tokens.append(("comment", "", "/**/"))
        elif kind == "str":
            body = raw[1:-1]
            # Closed if it ends in its quote and that quote is not itself escaped.
            escapes = len(body) - len(body.rstrip("\\"))
            closed = len(raw) > 1 and raw[-1] == raw[0] and escapes % 2 == 0
            tokens.append(("str" if closed else "badstr", unescape(body), raw))
        elif kind in ("ident", "paren"):
            name = unescape(match.group("ident"))
            if not match.group("paren"):
                tokens.append(("ident", name, raw))
            elif name.lower() == "url" and not re.match(r"[ \t\r\n\f]*['\"]", css[pos:]):
                rest = _URL_REST.match(css, pos)
                if rest:
                    tokens.append(("url", unescape(rest.group(1)), ""))
                else:
                    rest = _BAD_URL_REST.match(css, pos)
                    tokens.append(("badurl", "", ""))
                pos = rest.end()
            else:
                tokens.append(("func", name, raw))
        elif kind == "at":
            tokens.append(("at", unescape(raw[1:]), raw))
        elif kind == "char":
            tokens.append((raw, raw, raw))
        else:
            tokens.append((kind, raw, raw))
    return tokens
