"""The Pinboard v1 endpoints through the test client: what each answers, in
XML and JSON, what it writes, and what it refuses."""

import json
from datetime import UTC, datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from lxml import etree

from accounts.tests.factories import UserFactory
from bookmarks.models import Bookmark, Snapshot
from bookmarks.services import save_bookmark
from groups.models import GroupItem
from groups.services import share_bookmark
from groups.tests.factories import GroupFactory, MembershipFactory
from interchange.pinboard.tokens import get_or_issue_token

pytestmark = pytest.mark.django_db

API = "/api/v1/"


@pytest.fixture(autouse=True)
def no_rate_limit(settings):
    # Limits have their own tests (test_pinboard_auth); counters live in the
    # cache (Redis under CI), which outlives each test.
    settings.PINBOARD_API_RATE_LIMIT = 100_000
    cache.clear()


@pytest.fixture
def owner(db):
    return UserFactory(username="lin", display_name="林 小姐")


@pytest.fixture
def token(owner):
    return get_or_issue_token(user=owner).full_token


def call(client, token, method, **params):
    return client.get(API + method, {"auth_token": token, **params})


def body(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def xml(response):
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    return etree.fromstring(body(response))


def as_json(response):
    assert response["Content-Type"] == "text/json; charset=utf-8"
    return json.loads(body(response))


def save(user, url, title="", tags=(), **kwargs):
    bookmark, _ = save_bookmark(
        user=user, url=url, title=title, tag_names=tags, snapshot=False, **kwargs
    )
    return bookmark


# --- posts/add -----------------------------------------------------------------


def test_add_maps_pinboard_fields_to_a_bookmark(
    client, owner, token, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        response = call(
            client,
            token,
            "posts/add",
            url="https://example.org/架構?q=1",
            description="系統架構 & <notes>",
            extended="Line one\nline two",
            tags="架構 machine_learning python",
            dt="2010-12-11T19:48:02Z",
            shared="no",
            toread="yes",
        )
    assert response.status_code == 200
    assert xml(response).attrib == {"code": "done"}
    bookmark = Bookmark.objects.get(user=owner)
    assert bookmark.url == "https://example.org/架構?q=1"
    assert bookmark.title == "系統架構 & <notes>"
    assert bookmark.description == "Line one\nline two"
    assert bookmark.is_private and bookmark.to_read
    assert bookmark.created_at == datetime(2010, 12, 11, 19, 48, 2, tzinfo=UTC)
    assert sorted(t.name for t in bookmark.tags.all()) == ["machine_learning", "python", "架構"]
    # Like any other save: a pending snapshot, enqueued once the save commits.
    assert Snapshot.objects.filter(page=bookmark.page, status=Snapshot.Status.PENDING).exists()
    assert callbacks


def test_add_defaults_follow_pinboard(client, owner, token):
    call(client, token, "posts/add", url="https://example.org/a", description="A")
    bookmark = Bookmark.objects.get(user=owner)
    assert not bookmark.is_private  # shared defaults to yes
    assert not bookmark.to_read


def test_add_replaces_unless_told_not_to(client, owner, token):
    save(owner, "https://example.org/a", title="Old", tags=["old"], description="keep?")
    response = call(client, token, "posts/add", url="https://example.org/a", replace="no")
    assert xml(response).attrib == {"code": "item already exists"}
    assert response.status_code == 200

    call(client, token, "posts/add", url="https://EXAMPLE.org/a#x", description="New", tags="new")
    bookmark = Bookmark.objects.get(user=owner)
    assert (bookmark.title, bookmark.description) == ("New", "")
    assert [t.name for t in bookmark.tags.all()] == ["new"]


def test_add_with_dt_on_an_existing_bookmark_moves_it(client, owner, token):
    save(owner, "https://example.org/a", title="A")
    call(client, token, "posts/add", url="https://example.org/a", description="A", dt="2001-02-03")
    assert Bookmark.objects.get().created_at == datetime(2001, 2, 3, tzinfo=UTC)


def test_a_time_far_ahead_becomes_now(client, owner, token):
    call(client, token, "posts/add", url="https://example.org/a", dt="2999-01-01T00:00:00Z")
    assert Bookmark.objects.get().created_at.year < 2999


def test_a_space_in_our_tag_name_travels_as_an_underscore(client, owner, token):
    save(owner, "https://example.org/a", tags=["machine learning", "snake_case"])
    post = as_json(call(client, token, "posts/get", url="https://example.org/a", format="json"))
    assert post["posts"][0]["tags"] == "machine_learning snake_case"
    # Saved back as read, the bookmark keeps the tags it had.
    call(
        client, token, "posts/add", url="https://example.org/a", tags="machine_learning snake_case"
    )
    names = sorted(t.name for t in Bookmark.objects.get().tags.all())
    assert names == ["machine learning", "snake_case"]


def test_tags_our_names_cannot_hold_are_adapted(client, owner, token):
    call(client, token, "posts/add", url="https://example.org/a", tags="ci/cd,devops  DevOps")
    assert sorted(t.name for t in Bookmark.objects.get().tags.all()) == ["ci_cd", "devops"]


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({}, "missing url"),
        ({"url": "   "}, "missing url"),
        ({"url": "ftp://example.org/"}, "invalid url"),
        ({"url": "https://exa mple.org/"}, "invalid url"),
        ({"url": "https://example.org/", "shared": "maybe"}, "invalid shared: use yes or no"),
        ({"url": "https://example.org/", "toread": "2"}, "invalid toread: use yes or no"),
        ({"url": "https://example.org/", "replace": "sí"}, "invalid replace: use yes or no"),
        (
            {"url": "https://example.org/", "dt": "yesterday"},
            "invalid dt: use a time like 2010-12-11T19:48:02Z",
        ),
        ({"url": "https://example.org/", "dt": "2010-02-30"}, None),
        ({"url": "https://example.org/", "tags": ".."}, None),
        ({"url": "https://example.org/", "description": "x" * 2001}, "description is too long"),
    ],
)
@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_bad_parameters_are_pinboard_errors(client, owner, token, params, code, fmt):
    response = call(client, token, "posts/add", format=fmt, **params)
    assert response.status_code == 400
    result = as_json(response)["result_code"] if fmt == "json" else xml(response).get("code")
    assert result != "done"
    if code:
        assert result == code
    assert not Bookmark.objects.exists()


# --- posts/delete ----------------------------------------------------------------


def test_delete_takes_the_bookmark_out_of_its_groups(client, owner, token):
    group = GroupFactory()
    MembershipFactory(group=group, user=owner)
    bookmark = save(owner, "https://example.org/a")
    share_bookmark(bookmark=bookmark, group=group)

    response = call(client, token, "posts/delete", url="https://example.org/a#frag")
    assert xml(response).attrib == {"code": "done"}
    assert not Bookmark.objects.exists()
    assert not GroupItem.objects.exists()

    response = call(client, token, "posts/delete", url="https://example.org/a", format="json")
    assert as_json(response) == {"result_code": "item not found"}


# --- reading -------------------------------------------------------------------


@pytest.fixture
def library(owner):
    a = save(owner, "https://example.org/a", title="A", tags=["python", "web"])
    b = save(owner, "https://example.org/b", title="B", tags=["python"], is_private=True)
    c = save(owner, "https://example.org/c", title="C", to_read=True)
    for bookmark, when in ((a, "2020-01-01T10:00:00Z"), (b, "2020-01-02T09:00:00Z")):
        Bookmark.objects.filter(pk=bookmark.pk).update(created_at=when)
    Bookmark.objects.filter(pk=c.pk).update(created_at="2020-01-02T23:59:59Z")
    # Someone else's bookmarks never show.
    stranger = UserFactory()
    save(stranger, "https://example.org/a", title="Theirs", tags=["python", "secret"])
    save(stranger, "https://example.org/z", title="Private", tags=["python"], is_private=True)
    return SimpleLibrary(a=a, b=b, c=c)


class SimpleLibrary:
    def __init__(self, **kwargs):
        self.__dict__.update(kwargs)


def test_get_shows_the_newest_day_by_default(client, owner, token, library):
    root = xml(call(client, token, "posts/get"))
    assert root.tag == "posts"
    assert (root.get("dt"), root.get("user")) == ("2020-01-02", "lin")
    assert [post.get("href") for post in root] == ["https://example.org/c", "https://example.org/b"]
    private = root[1].attrib
    assert private["shared"] == "no" and private["tag"] == "python"
    assert private["time"] == "2020-01-02T09:00:00Z"
    assert len(private["hash"]) == 32 and len(private["meta"]) == 32
    assert root[0].get("toread") == "yes"


def test_get_by_date_url_and_tag(client, owner, token, library):
    data = as_json(call(client, token, "posts/get", dt="2020-01-01", format="json"))
    assert data["date"] == "2020-01-01T10:00:00Z"
    assert [p["description"] for p in data["posts"]] == ["A"]
    assert data["posts"][0]["tags"] == "python web"

    data = as_json(call(client, token, "posts/get", url="https://example.org/z", format="json"))
    assert data["posts"] == []  # the stranger's, not ours

    root = xml(call(client, token, "posts/get", dt="2020-01-02", tag="python"))
    assert [post.get("description") for post in root] == ["B"]
    assert root.get("tag") == "python"


def test_recent_counts_and_filters(client, owner, token, library):
    data = as_json(call(client, token, "posts/recent", count="2", format="json"))
    assert [p["description"] for p in data["posts"]] == ["C", "B"]
    assert data["user"] == "lin"
    root = xml(call(client, token, "posts/recent", tag="python web"))
    assert [post.get("description") for post in root] == ["A"]
    root = xml(call(client, token, "posts/recent", tag="secret"))
    assert len(root) == 0
    assert call(client, token, "posts/recent", count="x").status_code == 400
    assert call(client, token, "posts/recent", tag="a b c d").status_code == 400


def test_dates(client, owner, token, library):
    data = as_json(call(client, token, "posts/dates", format="json"))
    assert data == {"user": "lin", "tag": "", "dates": {"2020-01-02": 2, "2020-01-01": 1}}
    root = xml(call(client, token, "posts/dates", tag="python"))
    assert [(d.get("date"), d.get("count")) for d in root] == [
        ("2020-01-02", "1"),
        ("2020-01-01", "1"),
    ]


def test_all_with_its_filters(client, owner, token, library):
    def titles(**params):
        response = call(client, token, "posts/all", format="json", **params)
        assert response.status_code == 200
        return [post["description"] for post in as_json(response)]

    assert titles() == ["C", "B", "A"]
    assert titles(start="1", results="1") == ["B"]
    assert titles(start="5") == []
    assert titles(tag="python") == ["B", "A"]
    assert titles(fromdt="2020-01-02T00:00:00Z") == ["C", "B"]
    assert titles(todt="2020-01-02T09:00:00Z") == ["B", "A"]
    assert titles(meta="1") == ["C", "B", "A"]
    root = xml(call(client, token, "posts/all", tag="web"))
    assert root.tag == "posts" and [p.get("description") for p in root] == ["A"]
    for bad in ({"start": "-1"}, {"results": "many"}, {"fromdt": "soon"}, {"meta": "perhaps"}):
        assert call(client, token, "posts/all", **bad).status_code == 400


def test_all_streams_in_batches(client, owner, token):
    for n in range(450):
        save(owner, f"https://example.org/{n}", title=f"T{n}", tags=["bulk"])
    response = call(client, token, "posts/all")
    assert response.streaming
    chunks = list(response.streaming_content)
    assert len(chunks) > 2
    assert len(etree.fromstring(b"".join(chunks))) == 450


def test_all_costs_constant_queries(client, owner, token):
    def run():
        with CaptureQueriesContext(connection) as queries:
            data = body(call(client, token, "posts/all", tag="t0"))
        return len(queries), data

    save(owner, "https://example.org/first", tags=["t0", "t1"])
    few, _ = run()
    for n in range(60):
        save(owner, f"https://example.org/{n}", tags=["t0", f"x{n}", f"y{n}"])
    many, data = run()
    assert many == few
    assert len(etree.fromstring(data)) == 61


def test_tags_get_costs_constant_queries(client, owner, token):
    save(owner, "https://example.org/first", tags=["a"])
    with CaptureQueriesContext(connection) as few:
        call(client, token, "tags/get")
    for n in range(40):
        save(owner, f"https://example.org/{n}", tags=[f"t{n}", "a", "b c"])
    with CaptureQueriesContext(connection) as many:
        response = call(client, token, "tags/get", format="json")
    assert len(many) == len(few)
    tags = as_json(response)
    assert tags["a"] == 41 and tags["b_c"] == 40 and tags["t7"] == 1


def test_update_moves_on_change_and_on_deletion(client, owner, token, library):
    def update_time():
        return as_json(call(client, token, "posts/update", format="json"))["update_time"]

    first = update_time()
    assert xml(call(client, token, "posts/update")).get("time") == first
    assert update_time() == first
    call(client, token, "posts/delete", url="https://example.org/b")
    after_deletion = update_time()
    assert after_deletion > first
    assert update_time() == after_deletion
    Bookmark.objects.filter(pk=library.a.pk).update(updated_at="2030-01-01T00:00:00Z")
    assert update_time() == "2030-01-01T00:00:00Z"
    call(client, token, "posts/delete", url="https://example.org/c")
    # Never back in time, even behind a bookmark dated in the future.
    assert update_time() == "2030-01-01T00:00:01Z"


def test_suggest(client, owner, token, library):
    stranger = UserFactory()
    save(stranger, "https://example.org/b", tags=["python", "tutorial"])
    # Private bookmarks are never suggested: not someone's own, nor one shared
    # into a private group (even one the caller belongs to).
    save(UserFactory(), "https://example.org/b", tags=["hidden"], is_private=True)
    keeper = UserFactory()
    group = GroupFactory(visibility="private")
    MembershipFactory(group=group, user=keeper)
    MembershipFactory(group=group, user=owner)
    secret = save(keeper, "https://example.org/b", tags=["groupsecret"], is_private=True)
    share_bookmark(bookmark=secret, group=group)
    data = as_json(call(client, token, "posts/suggest", url="https://example.org/b", format="json"))
    popular, recommended = data[0]["popular"], data[1]["recommended"]
    assert sorted(popular) == ["python", "tutorial"]
    assert recommended == ["python"]
    root = xml(call(client, token, "posts/suggest", url="https://example.org/b"))
    assert root.tag == "suggested"
    assert [(e.tag, e.text) for e in root if e.tag == "recommended"] == [("recommended", "python")]
    raw = etree.tostring(root, encoding="unicode")
    assert "hidden" not in raw and "groupsecret" not in raw


# --- tags ------------------------------------------------------------------------


def test_tags_get_lists_only_ones_own(client, owner, token, library):
    root = xml(call(client, token, "tags/get"))
    assert [(t.get("tag"), t.get("count")) for t in root] == [("python", "2"), ("web", "1")]


def test_rename_and_delete_a_tag(client, owner, token, library):
    response = call(client, token, "tags/rename", old="PYTHON", new="py_thon")
    assert response.status_code == 200 and xml(response).text == "done"
    for bookmark in (library.a, library.b):
        assert "py_thon" in [t.name for t in bookmark.tags.all()]
        assert "python" not in [t.name for t in bookmark.tags.all()]
    # The stranger's "python" is untouched.
    assert Bookmark.objects.exclude(user=owner).filter(tags__name="python").count() == 2

    response = call(client, token, "tags/rename", old="nothing", new="x", format="json")
    assert as_json(response) == {"result_code": "item not found"}
    assert call(client, token, "tags/rename", old="web").status_code == 400
    assert call(client, token, "tags/rename", old="web", new="two tags").status_code == 400

    response = call(client, token, "tags/delete", tag="py_thon", format="json")
    assert as_json(response) == {"result_code": "done"}
    assert not Bookmark.objects.filter(user=owner, tags__name="py_thon").exists()


# --- the rest ----------------------------------------------------------------------


def test_user_api_token_returns_the_secret_part(client, owner, token):
    assert xml(call(client, token, "user/api_token")).text == token.split(":")[1]
    data = as_json(call(client, token, "user/api_token", format="json"))
    assert data == {"result": token.split(":")[1]}


def test_unknown_methods_and_trailing_slashes(client, owner, token):
    assert call(client, token, "posts/update/").status_code == 200
    response = call(client, token, "posts/frobnicate")
    assert response.status_code == 404
    assert xml(response).get("code") == "unknown method"


def test_text_xml_cannot_hold_is_dropped_and_the_rest_escaped(client, owner, token):
    save(owner, "https://example.org/a", title='Tab\tand "quotes" <b>&amp;\x0b\x1f', tags=["x"])
    bookmark = Bookmark.objects.get()
    Bookmark.objects.filter(pk=bookmark.pk).update(description="one\ntwo\r\nthree")
    root = xml(call(client, token, "posts/all"))
    post = root[0]
    assert post.get("description") == 'Tab\tand "quotes" <b>&amp;'
    assert post.get("extended") == "one\ntwo\r\nthree"
    raw = body(call(client, token, "posts/recent"))
    assert b"\x0b" not in raw and b"&lt;b&gt;&amp;amp;" in raw


HOSTILE_VALUES = [
    "a\x00b",
    "x" * 5000,
    "-99999999999999999999",
    "😀 <>&\"' . .. , /",
    "0001-01-01T00:00:00+05:00",
    "http://[::1",
]
PARAMETERS = [
    "url",
    "description",
    "extended",
    "tags",
    "tag",
    "dt",
    "replace",
    "shared",
    "toread",
    "count",
    "start",
    "results",
    "fromdt",
    "todt",
    "meta",
    "old",
    "new",
]


@pytest.mark.parametrize("value", HOSTILE_VALUES)
def test_hostile_parameters_never_break_an_endpoint(client, owner, token, value):
    from interchange.pinboard_urls import METHODS

    save(owner, "https://example.org/a", tags=["a"])
    for method in METHODS:
        for name in PARAMETERS:
            response = call(client, token, method, **{name: value})
            assert response.status_code < 500, (method, name)
            etree.fromstring(body(response))


def test_an_early_date_is_written_with_four_digits(client, owner, token):
    call(client, token, "posts/add", url="https://example.org/a", dt="0033-04-03T15:00:00Z")
    assert xml(call(client, token, "posts/all"))[0].get("time") == "0033-04-03T15:00:00Z"
