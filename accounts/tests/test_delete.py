"""Deleting one's own account: confirmed with the password, then everything
of theirs goes and they are signed out."""

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse

from accounts.models import User
from accounts.tests.factories import UserFactory
from annotations.models import Highlight
from annotations.services import add_highlight, add_note
from bookmarks.models import Bookmark
from bookmarks.services import save_bookmark
from groups.models import Group, GroupItem, Membership
from groups.services import add_member, create_group, share_bookmark

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


@pytest.fixture
def leaver():
    """A person with bookmarks, a highlight and note, a group they alone own
    with someone else in it, and a group with nobody else."""
    person = UserFactory(username="leaver")
    shared = create_group(
        name="Reading circle",
        slug="reading-circle",
        created_by=person,
        visibility=Group.Visibility.PUBLIC,
    )
    heir = UserFactory(username="heir")
    add_member(group=shared, user=heir)
    create_group(
        name="Alone here", slug="alone-here", created_by=person, visibility=Group.Visibility.PRIVATE
    )
    for n in range(2):
        bookmark, _ = save_bookmark(
            user=person, url=f"https://example.org/leaving/{n}", title=f"Leaving {n}"
        )
    highlight = add_highlight(bookmark=bookmark, quote="a passage worth keeping")
    add_note(bookmark=bookmark, highlight=highlight, text="a note on it")
    share_bookmark(bookmark=bookmark, group=shared)
    return person


def post_delete(client, password):
    return client.post(reverse("accounts:delete"), {"password": password})


def test_the_page_says_what_goes(client, leaver):
    client.force_login(leaver)
    response = client.get(reverse("accounts:delete"))
    text = BeautifulSoup(response.content, "lxml").get_text(" ", strip=True)
    assert "2 bookmarks" in text
    assert "1 highlight" in text
    assert "1 sticky note" in text
    assert "membership of 2 groups" in text or "memberships of 2 groups" in text
    assert "Reading circle passes to" in text
    assert "Alone here has no one else in it" in text
    html = BeautifulSoup(response.content, "lxml")
    assert html.find("input", attrs={"name": "password"})["autocomplete"] == "current-password"


def test_a_wrong_password_deletes_nothing(client, leaver):
    client.force_login(leaver)
    response = post_delete(client, "not my password")
    assert response.status_code == 200
    html = BeautifulSoup(response.content, "lxml")
    assert "nothing was deleted" in html.find(id="id_password_error").get_text()
    assert User.objects.filter(pk=leaver.pk).exists()
    assert Bookmark.objects.filter(user=leaver).count() == 2
    assert Group.objects.filter(slug="alone-here").exists()
    assert client.session["_auth_user_id"] == str(leaver.pk)


def test_the_right_password_deletes_everything_and_signs_out(client, leaver):
    client.force_login(leaver)
    response = post_delete(client, PASSWORD)
    assert response["Location"] == reverse("home")
    assert not User.objects.filter(username="leaver").exists()
    assert not Bookmark.objects.filter(url__startswith="https://example.org/leaving/").exists()
    assert not Highlight.objects.exists()
    assert "_auth_user_id" not in client.session
    # The group with someone else in it passes on; the empty one goes.
    assert Membership.objects.get(group__slug="reading-circle").user.username == "heir"
    assert Membership.objects.get(group__slug="reading-circle").role == Membership.Role.OWNER
    assert not Group.objects.filter(slug="alone-here").exists()
    # Their item left the group with them: nobody else shared it.
    assert not GroupItem.objects.exists()
    home = client.get(response["Location"]).content.decode()
    assert "is deleted" in home and "Sign in" in home


def test_other_people_are_untouched(client, leaver):
    other = UserFactory()
    save_bookmark(user=other, url="https://example.org/staying", title="Staying")
    client.force_login(leaver)
    post_delete(client, PASSWORD)
    assert Bookmark.objects.filter(user=other).count() == 1


def test_deleting_needs_the_csrf_token(leaver):
    client = Client(enforce_csrf_checks=True)
    client.force_login(leaver)
    assert post_delete(client, PASSWORD).status_code == 403
    assert User.objects.filter(pk=leaver.pk).exists()


def test_anonymous_people_are_sent_to_sign_in(client):
    response = client.get(reverse("accounts:delete"))
    assert response["Location"].startswith(reverse("accounts:login") + "?next=")
