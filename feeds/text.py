"""Text made safe for XML 1.0. Imported and scraped text can carry characters
XML cannot hold; Django's feed writer raises on some of them and the UTF-8
encoder on others, so every string is cleaned once before it reaches a feed."""

import re

#: C0 controls but tab, newline and carriage return; the non-characters
#: U+FFFE and U+FFFF; and surrogate code points, which in a Python string are
#: always lone (a real astral character is one code point).
XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def clean_xml_text(text: str) -> str:
    """The text without the characters XML 1.0 cannot carry."""
    return XML_FORBIDDEN.sub("", text)
