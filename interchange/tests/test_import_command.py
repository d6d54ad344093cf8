"""manage.py import_bookmarks, end to end on the real database."""

import io
from datetime import UTC, datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError

from accounts.tests.factories import UserFactory
from annotations.models import Highlight, Note
from bookmarks.models import Bookmark, BookmarkTag, Page, Tag
from bookmarks.services import save_bookmark
from bookmarks.tests.factories import BookmarkFactory, PageFactory
from groups.models import GroupItem, GroupItemTag, GroupShare
from groups.services import share_bookmark
from groups.tests.factories import GroupFactory, MembershipFactory
from interchange.management.commands.import_bookmarks import Command

from .samples import DATA, HEADER, csv_text, row, write

pytestmark = pytest.mark.django_db

MESSY = DATA / "messy.csv"


def run(path, **options) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_bookmarks", str(path), stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def counts() -> dict[str, int]:
    models = [Page, Bookmark, Tag, BookmarkTag, Highlight, Note]
    models += [GroupItem, GroupShare, GroupItemTag]
    return {model.__name__: model.objects.count() for model in models}


def test_messy_file(user):
    out, _ = run(MESSY, user=user.username)

    assert f"into {user.username}'s library; new bookmarks are private." in out
    assert "Rows read: 9" in out
    assert "Bookmarks: 4 created, 0 updated, 0 unchanged" in out
    assert "Highlights added: 4" in out
    assert "Sticky notes added: 5" in out
    assert "line 14: “ci/cd” saved as “ci_cd”" in out
    assert "Skipped rows: 5" in out
    for line in (15, 16, 17, 18, 19):
        assert f"  line {line}: " in out
    assert "line 17: the date “2020-02-30 10:00:00” is not YYYY-MM-DD HH:MM:SS" in out

    bookmark = Bookmark.objects.get(user=user, url="https://example.com/architecture/micro")
    assert bookmark.title == 'Designing "micro services"'
    assert bookmark.is_private
    assert bookmark.created_at == datetime(2021, 3, 4, 5, 6, 7, tzinfo=UTC)
    assert sorted(t.name for t in bookmark.tags.all()) == ["architecture", "micro services", "架构"]
    highlights = list(bookmark.highlights.order_by("ordinal"))
    assert [(h.ordinal, h.quote) for h in highlights] == [
        (0, "Split by business capability, not by layer."),
        (1, "Each service owns its data & schema."),
        (2, "Keep the contracts small."),
    ]
    assert {h.created_at for h in highlights} == {bookmark.created_at}
    assert [n.text for n in highlights[1].notes.order_by("id")] == [
        "ask ops about backups",
        "check the migration guide",
    ]
    page_notes = bookmark.notes.filter(highlight=None).order_by("id")
    assert [n.text for n in page_notes] == ["Worth rereading.", "Shared with the team."]
    assert {n.created_at for n in bookmark.notes.all()} == {bookmark.created_at}
    assert not Note.objects.filter(text__contains="<").exists()
    assert not Highlight.objects.filter(quote__contains="<").exists()

    assert Tag.objects.get(name="ci_cd").key == "ci_cd"
    assert Tag.objects.get(name="Reading List").key == "reading list"
    assert not Tag.objects.filter(name="no_tag").exists()
    idn = Bookmark.objects.get(title="無標籤的頁面")
    assert idn.page.url.startswith("https://xn--") and idn.tags.count() == 0
    # Nothing of a broken row is left behind.
    assert not Page.objects.filter(url__contains="/date").exists()
    assert not Page.objects.filter(url__contains="/dot").exists()


def test_running_twice_adds_nothing(user):
    run(MESSY, user=user.username)
    before = counts()
    out, _ = run(MESSY, user=user.username)
    assert counts() == before
    assert "Bookmarks: 0 created, 0 updated, 4 unchanged" in out
    assert "Highlights added: 0" in out and "Sticky notes added: 0" in out


def test_existing_bookmark_gains_only_what_is_missing(user, tmp_path):
    bookmark, _ = save_bookmark(
        user=user, url="https://example.net/pages/1", title="Mine", tag_names=["kept"]
    )
    Highlight.objects.create(
        bookmark=bookmark, quote="known", ordinal=4, created_at=bookmark.created_at
    )
    annotations = "Highlight: known\nSticky notes: new note\nHighlight: fresh"
    path = write(tmp_path / "e.csv", csv_text([row(1, tags="kept,new", annotations=annotations)]))

    out, _ = run(path, user=user.username)

    assert "Bookmarks: 0 created, 1 updated, 0 unchanged" in out
    bookmark.refresh_from_db()
    assert bookmark.title == "Page 1"
    assert not bookmark.is_private  # a private import never hides a public bookmark
    assert sorted(t.name for t in bookmark.tags.all()) == ["kept", "new"]
    assert [(h.quote, h.ordinal) for h in bookmark.highlights.order_by("ordinal")] == [
        ("known", 4),
        ("fresh", 5),
    ]
    assert bookmark.highlights.get(quote="known").notes.get().text == "new note"


def test_same_url_twice_in_a_file_is_one_bookmark(user, tmp_path):
    rows = [
        row(1, annotations="Highlight: a"),
        row(2, url="https://EXAMPLE.net/pages/1#again", annotations="Highlight: a\nHighlight: b"),
    ]
    out, _ = run(write(tmp_path / "d.csv", csv_text(rows)), user=user.username)
    assert "Bookmarks: 1 created, 1 updated, 0 unchanged" in out
    bookmark = Bookmark.objects.get()
    assert [(h.quote, h.ordinal) for h in bookmark.highlights.order_by("ordinal")] == [
        ("a", 0),
        ("b", 1),
    ]


def test_public_flag(user, tmp_path):
    run(MESSY, user=user.username)
    assert set(Bookmark.objects.values_list("is_private", flat=True)) == {True}
    out, _ = run(MESSY, user=user.username, public=True)
    assert "new bookmarks are public" in out and "4 updated" in out
    assert set(Bookmark.objects.values_list("is_private", flat=True)) == {False}

    other = UserFactory()
    run(MESSY, user=other.username, public=True)
    assert not Bookmark.objects.filter(user=other, is_private=True).exists()


def test_group_share_with_tags_at_created_at(user):
    group = GroupFactory()
    MembershipFactory(group=group, user=user)

    out, _ = run(MESSY, user=user.username, group=group.slug)

    assert f"Shared into group “{group.slug}”: 4" in out
    assert GroupItem.objects.filter(group=group).count() == 4
    for bookmark in Bookmark.objects.filter(user=user):
        share = GroupShare.objects.get(bookmark=bookmark)
        item = share.item
        assert share.shared_at == item.shared_at == bookmark.created_at
        assert item.shared_by == user and item.group == group and item.page == bookmark.page
        assert set(item.tags.all()) == set(bookmark.tags.all())
        links = GroupItemTag.objects.filter(item=item).values_list("group_id", "shared_at")
        assert set(links) <= {(group.pk, bookmark.created_at)}

    before = counts()
    out, _ = run(MESSY, user=user.username, group=group.slug)
    assert counts() == before
    assert f"Shared into group “{group.slug}”: 0" in out


def test_group_share_joins_an_item_someone_shared_later(user, tmp_path):
    group = GroupFactory()
    MembershipFactory(group=group, user=user)
    other = UserFactory()
    MembershipFactory(group=group, user=other)
    page = PageFactory(url="https://example.net/pages/1")
    theirs = BookmarkFactory(user=other, page=page, created_at=datetime(2023, 1, 1, tzinfo=UTC))
    share_bookmark(bookmark=theirs, group=group, tags=[Tag.objects.create(name="theirs")])

    path = write(tmp_path / "g.csv", csv_text([row(1, tags="mine")]))
    run(path, user=user.username, group=group.slug)

    item = GroupItem.objects.get()
    mine = Bookmark.objects.get(user=user)
    assert item.shared_by == user and item.shared_at == mine.created_at
    assert item.shares.count() == 2
    assert sorted(t.name for t in item.tags.all()) == ["mine", "theirs"]
    assert set(GroupItemTag.objects.values_list("shared_at", flat=True)) == {mine.created_at}


def test_non_member_is_refused_before_importing(user):
    group = GroupFactory()
    with pytest.raises(CommandError, match="not a member of the group"):
        run(MESSY, user=user.username, group=group.slug)
    assert Bookmark.objects.count() == 0


def test_unknown_user_and_group_and_file(user, tmp_path):
    with pytest.raises(CommandError, match="There is no user “nobody”"):
        run(MESSY, user="nobody")
    with pytest.raises(CommandError, match="There is no group “nowhere”"):
        run(MESSY, user=user.username, group="nowhere")
    with pytest.raises(CommandError, match="Cannot read .*missing.csv"):
        run(tmp_path / "missing.csv", user=user.username)
    assert Bookmark.objects.count() == 0


def test_non_utf8_file_is_refused_and_nothing_written(user, tmp_path):
    text = csv_text([row(1, title="架构设计", tags="架构")])
    path = write(tmp_path / "gbk.csv", text.encode("gbk"))
    with pytest.raises(CommandError, match="not UTF-8 text"):
        run(path, user=user.username)
    assert counts() == dict.fromkeys(counts(), 0)


def test_bom_file(user, tmp_path):
    path = write(tmp_path / "bom.csv", b"\xef\xbb\xbf" + MESSY.read_bytes())
    out, _ = run(path, user=user.username)
    assert "Bookmarks: 4 created" in out


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("title,link,created_at\nA,https://example.net/,x\n", "lacks the columns url, tags;"),
    ],
)
def test_unusable_header(user, tmp_path, text, message):
    with pytest.raises(CommandError, match=message):
        run(write(tmp_path / "h.csv", text), user=user.username)


def test_unclosed_quote_is_reported_and_later_rows_imported(user, tmp_path):
    text = HEADER + 'Open,https://example.net/open,a,"never closed,,,2020-01-01 00:00:00\n'
    text += csv_text([row(n) for n in range(3)]).split("\n", 1)[1]
    out, _ = run(write(tmp_path / "q.csv", text), user=user.username)
    assert "line 2: unclosed quote starting at line 2" in out
    assert "Bookmarks: 3 created" in out
    assert not Bookmark.objects.filter(url__contains="open").exists()


def test_giant_fields(user, tmp_path):
    long_text = "long " * 40_000  # 200,000 characters: over csv's default cap, kept
    over_cap = "y" * (10 * 1024 * 1024 + 1)  # over the importer's 10 MiB cap, skipped
    rows = [row(1, description=long_text), row(2, comments=over_cap), row(3)]
    out, _ = run(write(tmp_path / "big.csv", csv_text(rows)), user=user.username)
    assert "Bookmarks: 2 created" in out
    assert f"line 3: a field is longer than {10 * 1024 * 1024} characters" in out
    assert len(Bookmark.objects.get(url__endswith="/1").description) == len(long_text.strip())


def test_progress_on_stderr(user, tmp_path):
    path = write(tmp_path / "p.csv", csv_text([row(n) for n in range(2500)]))
    out, err = run(path, user=user.username, batch_size=300)
    assert "1000 rows read…" in err and "2000 rows read…" in err
    assert "Bookmarks: 2500 created" in out


def test_row_refused_by_the_database_leaves_nothing_half_written(user, tmp_path, monkeypatch):
    original = Note.objects.bulk_create

    def refuse_one(notes, *args, **kwargs):
        if any(note.text == "refuse me" for note in notes):
            raise IntegrityError("refused for the test")
        return original(notes, *args, **kwargs)

    monkeypatch.setattr(Note.objects, "bulk_create", refuse_one)
    rows = [
        row(1, annotations="Highlight: one\nSticky notes: fine"),
        row(2, annotations="Highlight: two\nSticky notes: refuse me"),
        row(3, annotations="Highlight: three"),
    ]
    out, _ = run(write(tmp_path / "r.csv", csv_text(rows)), user=user.username)

    assert "Bookmarks: 2 created" in out
    assert "line 4: the database refused it: refused for the test" in out
    assert sorted(Highlight.objects.values_list("quote", flat=True)) == ["one", "three"]
    assert not Bookmark.objects.filter(url__endswith="/2").exists()


def test_help_and_bad_batch_size(user):
    parser = Command().create_parser("manage.py", "import_bookmarks")
    assert "Diigo CSV export" in parser.format_help()
    with pytest.raises(CommandError, match="--batch-size must be between 1 and 5000"):
        run(MESSY, user=user.username, batch_size=0)


def test_imported_pages_wait_for_their_snapshot(user, tmp_path):
    from bookmarks.models import Snapshot

    path = write(tmp_path / "s.csv", csv_text([row(1), row(2)]))
    run(path, user=user.username)
    pending = Snapshot.objects.filter(status=Snapshot.Status.PENDING)
    assert pending.count() == Page.objects.count() == 2
    run(path, user=user.username)  # a re-import asks for nothing more
    assert Snapshot.objects.count() == 2
