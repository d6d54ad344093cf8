"""Signing up, one's settings and leaving. Signing in and out and the
password pages are Django's views, configured in urls.py."""

from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME, login, logout
from django.http import HttpRequest
from django.shortcuts import redirect, render, resolve_url
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.html import escapejs
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from annotations.models import Highlight, Note
from config.decorators import form_endpoint, write_endpoint
from groups.departures import delete_account
from groups.models import GroupNote, Membership

from .forms import DeleteAccountForm, SettingsForm, SignupForm
from .middleware import browser_language, browser_time_zone, remember_language
from .services import reset_feed_token

#: The backend a new account is signed in with (axes is listed first, so it is named).
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
#: Where the bookmarklet sends people when the save form's URL cannot be
#: reversed (it is fixed by the design: /bookmarks/new/?url=&title=&quote=).
SAVE_FORM_PATH = "/bookmarks/new/"
#: The selection is cut to this many characters (a highlight is a passage,
#: not a page) and the title to this many (the form takes 2,000).
SELECTION_LIMIT = 5000
TITLE_LIMIT = 500
#: …and the selection is cut further until the whole address fits in this
#: many characters: servers refuse longer request lines (gunicorn's default
#: limit is 4,094 bytes). Some 400 CJK or 3,000 Latin characters fit.
ADDRESS_LIMIT = 4000
#: The bookmarklet, ES5 (any browser runs it) and short. ``c`` cuts a text
#: without splitting a surrogate pair: a lone surrogate makes
#: encodeURIComponent throw. TARGET is the save form's absolute address.
BOOKMARKLET = (
    "(function(){var d=document,w=window,e=encodeURIComponent,"
    "c=function(t,n){return String(t||'').slice(0,n).replace(/[\\ud800-\\udbff]$/,'')},"
    "s=c(w.getSelection&&w.getSelection(),SELECTION_LIMIT),t=c(d.title,TITLE_LIMIT),u;"
    "do{u='TARGET'+'?url='+e(location.href)+'&title='+e(t)+'&quote='+e(s);"
    "s=c(s,s.length*.8)}while(u.length>ADDRESS_LIMIT&&s);"
    "if(!w.open(u,'commonplace','width=720,height=640'))location.href=u})();"
)


def safe_next(request: HttpRequest) -> str:
    """The ?next= (or posted next) when it stays on this site, else ''."""
    candidate = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME, "")
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


@sensitive_post_parameters("password1", "password2")
@require_http_methods(["GET", "HEAD", "POST"])
def signup(request):
    next_url = safe_next(request)
    if urlsplit(next_url).path == request.path:
        next_url = ""  # coming back here would loop
    if request.user.is_authenticated:
        return redirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))
    form = SignupForm(request.POST or None, initial={"time_zone": browser_time_zone(request)})
    if request.method == "POST" and form.is_valid():
        # A language picked with the switch before signing up is kept.
        form.instance.language = browser_language(request)
        user = form.save()
        login(request, user, backend=MODEL_BACKEND)
        messages.success(request, _("Welcome, %(name)s. You are signed in.") % {"name": user.name})
        return redirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))
    return render(
        request,
        "accounts/signup.html",
        {"form": form, "next": next_url, "login_query": next_query(next_url)},
    )


def next_query(next_url: str) -> str:
    """``?next=…`` to carry a safe destination between sign-in and sign-up."""
    return "?" + urlencode({REDIRECT_FIELD_NAME: next_url}) if next_url else ""


def bookmarklet_href(request: HttpRequest) -> str:
    """A javascript: URL opening the save form for the page being read,
    with its address, its title and the selected passage.

    The save form's address is ours, not the user's, but it still goes into
    a JS string (escapejs) inside an href (the template escapes the
    attribute). A javascript: URL is percent-decoded before it runs, so a
    literal % is written as %25 to come out unchanged."""
    try:
        path = reverse("bookmarks:new")
    except NoReverseMatch:
        path = SAVE_FORM_PATH
    code = (
        BOOKMARKLET.replace("SELECTION_LIMIT", str(SELECTION_LIMIT))
        .replace("TITLE_LIMIT", str(TITLE_LIMIT))
        .replace("ADDRESS_LIMIT", str(ADDRESS_LIMIT))
        .replace("TARGET", escapejs(request.build_absolute_uri(path)))
    )
    return "javascript:" + code.replace("%", "%25")


@form_endpoint
@never_cache  # it shows the feed token, a secret
def settings_page(request):
    form = SettingsForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        if user.language:
            # Say so in the language just chosen.
            translation.activate(user.language)
        messages.success(request, _("Your settings are saved."))
        response = redirect("accounts:settings")
        if "language" in form.changed_data:
            # The browser's cookie follows, so the choice outlives the session;
            # "this browser's language" clears it, leaving Accept-Language.
            remember_language(response, user.language)
        return response
    return render(
        request,
        "accounts/settings.html",
        {"form": form, "bookmarklet": bookmarklet_href(request)},
    )


@write_endpoint
def feed_token_reset(request):
    reset_feed_token(user=request.user)
    messages.success(
        request,
        _("You have a new feed token. Feed links with the old one no longer work."),
    )
    return redirect(reverse("accounts:settings") + "#feed-token")


def departure_summary(user) -> dict:
    """What deleting this account removes, and what becomes of the groups
    only this person owns (see groups.departures.delete_account)."""
    memberships = Membership.objects.filter(user=user).select_related("group")
    sole_owned = []
    for membership in memberships:
        if membership.role != Membership.Role.OWNER:
            continue
        group = membership.group
        others = Membership.objects.filter(group=group).exclude(user=user)
        if others.filter(role=Membership.Role.OWNER).exists():
            continue
        sole_owned.append({"group": group, "passes_on": others.exists()})
    return {
        "bookmarks": user.bookmarks.count(),
        "highlights": Highlight.objects.filter(bookmark__user=user).count(),
        "notes": Note.objects.filter(bookmark__user=user).count(),
        "group_notes": GroupNote.objects.filter(author=user).count(),
        "groups": len(memberships),
        "sole_owned": sole_owned,
    }


@form_endpoint
@never_cache
@sensitive_post_parameters("password")
def delete_account_page(request):
    form = DeleteAccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        name = request.user.name
        delete_account(user=request.user)
        logout(request)
        messages.success(
            request,
            _("The account of %(name)s is deleted, with everything in it. Goodbye.")
            % {"name": name},
        )
        return redirect("home")
    return render(
        request,
        "accounts/delete.html",
        {"form": form, "summary": departure_summary(request.user)},
    )
