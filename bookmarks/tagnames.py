"""Tag names: what is allowed, and the folded key that makes two spellings one tag."""

import unicodedata

MAX_TAG_LENGTH = 100
#: NFKC and case folding can lengthen a name (ß → ss, ﷺ → 18 letters).
MAX_KEY_LENGTH = 255
FORBIDDEN_CHARACTERS = (",", "/")
FORBIDDEN_NAMES = (".", "..")


class InvalidTagName(ValueError):
    pass


def fold(name: str) -> str:
    """The unique key of a tag: casefold(NFKC(name)).

    Computed in Python so SQLite and PostgreSQL agree; neither database's
    own case folding is relied upon."""
    return unicodedata.normalize("NFKC", name).casefold()


def clean_tag_name(raw: str) -> str:
    """Trim and collapse whitespace; refuse names the URLs cannot carry."""
    name = " ".join((raw or "").split())
    if not name:
        raise InvalidTagName("A tag cannot be empty.")
    if len(name) > MAX_TAG_LENGTH:
        raise InvalidTagName(f"A tag is at most {MAX_TAG_LENGTH} characters long.")
    for ch in FORBIDDEN_CHARACTERS:
        if ch in name:
            raise InvalidTagName(f"A tag cannot contain “{ch}”.")
    if name in FORBIDDEN_NAMES:
        raise InvalidTagName(f"“{name}” cannot be a tag.")
    if any(unicodedata.category(ch) == "Cc" for ch in name):
        raise InvalidTagName("A tag cannot contain control characters.")
    if len(fold(name)) > MAX_KEY_LENGTH:
        raise InvalidTagName("This tag is too long once normalised.")
    return name


def split_tags(text: str) -> list[str]:
    """Comma-separated tag names, cleaned; duplicates (by folded key) dropped."""
    names, seen = [], set()
    for raw in (text or "").split(","):
        if not raw.strip():
            continue
        name = clean_tag_name(raw)
        if fold(name) not in seen:
            seen.add(fold(name))
            names.append(name)
    return names
