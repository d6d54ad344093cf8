"""Each part of the query language, end to end through /search/."""

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from groups.models import Group, Membership
from groups.services import add_member, create_group, share_bookmark

from .conftest import result_ids, search

pytestmark = pytest.mark.django_db


@pytest.fixture
def mei(db):
    return UserFactory(username="mei", display_name="Mei Chen")


@pytest.fixture
def bob(db):
    return UserFactory(username="bob", display_name="Bob")


def test_every_word_must_match_anywhere(client, mei, library):
    both = library.save(mei, title="Event sourcing", description="With Kafka as the log")
    library.save(mei, title="Event storming")
    assert result_ids(search(client, "kafka event")) == [both.pk]


def test_titles_descriptions_tags_highlights_notes_and_hosts_are_searched(client, mei, library):
    by_description = library.save(mei, description="A note on zeppelins")
    by_tag = library.save(mei, tag_names=["zeppelins"])
    by_highlight = library.save(mei, highlights=["The zeppelins flew at dawn."])
    by_sticky = library.save(mei, highlights=[("Some passage", ["zeppelins again"])])
    by_page_note = library.save(mei, notes=["Zeppelins, on the whole page"])
    by_host = library.save(mei, url="https://zeppelins.example/history")
    library.save(mei, title="Balloons")
    found = result_ids(search(client, "zeppelins"))
    assert sorted(found) == sorted(
        bookmark.pk
        for bookmark in (by_description, by_tag, by_highlight, by_sticky, by_page_note, by_host)
    )


def test_the_cached_copys_text_is_searched(client, mei, library, committed):
    bookmark = library.save(mei, title="A page")
    library.cache(bookmark, "Far down the page the word quetzalcoatl appears.")
    response = search(client, "quetzalcoatl")
    assert result_ids(response) == [bookmark.pk]
    assert "In the cached copy:" in response.content.decode()


def test_a_phrase_needs_its_words_side_by_side_in_order(client, mei, library):
    together = library.save(mei, title="Notes on event sourcing")
    library.save(mei, title="Sourcing an event venue")
    assert result_ids(search(client, '"event sourcing"')) == [together.pk]
    assert len(result_ids(search(client, "event sourcing"))) == 2


def test_minus_leaves_out_words_and_phrases(client, mei, library):
    keep = library.save(mei, title="Kafka streams")
    library.save(mei, title="Kafka and ZooKeeper")
    library.save(mei, title="Kafka old docs")
    assert result_ids(search(client, 'kafka -zookeeper -"old docs"')) == [keep.pk]


def test_a_tag_filters_and_minus_tag_leaves_out(client, mei, library):
    tagged = library.save(mei, title="Rust book", tag_names=["Rust"])
    drafty = library.save(mei, title="Rust draft", tag_names=["rust", "draft"])
    library.save(mei, title="Rust, untagged")
    assert sorted(result_ids(search(client, "#rust"))) == sorted([tagged.pk, drafty.pk])
    assert result_ids(search(client, "#RUST -#draft")) == [tagged.pk]
    assert result_ids(search(client, "rust -#rust")) != []


def test_a_tag_with_a_space_is_quoted(client, mei, library):
    bookmark = library.save(mei, tag_names=["machine learning"])
    assert result_ids(search(client, '#"machine learning"')) == [bookmark.pk]


def test_a_tag_link_on_a_result_searches_that_tag(client, mei, library):
    library.save(mei, title="Tagged", tag_names=["machine learning"])
    html = search(client, "tagged").content.decode()
    assert 'href="/search/?q=%23%22machine+learning%22"' in html


def test_user_limits_to_one_persons_bookmarks(client, mei, bob, library):
    mine = library.save(mei, title="Graph databases")
    theirs = library.save(bob, title="Graph theory")
    assert result_ids(search(client, "graph user:mei")) == [mine.pk]
    assert result_ids(search(client, "graph -user:mei")) == [theirs.pk]
    assert result_ids(search(client, "user:bob")) == [theirs.pk]


def test_group_limits_to_its_items_and_links_to_them(client, mei, bob, library):
    group = create_group(
        name="Reading", slug="reading", created_by=mei, visibility=Group.Visibility.PUBLIC
    )
    add_member(group=group, user=mei, role=Membership.Role.OWNER)
    shared = library.save(mei, title="Compilers, shared")
    library.save(bob, title="Compilers, not shared")
    item = share_bookmark(bookmark=shared, group=group)
    response = search(client, "compilers group:reading")
    assert result_ids(response) == [shared.pk]
    assert f'href="{reverse("groups:item", args=["reading", item.pk])}"' in (
        response.content.decode()
    )
    assert len(result_ids(search(client, "compilers -group:reading"))) == 1
    # Without group:, the result leads to the bookmark.
    assert f'href="/bookmarks/{shared.pk}/"' in search(client, "compilers").content.decode()


def test_everything_together(client, mei, bob, library):
    group = create_group(name="R", slug="r", created_by=mei, visibility=Group.Visibility.PUBLIC)
    add_member(group=group, user=mei)
    wanted = library.save(mei, title="Consensus in Raft", tag_names=["distributed"])
    share_bookmark(bookmark=wanted, group=group)
    other = library.save(mei, title="Consensus in Paxos", tag_names=["distributed"])
    share_bookmark(bookmark=other, group=group)
    q = 'consensus "in raft" -paxos #distributed group:r user:mei'
    assert result_ids(search(client, q)) == [wanted.pk]


def test_newest_first_and_paged_with_the_query_kept(client, mei, library):
    saved = [library.save(mei, title=f"Pagination sample {n}") for n in range(12)]
    response = search(client, "pagination", per_page=10)
    assert result_ids(response) == [bookmark.pk for bookmark in reversed(saved)][:10]
    html = response.content.decode()
    assert "1 - 10 of 12" in html
    assert 'href="/search/?page=2&amp;per_page=10&amp;q=pagination"' in html
    second = search(client, "pagination", per_page=10, page=2)
    assert result_ids(second) == [saved[1].pk, saved[0].pk]


@pytest.mark.parametrize("page", ["0", "x", "3", "99999999999"])
def test_a_page_that_does_not_exist_is_a_404(client, mei, library, page):
    library.save(mei, title="Lonely")
    assert search(client, "lonely", page=page).status_code == 404


def test_a_blank_search_shows_the_form(client):
    response = client.get(reverse("search:results"))
    assert response.status_code == 200
    assert 'id="search-q"' in response.content.decode()
    assert "Nothing you may read matches" not in response.content.decode()


def test_no_match_says_so(client, db):
    response = search(client, "nonexistentword")
    assert result_ids(response) == []
    assert "Nothing you may read matches “nonexistentword”." in response.content.decode()


BAD_QUERIES = {
    '"unbalanced phrase': "closing quotation mark was missing",
    "-only -exclusions": "cannot only leave things out",
    "x" * 10_000: "too long",
    "kafka\x00\x07\x1b": "Control characters",
    "#": "needs a tag name",
    "group:nowhere": "There is no group “nowhere”.",
    "group:": "needs a group",
    "user:nobody": "No one has the username “nobody”.",
    "#neverused": "Nothing you may read matches “#neverused”.",
    "!!!": "no words to look for",
    " ".join(f"w{n}" for n in range(40)): "too many parts",
    '"' + "字" * 300 + '"': "too long",
}


@pytest.mark.parametrize("q", BAD_QUERIES, ids=range(len(BAD_QUERIES)))
def test_bad_queries_get_a_page_with_a_message(client, db, q):
    response = search(client, q)
    assert response.status_code == 200
    assert BAD_QUERIES[q] in response.content.decode()


def test_the_header_has_a_labelled_search_form_on_every_page(client, db):
    html = client.get(reverse("home")).content.decode()
    assert 'action="/search/"' in html
    assert '<label class="visually-hidden" for="site-search-q">' in html
    assert 'id="site-search-q" name="q"' in html


def test_words_left_out_of_a_filter_alone(client, mei, library):
    kept = library.save(mei, title="Rust book", tag_names=["rust"])
    library.save(mei, title="Rust draft", tag_names=["rust"])
    library.save(mei, title="Unrelated draft")
    assert result_ids(search(client, "#rust -draft")) == [kept.pk]
    assert result_ids(search(client, 'user:mei -"rust draft" -unrelated')) == [kept.pk]


@pytest.mark.parametrize(
    "word", ["ภาษาไทย", "हिन्दी", "ǅemal", "Ⅻ", "𝒜lgebra", "Ελληνικά", "עִברִית", "١٢٣", "x²"]
)
def test_words_of_any_script_find_themselves(client, mei, library, word):
    bookmark = library.save(mei, title=f"About {word} here")
    library.save(mei, title="Something else")
    assert result_ids(search(client, word)) == [bookmark.pk]
