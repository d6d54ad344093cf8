"""A small CSS cleaner for cached copies: keeps the look, drops anything that
runs code or makes a request.

nh3 does not look inside CSS, so this tokenizes it (after CSS Syntax Level 3,
simplified), splits it into rules and declarations, and rebuilds it from what
is allowed. Names are compared after undoing CSS escapes, so ``\\65 xpression(``
and ``u\\72l(`` are seen for what they are; each kept declaration is also
checked once more as flat text with comments, escapes and whitespace removed,
so ``exp/**/ression(`` (which old IE joined up) is dropped too.

Every ``url()`` goes through ``resolve``, which returns a ``data:`` URI to use
instead or None to drop the declaration; fragment-only URLs (``url(#clip)``)
make no request and stay.
"""

import re
from collections import Counter
from collections.abc import Callable

from .css_tokens import tokenize, unescape

Resolve = Callable[[str], str | None]
LoadImport = Callable[[str], str | None]

_COMMENT = re.compile(r"/\*.*?(?:\*/|\Z)", re.DOTALL)
_WHITESPACE = re.compile(r"\s+")
_OPENERS = {"(": ")", "[": "]", "{": "}", "func": ")"}

_FORBIDDEN_PROPERTIES = {"behavior", "-ms-behavior", "-moz-binding", "binding", "-ms-filter"}
#: Functions whose strings are URLs (image-set("a.png" 1x)) or that run code.
_FORBIDDEN_FUNCTIONS = {
    "expression", "image", "image-set", "-webkit-image-set", "src", "cross-fade",
    "-webkit-cross-fade",
}  # fmt: skip
#: Checked on flattened text, so joined-up or escaped forms are caught too.
_FORBIDDEN_TEXT = (
    "expression(", "javascript:", "vbscript:", "url(", "image(", "image-set(", "src(",
    "cross-fade(", "progid:", "behavior", "-moz-binding", "@import",
)  # fmt: skip
#: Selectors and conditions fetch and run nothing; this only keeps them from
#: smuggling a value-like construct past old parsers.
_FORBIDDEN_IN_PRELUDES = ("expression(", "url(")
_RULE_AT_RULES = {"media", "supports", "container", "layer", "scope", "starting-style"}
_KEYFRAMES = {"keyframes", "-webkit-keyframes", "-moz-keyframes"}
_DECLARATION_AT_RULES = {"page", "property", "counter-style", "position-try", "view-transition"}
_SAFE_MEDIA = re.compile(r"[\w\s(),:.\-/]+")
_LAYER_OR_SUPPORTS = re.compile(r"\b(?:layer|supports)\b", re.IGNORECASE)


def _matching(tokens: list, start: int) -> int:
    """Index of the token closing the block opened at ``start`` (or the end)."""
    stack = [_OPENERS[tokens[start][0]]]
    for index in range(start + 1, len(tokens)):
        kind = tokens[index][0]
        if kind in _OPENERS:
            stack.append(_OPENERS[kind])
        elif kind == stack[-1]:
            stack.pop()
            if not stack:
                return index
    return len(tokens)


def _items(tokens: list) -> list[tuple[list, list | None]]:
    """Split into (prelude, block) items; block is None for a ``;`` statement."""
    items, prelude, index = [], [], 0
    while index < len(tokens):
        kind = tokens[index][0]
        if kind in (";", "}"):
            items.append((prelude, None))
            prelude, index = [], index + 1
        elif kind == "{":
            close = _matching(tokens, index)
            items.append((prelude, tokens[index + 1 : close]))
            prelude, index = [], close + 1
        elif kind in _OPENERS:
            close = _matching(tokens, index)
            prelude.extend(tokens[index : close + 1])
            index = close + 1
        else:
            prelude.append(tokens[index])
            index += 1
    items.append((prelude, None))
    return [(_trim(prelude), block) for prelude, block in items if prelude or block is not None]


def _trim(tokens: list) -> list:
    start, end = 0, len(tokens)
    while start < end and tokens[start][0] in ("ws", "comment", "cd"):
        start += 1
    while end > start and tokens[end - 1][0] in ("ws", "comment", "cd"):
        end -= 1
    return tokens[start:end]


def _looks_unsafe(text: str, forbidden_text=_FORBIDDEN_TEXT) -> bool:
    flat = _WHITESPACE.sub("", unescape(_COMMENT.sub("", text))).lower()
    return any(forbidden in flat for forbidden in forbidden_text)


def _source(tokens: list) -> str:
    return "".join(token[2] for token in tokens)


class _Cleaner:
    def __init__(self, resolve: Resolve, load_import: LoadImport | None, dropped: Counter):
        self.resolve, self.load_import, self.dropped = resolve, load_import, dropped

    def items(self, tokens: list, context: str) -> str:
        """Clean a list of items; context is top, rules, declarations or inline."""
        out, imports_allowed = [], context == "top"
        for prelude, block in _items(tokens):
            head = prelude[0] if prelude else ("", "", "")
            if head[0] == "at":
                name = head[1].lower()
                # Browsers ignore an @import that follows any other rule.
                late_import = name == "import" and not imports_allowed
                rest = _trim(prelude[1:])
                cleaned = None if late_import else self.at_rule(name, rest, block, context)
                imports_allowed = imports_allowed and name in ("import", "charset")
            elif block is not None and context != "inline" and not head[1].startswith("--"):
                imports_allowed = False
                selector = _source(prelude)
                unsafe = _looks_unsafe(selector, _FORBIDDEN_IN_PRELUDES)
                cleaned = None if unsafe else f"{selector}{{{self.items(block, 'declarations')}}}"
            elif block is None and context in ("declarations", "inline"):
                cleaned = self.declaration(prelude)
            else:
                cleaned = None
            if cleaned is None:
                self.dropped["unsafe or unsupported CSS"] += 1
            elif cleaned:
                out.append(cleaned)
        return ";".join(out) if context in ("declarations", "inline") else "\n".join(out)

    def at_rule(self, name: str, prelude: list, block: list | None, context: str) -> str | None:
        condition = _source(prelude)
        if _looks_unsafe(condition, _FORBIDDEN_IN_PRELUDES) and name != "import":
            return None
        if name == "import" and block is None and context == "top":
            return self.import_rule(prelude)
        if name == "charset" and block is None:
            return ""  # the copy is UTF-8 whatever the sheet said
        if name == "font-face":
            self.dropped["@font-face (fonts are not kept)"] += 1
            return ""
        if name == "layer" and block is None:
            return f"@layer {condition};"
        if block is None:
            return None
        if name in _RULE_AT_RULES:
            inner = "rules" if context in ("top", "rules") else "declarations"
        elif name in _KEYFRAMES:
            inner = "rules"
        elif name in _DECLARATION_AT_RULES:
            inner = "declarations"
        else:
            return None
        return f"@{name} {condition}{{{self.items(block, inner)}}}"

    def import_rule(self, prelude: list) -> str | None:
        if not prelude or self.load_import is None:
            return None
        kind, value, _ = prelude[0]
        rest = prelude[1:]
        if kind == "func" and value.lower() == "url":
            inner = _trim(prelude[1:])
            if len(inner) < 2 or inner[0][0] != "str" or inner[1][0] != ")":
                return None
            value, rest = inner[0][1], inner[2:]
        elif kind not in ("str", "url"):
            return None
        media = _source(_trim(rest))
        if media and (not _SAFE_MEDIA.fullmatch(media) or _LAYER_OR_SUPPORTS.search(media)):
            return None  # layer() and supports() conditions are not kept
        sheet = self.load_import(value)
        if sheet is None:
            return None
        return f"@media {media}{{{sheet}}}" if media else sheet

    def declaration(self, tokens: list) -> str | None:
        if len(tokens) < 3 or tokens[0][0] != "ident":
            return None
        name = tokens[0][1].lower()
        rest = _trim(tokens[1:])
        if name in _FORBIDDEN_PROPERTIES or not rest or rest[0][0] != ":":
            return None
        value, plain, index = [], [], 1
        while index < len(rest):
            kind, text, raw = rest[index]
            index += 1
            if kind == "func" and text.lower() == "url":
                args = _trim(rest[index : _matching(rest, index - 1)])
                if len(args) != 1 or args[0][0] != "str":
                    return None
                kind, text = "url", args[0][1]
                index = _matching(rest, index - 1) + 1
            if kind == "url":
                uri = self.url(text)
                if uri is None:
                    return None
                value.append(f'url("{uri}")')
                plain.append(" ")
            elif kind in ("badurl", "badstr") or (
                kind == "func" and text.lower() in _FORBIDDEN_FUNCTIONS
            ):
                return None
            else:
                value.append(raw)
                plain.append(raw)
        if _looks_unsafe("".join(plain)):
            return None
        return f"{tokens[0][2]}:{''.join(value).strip()}"

    def url(self, reference: str) -> str | None:
        reference = reference.strip()
        if reference.startswith("#"):
            return re.sub(r'[\\"\r\n\f<]', lambda m: f"\\{ord(m.group()):x} ", reference)
        return self.resolve(reference) if reference else None


def clean_stylesheet(
    css: str,
    *,
    resolve: Resolve,
    load_import: LoadImport | None = None,
    dropped: Counter | None = None,
) -> str:
    """A stylesheet that is safe inside ``<style>`` (it contains no ``<`` at all)."""
    cleaner = _Cleaner(resolve, load_import, Counter() if dropped is None else dropped)
    # "<" only matters inside strings, where \3c means the same; with none left,
    # no "</style" can close the element early.
    return cleaner.items(tokenize(css), "top").replace("<", "\\3c ")


def clean_style_attribute(value: str, *, resolve: Resolve, dropped: Counter | None = None) -> str:
    """The declarations of a ``style`` attribute, cleaned the same way."""
    cleaner = _Cleaner(resolve, None, Counter() if dropped is None else dropped)
    return cleaner.items(tokenize(value), "inline")


def wrap_media(css: str, media: str | None) -> str | None:
    """``css`` under a ``media`` attribute's condition; None if that is not plain media text."""
    media = (media or "").strip()
    if not media or media.lower() == "all":
        return css
    return f"@media {media}{{{css}}}" if _SAFE_MEDIA.fullmatch(media) else None
