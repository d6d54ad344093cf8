"""Builders for group pages: a group with items carrying highlights and notes."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.cache import cache

from accounts.tests.factories import UserFactory
from annotations.services import add_highlight, add_note
from bookmarks.services import save_bookmark
from groups.models import Group
from groups.services import add_group_note, add_member, create_group, share_bookmark

BASE_TIME = datetime(2024, 3, 12, 9, 30, tzinfo=UTC)


class Builder:
    def __init__(self, *, visibility=Group.Visibility.PUBLIC, slug="reading", name="Reading"):
        self.owner = UserFactory(display_name="張 旭")
        self.group = create_group(
            name=name, slug=slug, created_by=self.owner, visibility=visibility
        )
        self.member = UserFactory(display_name="Mei Chen")
        add_member(group=self.group, user=self.member)
        self.count = 0

    def item(self, *, tags=("architecture",), highlights=0, notes=0, discussion=0, **fields):
        """A bookmark of the owner's, with highlights each carrying ``notes`` sticky
        notes and ``discussion`` group notes, shared into the group."""
        self.count += 1
        when = BASE_TIME + timedelta(days=self.count)
        bookmark, _ = save_bookmark(
            # Made-up pages: no snapshot is asked for; tests add their own.
            snapshot=False,
            user=fields.pop("user", self.owner),
            url=fields.pop("url", f"https://example.org/read/{self.count}"),
            title=fields.pop("title", f"Reading note {self.count}"),
            description=fields.pop("description", ""),
            is_private=fields.pop("is_private", False),
            tag_names=tags,
            created_at=when,
        )
        item = share_bookmark(bookmark=bookmark, group=self.group, shared_at=when)
        for h in range(highlights):
            highlight = add_highlight(bookmark=bookmark, quote=f"passage {self.count}.{h + 1}")
            for n in range(notes):
                add_note(bookmark=bookmark, highlight=highlight, text=f"note {h + 1}.{n + 1}")
            for d in range(discussion):
                add_group_note(
                    item=item,
                    author=self.member,
                    highlight=highlight,
                    text=f"reply {h + 1}.{d + 1}",
                )
        return item


@pytest.fixture
def build(db):
    return Builder


@pytest.fixture
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(params=["version", "generation"])
def each_anonymous_cache_check(request, settings):
    """The test twice: the anonymous cache checked against the group's
    version in the database, and against its generation in a shared cache
    (groups.caching)."""
    settings.CACHE_SHARED = request.param == "generation"
