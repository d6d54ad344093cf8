"""manage.py export_bookmarks, and the benchmark's generated file."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.tests.factories import UserFactory
from bench.imports import generate
from bookmarks.services import save_bookmark
from groups.services import create_group, share_bookmark
from interchange.diigo import Record, Skipped
from interchange.netscape import NetscapeReader, check_file

pytestmark = pytest.mark.django_db


def export(**options) -> str:
    out = io.StringIO()
    call_command("export_bookmarks", stdout=out, **options)
    return out.getvalue()


def test_library_group_and_tag(user, tmp_path):
    save_bookmark(user=user, url="https://example.org/a", title="Alpha", tag_names=["x"])
    save_bookmark(user=user, url="https://example.org/b", title="Beta")
    text = export(user=user.username)
    assert ">Alpha</A>" in text and ">Beta</A>" in text
    assert ">Beta</A>" not in export(user=user.username, tag="X")
    path = tmp_path / "out.csv"
    export(user=user.username, format="csv", output=str(path))
    assert path.read_text(encoding="utf-8").startswith("\ufefftitle,url,tags,")


def test_a_group_only_as_its_reader_may_see_it(user):
    group = create_group(name="Closed", slug="closed", created_by=user, visibility="private")
    bookmark, _ = save_bookmark(user=user, url="https://example.org/s", title="Secret")
    share_bookmark(bookmark=bookmark, group=group)
    assert ">Secret</A>" in export(user=user.username, group="closed")
    with pytest.raises(CommandError, match="no group “closed” that"):
        export(user=UserFactory().username, group="closed")
    with pytest.raises(CommandError, match="no tag"):
        export(user=user.username, tag="nothing")


def test_the_benchmark_file_is_what_it_says(tmp_path):
    path = tmp_path / "bench.html"
    generate(path, 1200)
    first = path.read_bytes()
    generate(path, 1200)
    assert path.read_bytes() == first  # repeatable

    open_file = path.open  # noqa: SIM115 - the reader opens and closes it
    check = check_file(lambda: open_file("rb"))
    items = list(NetscapeReader(lambda: open_file("rb"), check))
    assert check.entries == len(items) == 1200
    records = [item for item in items if isinstance(item, Record)]
    assert len([item for item in items if isinstance(item, Skipped)]) == 2  # bookmarklets
    assert any("Tools_ misc" in record.tags for record in records)
    assert any(record.description for record in records)
