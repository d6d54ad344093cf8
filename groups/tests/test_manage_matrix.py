"""Every write endpoint of the groups app, tried by everyone: anonymous,
a stranger, a member, a moderator and an owner. Whoever may not see the
group gets 404; whoever sees it but may not change it gets 403; a refused
attempt changes nothing. The endpoints come from the URL resolver, so a new
one fails here until it has a row in CASES."""

from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import URLPattern, get_resolver, reverse

from accounts.tests.factories import UserFactory
from groups.invitations import create_invitation
from groups.models import Group, GroupItem, GroupItemTag, GroupNote, Invitation, Membership
from groups.services import add_group_note, add_member

ROLES = ["anonymous", "stranger", "member", "moderator", "owner"]
SECRET = "walrus-secret"
DONE, REFUSED, HIDDEN, CONFLICT = 302, 403, 404, 409


def groups_write_endpoints() -> dict[str, URLPattern]:
    resolver = get_resolver("groups.urls")
    return {
        f"groups:{entry.name}": entry
        for entry in resolver.url_patterns
        if getattr(entry.callback, "is_write_endpoint", False)
    }


def build_world(build, visibility=Group.Visibility.PUBLIC):
    b = build(visibility=visibility, name=f"Reading {SECRET}")
    moderator = UserFactory(username="moderator")
    add_member(group=b.group, user=moderator, role=Membership.Role.MODERATOR)
    item = b.item(user=b.member, highlights=1, title=f"Shared {SECRET}")
    highlight = item.shares.get().bookmark.highlights.get()
    note = add_group_note(item=item, author=b.member, text=f"Note {SECRET}")
    return SimpleNamespace(
        group=b.group,
        item=item,
        highlight=highlight,
        note=note,
        invitation=create_invitation(group=b.group, created_by=b.owner),
        people={
            "stranger": UserFactory(username="stranger"),
            "member": b.member,
            "moderator": moderator,
            "owner": b.owner,
        },
        newcomer=UserFactory(username="newcomer"),
    )


@dataclass
class Case:
    url: object
    data: object
    #: The status for each signed-in role on a public group.
    expected: dict


def note_url(name):
    return lambda w: reverse(name, args=[w.group.slug, w.item.pk, w.note.pk])


def everyone(status):
    return dict.fromkeys(ROLES[1:], status)


def only(allowed, status=DONE):
    return {role: status if role in allowed else REFUSED for role in ROLES[1:]}


GROUP_FORM = {"name": "Renamed", "slug": "", "description": "", "visibility": "public"}
CASES = {
    "groups:new": Case(lambda w: reverse("groups:new"), GROUP_FORM, everyone(DONE)),
    "groups:edit": Case(
        lambda w: reverse("groups:edit", args=[w.group.slug]),
        {**GROUP_FORM, "slug": "reading"},
        only({"owner"}),
    ),
    "groups:join": Case(lambda w: reverse("groups:join", args=[w.group.slug]), {}, everyone(DONE)),
    "groups:leave": Case(
        lambda w: reverse("groups:leave", args=[w.group.slug]),
        {},
        {**only({"member", "moderator"}), "owner": CONFLICT},
    ),
    "groups:add_member": Case(
        lambda w: reverse("groups:add_member", args=[w.group.slug]),
        {"username": "newcomer"},
        only({"moderator", "owner"}),
    ),
    "groups:change_role": Case(
        lambda w: reverse("groups:change_role", args=[w.group.slug, w.people["member"].username]),
        {"role": "moderator"},
        only({"owner"}),
    ),
    "groups:remove_member": Case(
        lambda w: reverse("groups:remove_member", args=[w.group.slug, w.people["member"].username]),
        {},
        only({"owner"}),
    ),
    "groups:create_invitation": Case(
        lambda w: reverse("groups:create_invitation", args=[w.group.slug]),
        {"days": "7"},
        only({"moderator", "owner"}),
    ),
    "groups:revoke_invitation": Case(
        lambda w: reverse("groups:revoke_invitation", args=[w.group.slug, w.invitation.pk]),
        {},
        only({"moderator", "owner"}),
    ),
    "groups:accept_invitation": Case(
        lambda w: reverse("groups:accept_invitation", args=[w.invitation.token]),
        {},
        everyone(DONE),
    ),
    "groups:add_note": Case(
        lambda w: reverse("groups:add_note", args=[w.group.slug, w.item.pk]),
        lambda w: {"text": "A reply", "highlight": w.highlight.pk},
        only({"member", "moderator", "owner"}),
    ),
    "groups:edit_note": Case(note_url("groups:edit_note"), {"text": "Changed"}, only({"member"})),
    "groups:delete_note": Case(
        note_url("groups:delete_note"), {}, only({"member", "moderator", "owner"})
    ),
    "groups:item_tags": Case(
        lambda w: reverse("groups:item_tags", args=[w.group.slug, w.item.pk]),
        {"tags": "設計, review"},
        only({"moderator", "owner"}),
    ),
    "groups:remove_item": Case(
        lambda w: reverse("groups:remove_item", args=[w.group.slug, w.item.pk]),
        {},
        only({"moderator", "owner"}),
    ),
    "groups:unshare": Case(
        lambda w: reverse("groups:unshare", args=[w.group.slug, w.item.pk]),
        {},
        only({"member"}),
    ),
}


def state():
    """Everything a group write endpoint might change."""
    return (
        sorted(Group.objects.values_list("pk", "name", "slug", "visibility", "description")),
        sorted(Membership.objects.values_list("group_id", "user_id", "role")),
        sorted(GroupItem.objects.values_list("pk", "shared_by_id")),
        sorted(GroupItemTag.objects.values_list("item_id", "tag_id")),
        sorted(GroupNote.objects.values_list("pk", "text", "highlight_id")),
        sorted(Invitation.objects.values_list("pk", "revoked_at")),
    )


def data_for(case, world):
    return case.data(world) if callable(case.data) else case.data


def test_every_write_endpoint_has_a_row_in_the_matrix():
    assert set(groups_write_endpoints()) == set(CASES)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(CASES))
def test_the_role_matrix_on_a_public_group(client, build, name, role):
    world = build_world(build)
    case = CASES[name]
    url = case.url(world)
    if role != "anonymous":
        client.force_login(world.people[role])
    before = state()
    response = client.post(url, data_for(case, world))
    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(resolve_url(settings.LOGIN_URL) + "?next=")
        assert state() == before
        return
    assert response.status_code == case.expected[role], (name, role)
    if response.status_code != DONE:
        assert state() == before, (name, role)


SLUGGED = sorted(
    name for name, entry in groups_write_endpoints().items() if "slug" in entry.pattern.converters
)


@pytest.mark.parametrize("who", ["stranger", "former member"])
@pytest.mark.parametrize("name", SLUGGED)
def test_a_private_group_is_404_to_outsiders_on_every_write_endpoint(client, build, name, who):
    world = build_world(build, visibility=Group.Visibility.PRIVATE)
    person = world.people["stranger"]
    if who == "former member":
        person = world.people["member"]
        Membership.objects.filter(group=world.group, user=person).delete()
    client.force_login(person)
    case = CASES[name]
    before = state()
    for response in (
        client.post(case.url(world), data_for(case, world)),
        client.get(case.url(world)),
    ):
        body = response.content.decode()
        assert SECRET not in body, name
        assert response.status_code in (HIDDEN, 405), (name, response.status_code)
    assert client.post(case.url(world), data_for(case, world)).status_code == HIDDEN
    assert state() == before


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_post_without_the_csrf_token_changes_nothing(build, name):
    world = build_world(build)
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.people["owner"])
    before = state()
    assert client.post(CASES[name].url(world), data_for(CASES[name], world)).status_code == 403
    assert state() == before


def other_group_world(build):
    """A second public group whose owner is also the first group's owner."""
    world = build_world(build)
    other = build(slug="elsewhere", name="Elsewhere")
    add_member(group=other.group, user=world.people["owner"], role=Membership.Role.OWNER)
    other_item = other.item(highlights=1, url="https://example.org/read/elsewhere")
    other_note = add_group_note(item=other_item, author=other.member, text="Over there")
    return world, other, other_item, other_note


ITEM_ENDPOINTS = [
    "groups:add_note",
    "groups:item_tags",
    "groups:remove_item",
    "groups:unshare",
]


@pytest.mark.parametrize("name", ITEM_ENDPOINTS)
def test_an_item_of_another_group_is_404(client, build, name):
    world, _other, other_item, _note = other_group_world(build)
    client.force_login(world.people["owner"])
    before = state()
    url = reverse(name, args=[world.group.slug, other_item.pk])
    assert client.post(url, {"text": "x", "tags": "x"}).status_code == HIDDEN
    assert client.get(url).status_code == HIDDEN
    assert state() == before


@pytest.mark.parametrize("name", ["groups:edit_note", "groups:delete_note"])
def test_a_note_of_another_group_or_item_is_404(client, build, name):
    world, other, other_item, other_note = other_group_world(build)
    member = world.people["member"]
    add_member(group=other.group, user=member)
    mine_elsewhere = add_group_note(item=other_item, author=member, text="Mine, elsewhere")
    second_item = GroupItem.objects.create(
        group=world.group, page=other_item.page, shared_at=world.item.shared_at
    )
    mine_on_another_item = add_group_note(item=second_item, author=member, text="Mine, here")
    client.force_login(member)
    before = state()
    for note in (other_note, mine_elsewhere, mine_on_another_item):
        url = reverse(name, args=[world.group.slug, world.item.pk, note.pk])
        assert client.post(url, {"text": "Hijacked"}).status_code == HIDDEN
        assert client.get(url).status_code == HIDDEN
    assert state() == before


def test_an_invitation_of_another_group_is_404(client, build):
    world, other, _item, _note = other_group_world(build)
    theirs = create_invitation(group=other.group, created_by=other.owner)
    client.force_login(world.people["owner"])
    url = reverse("groups:revoke_invitation", args=[world.group.slug, theirs.pk])
    assert client.post(url).status_code == HIDDEN
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


@pytest.mark.parametrize("name", ["groups:change_role", "groups:remove_member"])
def test_a_person_outside_the_group_is_404(client, build, name):
    world = build_world(build)
    client.force_login(world.people["owner"])
    before = state()
    for username in ("stranger", "nobody-at-all"):
        url = reverse(name, args=[world.group.slug, username])
        assert client.post(url, {"role": "owner"}).status_code == HIDDEN
    assert state() == before
