"""Django's RSS 2.0 and Atom writers, with every string cleaned for XML on the
way in (``text.clean_xml_text``) and a stable date for a feed with no items."""

from django.utils import feedgenerator
from django.utils.functional import Promise

from .text import clean_xml_text


def _clean(value):
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, str):
        return clean_xml_text(value)
    if isinstance(value, list | tuple):
        return [_clean(part) for part in value]
    return value


class CleanFeedMixin:
    """The one place where feed text is cleaned: everything that reaches the
    writer passes through ``__init__`` (the channel) or ``add_item``."""

    def __init__(self, *args, **kwargs):
        super().__init__(*[_clean(a) for a in args], **{k: _clean(v) for k, v in kwargs.items()})

    def add_item(self, *args, **kwargs):
        super().add_item(*[_clean(a) for a in args], **{k: _clean(v) for k, v in kwargs.items()})

    def latest_post_date(self):
        # Django falls back to "now", which would make an empty feed's body
        # (and so its ETag) change every second.
        if not self.items and self.feed.get("empty_date") is not None:
            return self.feed["empty_date"]
        return super().latest_post_date()


class RssFeed(CleanFeedMixin, feedgenerator.Rss201rev2Feed):
    pass


class AtomFeed(CleanFeedMixin, feedgenerator.Atom1Feed):
    pass
