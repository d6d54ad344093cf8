"""The endpoints of the Pinboard v1 API. Each reads its parameters
(``params``), calls a selector or service, and answers through ``render``;
``api_method`` does the rest: authentication, the rate limit, and turning
every refusal into a Pinboard-style result with its HTTP status.

Outcomes that are not mistakes (``item not found``, ``item already exists``)
answer 200 with their result code, as Pinboard does, so clients report them
as such; bad parameters answer 400, a missing or wrong token 401, too many
calls 429 with ``Retry-After``."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import wraps

from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from bookmarks.canonical import MAX_URL_LENGTH, InvalidURL, canonical_url
from bookmarks.forms import MAX_TITLE_LENGTH

from . import ratelimit, render, selectors, services
from .auth import AuthFailed, api_user
from .changes import last_change
from .params import MAX_FILTER_TAGS, MAX_TAGS, ApiError, Params, format_moment, split_wire_tags
from .tokens import get_or_issue_token

#: Pinboard's own limit on a bookmark's extended description.
MAX_EXTENDED_LENGTH = 65536
#: posts/recent: Pinboard's default and largest count.
RECENT_DEFAULT, RECENT_MAX = 15, 100
#: Pinboard moves a ``dt`` further ahead than this back to now.
FUTURE_TOLERANCE = timedelta(minutes=10)


@dataclass
class Call:
    user: object
    params: Params
    format: str

    def header(self, tokens: list[str] | None = None) -> dict[str, str]:
        return {"user": self.user.username, "tag": " ".join(tokens or [])}


def api_method(*, cost_setting: str | None = None):
    """Make ``handler(call)`` an API endpoint: GET (or POST, for long
    descriptions), CSRF-exempt since only a token or a password authorises it."""

    def decorate(handler):
        @csrf_exempt
        @never_cache
        @require_http_methods(["GET", "POST"])
        @wraps(handler)
        def view(request):
            params = Params(request.GET, request.POST if request.method == "POST" else None)
            fmt = "json" if params.text("format").strip().lower() == "json" else "xml"
            try:
                user = api_user(request)
                cost = ratelimit.setting(cost_setting) if cost_setting else 1
                ratelimit.charge(f"user:{user.pk}", cost=cost)
                return handler(Call(user=user, params=params, format=fmt))
            except AuthFailed as refusal:
                response = render.result_code(fmt, refusal.code, refusal.status)
                if refusal.status == 401:
                    response["WWW-Authenticate"] = 'Basic realm="Commonplace API", charset="UTF-8"'
                if refusal.retry_after:
                    response["Retry-After"] = str(refusal.retry_after)
                return response
            except ratelimit.Limited as limited:
                response = render.result_code(fmt, "too many requests", 429)
                response["Retry-After"] = str(limited.retry_after)
                return response
            except ApiError as error:
                return render.result_code(fmt, error.code, error.status)

        view.is_api_endpoint = True
        return view

    return decorate


def _url(params: Params) -> str:
    url = params.required("url", max_length=MAX_URL_LENGTH)
    try:
        canonical_url(url)
    except InvalidURL:
        raise ApiError("invalid url") from None
    return url


@api_method()
def posts_update(call: Call):
    return render.update_response(call.format, format_moment(last_change(user=call.user)))


@api_method()
def posts_add(call: Call):
    params = call.params
    created_at = params.moment("dt")
    if created_at is not None and created_at > timezone.now() + FUTURE_TOLERANCE:
        created_at = timezone.now()
    services.add_post(
        user=call.user,
        url=_url(params),
        title=params.text("description", max_length=MAX_TITLE_LENGTH).strip(),
        description=params.text("extended", max_length=MAX_EXTENDED_LENGTH).strip(),
        tag_tokens=params.tag_tokens("tags", limit=MAX_TAGS),
        created_at=created_at,
        replace=params.flag("replace", True),
        is_private=not params.flag("shared", True),
        to_read=params.flag("toread", False),
    )
    return render.result_code(call.format, "done")


@api_method()
def posts_delete(call: Call):
    if not services.delete_post(user=call.user, url=_url(call.params)):
        return render.result_code(call.format, "item not found")
    return render.result_code(call.format, "done")


@api_method()
def posts_get(call: Call):
    """One day's posts (the newest day by default), or the post of one URL."""
    params = call.params
    tokens = _filter_tags(params)
    day = params.day("dt")
    bookmarks = selectors.with_tags(selectors.own_bookmarks(call.user), tokens, call.user)
    if params.has("url"):
        bookmark = selectors.bookmark_for_url(call.user, _url(params))
        bookmarks = bookmarks.filter(pk=bookmark.pk) if bookmark else bookmarks.none()
    else:
        day = day or selectors.day_of_newest(bookmarks) or timezone.now().date()
        bookmarks = selectors.on_day(bookmarks, day)
    posts = list(selectors.posts(selectors.newest_first(bookmarks)))
    if day is None:
        day = posts[0].created_at.astimezone(UTC).date() if posts else timezone.now().date()
    newest = posts[0].created_at if posts else datetime(day.year, day.month, day.day, tzinfo=UTC)
    header = {"dt": day.isoformat(), **call.header(tokens)}
    return render.posts_response(call.format, posts, header=header, date=format_moment(newest))


def _filter_tags(params: Params) -> list[str]:
    # Pinboard names the filter "tag"; some clients send "tags".
    name = "tag" if params.has("tag") or not params.has("tags") else "tags"
    return params.tag_tokens(name, limit=MAX_FILTER_TAGS)


@api_method()
def posts_recent(call: Call):
    params = call.params
    tokens = _filter_tags(params)
    count = min(params.integer("count", RECENT_DEFAULT, minimum=1), RECENT_MAX)
    bookmarks = selectors.with_tags(selectors.own_bookmarks(call.user), tokens, call.user)
    posts = list(selectors.posts(selectors.newest_first(bookmarks)[:count]))
    newest = posts[0].created_at if posts else timezone.now()
    header = {"dt": format_moment(newest), **call.header(tokens)}
    return render.posts_response(call.format, posts, header=header, date=format_moment(newest))


@api_method()
def posts_dates(call: Call):
    tokens = _filter_tags(call.params)
    bookmarks = selectors.with_tags(selectors.own_bookmarks(call.user), tokens, call.user)
    days = selectors.date_counts(bookmarks)
    return render.dates_response(call.format, days, header=call.header(tokens))


@api_method(cost_setting="PINBOARD_API_ALL_COST")
def posts_all(call: Call):
    params = call.params
    tokens = _filter_tags(params)
    start = params.integer("start", 0)
    results = params.integer("results", None)
    since, until = params.moment("fromdt"), params.moment("todt")
    params.flag("meta", False)  # validated only: every post carries its meta signature
    bookmarks = selectors.with_tags(selectors.own_bookmarks(call.user), tokens, call.user)
    if since is not None:
        bookmarks = bookmarks.filter(created_at__gte=since)
    if until is not None:
        bookmarks = bookmarks.filter(created_at__lte=until)
    bookmarks = selectors.newest_first(bookmarks)
    if results is not None:
        bookmarks = bookmarks[start : start + results]
    elif start:
        bookmarks = bookmarks[start:]
    return render.streamed_posts(
        call.format, selectors.posts(bookmarks), header=call.header(tokens)
    )


@api_method()
def posts_suggest(call: Call):
    url = _url(call.params)
    popular, recommended = selectors.suggested_tags(call.user, url)
    return render.suggest_response(call.format, popular, recommended)


@api_method()
def tags_get(call: Call):
    return render.tags_response(call.format, selectors.tag_counts(call.user))


@api_method()
def tags_delete(call: Call):
    token = call.params.required("tag", max_length=300)
    services.delete_tag(user=call.user, token=token)
    return render.result_text(call.format, "done")


@api_method()
def tags_rename(call: Call):
    old = call.params.required("old", max_length=300)
    new = split_wire_tags(call.params.required("new", max_length=300))
    if len(new) != 1:
        raise ApiError("invalid new: give one tag")
    services.rename_tag(user=call.user, old=old, new=new[0])
    return render.result_text(call.format, "done")


@api_method()
def user_api_token(call: Call):
    token = get_or_issue_token(user=call.user)
    return render.result_text(call.format, token.secret(), json_key="result")


@api_method()
def unknown_method(call: Call):
    raise ApiError("unknown method", status=404)
