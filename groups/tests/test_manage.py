"""Making and running a group through its pages: create, edit, join, leave,
members and roles."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from accounts.tests.factories import UserFactory
from groups.models import Group, GroupItem, Membership
from groups.services import add_member

pytestmark = pytest.mark.django_db


def soup(response):
    return BeautifulSoup(response.content, "lxml")


def field_errors(response, field: str) -> str:
    """The error list Django renders next to a field (id_<field>_error)."""
    errors = soup(response).find(id=f"id_{field}_error")
    return errors.get_text(" ", strip=True) if errors else ""


def role_of(group, user) -> str | None:
    return Membership.objects.filter(group=group, user=user).values_list("role", flat=True).first()


def new_group(client, **fields):
    data = {"name": "Reading", "slug": "", "description": "", "visibility": "public", **fields}
    return client.post(reverse("groups:new"), data)


# --- Create ---------------------------------------------------------------


def test_the_new_group_form_is_labelled(client, user):
    client.force_login(user)
    html = soup(client.get(reverse("groups:new")))
    for name in ("name", "slug", "description"):
        control = html.find(attrs={"name": name})
        assert html.find("label", attrs={"for": control["id"]}), name
    assert len(html.select('input[type="radio"][name="visibility"]')) == 2
    assert html.select_one('input[name="csrfmiddlewaretoken"]')


def test_creating_a_group_makes_its_creator_the_owner(client, user):
    client.force_login(user)
    response = new_group(client, name="架構 讀書會", slug="架構-讀書會", visibility="private")
    group = Group.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("groups:detail", args=["架構-讀書會"])
    assert (group.name, group.slug, group.visibility) == ("架構 讀書會", "架構-讀書會", "private")
    assert group.created_by == user and role_of(group, user) == Membership.Role.OWNER
    assert client.get(response["Location"]).status_code == 200


def test_an_empty_slug_is_made_from_the_name_in_any_script(client, user):
    client.force_login(user)
    new_group(client, name="Kubernetes 架構 Notes!")
    assert Group.objects.get().slug == "kubernetes-架構-notes"


def test_a_taken_slug_is_an_error_next_to_the_field_with_the_input_kept(client, user):
    Group.objects.create(name="First", slug="reading", created_by=user)
    client.force_login(user)
    response = new_group(client, name="Second reading", slug="reading", description="Kept 說明")
    assert response.status_code == 200
    assert "is taken" in field_errors(response, "slug")
    html = soup(response)
    assert html.find("input", attrs={"name": "name"})["value"] == "Second reading"
    assert html.find("textarea", attrs={"name": "description"}).get_text().strip() == "Kept 說明"
    assert html.find("input", attrs={"name": "slug"})["aria-invalid"] == "true"
    assert Group.objects.count() == 1


def test_a_slug_made_from_the_name_is_checked_too(client, user):
    Group.objects.create(name="First", slug="reading", created_by=user)
    client.force_login(user)
    assert "is taken" in field_errors(new_group(client, name="Reading"), "slug")
    assert "gives none" in field_errors(new_group(client, name="!!!"), "slug")


@pytest.mark.parametrize("slug", ["new", "New", "invite"])
def test_reserved_slugs_are_refused(client, user, slug):
    client.force_login(user)
    assert "reserved" in field_errors(new_group(client, slug=slug), "slug")
    assert not Group.objects.exists()


@pytest.mark.parametrize("slug", ["a/b", "with space", "dot.ted", "x" * 101])
def test_a_slug_is_letters_digits_hyphens_and_underscores(client, user, slug):
    client.force_login(user)
    assert field_errors(new_group(client, slug=slug), "slug")
    assert not Group.objects.exists()


def test_the_new_page_is_not_shadowed_by_a_group(client, user):
    Group.objects.create(name="Sneaky", slug="new", created_by=user)  # e.g. made in admin
    client.force_login(user)
    assert b'name="slug"' in client.get(reverse("groups:new")).content


def test_a_name_is_required(client, user):
    client.force_login(user)
    assert field_errors(new_group(client, name=""), "name")


# --- Edit -----------------------------------------------------------------


def test_owners_edit_the_group_and_may_move_it(client, build):
    b = build()
    b.item()
    client.force_login(b.owner)
    form = client.get(reverse("groups:edit", args=["reading"]))
    assert soup(form).find("input", attrs={"name": "name"})["value"] == "Reading"
    response = client.post(
        reverse("groups:edit", args=["reading"]),
        {"name": "讀書", "slug": "讀書", "description": "New words", "visibility": "private"},
    )
    assert response["Location"] == reverse("groups:detail", args=["讀書"])
    b.group.refresh_from_db()
    assert (b.group.name, b.group.slug, b.group.visibility) == ("讀書", "讀書", "private")
    assert GroupItem.objects.filter(group=b.group).count() == 1


def test_editing_keeps_the_own_slug_but_not_anothers(client, build):
    b = build()
    build(slug="other", name="Other")
    client.force_login(b.owner)
    url = reverse("groups:edit", args=["reading"])
    data = {"name": "Reading", "slug": "reading", "visibility": "public", "description": ""}
    assert client.post(url, data).status_code == 302
    response = client.post(url, {**data, "slug": "other"})
    assert "is taken" in field_errors(response, "slug")


# --- Join and leave -------------------------------------------------------


def test_anyone_signed_in_joins_a_public_group_as_a_member(client, build):
    b = build()
    person = UserFactory()
    client.force_login(person)
    members_page = soup(client.get(reverse("groups:members", args=["reading"])))
    assert members_page.find("form", action=reverse("groups:join", args=["reading"]))
    client.post(reverse("groups:join", args=["reading"]))
    assert role_of(b.group, person) == Membership.Role.MEMBER


def test_joining_again_keeps_ones_role(client, build):
    b = build()
    client.force_login(b.owner)
    client.post(reverse("groups:join", args=["reading"]))
    assert role_of(b.group, b.owner) == Membership.Role.OWNER


def test_a_private_group_cannot_be_joined_by_outsiders(client, build):
    b = build(visibility=Group.Visibility.PRIVATE)
    person = UserFactory()
    client.force_login(person)
    assert client.post(reverse("groups:join", args=["reading"])).status_code == 404
    assert role_of(b.group, person) is None


def test_a_member_leaves_and_what_they_shared_stays(client, build):
    b = build()
    item = b.item(user=b.member)
    client.force_login(b.member)
    confirm = client.get(reverse("groups:leave", args=["reading"]))
    assert soup(confirm).find("form", action=reverse("groups:leave", args=["reading"]))
    response = client.post(reverse("groups:leave", args=["reading"]))
    assert response["Location"] == reverse("groups:detail", args=["reading"])
    assert role_of(b.group, b.member) is None
    assert GroupItem.objects.filter(pk=item.pk).exists()


def test_leaving_a_private_group_goes_to_the_group_list(client, build):
    b = build(visibility=Group.Visibility.PRIVATE)
    client.force_login(b.member)
    response = client.post(reverse("groups:leave", args=["reading"]))
    assert response["Location"] == reverse("groups:list")


def test_the_last_owner_cannot_leave(client, build):
    b = build()
    client.force_login(b.owner)
    response = client.post(reverse("groups:leave", args=["reading"]))
    assert response.status_code == 409
    assert "always keeps an owner" in soup(response).select_one('[role="alert"]').get_text()
    assert role_of(b.group, b.owner) == Membership.Role.OWNER
    add_member(group=b.group, user=b.member, role=Membership.Role.OWNER)
    assert client.post(reverse("groups:leave", args=["reading"])).status_code == 302
    assert role_of(b.group, b.owner) is None


# --- Members and roles ----------------------------------------------------


def test_readers_see_names_and_roles_without_controls(client, build):
    build()
    html = soup(client.get(reverse("groups:members", args=["reading"])))
    rows = [
        [td.get_text(strip=True) for td in tr.select("td")[:2]] for tr in html.select("tbody tr")
    ]
    assert rows == [["張 旭", "Owner"], ["Mei Chen", "Member"]]
    assert not html.select("main select, #invitations")
    assert not html.find(
        "form", attrs={"method": "post", "action": lambda a: bool(a) and "members" in a}
    )


def test_members_page_of_a_private_group_is_for_members(client, build):
    b = build(visibility=Group.Visibility.PRIVATE)
    url = reverse("groups:members", args=["reading"])
    assert client.get(url).status_code == 404
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    client.force_login(b.member)
    assert client.get(url).status_code == 200


def test_owners_see_role_controls_and_moderators_see_adding_and_invitations(client, build):
    b = build()
    moderator = UserFactory()
    add_member(group=b.group, user=moderator, role=Membership.Role.MODERATOR)
    url = reverse("groups:members", args=["reading"])
    client.force_login(b.owner)
    owner_view = soup(client.get(url))
    assert len(owner_view.select('select[name="role"]')) == 3
    assert owner_view.select_one("#invitations") and owner_view.select_one('input[name="username"]')
    client.force_login(moderator)
    moderator_view = soup(client.get(url))
    assert not moderator_view.select('select[name="role"]')
    assert moderator_view.select_one("#invitations") and moderator_view.select_one(
        'input[name="username"]'
    )


@pytest.mark.parametrize("role", [Membership.Role.OWNER, Membership.Role.MODERATOR])
def test_owners_and_moderators_add_a_person_by_username(client, build, role):
    b = build()
    adder = UserFactory()
    add_member(group=b.group, user=adder, role=role)
    person = UserFactory(username="林小雨")
    client.force_login(adder)
    response = client.post(reverse("groups:add_member", args=["reading"]), {"username": "林小雨"})
    assert response["Location"] == reverse("groups:members", args=["reading"])
    assert role_of(b.group, person) == Membership.Role.MEMBER


def test_an_unknown_username_is_an_error_next_to_the_field(client, build):
    b = build()
    client.force_login(b.owner)
    url = reverse("groups:add_member", args=["reading"])
    response = client.post(url, {"username": "nobody"})
    assert response.status_code == 200
    assert "No one has the username “nobody”" in field_errors(response, "username")
    assert soup(response).find("input", attrs={"name": "username"})["value"] == "nobody"


def test_adding_someone_already_in_leaves_their_role_alone(client, build):
    b = build()
    moderator = UserFactory(username="mod")
    add_member(group=b.group, user=moderator, role=Membership.Role.MODERATOR)
    client.force_login(b.owner)
    response = client.post(reverse("groups:add_member", args=["reading"]), {"username": "mod"})
    assert "already a member" in field_errors(response, "username")
    assert role_of(b.group, moderator) == Membership.Role.MODERATOR


@pytest.mark.parametrize("role", ["moderator", "owner", "member"])
def test_owners_change_roles(client, build, role):
    b = build()
    client.force_login(b.owner)
    url = reverse("groups:change_role", args=["reading", b.member.username])
    assert client.post(url, {"role": role}).status_code == 302
    assert role_of(b.group, b.member) == role


def test_an_unknown_role_is_refused(client, build):
    b = build()
    client.force_login(b.owner)
    url = reverse("groups:change_role", args=["reading", b.member.username])
    assert client.post(url, {"role": "emperor"}).status_code == 400
    assert role_of(b.group, b.member) == Membership.Role.MEMBER


def test_the_last_owner_cannot_be_demoted_or_removed(client, build):
    b = build()
    client.force_login(b.owner)
    role_url = reverse("groups:change_role", args=["reading", b.owner.username])
    response = client.post(role_url, {"role": "member"})
    assert response.status_code == 409
    assert "always keeps an owner" in soup(response).select_one('[role="alert"]').get_text()
    remove_url = reverse("groups:remove_member", args=["reading", b.owner.username])
    assert client.post(remove_url).status_code == 409
    assert role_of(b.group, b.owner) == Membership.Role.OWNER
    # With a second owner, the first may step down.
    add_member(group=b.group, user=b.member, role=Membership.Role.OWNER)
    assert client.post(role_url, {"role": "member"}).status_code == 302
    assert role_of(b.group, b.owner) == Membership.Role.MEMBER


def test_owners_remove_members_and_their_shares_stay(client, build):
    b = build()
    item = b.item(user=b.member)
    client.force_login(b.owner)
    url = reverse("groups:remove_member", args=["reading", b.member.username])
    confirm = soup(client.get(url))
    assert "Mei Chen" in confirm.h1.get_text()
    assert client.post(url)["Location"] == reverse("groups:members", args=["reading"])
    assert role_of(b.group, b.member) is None
    assert GroupItem.objects.filter(pk=item.pk).exists()


def test_group_pages_link_to_members_and_the_list_to_a_new_group(client, build):
    build()
    members_url = reverse("groups:members", args=["reading"])
    assert soup(client.get(reverse("groups:detail", args=["reading"]))).find("a", href=members_url)
    assert not soup(client.get(reverse("groups:list"))).find("a", href=reverse("groups:new"))
    client.force_login(UserFactory())
    assert soup(client.get(reverse("groups:list"))).find("a", href=reverse("groups:new"))
