"""Highlights as W3C Web Annotations, and the annotation containers of a
bookmark, a group and a user: shapes, the protocol's headers, JSON-LD
expansion against the official context (a local copy: no network), paging,
privacy and query counts."""

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pyld import jsonld

from accounts.tests.factories import UserFactory
from annotations import webanno_views
from annotations.models import Highlight
from annotations.services import add_highlight, add_note
from annotations.webanno import ANNO_CONTEXT
from bookmarks.models import Bookmark, Snapshot
from bookmarks.services import save_bookmark
from groups.models import Group, GroupNote
from groups.services import add_group_note, add_member, share_bookmark
from groups.tests.conftest import Builder

pytestmark = pytest.mark.django_db

CONTENT_TYPE = 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"'
OA = "http://www.w3.org/ns/oa#"
AS = "http://www.w3.org/ns/activitystreams#"
DCTERMS = "http://purl.org/dc/terms/"
RDF_VALUE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#value"
CONTEXT_FILE = Path(__file__).parent / "fixtures" / "anno.jsonld"
PREFER_IRIS = 'return=representation;include="http://www.w3.org/ns/oa#PreferContainedIRIs"'
FETCHED = datetime(2025, 2, 3, 4, 5, 6, tzinfo=UTC)


@pytest.fixture
def build(db):
    return Builder


# Helpers ----------------------------------------------------------------------


def local_context_loader(url, options=None):
    """Serves the fixture copy of the official context; refuses anything else."""
    if url != ANNO_CONTEXT:
        raise jsonld.JsonLdError(
            f"Refusing to load {url}: tests never use the network.",
            "jsonld.LoadDocumentError",
            {"url": url},
            code="loading document failed",
        )
    return {
        "contentType": "application/ld+json",
        "contextUrl": None,
        "documentUrl": url,
        "document": json.loads(CONTEXT_FILE.read_text(encoding="utf-8")),
    }


def expand(document: dict) -> list:
    """Expand cleanly: no property dropped, every key, type and id an absolute IRI."""
    dropped = []
    expanded = jsonld.expand(
        document, {"documentLoader": local_context_loader}, on_property_dropped=dropped.append
    )
    assert dropped == [], f"properties the context does not define: {dropped}"
    assert expanded, "expansion produced nothing"
    check_absolute(expanded)
    return expanded


def check_absolute(node):
    if isinstance(node, list):
        for child in node:
            check_absolute(child)
        return
    if not isinstance(node, dict):
        return
    for key, value in node.items():
        assert key.startswith(("@", "http://", "https://")), f"relative key {key}"
        if key in ("@id", "@type") and not ("@value" in node and key == "@type"):
            for iri in value if isinstance(value, list) else [value]:
                assert iri.startswith(("http://", "https://")), f"relative {key} {iri}"
        check_absolute(value)


def expanded_iris(node, found=None) -> set[str]:
    """Every property IRI, type and @id in an expanded document."""
    found = set() if found is None else found
    if isinstance(node, list):
        for child in node:
            expanded_iris(child, found)
    elif isinstance(node, dict):
        for key, value in node.items():
            found.add(key)
            if key in ("@id", "@type") and isinstance(value, str):
                found.add(value)
            elif key == "@type" and isinstance(value, list):
                found.update(value)
            expanded_iris(value, found)
    return found


def get_json(client, url, **headers):
    response = client.get(url, headers=headers)
    assert response.status_code == 200, (url, response.status_code)
    assert response["Content-Type"] == CONTENT_TYPE
    return json.loads(response.content)


def snapshot(page, *, fetched_at=FETCHED, body=b"<p>copy</p>") -> Snapshot:
    row = Snapshot.objects.create(page=page, status=Snapshot.Status.OK, fetched_at=fetched_at)
    row.html.save(f"copy-{row.pk}.html", ContentFile(body), save=True)
    return row


def anchor(highlight, snap, *, prefix="before ", suffix=" after", start=10, end=20):
    Highlight.objects.filter(pk=highlight.pk).update(
        prefix=prefix,
        suffix=suffix,
        start=start,
        end=end,
        snapshot=snap,
        anchor_state=Highlight.AnchorState.ANCHORED,
    )


def absolute(path: str) -> str:
    return "http://testserver" + path


def owners_bookmark(b, item) -> Bookmark:
    return Bookmark.objects.get(page=item.page, user=b.owner)


# One annotation ---------------------------------------------------------------


def test_a_highlight_with_notes_and_tags_is_a_commenting_annotation(client, build):
    b = build()
    item = b.item(tags=("architecture", "建築"), highlights=1, notes=2)
    bookmark = owners_bookmark(b, item)
    highlight = bookmark.highlights.get()
    copy = snapshot(item.page)
    anchor(highlight, copy)

    doc = get_json(client, reverse("webanno:highlight", args=[highlight.pk]))

    owner = {
        "id": absolute(reverse("bookmarks:user", args=[b.owner.username])),
        "type": "Person",
        "name": "張 旭",
        "nickname": b.owner.username,
    }
    assert doc["@context"] == "http://www.w3.org/ns/anno.jsonld"
    assert doc["id"] == absolute(f"/anno/highlights/{highlight.pk}/")
    assert doc["type"] == "Annotation"
    assert doc["motivation"] == "commenting"
    assert doc["creator"] == owner
    assert doc["created"].endswith("Z") and "T" in doc["created"]
    notes = [body for body in doc["body"] if body.get("purpose") == "commenting"]
    assert [n["value"] for n in notes] == ["note 1.1", "note 1.2"]
    assert all(n["type"] == "TextualBody" and n["format"] == "text/plain" for n in notes)
    assert all(n["creator"] == owner and n["created"].endswith("Z") for n in notes)
    tags = [body for body in doc["body"] if body.get("purpose") == "tagging"]
    assert sorted(t["value"] for t in tags) == ["architecture", "建築"]
    assert all(t["type"] == "TextualBody" for t in tags)
    target = doc["target"]
    assert target["source"] == "https://example.org/read/1"
    assert target["selector"] == [
        {
            "type": "TextQuoteSelector",
            "exact": "passage 1.1",
            "prefix": "before ",
            "suffix": " after",
        },
        {"type": "TextPositionSelector", "start": 10, "end": 20},
    ]
    assert target["state"] == {
        "type": "TimeState",
        "cached": absolute(reverse("bookmarks:cached", args=[copy.pk])),
        "sourceDate": "2025-02-03T04:05:06Z",
    }
    assert target["styleClass"] == "commonplace-yellow"
    assert "commonplace-yellow" in doc["stylesheet"]["value"]


def test_a_bare_highlight_is_a_highlighting_annotation_without_position_or_state(client, build):
    b = build()
    item = b.item(tags=(), highlights=1)
    highlight = owners_bookmark(b, item).highlights.get()

    doc = get_json(client, reverse("webanno:highlight", args=[highlight.pk]))

    assert doc["motivation"] == "highlighting"
    assert "body" not in doc
    assert doc["target"]["selector"] == [{"type": "TextQuoteSelector", "exact": "passage 1.1"}]
    assert "state" not in doc["target"]


def test_the_state_is_the_copy_the_selectors_were_anchored_in(client, build):
    b = build()
    item = b.item(highlights=2)
    first, second = owners_bookmark(b, item).highlights.order_by("ordinal")
    older = snapshot(item.page, fetched_at=datetime(2024, 1, 1, tzinfo=UTC))
    newest = snapshot(item.page, fetched_at=datetime(2025, 1, 1, tzinfo=UTC))
    anchor(first, older)

    anchored = get_json(client, reverse("webanno:highlight", args=[first.pk]))
    unanchored = get_json(client, reverse("webanno:highlight", args=[second.pk]))

    assert anchored["target"]["state"]["cached"].endswith(f"/cached/{older.pk}/")
    # Not yet anchored: no position, and the page's newest good copy.
    assert unanchored["target"]["state"]["cached"].endswith(f"/cached/{newest.pk}/")
    assert len(unanchored["target"]["selector"]) == 1


def test_an_annotation_has_the_protocol_headers(client, build):
    b = build()
    highlight = owners_bookmark(b, b.item(highlights=1)).highlights.get()
    url = reverse("webanno:highlight", args=[highlight.pk])

    response = client.get(url)

    assert response["Content-Type"] == CONTENT_TYPE
    assert response["ETag"].startswith('"')
    assert response["Link"] == '<http://www.w3.org/ns/ldp#Resource>; rel="type"'
    assert response["Allow"] == "GET, HEAD, OPTIONS"
    assert "Accept" in response["Vary"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "private" in response["Cache-Control"]

    options = client.options(url)
    assert options.status_code == 200 and options.content == b""
    assert options["Allow"] == "GET, HEAD, OPTIONS"
    head = client.head(url)
    assert head.status_code == 200 and head["ETag"] == response["ETag"]
    assert client.post(url).status_code == 405
    assert client.delete(url).status_code == 405


def test_an_unchanged_annotation_is_not_sent_again(client, build):
    b = build()
    highlight = owners_bookmark(b, b.item(highlights=1)).highlights.get()
    url = reverse("webanno:highlight", args=[highlight.pk])
    etag = client.get(url)["ETag"]

    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304

    Highlight.objects.filter(pk=highlight.pk).update(colour="pink")
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_an_annotation_expands_cleanly_against_the_official_context(client, build):
    b = build()
    item = b.item(tags=("architecture",), highlights=1, notes=1)
    highlight = owners_bookmark(b, item).highlights.get()
    anchor(highlight, snapshot(item.page))

    [node] = expand(get_json(client, reverse("webanno:highlight", args=[highlight.pk])))

    assert node["@type"] == [OA + "Annotation"]
    assert node[OA + "motivatedBy"] == [{"@id": OA + "commenting"}]
    target = node[OA + "hasTarget"][0]
    assert target[OA + "hasSource"] == [{"@id": "https://example.org/read/1"}]
    selectors = {s["@type"][0] for s in target[OA + "hasSelector"]}
    assert selectors == {OA + "TextQuoteSelector", OA + "TextPositionSelector"}
    state = target[OA + "hasState"][0]
    assert state["@type"] == [OA + "TimeState"]
    assert state[OA + "cachedSource"][0]["@id"].startswith("http://testserver/cached/")
    purposes = {body[OA + "hasPurpose"][0]["@id"] for body in node[OA + "hasBody"]}
    assert purposes == {OA + "commenting", OA + "tagging"}
    assert node[DCTERMS + "created"][0]["@type"] == "http://www.w3.org/2001/XMLSchema#dateTime"
    iris = expanded_iris(node)
    assert {RDF_VALUE, OA + "exact", OA + "prefix", OA + "start", OA + "styledBy"} <= iris
    assert {OA + "TextualBody", "http://xmlns.com/foaf/0.1/name"} <= iris


def test_the_local_loader_refuses_anything_but_the_annotation_context():
    with pytest.raises(jsonld.JsonLdError):
        jsonld.expand(
            {"@context": "http://example.org/other.jsonld", "a": 1},
            {"documentLoader": local_context_loader},
        )


def test_cjk_text_and_script_tags_come_back_intact_as_json(client, build):
    b = build()
    item = b.item(tags=("設計",), highlights=0)
    bookmark = owners_bookmark(b, item)
    quote = "架構是一種選擇 </script><script>alert(1)</script>"
    note_text = '旭的筆記 </script><img src=x onerror=alert(1)> & "quoted"'
    highlight = add_highlight(bookmark=bookmark, quote=quote)
    add_note(bookmark=bookmark, highlight=highlight, text=note_text)

    response = client.get(reverse("webanno:highlight", args=[highlight.pk]))

    assert response["Content-Type"] == CONTENT_TYPE
    assert response["X-Content-Type-Options"] == "nosniff"
    doc = json.loads(response.content)
    assert doc["target"]["selector"][0]["exact"] == quote
    assert doc["body"][0]["value"] == note_text
    assert doc["body"][1]["value"] == "設計"
    # UTF-8 as written, not \u escapes; JSON needs no HTML escaping.
    assert "架構是一種選擇".encode() in response.content
    expand(doc)


# Containers -------------------------------------------------------------------


def test_a_bookmark_container_is_a_collection_with_its_first_page_embedded(client, build):
    b = build()
    item = b.item(highlights=3, notes=1)
    bookmark = owners_bookmark(b, item)
    url = reverse("webanno:bookmark", args=[bookmark.pk])

    response = client.get(url)
    doc = json.loads(response.content)

    assert response["Content-Type"] == CONTENT_TYPE
    assert response["Link"] == (
        '<http://www.w3.org/ns/ldp#BasicContainer>; rel="type", '
        '<http://www.w3.org/TR/annotation-protocol/>; rel="http://www.w3.org/ns/ldp#constrainedBy"'
    )
    assert response["Allow"] == "GET, HEAD, OPTIONS"
    assert "Accept" in response["Vary"] and "Prefer" in response["Vary"]
    assert response["ETag"]
    assert doc["id"] == absolute(url)
    assert doc["type"] == "AnnotationCollection"
    assert doc["label"] == "Annotations on Reading note 1"
    assert doc["total"] == 3
    assert doc["last"] == absolute(url + "?page=1")
    first = doc["first"]
    assert first["id"] == absolute(url + "?page=1")
    assert first["type"] == "AnnotationPage" and first["startIndex"] == 0
    assert "next" not in first and "prev" not in first
    quotes = [a["target"]["selector"][0]["exact"] for a in first["items"]]
    assert quotes == ["passage 1.1", "passage 1.2", "passage 1.3"]
    assert {a["motivation"] for a in first["items"]} == {"commenting"}


def test_a_container_page_names_its_collection(client, build):
    b = build()
    bookmark = owners_bookmark(b, b.item(highlights=2))
    url = reverse("webanno:bookmark", args=[bookmark.pk])

    response = client.get(url + "?page=1")
    doc = json.loads(response.content)

    assert doc["type"] == "AnnotationPage"
    assert doc["partOf"] == {
        "id": absolute(url),
        "label": "Annotations on Reading note 1",
        "total": 2,
    }
    assert len(doc["items"]) == 2
    assert "ldp#constrainedBy" in response["Link"]
    assert "BasicContainer" not in response["Link"]


def test_containers_expand_cleanly_against_the_official_context(client, build):
    b = build()
    item = b.item(highlights=2, notes=1, discussion=1)
    anchor(owners_bookmark(b, item).highlights.first(), snapshot(item.page))
    url = reverse("webanno:group", args=[b.group.slug])

    [collection] = expand(get_json(client, url))
    [page] = expand(get_json(client, url + "?page=1"))
    [iris_page] = expand(get_json(client, url + "?page=1", Prefer=PREFER_IRIS))

    assert collection["@type"] == [AS + "OrderedCollection"]
    assert collection[AS + "totalItems"][0]["@value"] == 4
    assert collection[AS + "last"][0]["@id"] == absolute(url + "?page=1")
    first = collection[AS + "first"][0]
    assert first["@type"] == [AS + "OrderedCollectionPage"]
    assert len(first[AS + "items"][0]["@list"]) == 4
    assert page["@type"] == [AS + "OrderedCollectionPage"]
    assert page[AS + "partOf"][0]["@id"] == absolute(url)
    items = page[AS + "items"][0]["@list"]
    assert len(items) == 4
    assert {i[OA + "motivatedBy"][0]["@id"] for i in items} == {
        OA + "commenting",
        OA + "replying",
    }
    assert all(OA + "hasTarget" in i for i in items)
    assert all(set(i) == {"@id"} for i in iris_page[AS + "items"][0]["@list"])


def test_pages_link_to_each_other_and_bad_pages_are_404(client, build, monkeypatch):
    monkeypatch.setattr(webanno_views, "PAGE_SIZE", 2)
    b = build()
    bookmark = owners_bookmark(b, b.item(highlights=5))
    url = reverse("webanno:bookmark", args=[bookmark.pk])

    collection = get_json(client, url)
    page2 = get_json(client, url + "?page=2")
    page3 = get_json(client, url + "?page=3")

    assert collection["total"] == 5
    assert collection["first"]["next"] == absolute(url + "?page=2")
    assert collection["last"] == absolute(url + "?page=3")
    assert page2["startIndex"] == 2
    assert page2["prev"] == absolute(url + "?page=1")
    assert page2["next"] == absolute(url + "?page=3")
    assert [a["target"]["selector"][0]["exact"] for a in page2["items"]] == [
        "passage 1.3",
        "passage 1.4",
    ]
    assert "next" not in page3 and len(page3["items"]) == 1
    for bad in ("0", "4", "x", "-1", "1.5", "", "２", "9" * 30, "%00"):
        response = client.get(url, {"page": bad})
        assert response.status_code == 404, bad
    assert client.get(url, {"iris": "maybe"}).status_code == 404


def test_an_empty_container_has_no_pages_to_follow(client, build):
    b = build()
    bookmark = owners_bookmark(b, b.item(highlights=0))
    url = reverse("webanno:bookmark", args=[bookmark.pk])

    doc = get_json(client, url)
    page = get_json(client, url + "?page=1")

    assert doc["total"] == 0 and "first" not in doc and "last" not in doc
    assert page["items"] == [] and page["startIndex"] == 0
    expand(doc)


def test_prefer_contained_iris_lists_annotation_iris(client, build):
    b = build()
    bookmark = owners_bookmark(b, b.item(highlights=2))
    url = reverse("webanno:bookmark", args=[bookmark.pk])
    ids = [
        absolute(reverse("webanno:highlight", args=[pk]))
        for pk in bookmark.highlights.order_by("ordinal").values_list("pk", flat=True)
    ]

    response = client.get(url, headers={"Prefer": PREFER_IRIS})
    doc = json.loads(response.content)

    assert response["Preference-Applied"] == "return=representation"
    assert doc["first"]["id"] == absolute(url + "?iris=1&page=1")
    assert doc["first"]["items"] == ids
    assert doc["last"] == absolute(url + "?iris=1&page=1")
    # The page IRI carries the choice, so following it needs no header.
    assert get_json(client, url + "?iris=1&page=1")["items"] == ids
    described = get_json(client, url + "?page=1")
    assert [a["id"] for a in described["items"]] == ids
    # Descriptions are the default, and the two differ in ETag.
    assert client.get(url)["ETag"] != response["ETag"]


def test_prefer_minimal_container_leaves_the_first_page_out(client, build):
    b = build()
    bookmark = owners_bookmark(b, b.item(highlights=1))
    url = reverse("webanno:bookmark", args=[bookmark.pk])
    prefer = (
        'return=representation;include="http://www.w3.org/ns/ldp#PreferMinimalContainer '
        'http://www.w3.org/ns/oa#PreferContainedDescriptions"'
    )

    doc = get_json(client, url, Prefer=prefer)

    assert doc["first"] == absolute(url + "?page=1")
    assert doc["total"] == 1


def test_an_unchanged_container_is_not_sent_again(client, build):
    b = build()
    item = b.item(highlights=2)
    url = reverse("webanno:group", args=[b.group.slug])
    etag = client.get(url)["ETag"]

    not_modified = client.get(url, headers={"If-None-Match": etag})
    assert not_modified.status_code == 304
    assert not_modified.content == b""

    add_group_note(
        item=item, author=b.member, highlight=Highlight.objects.first(), text="a new reply"
    )
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 200


def test_a_group_container_holds_its_highlights_and_their_replies(client, build):
    b = build()
    item = b.item(highlights=1, discussion=2)
    highlight = owners_bookmark(b, item).highlights.get()
    add_group_note(item=item, author=b.member, text="on the whole item")
    url = reverse("webanno:group", args=[b.group.slug])

    doc = get_json(client, url)

    assert doc["label"] == "Annotations in Reading"
    assert doc["total"] == 3
    annotation, *replies = doc["first"]["items"]
    assert annotation["id"] == absolute(reverse("webanno:highlight", args=[highlight.pk]))
    assert [r["motivation"] for r in replies] == ["replying", "replying"]
    assert [r["body"][0]["value"] for r in replies] == ["reply 1.1", "reply 1.2"]
    assert {r["target"] for r in replies} == {annotation["id"]}
    member = absolute(reverse("bookmarks:user", args=[b.member.username]))
    assert {r["creator"]["id"] for r in replies} == {member}
    assert {r["creator"]["name"] for r in replies} == {"Mei Chen"}
    # Each reply has an IRI of its own that answers with the same document.
    reply = get_json(client, replies[0]["id"])
    assert reply == {"@context": ANNO_CONTEXT, **replies[0]}


def test_replies_stay_in_their_own_group(client, build):
    """A private group's discussion of a page never shows in a public group
    that shares the same bookmark, nor in the bookmark's or user's container."""
    b = build()
    item = b.item(highlights=1)
    bookmark = owners_bookmark(b, item)
    highlight = bookmark.highlights.get()
    hidden = Builder(visibility=Group.Visibility.PRIVATE, slug="hidden", name="Hidden")
    add_member(group=hidden.group, user=b.owner)
    hidden_item = share_bookmark(bookmark=bookmark, group=hidden.group)
    add_group_note(
        item=hidden_item, author=hidden.member, highlight=highlight, text="members-only reply"
    )

    for url in (
        reverse("webanno:group", args=[b.group.slug]),
        reverse("webanno:bookmark", args=[bookmark.pk]),
        reverse("webanno:user", args=[b.owner.username]),
        reverse("webanno:highlight", args=[highlight.pk]),
    ):
        for reader in (None, b.owner):
            client.logout()
            if reader:
                client.force_login(reader)
            response = client.get(url)
            assert response.status_code == 200
            assert b"members-only reply" not in response.content, url

    client.force_login(hidden.member)
    doc = get_json(client, reverse("webanno:group", args=["hidden"]))
    assert [a["motivation"] for a in doc["first"]["items"]] == ["highlighting", "replying"]


# Privacy ----------------------------------------------------------------------


@pytest.fixture
def private_group():
    """A private group whose one item is a private bookmark with a highlight,
    a sticky note and a member's reply."""
    b = Builder(visibility=Group.Visibility.PRIVATE, slug="night", name="Night")
    item = b.item(is_private=True, highlights=1, notes=1, discussion=1)
    b.bookmark = owners_bookmark(b, item)
    b.highlight = b.bookmark.highlights.get()
    b.reply = GroupNote.objects.get(item=item)
    return b


def hidden_urls(b):
    return [
        reverse("webanno:group", args=[b.group.slug]),
        reverse("webanno:group", args=[b.group.slug]) + "?page=1",
        reverse("webanno:bookmark", args=[b.bookmark.pk]),
        reverse("webanno:bookmark", args=[b.bookmark.pk]) + "?page=1&iris=1",
        reverse("webanno:highlight", args=[b.highlight.pk]),
        reverse("webanno:reply", args=[b.reply.pk]),
    ]


@pytest.mark.parametrize("who", ["anonymous", "stranger", "former member"])
def test_a_private_group_and_bookmark_are_404_for_outsiders(client, private_group, who):
    b = private_group
    if who == "stranger":
        client.force_login(UserFactory())
    elif who == "former member":
        b.group.memberships.filter(user=b.member).delete()
        client.force_login(b.member)
    for url in hidden_urls(b):
        assert client.get(url).status_code == 404, url
        assert client.options(url).status_code == 404, url
    # The owner's container answers (a person's page), without a word of it.
    response = client.get(reverse("webanno:user", args=[b.owner.username]))
    assert response.status_code == 200
    assert json.loads(response.content)["total"] == 0
    assert b"passage" not in response.content and b"note 1.1" not in response.content


def test_members_read_the_private_group(client, private_group):
    b = private_group
    client.force_login(b.member)
    for url in hidden_urls(b):
        assert client.get(url).status_code == 200, url
    doc = get_json(client, reverse("webanno:user", args=[b.owner.username]))
    assert doc["total"] == 1


def test_a_private_bookmark_is_its_owners_alone(client, user, other_user):
    bookmark, _ = save_bookmark(
        user=user, url="https://example.org/secret", is_private=True, snapshot=False
    )
    highlight = add_highlight(bookmark=bookmark, quote="only mine")
    urls = [
        reverse("webanno:bookmark", args=[bookmark.pk]),
        reverse("webanno:highlight", args=[highlight.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404
    client.force_login(other_user)
    for url in urls:
        assert client.get(url).status_code == 404
    assert get_json(client, reverse("webanno:user", args=[user.username]))["total"] == 0
    client.force_login(user)
    for url in urls:
        assert client.get(url).status_code == 200
    assert get_json(client, reverse("webanno:user", args=[user.username]))["total"] == 1


def test_an_unknown_user_or_group_is_404(client, db):
    assert client.get(reverse("webanno:user", args=["nobody"])).status_code == 404
    assert client.get(reverse("webanno:group", args=["nowhere"])).status_code == 404
    assert client.get(reverse("webanno:highlight", args=[999999])).status_code == 404
    assert client.get(reverse("webanno:reply", args=[999999])).status_code == 404


# Query counts -----------------------------------------------------------------


def count_queries(client, url, **headers) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, headers=headers)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("prefer", ["", PREFER_IRIS])
def test_a_container_page_costs_the_same_whatever_it_holds(client, build, prefer):
    small = build()
    small.item(highlights=1, notes=1, discussion=1)
    big = Builder(slug="big", name="Big")
    for _ in range(6):
        big.item(tags=("a", "b", "c"), highlights=5, notes=3, discussion=2)
    for item in big.group.items.select_related("page")[:3]:
        snapshot(item.page)
    client.force_login(big.member)
    small_bookmark = Bookmark.objects.filter(user=small.owner).first()
    big_bookmark = Bookmark.objects.filter(user=big.owner).first()
    headers = {"Prefer": prefer} if prefer else {}

    pairs = [
        (reverse("webanno:group", args=["reading"]), reverse("webanno:group", args=["big"])),
        (
            reverse("webanno:bookmark", args=[small_bookmark.pk]),
            reverse("webanno:bookmark", args=[big_bookmark.pk]),
        ),
        (
            reverse("webanno:user", args=[small.owner.username]),
            reverse("webanno:user", args=[big.owner.username]),
        ),
    ]
    for small_url, big_url in pairs:
        for query in ("", "?page=1"):
            expected = count_queries(client, small_url + query, **headers)
            assert count_queries(client, big_url + query, **headers) == expected, big_url
            assert expected <= 12


# Export -----------------------------------------------------------------------


def test_the_export_needs_a_signed_in_user(client, db):
    response = client.get(reverse("webanno:export"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_user_downloads_all_their_annotations(client, build, monkeypatch):
    monkeypatch.setattr(webanno_views, "EXPORT_CHUNK", 2)
    b = build()
    b.item(highlights=3, notes=1, discussion=1)
    b.item(is_private=True, highlights=2)
    someone_else = b.item(user=b.member, highlights=1)
    client.force_login(b.owner)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("webanno:export"))
        body = b"".join(response.streaming_content)

    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == CONTENT_TYPE
    assert response["Content-Disposition"] == (
        f'attachment; filename="annotations-{b.owner.username}.jsonld"'
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    doc = json.loads(body)
    assert doc["type"] == "AnnotationCollection"
    assert doc["total"] == 5
    items = doc["first"]["items"]
    assert len(items) == 5
    assert all(a["creator"]["name"] == "張 旭" for a in items)
    assert all(a["motivation"] in ("highlighting", "commenting") for a in items)
    theirs = Highlight.objects.get(bookmark__page=someone_else.page, bookmark__user=b.member)
    assert absolute(reverse("webanno:highlight", args=[theirs.pk])) not in {a["id"] for a in items}
    # Three chunks of two highlights (the last one short), four queries each.
    assert len(queries) <= 3 * 4 + 3
    expand(doc)


def test_the_export_is_only_ever_ones_own(client, private_group):
    """No URL names another user: a stranger's export holds nothing of the
    private group, whatever they add to the query."""
    stranger = UserFactory()
    client.force_login(stranger)
    response = client.get(
        reverse("webanno:export"), {"user": private_group.owner.username, "username": "x"}
    )
    doc = json.loads(b"".join(response.streaming_content))
    assert doc["total"] == 0 and doc["first"]["items"] == []


def test_a_reply_to_a_highlight_the_group_does_not_show_is_left_out(client, build):
    """A reply can only point at an annotation in the same container: a note
    on someone's private highlight of the same page stays out."""
    b = build()
    item = b.item(highlights=0)
    outsider = UserFactory()
    private, _ = save_bookmark(user=outsider, url=item.page.url, is_private=True, snapshot=False)
    hidden = add_highlight(bookmark=private, quote="not shared anywhere")
    note = add_group_note(item=item, author=b.member, highlight=hidden, text="pointing away")

    doc = get_json(client, reverse("webanno:group", args=[b.group.slug]))

    assert doc["total"] == 0
    assert client.get(reverse("webanno:reply", args=[note.pk])).status_code == 404
