"""THE definition of a snapshot's text: what search indexes and what
annotations anchor to. A browser-side version must give the same string.

The rule, over the stored HTML document as an HTML5 parser builds it:

1. Visit the Text nodes under ``<body>`` in document order (what
   ``document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT)`` visits),
   skipping those inside ``<style>`` or ``<script>`` (a cached copy has
   neither in its body, nor ``<template>`` or ``<noscript>``; the rule says so
   for any other input).
2. Concatenate their data with nothing in between: element boundaries add
   nothing. (The pipeline writes a newline after every block element, outside
   ``<pre>``, so words of adjacent blocks stay apart under this rule.)
3. Replace each run of ASCII whitespace (U+0009, U+000A, U+000C, U+000D,
   U+0020) with one U+0020 SPACE, inside ``<pre>`` too. Nothing else counts as
   whitespace: U+00A0 NO-BREAK SPACE and U+3000 IDEOGRAPHIC SPACE stay as they
   are. No Unicode normalisation.
4. Remove the space at the start and the one at the end, if any.

In JavaScript::

    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    let text = "";
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!node.parentElement.closest("style, script")) text += node.data;
    }
    text = text.replace(/[\\t\\n\\f\\r ]+/g, " ").replace(/^ | $/g, "");

(Not ``\\s`` and not ``trim()``: both also take U+00A0 and U+3000.)

Offsets into the text differ between the two languages for characters
outside the Basic Multilingual Plane (CJK Extension B, emoji): Python counts
code points, JavaScript UTF-16 code units. Convert, do not assume.

The parse is done by nh3 (html5ever, a spec-following HTML5 parser), so it
builds the same tree a browser does: the newline right after ``<pre>`` is
dropped, ``&nbsp;`` becomes U+00A0, CR LF becomes LF. Stripping every tag
and unescaping the result gives exactly the text nodes' data.
"""

import html
import re

import nh3

_TEXT_ONLY = nh3.Cleaner(
    tags=set(),
    # In a fragment parse <head> is ignored, so its children must go by name.
    clean_content_tags={"head", "title", "style", "script", "template", "noscript"},
    attributes={},
    link_rel=None,
)
_ASCII_WHITESPACE = re.compile("[\t\n\f\r ]+")


def collapse(text: str) -> str:
    """Steps 3 and 4 of the rule."""
    return _ASCII_WHITESPACE.sub(" ", text).strip(" ")


def snapshot_text(document: str) -> str:
    """The text of a stored snapshot (a whole document or its body's HTML)."""
    return collapse(html.unescape(_TEXT_ONLY.clean(document)))
