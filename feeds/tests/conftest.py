"""Builders for feed tests: a group with an owner and a member, and items
shared into it carrying highlights, sticky notes and discussion."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.cache import cache

from accounts.tests.factories import UserFactory
from annotations.services import add_highlight, add_note
from bookmarks.services import save_bookmark
from groups.models import Group
from groups.services import add_group_note, add_member, create_group, share_bookmark

BASE_TIME = datetime(2024, 3, 12, 9, 30, tzinfo=UTC)


class World:
    def __init__(
        self,
        *,
        visibility=Group.Visibility.PUBLIC,
        slug="reading",
        name="Reading",
        description="",
        owner_name="張 旭",
    ):
        self.owner = UserFactory(username=f"owner-{slug}", display_name=owner_name)
        self.group = create_group(
            name=name,
            slug=slug,
            created_by=self.owner,
            visibility=visibility,
            description=description,
        )
        self.member = UserFactory(display_name="Mei Chen")
        add_member(group=self.group, user=self.member)
        self.count = 0

    def item(
        self,
        *,
        tags=("architecture",),
        highlights=0,
        notes=0,
        discussion=0,
        quote=None,
        note=None,
        reply=None,
        **fields,
    ):
        """A bookmark of the owner's shared into the group, each highlight with
        ``notes`` sticky notes and ``discussion`` replies by the member.
        ``quote``, ``note`` and ``reply`` replace their numbered texts."""
        self.count += 1
        i = self.count
        when = BASE_TIME + timedelta(days=i)
        bookmark, _ = save_bookmark(
            user=fields.pop("user", self.owner),
            url=fields.pop("url", f"https://example.org/read/{self.group.pk}/{i}"),
            title=fields.pop("title", f"Reading note {i}"),
            tag_names=tags,
            created_at=when,
            **fields,
        )
        item = share_bookmark(bookmark=bookmark, group=self.group, shared_at=when)
        for h in range(1, highlights + 1):
            highlight = add_highlight(bookmark=bookmark, quote=quote or f"passage {i}.{h}")
            for n in range(1, notes + 1):
                add_note(bookmark=bookmark, highlight=highlight, text=note or f"note {h}.{n}")
            for d in range(1, discussion + 1):
                add_group_note(
                    item=item,
                    author=self.member,
                    highlight=highlight,
                    text=reply or f"reply {h}.{d}",
                )
        return item


@pytest.fixture
def world(db):
    return World


@pytest.fixture(autouse=True)
def forget_feed_versions():
    """Feeds remember their last version in the cache; each test starts afresh."""
    cache.clear()
    yield
    cache.clear()
