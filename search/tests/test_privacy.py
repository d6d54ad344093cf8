"""Private means private: a secret word in every searchable place of a
private bookmark and of a private group's items, searched for by everyone
who must not see them, finds nothing, not even a count."""

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.tests.factories import UserFactory
from groups.models import Group, Membership
from groups.services import add_member, create_group, share_bookmark
from search.query import parse
from search.selectors import find

from .conftest import result_ids, search

pytestmark = pytest.mark.django_db

SECRET = "xylophonequest"
#: Beside the secret in the content, searched for as a phrase.
CONTEXT = "kumquatmarmalade"
#: Not searched for by outsiders: in the page only if the bookmark was shown.
LONELY, GROUPED = "persimmonvault", "tamarindcellar"


@pytest.fixture
def world(library, committed):
    owner, member, former, stranger = (UserFactory() for _ in range(4))
    private_group = create_group(
        name="Hidden", slug="backroom", created_by=owner, visibility=Group.Visibility.PRIVATE
    )
    public_group = create_group(
        name="Open", slug="open", created_by=owner, visibility=Group.Visibility.PUBLIC
    )
    for group in (private_group, public_group):
        add_member(group=group, user=owner, role=Membership.Role.OWNER)
        add_member(group=group, user=member)
    add_member(group=private_group, user=former)

    def secret_bookmark(marker):
        words = f"{SECRET} {CONTEXT} {marker}"
        bookmark = library.save(
            owner,
            is_private=True,
            title=f"{words} title",
            description=f"{words} description",
            tag_names=[SECRET],
            highlights=[(f"{words} quote", [f"{words} sticky"])],
            notes=[f"{words} page note"],
        )
        library.cache(bookmark, f"{SECRET} {CONTEXT} {marker} cached")
        return bookmark

    lonely = secret_bookmark(LONELY)
    in_private_group = secret_bookmark(GROUPED)
    share_bookmark(bookmark=in_private_group, group=private_group)
    # The member was here; now they are not.
    Membership.objects.filter(group=private_group, user=former).delete()
    return dict(
        owner=owner,
        member=member,
        former=former,
        stranger=stranger,
        lonely=lonely,
        in_private_group=in_private_group,
        public_group=public_group,
    )


QUERIES = [
    SECRET,
    f'"{SECRET} {CONTEXT}"',
    f"#{SECRET}",
    f"{SECRET} group:backroom",
    f"{SECRET} -nothing",
    "user:{owner}",
    f"#{SECRET} user:{{owner}}",
]


@pytest.mark.parametrize("who", ["anonymous", "stranger", "former", "member"])
@pytest.mark.parametrize("q", QUERIES)
def test_nobody_else_finds_a_private_bookmark(client, world, who, q):
    if who != "anonymous":
        client.force_login(world[who])
    q = q.format(owner=world["owner"].username)
    response = search(client, q)
    ids = result_ids(response)
    html = response.content.decode()
    assert world["lonely"].pk not in ids
    assert LONELY not in html
    if who != "member":
        assert ids == []
        assert GROUPED not in html
        assert "pagination__status" not in html  # no "1 - N of M"


def main(response) -> str:
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


@pytest.mark.parametrize("who", ["anonymous", "stranger", "former"])
def test_a_private_group_is_not_there_for_outsiders(client, world, who):
    if who != "anonymous":
        client.force_login(world[who])
    hidden = main(search(client, f"{SECRET} group:backroom"))
    missing = main(search(client, f"{SECRET} group:nowhere"))
    assert "There is no group “backroom”." in hidden
    assert hidden.replace("backroom", "nowhere") == missing


def test_the_owner_finds_both(client, world):
    client.force_login(world["owner"])
    ids = result_ids(search(client, SECRET))
    assert sorted(ids) == sorted([world["lonely"].pk, world["in_private_group"].pk])


def test_a_member_finds_the_private_groups_item_only(client, world):
    client.force_login(world["member"])
    for q in (SECRET, f"#{SECRET}", f"{SECRET} group:backroom", f'"{CONTEXT} {GROUPED} cached"'):
        assert result_ids(search(client, q)) == [world["in_private_group"].pk], q


def test_shared_into_a_public_group_it_is_found_by_anyone(client, world):
    share_bookmark(bookmark=world["lonely"], group=world["public_group"])
    assert result_ids(search(client, SECRET)) == [world["lonely"].pk]


def test_made_private_after_indexing_it_is_gone_at_once(client, world, committed):
    public = world["lonely"]
    public.is_private = False
    public.save(update_fields=["is_private"])  # not even a reindex
    assert result_ids(search(client, SECRET)) == [public.pk]
    type(public).objects.filter(pk=public.pk).update(is_private=True)  # no signal at all
    assert result_ids(search(client, SECRET)) == []


@pytest.mark.parametrize("who", ["anonymous", "stranger", "former"])
def test_the_selector_itself_finds_nothing(world, who):
    reader = AnonymousUser() if who == "anonymous" else world[who]
    found = find(reader, parse(SECRET))
    assert list(found.bookmarks) == []
