"""Each result shows why it matched, escaped, with the words marked."""

import pytest

from accounts.tests.factories import UserFactory
from search.query import parse
from search.snippets import Marker

from .conftest import search

pytestmark = pytest.mark.django_db

SCRIPT = '<script>alert("x")</script>'


def marker(q: str) -> Marker:
    return Marker(parse(q).include)


def test_a_script_in_a_sticky_note_comes_out_as_text(client, user, library):
    library.save(user, is_private=False, highlights=[("A quote", [f"Danger {SCRIPT} here"])])
    html = search(client, "danger").content.decode()
    assert SCRIPT not in html
    assert "<mark>Danger</mark> &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; here" in html


def test_a_match_inside_markup_is_marked_around_escaped_text(client, user, library):
    library.save(user, title=f"{SCRIPT} title", description=f"<b>script</b> & {SCRIPT}")
    html = search(client, "script").content.decode()
    assert "<script>" not in html
    assert "&lt;<mark>script</mark>&gt;alert" in html
    assert "&lt;b&gt;<mark>script</mark>&lt;/b&gt; &amp;" in html


def test_the_matching_highlight_is_shown(client, user, library):
    library.save(
        user,
        description="Nothing here",
        highlights=["First passage", "The second passage mentions consensus"],
    )
    html = search(client, "consensus").content.decode()
    assert (
        '<li class="highlight"><span class="highlight__quote">The second passage mentions '
        "<mark>consensus</mark></span></li>"
    ) in html
    assert "First passage" not in html


def test_a_matching_sticky_note_is_shown_under_its_highlight(client, user, library):
    library.save(user, highlights=[("The quoted passage", ["my remark on quorum"])])
    html = search(client, "quorum").content.decode()
    assert '<span class="highlight__quote">The quoted passage</span>' in html
    assert ": my remark on <mark>quorum</mark></li>" in html


def test_a_long_cached_text_shows_a_passage_around_the_match(client, user, library, committed):
    bookmark = library.save(user)
    text = "lorem ipsum " * 200 + "the idempotency key matters " + "dolor sit " * 200
    library.cache(bookmark, text)
    html = search(client, "idempotency").content.decode()
    start = html.index('<p class="search-result__passage">')
    passage = html[start : html.index("</p>", start)]
    assert "In the cached copy:</span> …lorem ipsum" in passage
    assert "the <mark>idempotency</mark> key matters" in passage
    assert passage.endswith("dolor…")
    assert len(passage) < 400


def test_the_description_is_shown_when_only_the_title_or_a_tag_matched(client, user, library):
    library.save(user, title="About raft", description="A <good> read", tag_names=["raft"])
    html = search(client, "raft").content.decode()
    assert '<blockquote class="description">A &lt;good&gt; read</blockquote>' in html
    assert "About <mark>raft</mark>" in html


def test_whole_words_are_marked_not_parts():
    assert marker("kube").mark("kubernetes and kube") == "kubernetes and <mark>kube</mark>"


def test_marking_follows_folding_and_keeps_the_original_text():
    assert marker("strasse").mark("Die Straße hier") == "Die <mark>Straße</mark> hier"
    assert marker("cafe").mark("Café") == "Café"  # accents are kept apart, as in the index
    assert marker("ｋｕｂｅ").mark("KUBE it") == "<mark>KUBE</mark> it"


def test_a_phrase_is_marked_across_punctuation():
    assert marker('"event sourcing"').mark("Event, sourcing!") == "<mark>Event, sourcing</mark>!"


def test_cjk_is_marked_inside_runs():
    assert marker("架构").mark("微服务架构设计") == "微服务<mark>架构</mark>设计"
    assert marker("计").mark("设计") == "设<mark>计</mark>"


def test_a_passage_is_cut_at_words_and_says_so():
    text = ("alpha " * 100) + "needle " + ("omega " * 100)
    passage = marker("needle").passage(text)
    assert passage.startswith("…alpha") and passage.endswith("omega…")
    assert "<mark>needle</mark>" in passage
    assert len(passage) < 300


def test_the_query_itself_is_escaped_wherever_it_is_shown(client, db):
    html = search(client, f'"><img src=x onerror=alert(1)> {SCRIPT}').content.decode()
    assert "<img src=x" not in html and SCRIPT not in html
    assert 'value="&quot;&gt;&lt;img src=x onerror=alert(1)&gt; &lt;script&gt;' in html


def test_each_result_shows_its_address_shortened_and_when_it_was_saved(client, user, library):
    long_path = "/".join(["segment"] * 30)
    library.save(user, title="Sorrel", url=f"https://example.org/{long_path}")
    html = search(client, "sorrel").content.decode()
    shown = f"https://example.org/{long_path}"[:99] + "…"
    assert f'<p class="meta">{shown}</p>' in html
    # BASE_TIME plus a minute, in the site's time zone, as the tag pages write it.
    assert (
        f'saved by <span class="person">{user.name}</span> on '
        '<time datetime="2024-03-12T09:31:00+00:00">12 Mar 24</time>'
    ) in html


def test_a_matching_sticky_note_names_its_author_by_display_name(client, library):
    author = UserFactory(username="wen", display_name="張 旭")
    library.save(author, highlights=[("A passage", ["a remark on sorrel"])])
    html = search(client, "sorrel").content.decode()
    assert '<span class="note__author">張 旭</span>: a remark on <mark>sorrel</mark>' in html
    assert 'saved by <span class="person">張 旭</span>' in html


def test_tags_names_and_dates_on_a_result_are_escaped(client, library):
    author = UserFactory(username="mallory", display_name='<img src=x onerror="alert(1)">')
    library.save(
        author,
        title="Escaped sorrel",
        tag_names=['<b>"bold"', "it's & co"],
        highlights=[("A passage", ["<script>sorrel()</script>"])],
    )
    html = search(client, "sorrel").content.decode()
    assert "<img src=x" not in html and "<b>" not in html and "<script>sorrel" not in html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html
    assert ">&lt;b&gt;&quot;bold&quot;</a>" in html
    assert ">it&#x27;s &amp; co</a>" in html
    assert "&lt;script&gt;<mark>sorrel</mark>()&lt;/script&gt;" in html
