"""Changing one's password, and resetting a forgotten one by email."""

import re

import pytest
from bs4 import BeautifulSoup
from django.core import mail
from django.urls import reverse

from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
NEW_PASSWORD = "a different passphrase 新しい"


def test_changing_the_password_keeps_one_signed_in(client, user):
    client.force_login(user)
    html = BeautifulSoup(client.get(reverse("accounts:password_change")).content, "lxml")
    assert html.find("input", attrs={"name": "old_password"})["autocomplete"] == "current-password"
    assert html.find("input", attrs={"name": "new_password1"})["autocomplete"] == "new-password"
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response["Location"] == reverse("accounts:password_change_done")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    done = client.get(response["Location"])
    assert done.status_code == 200 and "Password changed" in done.content.decode()


def test_a_wrong_current_password_changes_nothing(client, user):
    client.force_login(user)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    html = BeautifulSoup(response.content, "lxml")
    assert html.find(id="id_old_password_error").get_text(strip=True)
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_the_change_page_needs_a_signed_in_person(client):
    response = client.get(reverse("accounts:password_change"))
    assert response["Location"].startswith(reverse("accounts:login") + "?next=")


def reset_link(message) -> str:
    match = re.search(r"https?://\S+", message.body)
    assert match, message.body
    return match.group(0)


def test_a_reset_mail_carries_a_link_that_works(client):
    person = UserFactory(username="mei", email="mei@example.org")
    response = client.post(reverse("accounts:password_reset"), {"email": "MEI@example.org"})
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["mei@example.org"]
    assert "testserver" in message.subject
    assert "mei" in message.body

    link = reset_link(message)
    assert link.startswith("http://testserver/accounts/password/reset/")
    form_page = client.get(link, follow=True)
    assert "Choose a new password" in form_page.content.decode()
    set_password_url = form_page.redirect_chain[-1][0]
    response = client.post(
        set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert response["Location"] == reverse("accounts:password_reset_complete")
    assert client.get(response["Location"]).status_code == 200
    person.refresh_from_db()
    assert person.check_password(NEW_PASSWORD)

    # The link works once.
    again = client.get(link, follow=True).content.decode()
    assert "This link no longer works" in again


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client):
    response = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.org"})
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert mail.outbox == []


def test_a_made_up_link_is_refused(client, user):
    url = reverse("accounts:password_reset_confirm", args=["MQ", "made-up-token"])
    assert "This link no longer works" in client.get(url, follow=True).content.decode()
