"""Invitation links: owners and moderators make and withdraw them; whoever
holds a working link joins as a member; a dead link names no group."""

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from groups.invitations import (
    DEFAULT_LIFETIME,
    InvitationGone,
    accept_invitation,
    create_invitation,
)
from groups.models import Group, Invitation, Membership
from groups.services import add_member

pytestmark = pytest.mark.django_db

SECRET = "okapi-secret"


@pytest.fixture
def private(build):
    return build(visibility=Group.Visibility.PRIVATE, name=f"Night shift {SECRET}")


def soup(response):
    return BeautifulSoup(response.content, "lxml")


def role_of(group, user):
    return Membership.objects.filter(group=group, user=user).values_list("role", flat=True).first()


def accept_url(invitation):
    return reverse("groups:accept_invitation", args=[invitation.token])


def test_a_token_is_32_random_url_safe_characters(private):
    first = create_invitation(group=private.group, created_by=private.owner)
    second = create_invitation(group=private.group, created_by=private.owner)
    assert len(first.token) == 32 and first.token != second.token
    assert set(first.token) <= set(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    )
    assert first.expires_at - first.created_at == timedelta(days=DEFAULT_LIFETIME)


@pytest.mark.parametrize("days", [1, 7, 30])
def test_moderators_make_links_lasting_1_7_or_30_days(client, private, days):
    moderator = UserFactory()
    add_member(group=private.group, user=moderator, role=Membership.Role.MODERATOR)
    client.force_login(moderator)
    url = reverse("groups:create_invitation", args=[private.group.slug])
    response = client.post(url, {"days": str(days)})
    assert response.status_code == 302 and response["Location"].endswith("#invitations")
    invitation = Invitation.objects.get()
    assert invitation.expires_at - invitation.created_at == timedelta(days=days)
    assert invitation.created_by == moderator
    page = soup(client.get(response["Location"]))
    link = page.select_one(".invitation-list input")["value"]
    assert link == f"http://testserver{accept_url(invitation)}"


def test_another_lifetime_is_refused(client, private):
    client.force_login(private.owner)
    url = reverse("groups:create_invitation", args=[private.group.slug])
    response = client.post(url, {"days": "365"})
    assert response.status_code == 400
    assert soup(response).find(id="id_days_error")
    assert not Invitation.objects.exists()


def test_the_invitation_page_shows_the_group_to_a_signed_in_person(client, private):
    invitation = create_invitation(group=private.group, created_by=private.owner)
    person = UserFactory()
    client.force_login(person)
    response = client.get(accept_url(invitation))
    assert response.status_code == 200
    html = soup(response)
    assert SECRET in html.h1.get_text()
    assert html.find("form", attrs={"method": "post"}).find("button")
    assert role_of(private.group, person) is None  # GET changes nothing


def test_anonymous_people_sign_in_first_and_come_back(client, private):
    invitation = create_invitation(group=private.group, created_by=private.owner)
    response = client.get(accept_url(invitation))
    assert response.status_code == 302
    login = resolve_url(settings.LOGIN_URL)
    assert response["Location"].startswith(f"{login}?next=")
    assert invitation.token in response["Location"]
    assert SECRET not in response.content.decode()


def test_accepting_joins_as_a_member_and_the_private_group_opens(client, private):
    invitation = create_invitation(group=private.group, created_by=private.owner)
    person = UserFactory()
    client.force_login(person)
    assert client.get(reverse("groups:detail", args=["reading"])).status_code == 404
    response = client.post(accept_url(invitation))
    assert response["Location"] == reverse("groups:detail", args=["reading"])
    assert role_of(private.group, person) == Membership.Role.MEMBER
    assert client.get(response["Location"]).status_code == 200


def test_one_link_serves_many_people_and_keeps_roles(client, private):
    invitation = create_invitation(group=private.group, created_by=private.owner)
    for person in (UserFactory(), UserFactory()):
        client.force_login(person)
        client.post(accept_url(invitation))
        assert role_of(private.group, person) == Membership.Role.MEMBER
    client.force_login(private.owner)
    assert "already a member" in soup(client.get(accept_url(invitation))).get_text()
    client.post(accept_url(invitation))
    assert role_of(private.group, private.owner) == Membership.Role.OWNER


def expired(group, owner):
    invitation = create_invitation(group=group, created_by=owner, days=1)
    Invitation.objects.filter(pk=invitation.pk).update(
        created_at=timezone.now() - timedelta(days=3), expires_at=timezone.now() - timedelta(days=2)
    )
    return Invitation.objects.get(pk=invitation.pk)


def revoked(group, owner):
    invitation = create_invitation(group=group, created_by=owner)
    invitation.revoked_at = timezone.now()
    invitation.save()
    return invitation


@pytest.mark.parametrize("make", [expired, revoked])
def test_a_dead_link_says_so_without_naming_the_group(client, private, make):
    invitation = make(private.group, private.owner)
    person = UserFactory()
    client.force_login(person)
    for response in (client.get(accept_url(invitation)), client.post(accept_url(invitation))):
        assert response.status_code == 410
        body = response.content.decode()
        assert "This invitation has expired or was withdrawn" in body
        assert SECRET not in body and "/groups/reading/" not in body
    assert role_of(private.group, person) is None
    with pytest.raises(InvitationGone):
        accept_invitation(invitation=invitation, user=person)


@pytest.mark.parametrize("token", ["not-a-real-token", "x" * 32, "%E6%9E%B6"])
def test_a_wrong_token_is_404_and_names_no_group(client, private, token):
    create_invitation(group=private.group, created_by=private.owner)
    client.force_login(UserFactory())
    for response in (
        client.get(f"/groups/invite/{token}/"),
        client.post(f"/groups/invite/{token}/"),
    ):
        assert response.status_code == 404
        assert SECRET not in response.content.decode()
    assert Membership.objects.filter(group=private.group).count() == 2


def test_owners_and_moderators_withdraw_links(client, private):
    invitation = create_invitation(group=private.group, created_by=private.owner)
    client.force_login(private.owner)
    members = reverse("groups:members", args=["reading"])
    assert invitation.token in client.get(members).content.decode()
    url = reverse("groups:revoke_invitation", args=["reading", invitation.pk])
    assert client.post(url)["Location"].endswith("#invitations")
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    assert invitation.token not in client.get(members).content.decode()
    person = UserFactory()
    client.force_login(person)
    assert client.post(accept_url(invitation)).status_code == 410
    assert role_of(private.group, person) is None


def test_members_see_no_links(client, private):
    invitation = create_invitation(group=private.group, created_by=private.owner)
    client.force_login(private.member)
    body = client.get(reverse("groups:members", args=["reading"])).content.decode()
    assert invitation.token not in body and 'id="invitations"' not in body
