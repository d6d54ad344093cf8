"""``seed_demo``: made-up people, groups and reading notes to try Commonplace with.

The content comes from ``groups.demo_content``, combined with a fixed random
seed, so every run plans the same items. Every write is a get-or-create (a
bookmark's highlights and sticky notes are written only when the bookmark is
new), so running it again, even after deleting part of the demo, never
duplicates anything.
"""

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.text import slugify

from accounts.models import User
from annotations.models import Highlight, Note
from annotations.services import add_highlight, add_note
from bookmarks.services import save_bookmark
from groups import demo_content as demo
from groups.models import Group, GroupItem, GroupNote
from groups.services import add_group_note, add_member, create_group, share_bookmark

LANGUAGES = ["en", "zh-hant", "zh-hans"]
LANGUAGE_WEIGHTS = [6, 2, 2]
TOPIC_COLUMN = {"en": 0, "zh-hant": 1, "zh-hans": 2}
COLOURS = [choice.value for choice in Highlight.Colour]
COLOUR_WEIGHTS = [7, 1, 1, 1]
#: Highlight counts of ordinary items; the "heavy" ones come from the group's spec.
USUAL_HIGHLIGHT_COUNTS = [0, 1, 2, 3, 3, 4, 5, 6, 8, 11]


@dataclass
class PlannedShare:
    username: str
    title: str
    description: str
    tags: list[str]
    at: datetime
    #: (quote, colour) in page order.
    highlights: list[tuple[str, str]]
    #: Sticky notes by highlight index.
    notes: dict[int, str] = field(default_factory=dict)


@dataclass
class PlannedItem:
    url: str
    shares: list[PlannedShare]
    #: (author, text, index of a first-sharer highlight or None, when).
    discussion: list[tuple[str, str, int | None, datetime]] = field(default_factory=list)
    views: int = 0


class Command(BaseCommand):
    help = "Fill the site with made-up people, groups, bookmarks and annotations (never fetched)."

    def handle(self, *args, **options):
        first = demo.GROUPS[0]["slug"]
        if Group.objects.filter(slug=first).exists():
            self.stdout.write(f"The demo group “{first}” already exists; nothing to do.")
            return
        with transaction.atomic():
            seed(random.Random(demo.SEED))  # noqa: S311 -- reproducible, not secret
        self.stdout.write(self.style.SUCCESS(summary()))


def seed(rng: random.Random) -> None:
    users = {username: get_or_create_user(username, name) for username, name in demo.USERS}
    for spec in demo.GROUPS:
        group = get_or_create_group(spec, users)
        for planned in plan_items(spec, rng):
            write_item(group, planned, users)
    for username, url, title, tags, private in demo.LIBRARY:
        save_bookmark(
            snapshot=False,
            user=users[username],
            url=url,
            title=title,
            tag_names=tags,
            is_private=private,
            created_at=random_time(rng),
        )


def summary() -> str:
    usernames = [username for username, _ in demo.USERS]
    slugs = [spec["slug"] for spec in demo.GROUPS]
    private = sum(spec["visibility"] == Group.Visibility.PRIVATE for spec in demo.GROUPS)
    counts = {
        "people": User.objects.filter(username__in=usernames).count(),
        "groups": Group.objects.filter(slug__in=slugs).count(),
        "group items": GroupItem.objects.filter(group__slug__in=slugs).count(),
        "highlights": Highlight.objects.filter(bookmark__user__username__in=usernames).count(),
        "sticky notes": Note.objects.filter(bookmark__user__username__in=usernames).count(),
        "discussion notes": GroupNote.objects.filter(item__group__slug__in=slugs).count(),
    }
    listed = ", ".join(f"{count} {what}" for what, count in counts.items())
    return (
        f"Demo content ready: {listed} ({private} private group). "
        f"Try /groups/{slugs[0]}/tags/architecture/"
    )


def get_or_create_user(username: str, display_name: str) -> User:
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"display_name": display_name, "email": f"{username}@example.org"},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def get_or_create_group(spec: dict, users: dict[str, User]) -> Group:
    group = Group.objects.filter(slug=spec["slug"]).first() or create_group(
        name=spec["name"],
        slug=spec["slug"],
        description=spec["description"],
        visibility=spec["visibility"],
        created_by=users[spec["owner"]],
    )
    for username, role in spec["members"].items():
        add_member(group=group, user=users[username], role=role)
    return group


def random_time(rng: random.Random) -> datetime:
    return demo.BASE_DATE - timedelta(
        days=rng.randint(0, demo.SPAN_DAYS), minutes=rng.randint(0, 24 * 60 - 1)
    )


def plan_items(spec: dict, rng: random.Random) -> list[PlannedItem]:
    """The group's items, from its phrase banks: same seed, same items."""
    members = [spec["owner"], *spec["members"]]
    topics = spec["topics"]
    items = []
    for index in range(spec["item_count"]):
        heavy = spec["heavy"][index] if index < len(spec["heavy"]) else None
        # Long lists of highlights come from the English bank, the largest one.
        language = "en" if heavy else rng.choices(LANGUAGES, weights=LANGUAGE_WEIGHTS)[0]
        topic = topics[index % len(topics)][TOPIC_COLUMN[language]]
        # Each repeat of a topic takes the next title pattern, so titles differ.
        patterns = spec["titles"][language]
        pattern = patterns[(index % len(topics) + index // len(topics)) % len(patterns)]
        title = fill(pattern, topic)
        sharer = rng.choice(members)
        at = random_time(rng)
        first = PlannedShare(
            username=sharer,
            title=title,
            description=rng.choice(demo.DESCRIPTIONS) if rng.random() < 0.4 else "",
            tags=plan_tags(spec["tags"], index, rng),
            at=at,
            highlights=plan_highlights(
                spec["highlights"][language],
                topic,
                heavy or rng.choice(USUAL_HIGHLIGHT_COUNTS),
                rng,
            ),
        )
        first.notes = plan_notes(len(first.highlights), rng)
        shares = [first]
        others = [username for username in members if username != sharer]
        if rng.random() < 0.2:
            later = min(at + timedelta(days=rng.randint(1, 40)), demo.BASE_DATE)
            shares.append(
                PlannedShare(
                    username=rng.choice(others),
                    title=title,
                    description="",
                    tags=[*first.tags[:1], rng.choice(spec["tags"]["some"])],
                    at=later,
                    highlights=plan_highlights(
                        spec["highlights"][language], topic, rng.randint(1, 4), rng
                    ),
                )
            )
        item = PlannedItem(
            url=plan_url(spec, index, topic, language, at, rng),
            shares=shares,
            # Most items are rarely opened; a few are popular.
            views=rng.choice([0, 0, 0, 1, 2, 3, 5, 8, 13, 40]),
        )
        if heavy or rng.random() < 0.3:
            item.discussion = plan_discussion(others, len(first.highlights), at, bool(heavy), rng)
        items.append(item)
    return items


def fill(pattern: str, topic: str) -> str:
    return pattern.format(s=topic, S=topic[:1].upper() + topic[1:])


def plan_url(spec, index, topic, language, at, rng) -> str:
    host = rng.choice(spec["hosts"])
    words = slugify(topic, allow_unicode=True)
    section = "notes" if language == "en" else "筆記"
    return f"https://{host}/{section}/{at.year}/{words}-{index + 1}"


def plan_tags(tag_spec: dict, index: int, rng: random.Random) -> list[str]:
    skip = tag_spec["skip_every"]
    tags = [] if skip and index % skip == skip - 1 else list(tag_spec["every"])
    tags += rng.sample(tag_spec["some"], rng.randint(0 if tags else 1, 3))
    return tags


def plan_highlights(bank, topic, count, rng) -> list[tuple[str, str]]:
    quotes = rng.sample(bank, min(count, len(bank)))
    return [
        (fill(quote, topic), rng.choices(COLOURS, weights=COLOUR_WEIGHTS)[0]) for quote in quotes
    ]


def plan_notes(highlight_count: int, rng: random.Random) -> dict[int, str]:
    return {
        index: rng.choice(demo.STICKY_NOTES)
        for index in range(highlight_count)
        if rng.random() < 0.2
    }


def plan_discussion(authors, highlight_count, at, on_highlight, rng):
    notes = []
    for number in range(rng.randint(1, 3)):
        # The first note on a heavily highlighted item always answers a highlight.
        attach = highlight_count and ((on_highlight and number == 0) or rng.random() < 0.5)
        notes.append(
            (
                rng.choice(authors),
                rng.choice(demo.DISCUSSION),
                rng.randrange(highlight_count) if attach else None,
                min(at + timedelta(days=rng.randint(0, 30), hours=number), demo.BASE_DATE),
            )
        )
    return notes


def write_item(group: Group, planned: PlannedItem, users: dict[str, User]) -> GroupItem:
    item = None
    first_highlights: list[Highlight] | None = None
    for share in planned.shares:
        bookmark, created = save_bookmark(
            snapshot=False,
            user=users[share.username],
            url=planned.url,
            title=share.title,
            description=share.description,
            tag_names=share.tags,
            # What people share into a private group stays out of their public library.
            is_private=not group.is_public,
            created_at=share.at,
        )
        if created:
            highlights = [
                add_highlight(
                    bookmark=bookmark,
                    quote=quote,
                    colour=colour,
                    created_at=share.at + timedelta(minutes=minute),
                )
                for minute, (quote, colour) in enumerate(share.highlights, start=1)
            ]
            for index, text in share.notes.items():
                add_note(
                    bookmark=bookmark,
                    highlight=highlights[index],
                    text=text,
                    created_at=highlights[index].created_at + timedelta(seconds=30),
                )
        else:
            highlights = list(bookmark.highlights.all())
        if first_highlights is None:
            first_highlights = highlights
        item = share_bookmark(bookmark=bookmark, group=group, shared_at=share.at)
    GroupItem.objects.filter(pk=item.pk).update(view_count=planned.views)
    for author, text, index, at in planned.discussion:
        # Guard against a bookmark whose highlights changed since an earlier run.
        known = index is not None and index < len(first_highlights)
        highlight = first_highlights[index] if known else None
        exists = GroupNote.objects.filter(
            item=item, author=users[author], text=text, highlight=highlight
        ).exists()
        if not exists:
            add_group_note(
                item=item, author=users[author], text=text, highlight=highlight, created_at=at
            )
    return item
