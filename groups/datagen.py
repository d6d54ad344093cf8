"""A large, made-up data set for load tests: ``manage.py generate_data``.

``Planner`` decides the shape of everything first, with one seeded random
generator, into compact arrays (who saved which page when, which bookmark
is shared into which item, how many highlights each bookmark has). The
write step then streams each table's rows, making up their text from
generators of their own, and hands them to ``RowWriter``: COPY on
PostgreSQL, batched INSERTs on SQLite. Ids are given, not returned, so
foreign keys are known before anything is written, and each table is
written once.

The rules the application keeps are kept here too: one bookmark per person
and page, one item per page and group, sharers are members of the group,
an item's sharer and time are its earliest share's, its tags are the union
of its sharers' tags (copied with the group and share time into the tag
index), sticky notes belong to a highlight of their own bookmark, discussion
notes to a highlight of the item's page. Pages are on reserved example
hosts and no snapshot is left pending, so nothing is ever fetched; some
pages have a good copy (a tiny stored document) and some a failed one.
"""

import hashlib
import random
import secrets
import time
from array import array
from bisect import bisect_right
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import accumulate
from urllib.parse import quote

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.color import no_style
from django.db import connection as default_connection
from django.db import models
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import User
from annotations.models import Highlight, Note
from bookmarks.models import Bookmark, BookmarkTag, Page, Snapshot, Tag
from bookmarks.tagnames import MAX_TAG_LENGTH, fold

from . import demo_content as demo
from .models import Group, GroupItem, GroupItemTag, GroupNote, GroupShare, Membership

#: Dates are spread over these years (fixed, so a seed always gives the same set).
START = datetime(2014, 1, 1, tzinfo=UTC).timestamp()
END = datetime(2025, 12, 31, tzinfo=UTC).timestamp()
DAY = 86400.0

# --- Sizes --------------------------------------------------------------------


@dataclass(frozen=True)
class Sizes:
    bookmarks: int
    users: int
    groups: int
    items: int
    highlights: int
    notes: int
    group_notes: int
    tags: int

    @classmethod
    def scaled(cls, bookmarks: int, **given: int | None) -> "Sizes":
        """Sizes for ``bookmarks`` bookmarks; anything given wins. At a million:
        10,000 people, 200 groups, 300,000 items, a million highlights,
        250,000 sticky notes, 50,000 discussion notes and 10,000 tags."""
        if bookmarks < 1:
            raise ValueError("At least one bookmark.")
        defaults = {
            "users": max(5, bookmarks // 100),
            "groups": max(2, bookmarks // 5000),
            "items": bookmarks * 3 // 10,
            "highlights": bookmarks,
            "notes": bookmarks // 4,
            "group_notes": bookmarks // 20,
            "tags": max(30, bookmarks // 100),
        }
        sizes = {name: given.get(name) if given.get(name) is not None else value
                 for name, value in defaults.items()}  # fmt: skip
        if min(sizes.values()) < 0 or sizes["users"] < 1 or sizes["groups"] < 1:
            raise ValueError("Sizes cannot be negative; at least one person and one group.")
        if sizes["items"] > bookmarks * 4 // 5:
            raise ValueError("At most 4 items for every 5 bookmarks: each share is a bookmark.")
        if sizes["tags"] < 1:
            raise ValueError("At least one tag.")
        return cls(bookmarks=bookmarks, **sizes)


# --- Words ----------------------------------------------------------------------


def words(text: str) -> list[str]:
    return text.split()


EN_WORDS = words(
    "system cache queue index latency replica shard schema query planner lock "
    "transaction commit rollback log stream batch worker broker retry timeout budget "
    "failure outage incident review design pattern service gateway proxy client "
    "server protocol message event state machine clock lease leader follower vote "
    "quorum storage disk memory page buffer pool thread process kernel network packet "
    "socket header cookie session token secret key hash tree graph table column row "
    "field value type font layout grid baseline typeface glyph reading writing notes "
    "essay lecture paper draft chapter library archive garden kitchen travel coffee "
    "music film history city river mountain weekend habit team meeting hiring career "
    "mentor budget market product launch feedback metric"
)
CJK_WORDS = words(
    "架構 設計 快取 佇列 索引 延遲 副本 分片 查詢 交易 日誌 重試 逾時 "
    "故障 事故 服務 閘道 協定 訊息 事件 狀態 時鐘 租約 儲存 記憶體 執行緒 "
    "網路 字型 排版 閱讀 筆記 讀書會 歷史 城市 咖啡 音樂 電影 旅行 團隊 "
    "產品 架构 设计 缓存 队列 延迟 查询 事务 日志 重试 超时 服务 网关 "
    "协议 消息 状态 时钟 存储 内存 线程 网络 字体 阅读 笔记 历史 城市 "
    "团队 产品 微服务 数据库 分布式 可观测性 性能 安全 前端 后端 运维 測試 "
    "部署"
)
#: First-written forms with capitals, so tag keys and names differ.
CASED_TAGS = words(
    "Kubernetes PostgreSQL SQLite Python Django Redis Celery Linux Rust Go JavaScript "
    "TypeScript CSS HTML HTTP DNS TLS OAuth GraphQL WebAssembly Unicode RSS Atom UX "
    "SRE DevOps API CJK IPv6 Git"
)
SPACED_TAGS = [
    "machine learning",
    "distributed systems",
    "code review",
    "web performance",
    "reading list",
    "long reads",
    "open source",
    "data modeling",
]

SURNAMES = [
    ("張", "zhang"), ("王", "wang"), ("李", "li"), ("陳", "chen"), ("林", "lin"),
    ("黃", "huang"), ("吳", "wu"), ("劉", "liu"), ("蔡", "cai"), ("楊", "yang"),
    ("周", "zhou"), ("許", "xu"), ("鄭", "zheng"), ("謝", "xie"), ("郭", "guo"),
]  # fmt: skip
GIVEN_CJK = words(
    "旭 小雨 怡君 志豪 雅婷 家豪 美玲 俊傑 淑芬 建宏 子涵 宇軒 欣怡 浩然 思妤 明哲 佳蓉 冠宇"
)
GIVEN_EN = words(
    "Mei Oskar Priya Alice Tomás Hana Jonas Leila Marcus Ines Kenji Amara Felix Sofia "
    "Ravi Nora Diego Yuki Elena Samir Greta Owen"
)
FAMILY_EN = words(
    "Chen Lind Raman Novak Okafor Silva Berg Haddad Tanaka Moreau Kowalski Ibarra Lee "
    "Fischer Nakamura Costa Walsh"
)
HANDLES = words("quietfox nightowl paperkite slowtide tinyharbor bluepine oddfern")

HOSTS = [
    "example.org",
    "example.com",
    "example.net",
    "blog.example.org",
    "docs.example.com",
    "news.example.net",
    "wiki.example.org",
    "notes.example",
    "journal.example",
    "reader.test",
]
COLOURS = ["yellow", "green", "blue", "pink"]
COLOUR_CUM = list(accumulate([7, 1, 1, 1]))
#: Tags per bookmark: 0 to 6, about 2.6 on average.
TAG_COUNT_CUM = list(accumulate([10, 20, 25, 20, 12, 8, 5]))

#: Tiny stored copies shared (by content hash, as the snapshot pipeline
#: stores them) by every page that shows "Cached".
COPIES = [
    f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title></head>"
    f"<body><h1>{title}</h1><p>{body}</p></body></html>"
    for title, body in [
        ("Reading notes", "A made-up page kept as a tiny cached copy."),
        ("讀書筆記", "這是一份很小的快取副本，內容是虛構的。"),
        ("读书笔记", "这是一份很小的缓存副本，内容是虚构的。"),
        ("Field guide", "Short text standing in for a whole article."),
        ("Postmortem", "What happened, what we changed, what we are still unsure of."),
        ("設計筆記", "架構、快取與佇列的取捨。"),
        ("Long read", "Several thousand words would normally follow here."),
        ("Essay", "An essay about libraries, gardens and the habit of taking notes."),
    ]
]


def zipf_cum(n: int, s: float = 1.0) -> list[float]:
    """Cumulative weights 1/rank^s for ranks 1..n: a long tail for ``choices``."""
    return list(accumulate(rank**-s for rank in range(1, n + 1)))


def split_by_weight(total: int, cum: list[float]) -> list[int]:
    """``total`` split in proportion to the weights, largest remainders first."""
    weights = [b - a for a, b in zip([0.0, *cum[:-1]], cum, strict=True)]
    shares = [total * w / cum[-1] for w in weights]
    counts = [int(share) for share in shares]
    by_remainder = sorted(range(len(shares)), key=lambda i: counts[i] - shares[i])
    for i in by_remainder[: total - sum(counts)]:
        counts[i] += 1
    return counts


# --- Planning ------------------------------------------------------------------


@dataclass
class PlannedGroup:
    public: bool
    created: float
    #: User indexes; the first is the owner.
    members: list[int]
    member_cum: list[float]
    moderators: set[int]
    #: Tag indexes this group talks about most, and their weights.
    theme: list[int]
    theme_cum: list[float]


class Planner:
    """Indexes, not ids: user 0, page 0, bookmark 0… become ids when written."""

    def __init__(self, sizes: Sizes, seed: int):
        self.sizes = sizes
        self.seed = seed
        self.rng = random.Random(seed)  # noqa: S311 -- reproducible, not secret
        self.tag_cum = zipf_cum(sizes.tags, 1.05)
        self.user_cum = zipf_cum(sizes.users, 0.8)
        # Pages: when first saved.
        self.page_time = array("d")
        # Bookmarks.
        self.b_user = array("l")
        self.b_page = array("l")
        self.b_time = array("d")
        self.b_private = bytearray()
        self.b_to_read = bytearray()
        self.b_tag_start = array("l", [0])
        self.b_tags = array("l")
        self.owned: dict[int, int] = {}  # (user << 32 | page) -> bookmark
        # Groups, items and shares.
        self.groups: list[PlannedGroup] = []
        self.i_group = array("l")
        self.i_page = array("l")
        self.i_time = array("d")
        self.i_by = array("l")
        self.i_share_start = array("l", [0])
        self.s_bookmark = array("l")
        self.s_time = array("d")
        # Highlights per bookmark, and where each bookmark's highlights start.
        self.h_count = array("l")
        self.h_start = array("l")

    def plan(self) -> "Planner":
        self.plan_groups()
        self.plan_items()
        self.plan_library()
        self.plan_highlights()
        return self

    # People and groups.
    def plan_groups(self) -> None:
        rng, sizes = self.rng, self.sizes
        popular_tags = min(sizes.tags, 60)
        for g in range(sizes.groups):
            # The first group is the big public one; the second, when there is
            # one, private; then about seven public groups in ten.
            public = g == 0 or (g != 1 and rng.random() < 0.7)
            size = min(sizes.users, max(3, int(sizes.users * 0.3 / (g + 1) ** 0.7)))
            members = rng.sample(range(sizes.users), size)
            moderators = set(members[1 : 1 + max(1, size // 50)])
            theme = rng.sample(range(popular_tags), min(6, popular_tags))
            self.groups.append(
                PlannedGroup(
                    public=public,
                    created=START + rng.random() * (END - START) * 0.3,
                    members=members,
                    member_cum=zipf_cum(size, 1.0),
                    moderators=moderators,
                    theme=theme,
                    theme_cum=list(accumulate([8, 4, 3, 2, 1, 1][: len(theme)])),
                )
            )

    # Bookmarks.
    def new_page(self, when: float) -> int:
        self.page_time.append(when)
        return len(self.page_time) - 1

    def new_bookmark(self, user: int, page: int, when: float, *, private: bool, group=None) -> int:
        rng = self.rng
        b = len(self.b_user)
        self.owned[user << 32 | page] = b
        self.b_user.append(user)
        self.b_page.append(page)
        self.b_time.append(when)
        self.b_private.append(private)
        self.b_to_read.append(rng.random() < 0.15)
        if when < self.page_time[page]:
            self.page_time[page] = when
        count = rng.choices(range(7), cum_weights=TAG_COUNT_CUM)[0]
        chosen: list[int] = []
        for _ in range(count):
            if group is not None and rng.random() < 0.6:
                tag = rng.choices(group.theme, cum_weights=group.theme_cum)[0]
            else:
                tag = rng.choices(range(self.sizes.tags), cum_weights=self.tag_cum)[0]
            if tag not in chosen:
                chosen.append(tag)
        self.b_tags.extend(chosen)
        self.b_tag_start.append(len(self.b_tags))
        return b

    def bookmark_tags(self, b: int) -> array:
        return self.b_tags[self.b_tag_start[b] : self.b_tag_start[b + 1]]

    def plan_items(self) -> None:
        """Items group by group, busiest first, each with one to three sharers."""
        rng, sizes = self.rng, self.sizes
        per_group = split_by_weight(sizes.items, zipf_cum(sizes.groups, 1.0))
        left = sizes.items
        reusable: list[int] = []  # pages already in a group: some are shared again elsewhere
        for g, count in enumerate(per_group):
            group = self.groups[g]
            in_group: set[int] = set()
            for _ in range(count):
                left -= 1
                when = group.created + rng.random() * (END - group.created)
                page = -1
                if reusable and rng.random() < 0.08:
                    page = rng.choice(reusable)
                if page < 0 or page in in_group:
                    page = self.new_page(when)
                    if len(reusable) < 5000 and rng.random() < 0.1:
                        reusable.append(page)
                in_group.add(page)
                # Extra sharers only while every remaining item can still have one.
                room = sizes.bookmarks - len(self.b_user) - left - 1
                wanted = 1 + (rng.random() < 0.12) + (rng.random() < 0.03)
                sharers = self.pick_members(group, min(wanted, 1 + max(room, 0)))
                shares = []
                for j, user in enumerate(sharers):
                    at = when + j * rng.uniform(DAY / 24, 30 * DAY)
                    b = self.owned.get(user << 32 | page)
                    if b is None:
                        saved = at - rng.random() * 3 * DAY
                        private = rng.random() < 0.05
                        b = self.new_bookmark(user, page, saved, private=private, group=group)
                    shares.append((max(at, self.b_time[b]), b))
                shares.sort()
                self.i_group.append(g)
                self.i_page.append(page)
                self.i_time.append(shares[0][0])
                self.i_by.append(self.b_user[shares[0][1]])
                for at, b in shares:
                    self.s_bookmark.append(b)
                    self.s_time.append(at)
                self.i_share_start.append(len(self.s_bookmark))

    def pick_members(self, group: PlannedGroup, count: int) -> list[int]:
        """Distinct members, the group's busiest sharers most often."""
        picked: list[int] = []
        while len(picked) < min(count, len(group.members)):
            user = self.rng.choices(group.members, cum_weights=group.member_cum)[0]
            if user not in picked:
                picked.append(user)
        return picked

    def plan_library(self) -> None:
        """The rest of the bookmarks: people's own libraries, a quarter private,
        a quarter of them pages someone else saved too."""
        rng, sizes = self.rng, self.sizes
        users = range(sizes.users)
        while len(self.b_user) < sizes.bookmarks:
            user = rng.choices(users, cum_weights=self.user_cum)[0]
            when = START + rng.random() * (END - START)
            page = -1
            if self.page_time and rng.random() < 0.25:
                # Popular pages are the early ones: a skewed pick.
                page = int(len(self.page_time) * rng.random() ** 3)
                if user << 32 | page in self.owned:
                    page = -1
            if page < 0:
                page = self.new_page(when)
            self.new_bookmark(user, page, when, private=rng.random() < 0.25)

    def plan_highlights(self) -> None:
        """Highlights land on shared bookmarks four times as often, with a long
        tail: a few bookmarks carry dozens (the "…12 more annotations…" case)."""
        rng, n = self.rng, len(self.b_user)
        shared = bytearray(n)
        for b in self.s_bookmark:
            shared[b] = 1
        weights = (
            (4.0 if shared[b] else 1.0) * min(rng.paretovariate(1.5), 12.0) for b in range(n)
        )
        cum = list(accumulate(weights))
        self.h_count = array("l", [0]) * n
        for b in rng.choices(range(n), cum_weights=cum, k=self.sizes.highlights) if n else ():
            self.h_count[b] += 1
        self.h_start = array("l", accumulate(self.h_count, initial=0))

    def highlight_of(self, b: int) -> int | None:
        """One of bookmark ``b``'s highlights (an index), or None."""
        count = self.h_count[b]
        return self.h_start[b] + self.rng.randrange(count) if count else None

    def bookmark_of_highlight(self, h: int) -> int:
        return bisect_right(self.h_start, h) - 1


# --- Text ------------------------------------------------------------------------


class Text:
    """Made-up titles, sentences and names from a generator of their own."""

    def __init__(self, seed: int, stream: str):
        self.rng = random.Random(f"{seed}:{stream}")  # noqa: S311 -- reproducible

    def cjk(self) -> bool:
        return self.rng.random() < 0.3

    def title(self) -> str:
        rng = self.rng
        if self.cjk():
            topic = rng.choice(demo.SYSTEMS_TOPICS)[rng.choice((1, 2))]
            return "".join(rng.choices(CJK_WORDS, k=rng.randint(1, 3))) + "：" + topic
        topic = rng.choice(demo.SYSTEMS_TOPICS + demo.TYPE_TOPICS)[0]
        pattern = rng.choice(demo.SYSTEMS_TITLES["en"])
        words = " ".join(rng.choices(EN_WORDS, k=rng.randint(0, 3)))
        return pattern.format(s=topic, S=topic[:1].upper() + topic[1:]) + (
            f": {words}" if words else ""
        )

    def sentence(self, low: int = 6, high: int = 16) -> str:
        rng = self.rng
        if self.cjk():
            return "".join(rng.choices(CJK_WORDS, k=rng.randint(low // 2, high // 2))) + "。"
        words = rng.choices(EN_WORDS, k=rng.randint(low, high))
        return " ".join(words).capitalize() + "."

    def paragraph(self) -> str:
        return " ".join(self.sentence() for _ in range(self.rng.randint(1, 3)))

    def pick(self, phrases: list[str]) -> str:
        return self.rng.choice(phrases)


def tag_names(count: int, seed: int) -> list[str]:
    """``count`` tag names with distinct keys, the most used first: plain
    words, CJK words, cased names, names with spaces, then compounds."""
    rng = random.Random(f"{seed}:tags")  # noqa: S311 -- reproducible
    base = EN_WORDS + CJK_WORDS + CASED_TAGS + SPACED_TAGS
    base += [topic for row in demo.SYSTEMS_TOPICS + demo.TYPE_TOPICS for topic in row]
    rng.shuffle(base)
    names, keys = [], set()

    def add(name: str) -> None:
        name = " ".join(name.replace(",", " ").replace("/", " ").split())[:MAX_TAG_LENGTH]
        if name and name not in (".", "..") and fold(name) not in keys:
            keys.add(fold(name))
            names.append(name)

    for name in base:
        if len(names) >= count:
            break
        add(name)
    n = 0
    while len(names) < count:
        n += 1
        a, b = rng.choice(base), rng.choice(base)
        add(rng.choice([f"{a}-{b}", f"{a}{b}", f"{a}-{n}", f"{a} {n}"]))
    return names


def person(rng: random.Random, n: int) -> tuple[str, str]:
    """(username, display name): CJK names with and without a space, English
    names, lower-case handles, and one in ten with no display name."""
    kind = rng.random()
    surname, pinyin = rng.choice(SURNAMES)
    if kind < 0.45:
        given = rng.choice(GIVEN_CJK)
        return f"{pinyin}_{n}", f"{surname} {given}" if rng.random() < 0.5 else surname + given
    first, family = rng.choice(GIVEN_EN), rng.choice(FAMILY_EN)
    if kind < 0.8:
        return f"{first.lower()}.{family.lower()}{n}", f"{first} {family}"
    if kind < 0.9:
        return f"{rng.choice(HANDLES)}{n}", f"{rng.choice(HANDLES)} {pinyin}"
    return f"user{n}", ""


def when(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


MASK64 = (1 << 64) - 1


def mix(x: int) -> int:
    """splitmix64's finaliser: a well-spread 64-bit number from any integer."""
    x = (x + 0x9E3779B97F4A7C15) & MASK64
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & MASK64
    return x ^ (x >> 31)


def page_url(page_id: int, seed: int) -> str:
    """A page's canonical URL, a function of its id alone (bookmarks repeat it
    without keeping a million strings around): reserved example hosts, some
    paths with percent-encoded CJK, the id last so every URL is distinct."""
    x = mix(page_id ^ (seed << 32))
    host, x = HOSTS[x % len(HOSTS)], x // len(HOSTS)
    if x % 100 < 15:
        return f"https://{host}/wiki/{quote(CJK_WORDS[(x // 100) % len(CJK_WORDS)])}-{page_id}"
    x //= 100
    words = []
    for _ in range(3):
        words.append(EN_WORDS[x % len(EN_WORDS)])
        x //= len(EN_WORDS)
    return f"https://{host}/{2014 + page_id % 12}/{'-'.join(words)}-{page_id}"


# --- Writing ---------------------------------------------------------------------


class RowWriter:
    """Writes rows (tuples in the order of ``fields``) into a model's table:
    COPY on PostgreSQL, batched INSERTs on SQLite. Columns the caller does not
    give take their model default, so a field added later does not break the
    generator unless it needs a value only the application can give."""

    BATCH = 5000

    def __init__(self, connection=default_connection, report: Callable[[str], None] = print):
        self.connection = connection
        self.report = report
        self.counts: dict[str, int] = {}
        self.seconds: dict[str, float] = {}

    def write(self, model: type[models.Model], fields: list[str], rows: Iterable[tuple]) -> int:
        started = time.perf_counter()
        given = [model._meta.get_field(name) for name in fields]
        fillers = self.fillers(model, set(fields))
        columns = [field.column for field in given] + [field.column for field, _ in fillers]
        if fillers:
            rows = (row + tuple(fill() for _, fill in fillers) for row in rows)
        if self.connection.vendor == "postgresql":
            count = self.copy(model._meta.db_table, columns, rows)
        else:
            count = self.insert(model, given + [field for field, _ in fillers], columns, rows)
        label = model._meta.label
        self.counts[label] = self.counts.get(label, 0) + count
        self.seconds[label] = self.seconds.get(label, 0.0) + time.perf_counter() - started
        elapsed = time.perf_counter() - started
        rate = count / elapsed if elapsed else 0
        self.report(f"  {label:<24} {count:>10,} rows {elapsed:8.1f} s {rate:>10,.0f} rows/s")
        return count

    @staticmethod
    def fillers(model, given: set[str]) -> list[tuple[models.Field, Callable[[], object]]]:
        now = timezone.now()
        fillers = []
        for field in model._meta.concrete_fields:
            if field.name in given or field.attname in given:
                continue
            if field.db_default is not models.NOT_PROVIDED:
                continue  # the database fills it in
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                fillers.append((field, lambda now=now: now))
            elif field.has_default() and callable(field.default):
                fillers.append((field, field.default))
            else:
                value = field.get_default()
                if value is None and not field.null:
                    raise ValueError(
                        f"generate_data has no value for {model.__name__}.{field.name}: "
                        "teach groups/datagen.py to fill it in."
                    )
                fillers.append((field, lambda value=value: value))
        return fillers

    def copy(self, table: str, columns: list[str], rows: Iterable[tuple]) -> int:
        quote_name = self.connection.ops.quote_name
        sql = f"COPY {quote_name(table)} ({', '.join(quote_name(c) for c in columns)}) FROM STDIN"
        count = 0
        with self.connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            write_row = copy.write_row
            for row in rows:
                write_row(row)
                count += 1
        return count

    def insert(self, model, fields, columns, rows: Iterable[tuple]) -> int:
        quote_name = self.connection.ops.quote_name
        sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 -- quoted names
            quote_name(model._meta.db_table),
            ", ".join(quote_name(c) for c in columns),
            ", ".join(["%s"] * len(columns)),
        )
        # SQLite keeps datetimes as naive UTC text: prepare those columns as
        # Django would; everything else goes in as it is.
        prepare = [
            i for i, field in enumerate(fields) if field.get_internal_type() == "DateTimeField"
        ]
        adapt = self.connection.ops.adapt_datetimefield_value
        count, batch = 0, []
        with self.connection.cursor() as cursor:
            for row in rows:
                if prepare:
                    row = list(row)
                    for i in prepare:
                        row[i] = adapt(row[i])
                batch.append(row)
                if len(batch) >= self.BATCH:
                    cursor.executemany(sql, batch)
                    count, batch = count + len(batch), []
            if batch:
                cursor.executemany(sql, batch)
                count += len(batch)
        return count

    def reset_sequences(self, models_written: list[type[models.Model]]) -> None:
        statements = self.connection.ops.sequence_reset_sql(no_style(), models_written)
        with self.connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def next_id(model: type[models.Model]) -> int:
    return (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1


# --- The data set ----------------------------------------------------------------

WRITTEN = [
    User,
    Tag,
    Group,
    Membership,
    Page,
    Snapshot,
    Bookmark,
    BookmarkTag,
    Highlight,
    Note,
    GroupItem,
    GroupShare,
    GroupItemTag,
    GroupNote,
]


def store_copies() -> list[tuple[str, str, str, int]]:
    """Store the tiny copies once, as the snapshot pipeline stores them (by
    content hash). Returns (name, sha256, text, size) for each."""
    stored = []
    for html in COPIES:
        data = html.encode("utf-8")
        sha = hashlib.sha256(data).hexdigest()
        name = f"snapshots/{sha[:2]}/{sha}.html"
        if not default_storage.exists(name):
            saved = default_storage.save(name, ContentFile(data))
            if saved != name:
                default_storage.delete(saved)
        text = html.split("<h1>")[1].replace("</h1><p>", "\n").split("</p>")[0]
        stored.append((name, sha, text, len(data)))
    return stored


class DataSet:
    """Writes a planned data set. Call ``write()`` inside a transaction."""

    def __init__(self, plan: Planner, writer: RowWriter):
        self.plan, self.writer = plan, writer
        self.seed = plan.seed
        self.base = {model: next_id(model) for model in WRITTEN}
        self.tag_ids: list[int] = []

    def id(self, model, index: int) -> int:
        return self.base[model] + index

    def write(self, copies: list[tuple[str, str, str, int]]) -> dict[str, int]:
        for step in (
            self.write_users,
            self.write_tags,
            self.write_groups,
            self.write_pages,
            lambda: self.write_snapshots(copies),
            self.write_bookmarks,
            self.write_highlights,
            self.write_items,
            self.write_group_notes,
        ):
            step()
        self.writer.reset_sequences(WRITTEN)
        return self.writer.counts

    def write_users(self) -> None:
        rng = random.Random(f"{self.seed}:people")  # noqa: S311 -- reproducible
        base = self.base[User]

        def rows():
            for u in range(self.plan.sizes.users):
                username, display_name = person(rng, base + u)
                joined = when(START - rng.random() * 400 * DAY)
                # No usable password: the benchmark signs people in by session.
                yield (
                    base + u, username, display_name, "!" + secrets.token_urlsafe(30),
                    secrets.token_urlsafe(24), "", "", "", False, False, True, joined,
                )  # fmt: skip

        self.writer.write(
            User,
            ["id", "username", "display_name", "password", "feed_token", "first_name",
             "last_name", "email", "is_staff", "is_superuser", "is_active", "date_joined"],
            rows(),
        )  # fmt: skip

    def write_tags(self) -> None:
        names = tag_names(self.plan.sizes.tags, self.seed)
        keys = [fold(name) for name in names]
        existing = {}
        for start in range(0, len(keys), 5000):
            chunk = keys[start : start + 5000]
            existing.update(Tag.objects.filter(key__in=chunk).values_list("key", "id"))
        next_tag = self.base[Tag]
        new = []
        for name, key in zip(names, keys, strict=True):
            if key in existing:
                self.tag_ids.append(existing[key])
            else:
                self.tag_ids.append(next_tag)
                new.append((next_tag, name, key))
                next_tag += 1
        self.writer.write(Tag, ["id", "name", "key"], new)

    def write_groups(self) -> None:
        text = Text(self.seed, "groups")
        plan = self.plan

        def groups():
            for g, group in enumerate(plan.groups):
                group_id = self.id(Group, g)
                if text.cjk():
                    name = text.pick(CJK_WORDS) + text.pick(["讀書會", "研究社", "小組", "共读"])
                else:
                    words = text.rng.sample(EN_WORDS, 2)
                    name = f"{words[0].capitalize()} {words[1]} {text.pick(['readers', 'circle', 'club', 'lab'])}"  # noqa: E501
                slug = f"{slugify(name, allow_unicode=True)}-{group_id}"
                yield (
                    group_id, name, slug, text.paragraph(),
                    "public" if group.public else "private",
                    self.id(User, group.members[0]), when(group.created),
                )  # fmt: skip

        self.writer.write(
            Group,
            ["id", "name", "slug", "description", "visibility", "created_by", "created_at"],
            groups(),
        )

        def memberships():
            n = 0
            for g, group in enumerate(plan.groups):
                for position, user in enumerate(group.members):
                    role = (
                        "owner" if position == 0
                        else "moderator" if user in group.moderators else "member"
                    )  # fmt: skip
                    yield (
                        self.id(Membership, n), self.id(Group, g), self.id(User, user), role,
                        when(group.created + position * 60.0),
                    )  # fmt: skip
                    n += 1

        self.writer.write(Membership, ["id", "group", "user", "role", "joined_at"], memberships())

    def write_pages(self) -> None:
        text = Text(self.seed, "pages")

        def rows():
            for p, saved in enumerate(self.plan.page_time):
                page_id = self.id(Page, p)
                url = page_url(page_id, self.seed)
                description = text.paragraph() if text.rng.random() < 0.3 else ""
                yield (
                    page_id, url, hashlib.sha256(url.encode()).hexdigest(),
                    text.title(), description, when(saved),
                )  # fmt: skip

        self.writer.write(
            Page, ["id", "url", "url_hash", "title", "description", "created_at"], rows()
        )

    def write_snapshots(self, copies) -> None:
        """A good copy for about a third of the pages, a failed fetch for one
        in twenty, nothing for the rest: never a pending one, which a
        periodic job would hand to a worker to fetch."""
        rng = random.Random(f"{self.seed}:snapshots")  # noqa: S311 -- reproducible

        def rows():
            n = 0
            for p, saved in enumerate(self.plan.page_time):
                draw = rng.random()
                if draw >= 0.40:
                    continue
                fetched = when(saved + 600)
                if draw < 0.35:
                    name, sha, body, size = copies[rng.randrange(len(copies))]
                    row = ("ok", fetched, 200, "text/html", "utf-8", size, sha, name, body, "")
                else:
                    row = ("failed", fetched, 404, "", "", None, "", "", "", "HTTP 404")
                final_url = page_url(self.id(Page, p), self.seed) if draw < 0.35 else ""
                yield (self.id(Snapshot, n), self.id(Page, p), *row, final_url, fetched)
                n += 1

        self.writer.write(
            Snapshot,
            ["id", "page", "status", "fetched_at", "http_status", "content_type", "charset",
             "size", "sha256", "html", "text", "error", "final_url", "created_at"],
            rows(),
        )  # fmt: skip

    def write_bookmarks(self) -> None:
        plan, text = self.plan, Text(self.seed, "bookmarks")
        rng = text.rng

        def rows():
            for b in range(len(plan.b_user)):
                page_id = self.id(Page, plan.b_page[b])
                saved = when(plan.b_time[b])
                # The URL as given: the canonical one, now and then with a fragment.
                url = page_url(page_id, self.seed)
                url = url + "#section-2" if rng.random() < 0.1 else url
                title = text.title() if rng.random() < 0.9 else ""
                description = text.paragraph() if rng.random() < 0.4 else ""
                yield (
                    self.id(Bookmark, b), self.id(User, plan.b_user[b]), page_id, url, title,
                    description, bool(plan.b_private[b]), bool(plan.b_to_read[b]), saved,
                    when(plan.b_time[b] + rng.random() * 30 * DAY),
                )  # fmt: skip

        self.writer.write(
            Bookmark,
            ["id", "user", "page", "url", "title", "description", "is_private", "to_read",
             "created_at", "updated_at"],
            rows(),
        )  # fmt: skip

        def links():
            n = 0
            tag_ids = self.tag_ids
            for b in range(len(plan.b_user)):
                bookmark_id = self.id(Bookmark, b)
                for tag in plan.bookmark_tags(b):
                    yield (self.id(BookmarkTag, n), bookmark_id, tag_ids[tag])
                    n += 1

        self.writer.write(BookmarkTag, ["id", "bookmark", "tag"], links())

    def write_highlights(self) -> None:
        plan, text = self.plan, Text(self.seed, "highlights")
        rng = text.rng
        quotes = [text.sentence(8, 30) for _ in range(4000)]

        def rows():
            h = 0
            for b, count in enumerate(plan.h_count):
                bookmark_id = self.id(Bookmark, b)
                for ordinal in range(count):
                    at = when(plan.b_time[b] + rng.random() * 7 * DAY)
                    colour = rng.choices(COLOURS, cum_weights=COLOUR_CUM)[0]
                    yield (
                        self.id(Highlight, h), bookmark_id, rng.choice(quotes), "", "",
                        "unanchored", ordinal, colour, at, at,
                    )  # fmt: skip
                    h += 1

        self.writer.write(
            Highlight,
            ["id", "bookmark", "quote", "prefix", "suffix", "anchor_state", "ordinal",
             "colour", "created_at", "updated_at"],
            rows(),
        )  # fmt: skip

        notes = demo.STICKY_NOTES + [text.sentence() for _ in range(500)]

        def sticky():
            highlights = plan.sizes.highlights
            for n in range(plan.sizes.notes):
                highlight_id = None
                if highlights and rng.random() < 0.7:
                    h = rng.randrange(plan.sizes.highlights)
                    b = plan.bookmark_of_highlight(h)
                    highlight_id = self.id(Highlight, h)
                elif plan.s_bookmark and rng.random() < 0.5:
                    b = rng.choice(plan.s_bookmark)
                else:
                    b = rng.randrange(len(plan.b_user))
                at = when(plan.b_time[b] + 7 * DAY + rng.random() * 30 * DAY)
                yield (
                    self.id(Note, n), self.id(Bookmark, b), highlight_id, rng.choice(notes),
                    at, at,
                )  # fmt: skip

        self.writer.write(
            Note, ["id", "bookmark", "highlight", "text", "created_at", "updated_at"], sticky()
        )

    def write_items(self) -> None:
        plan = self.plan
        rng = random.Random(f"{self.seed}:items")  # noqa: S311 -- reproducible

        def items():
            for i in range(len(plan.i_group)):
                views = min(int(rng.paretovariate(1.2)) - 1, 100_000)
                yield (
                    self.id(GroupItem, i), self.id(Group, plan.i_group[i]),
                    self.id(Page, plan.i_page[i]), self.id(User, plan.i_by[i]),
                    when(plan.i_time[i]), views,
                )  # fmt: skip

        self.writer.write(
            GroupItem, ["id", "group", "page", "shared_by", "shared_at", "view_count"], items()
        )

        def shares():
            for s in range(len(plan.s_bookmark)):
                i = bisect_right(plan.i_share_start, s) - 1
                yield (
                    self.id(GroupShare, s), self.id(GroupItem, i),
                    self.id(Bookmark, plan.s_bookmark[s]), when(plan.s_time[s]),
                )  # fmt: skip

        self.writer.write(GroupShare, ["id", "item", "bookmark", "shared_at"], shares())

        def item_tags():
            n, tag_ids = 0, self.tag_ids
            for i in range(len(plan.i_group)):
                item_id, group_id = self.id(GroupItem, i), self.id(Group, plan.i_group[i])
                shared_at = when(plan.i_time[i])
                seen: list[int] = []
                for s in range(plan.i_share_start[i], plan.i_share_start[i + 1]):
                    for tag in plan.bookmark_tags(plan.s_bookmark[s]):
                        if tag not in seen:
                            seen.append(tag)
                            yield (self.id(GroupItemTag, n), item_id, tag_ids[tag], group_id,
                                   shared_at)  # fmt: skip
                            n += 1

        self.writer.write(GroupItemTag, ["id", "item", "tag", "group", "shared_at"], item_tags())

    def write_group_notes(self) -> None:
        plan, text = self.plan, Text(self.seed, "discussion")
        rng = text.rng
        lines = demo.DISCUSSION + [text.sentence() for _ in range(500)]

        def rows():
            items = len(plan.i_group)
            for n in range(plan.sizes.group_notes if items else 0):
                i = rng.randrange(items)
                group = plan.groups[plan.i_group[i]]
                author = rng.choice(group.members)
                highlight_id = None
                if rng.random() < 0.4:
                    first, last = plan.i_share_start[i], plan.i_share_start[i + 1]
                    h = plan.highlight_of(plan.s_bookmark[rng.randrange(first, last)])
                    highlight_id = None if h is None else self.id(Highlight, h)
                at = when(plan.i_time[i] + DAY / 24 + rng.random() * 60 * DAY)
                yield (
                    self.id(GroupNote, n), self.id(GroupItem, i), highlight_id,
                    self.id(User, author), rng.choice(lines), at, at,
                )  # fmt: skip

        self.writer.write(
            GroupNote,
            ["id", "item", "highlight", "author", "text", "created_at", "updated_at"],
            rows(),
        )


def analyze(connection=default_connection, *, vacuum: bool) -> None:
    """Fresh planner statistics (and, outside a transaction, the visibility
    map that index-only scans need) for every table written."""
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        return
    tables = ", ".join(connection.ops.quote_name(model._meta.db_table) for model in WRITTEN)
    with connection.cursor() as cursor:
        cursor.execute(f"{'VACUUM (ANALYZE)' if vacuum else 'ANALYZE'} {tables}")


@contextmanager
def keys_and_indexes_built_at_the_end(connection, report: Callable[[str], None]):
    """PostgreSQL: take the foreign keys and the plain indexes off the tables
    written and put them back, exactly as they were, once the rows are in.

    Adding a foreign key checks every row in one join, where a key left in
    place checks row by row at commit; building an index sorts once, where a
    live index takes each row in a random place. Primary keys and unique
    constraints stay, so a duplicate still fails at once. DDL is
    transactional: the caller's transaction holds the tables meanwhile, and
    a failure restores everything."""
    if connection.vendor != "postgresql":
        yield
        return
    tables = [model._meta.db_table for model in WRITTEN]
    quote_name = connection.ops.quote_name
    # A table with deferred checks still pending in this transaction cannot
    # be altered: run them now.
    connection.check_constraints()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE contype = 'f' AND conrelid = ANY(%s::regclass[])",
            [tables],
        )
        keys = cursor.fetchall()
        cursor.execute(
            "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index i "
            "WHERE indrelid = ANY(%s::regclass[]) AND NOT EXISTS ("
            "  SELECT 1 FROM pg_constraint c"
            "  WHERE c.conrelid = i.indrelid AND c.conindid = i.indexrelid)",
            [tables],
        )
        indexes = cursor.fetchall()
        for table, name, _ in keys:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {quote_name(name)}")
        for index, _ in indexes:
            cursor.execute(f"DROP INDEX {index}")
    yield
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for _, definition in indexes:
            cursor.execute(definition)
        built = time.perf_counter()
        for table, name, definition in keys:
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {quote_name(name)} {definition}")
    report(
        f"  {len(indexes)} indexes built in {built - started:.1f} s, {len(keys)} foreign "
        f"keys added back and checked in {time.perf_counter() - built:.1f} s"
    )


def generate(
    sizes: Sizes, *, seed: int, writer: RowWriter, report: Callable[[str], None]
) -> dict[str, int]:
    """Plan and write the data set; the caller holds the transaction."""
    started = time.perf_counter()
    plan = Planner(sizes, seed).plan()
    report(
        f"planned in {time.perf_counter() - started:.1f} s: {len(plan.page_time):,} pages, "
        f"{len(plan.s_bookmark):,} shares"
    )
    copies = store_copies()
    with keys_and_indexes_built_at_the_end(writer.connection, report):
        return DataSet(plan, writer).write(copies)
