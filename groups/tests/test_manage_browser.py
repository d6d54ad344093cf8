"""The group management pages in a real browser: the whole path without
JavaScript (create a group, invite someone, they accept and discuss, a
moderator edits tags), then axe-core on every new page in both schemes."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import UserFactory
from annotations.services import add_highlight
from bookmarks.services import save_bookmark
from groups.invitations import create_invitation
from groups.models import Group, GroupNote, Membership
from groups.services import add_group_note, share_bookmark

pytest_plugins = ["groups.tests.browser"]

pytestmark = pytest.mark.django_db(transaction=True)

FAILING_IMPACTS = {"serious", "critical"}
AXE = Axe()


def signed_in(new_context, site_url, user, *, javascript=False):
    client = Client()
    client.force_login(user)
    name = settings.SESSION_COOKIE_NAME
    context = new_context(java_script_enabled=javascript)
    context.add_cookies([{"name": name, "value": client.cookies[name].value, "url": site_url}])
    return context.new_page()


def test_create_invite_accept_and_discuss_without_javascript(new_context, site_url):
    founder, guest = UserFactory(display_name="林 小雨"), UserFactory(display_name="Guest")
    page = signed_in(new_context, site_url, founder)
    page.goto(reverse("groups:list"))
    page.get_by_role("link", name="Start a new group").click()
    page.get_by_label("Name").fill("夜讀 Night Reading")
    page.get_by_label("Private: members only").check()
    page.get_by_role("button", name="Create the group").click()
    page.wait_for_url(re.compile("/groups/"))
    group = Group.objects.get(created_by=founder)
    assert group.slug == "夜讀-night-reading" and not group.is_public

    page.goto(reverse("groups:members", args=[group.slug]))
    page.get_by_label("The link works for").select_option("30")
    page.get_by_role("button", name="Make a new link").click()
    link = page.locator(".invitation-list__url").input_value()

    visitor = signed_in(new_context, site_url, guest)
    visitor.goto(link)
    assert "夜讀 Night Reading" in visitor.locator("h1").inner_text()
    visitor.get_by_role("button", name="Accept and join").click()
    assert Membership.objects.filter(group=group, user=guest).exists()

    bookmark, _ = save_bookmark(user=guest, url="https://example.org/night", title="Night")
    add_highlight(bookmark=bookmark, quote="The second paragraph.")
    shared = share_bookmark(bookmark=bookmark, group=group)
    visitor.goto(reverse("groups:item", args=[group.slug, shared.pk]))
    visitor.get_by_text("Discuss this passage").click()
    visitor.get_by_label("Your note on this passage").fill("第二段最好")
    visitor.get_by_role("button", name="Post to the discussion").click()
    assert GroupNote.objects.get(item=shared).text == "第二段最好"
    assert "第二段最好" in visitor.locator(".highlight .note--discussion").inner_text()

    page.goto(reverse("groups:item", args=[group.slug, shared.pk]))
    page.get_by_text("Edit the tags").click()
    page.get_by_label("Tags").fill("夜讀, a/b")
    page.get_by_role("button", name="Save the tags").click()
    assert "cannot be saved" in page.locator("#id_tags_error").inner_text()
    assert page.get_by_label("Tags").input_value() == "夜讀, a/b"


def pages_to_check(build):
    """(name, path, person) for each page axe looks at."""
    b = build()
    item = b.item(user=b.member, highlights=2, notes=1, discussion=1)
    note = add_group_note(item=item, author=b.owner, text="A note of the owner's")
    invitation = create_invitation(group=b.group, created_by=b.owner)
    gone = create_invitation(group=b.group, created_by=b.owner)
    gone.revoked_at = gone.expires_at
    gone.save()
    guest = UserFactory()
    slug, pk = b.group.slug, item.pk
    return [
        ("new group", reverse("groups:new"), b.owner),
        ("edit group", reverse("groups:edit", args=[slug]), b.owner),
        ("group page, owner", reverse("groups:detail", args=[slug]), b.owner),
        ("members, owner", reverse("groups:members", args=[slug]), b.owner),
        ("members, stranger", reverse("groups:members", args=[slug]), guest),
        ("leave", reverse("groups:leave", args=[slug]), b.member),
        ("item page, sharer", reverse("groups:item", args=[slug, pk]), b.member),
        ("item page, owner", reverse("groups:item", args=[slug, pk]), b.owner),
        ("note form", reverse("groups:add_note", args=[slug, pk]), b.member),
        ("edit note", reverse("groups:edit_note", args=[slug, pk, note.pk]), b.owner),
        ("item tags", reverse("groups:item_tags", args=[slug, pk]), b.owner),
        ("remove item", reverse("groups:remove_item", args=[slug, pk]), b.owner),
        ("invitation", reverse("groups:accept_invitation", args=[invitation.token]), guest),
        ("invitation gone", reverse("groups:accept_invitation", args=[gone.token]), guest),
    ]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_serious_or_critical_axe_violations(new_context, site_url, build, scheme):
    failing = []
    pages = {}
    for name, path, person in pages_to_check(build):
        if person.pk not in pages:
            pages[person.pk] = signed_in(new_context, site_url, person, javascript=True)
        page = pages[person.pk]
        page.emulate_media(color_scheme=scheme)
        response = page.goto(path)
        assert response.status in (200, 410), f"{name}: {path} answered {response.status}"
        page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true })")
        for violation in AXE.run(page).response["violations"]:
            if violation["impact"] in FAILING_IMPACTS:
                targets = [" ".join(map(str, node["target"])) for node in violation["nodes"][:4]]
                failing.append(
                    f"{name} [{scheme}]: {violation['id']}: {violation['help']} at {targets}"
                )
    assert not failing, "\n".join(failing)
