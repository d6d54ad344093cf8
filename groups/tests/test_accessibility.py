"""axe-core on every reader-facing page, in the light and the dark scheme.

The data looks like the demo: Chinese and English side by side, items with
many highlights, sticky notes and discussion, two sharers on one item, three
pages of items under one tag, a cached copy, a private group. Folded
annotations are opened first, so axe sees them too. A violation of impact
"serious" or "critical" fails the test, and the message says what to fix
where; lesser ones are listed alongside but do not fail it.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.test import Client
from django.urls import reverse

# The browser fixtures (browser, new_context, commons, …) live in groups/tests/browser.py.
pytest_plugins = ["groups.tests.browser"]

FAILING_IMPACTS = {"serious", "critical"}
AXE = Axe()


def pages_to_check(data) -> list[tuple[str, str, bool]]:
    """(name, path, signed in) for each page axe looks at."""
    shelf, club, private = data.shelf, data.club, data.private
    tag = shelf.tag_path
    return [
        ("home", reverse("home"), False),
        ("group list", reverse("groups:list"), False),
        ("group page", reverse("groups:detail", args=[shelf.group.slug]), False),
        ("tag page", tag, False),
        ("tag page, last page", f"{tag}?page=3", False),
        ("item page", reverse("groups:item", args=[shelf.group.slug, shelf.featured.pk]), False),
        (
            "item page, two sharers",
            reverse("groups:item", args=[club.group.slug, data.shared.pk]),
            False,
        ),
        ("home, signed in", reverse("home"), True),
        ("group list, signed in", reverse("groups:list"), True),
        ("private group page", reverse("groups:detail", args=[private.group.slug]), True),
    ]


def session_cookie(user, site_url: str) -> dict:
    client = Client()
    client.force_login(user)
    name = settings.SESSION_COOKIE_NAME
    return {"name": name, "value": client.cookies[name].value, "url": site_url}


def describe(page_name: str, scheme: str, violation: dict) -> str:
    lines = [
        f"{page_name} [{scheme}]: {violation['id']} ({violation['impact']}): "
        f"{violation['help']} <{violation['helpUrl']}>"
    ]
    for node in violation["nodes"][:6]:
        target = " ".join(str(part) for part in node["target"])
        summary = (node.get("failureSummary") or "").replace("\n", " ")
        lines.append(f"    at {target}: {node['html'][:160]}")
        if summary:
            lines.append(f"       {summary[:300]}")
    if len(violation["nodes"]) > 6:
        lines.append(f"    … and {len(violation['nodes']) - 6} more elements")
    return "\n".join(lines)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_serious_or_critical_axe_violations(new_context, site_url, commons, scheme):
    anonymous = new_context().new_page()
    signed_in_context = new_context()
    signed_in_context.add_cookies([session_cookie(commons.reader, site_url)])
    signed_in = signed_in_context.new_page()

    failing, lesser = [], []
    for name, path, member in pages_to_check(commons):
        page = signed_in if member else anonymous
        page.emulate_media(color_scheme=scheme)
        response = page.goto(path)
        assert response.status == 200, f"{name}: {path} answered {response.status}"
        assert page.evaluate(f"() => matchMedia('(prefers-color-scheme: {scheme})').matches")
        if member:  # a private group shows its badge to members only
            assert page.locator(".badge--private").count(), f"{name}: not signed in?"
        page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true })")
        for violation in AXE.run(page).response["violations"]:
            report = describe(name, scheme, violation)
            (failing if violation["impact"] in FAILING_IMPACTS else lesser).append(report)

    message = "\n".join(failing)
    if lesser:
        message += "\n\nNot failing (moderate or minor):\n" + "\n".join(lesser)
    assert not failing, f"axe found serious or critical violations:\n{message}"


PLANTED = """<!doctype html><html lang="en"><head><title>Planted</title></head><body><main>
<h1>Planted faults</h1>
<p style="color: #777; background: #888">Grey on grey.</p>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
</main></body></html>"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_axe_check_sees_a_planted_fault(open_context, scheme):
    """The harness itself: axe runs in the page, in either scheme, and the
    impacts the test above filters on are the ones axe reports."""
    page = open_context().new_page()
    page.emulate_media(color_scheme=scheme)
    page.set_content(PLANTED)
    found = {v["id"]: v["impact"] for v in AXE.run(page).response["violations"]}
    assert found == {"color-contrast": "serious", "image-alt": "critical"}
