"""The index follows edits and deletions once they commit, one rebuild per
transaction, and nothing for a transaction that rolls back."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from annotations.services import delete_highlight, delete_note, update_note
from bookmarks.models import Bookmark, Page, Tag
from bookmarks.services import save_bookmark, set_to_read, update_bookmark
from bookmarks.tests.factories import BookmarkFactory, TagFactory
from search.models import SearchEntry
from search.signals import on_content_changed

from .conftest import result_ids, search

pytestmark = pytest.mark.django_db


def finds(client, q) -> list[int]:
    return result_ids(search(client, q))


def entry_writes(queries) -> int:
    return sum("INSERT INTO" in q["sql"] and "search_searchentry" in q["sql"] for q in queries)


def test_an_edited_title_and_description_are_searched_anew(client, user, library, committed):
    bookmark = library.save(user, title="Old quince", description="plain")
    with committed():
        update_bookmark(
            bookmark=bookmark,
            title="New medlar",
            description="loquat",
            tag_names=[],
            is_private=False,
            to_read=False,
        )
    assert finds(client, "quince") == []
    assert finds(client, "medlar loquat") == [bookmark.pk]


def test_tags_set_added_and_renamed(client, user, library, committed):
    bookmark = library.save(user, tag_names=["sorrel"])
    with committed():
        update_bookmark(
            bookmark=bookmark,
            title="",
            description="",
            tag_names=["chervil"],
            is_private=False,
            to_read=False,
        )
    assert finds(client, "sorrel") == []
    assert finds(client, "#chervil") == finds(client, "chervil") == [bookmark.pk]
    with committed():
        bookmark.tags.add(TagFactory(name="lovage"))
    assert finds(client, "lovage") == [bookmark.pk]
    with committed():
        tag = Tag.objects.get(name="chervil")
        tag.name = "Chervil-Herb"
        tag.save()
    assert finds(client, "herb") == [bookmark.pk]


def test_a_tag_given_from_its_side(client, user, committed):
    with committed():
        bookmark = BookmarkFactory(user=user, title="untitled")
    with committed():
        TagFactory(name="tarragon").bookmarks.add(bookmark)
    assert finds(client, "tarragon") == [bookmark.pk]
    with committed():
        Tag.objects.get(name="tarragon").bookmarks.clear()
    assert finds(client, "tarragon") == []


def test_deleted_highlights_and_notes_are_no_longer_found(client, user, library, committed):
    bookmark = library.save(
        user,
        highlights=[("A passage on fennel", ["a note on anise"])],
        notes=["a page note on dill"],
    )
    assert finds(client, "fennel") == finds(client, "anise") == finds(client, "dill")
    with committed():
        delete_note(note=bookmark.notes.get(highlight=None))
    assert finds(client, "dill") == []
    with committed():
        delete_highlight(highlight=bookmark.highlights.get())  # its note goes with it
    assert finds(client, "fennel") == finds(client, "anise") == []
    assert finds(client, "reading") == [bookmark.pk]


def test_an_edited_note_is_searched_anew(client, user, library, committed):
    bookmark = library.save(user, notes=["borage"])
    with committed():
        update_note(note=bookmark.notes.get(), text="angelica")
    assert finds(client, "borage") == []
    assert finds(client, "angelica") == [bookmark.pk]


def test_a_fetched_page_title_is_searched(client, user, library, committed):
    bookmark = library.save(user, title="")
    with committed():
        bookmark.page.title = "Fetched samphire"
        bookmark.page.save()
    assert finds(client, "samphire") == [bookmark.pk]


def test_a_deleted_bookmark_takes_its_entry_along(client, user, library, committed):
    bookmark = library.save(user, title="Purslane")
    with committed():
        bookmark.delete()
    assert not SearchEntry.objects.exists()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM search_fts WHERE search_fts MATCH 'purslane'")
            assert cursor.fetchone() == (0,)


def test_a_rolled_back_save_indexes_nothing(user, committed):
    with committed(), pytest.raises(RuntimeError), transaction.atomic():
        save_bookmark(user=user, url="https://example.org/x", title="Rue", snapshot=False)
        raise RuntimeError
    assert not SearchEntry.objects.exists()


def test_after_a_rolled_back_savepoint_later_saves_are_still_indexed(client, user, committed):
    with committed(), transaction.atomic():
        with pytest.raises(RuntimeError), transaction.atomic():
            save_bookmark(user=user, url="https://example.org/a", title="Rue", snapshot=False)
            raise RuntimeError
        kept, _ = save_bookmark(
            user=user, url="https://example.org/b", title="Hyssop", snapshot=False
        )
    assert finds(client, "hyssop") == [kept.pk]
    assert finds(client, "rue") == []


def test_one_rebuild_for_a_whole_transaction(user, library):
    with CaptureQueriesContext(connection) as queries:
        library.save(
            user,
            tag_names=["a", "b", "c"],
            highlights=[("one", ["x", "y"]), "two"],
            notes=["z"],
        )
    assert entry_writes(queries.captured_queries) == 1


def test_saves_that_change_nothing_searched_rebuild_nothing(user, library, committed):
    bookmark = library.save(user)
    with CaptureQueriesContext(connection) as queries, committed():
        set_to_read(bookmark=bookmark, to_read=True)
    assert entry_writes(queries.captured_queries) == 0


def test_the_receiver_for_bulk_writes_reindexes_bookmarks_and_pages(
    client, user, library, committed
):
    by_id, by_page = library.save(user), library.save(user)
    Bookmark.objects.filter(pk=by_id.pk).update(title="Bulk cardamom")
    Page.objects.filter(pk=by_page.page_id).update(title="Bulk nutmeg")
    Bookmark.objects.filter(pk=by_page.pk).update(title="")
    with committed():
        on_content_changed(sender=Bookmark, bookmark_ids=[by_id.pk], page_ids=[by_page.page_id])
    assert finds(client, "cardamom") == [by_id.pk]
    assert finds(client, "nutmeg") == [by_page.pk]
