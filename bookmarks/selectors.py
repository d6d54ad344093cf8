"""Reads for bookmarks and tags."""

from .models import Tag
from .tagnames import fold


def find_tag(name: str) -> Tag | None:
    """The tag this name spells, whatever its case or Unicode form."""
    return Tag.objects.filter(key=fold(name)).first()
