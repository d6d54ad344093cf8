"""Running a group: create and edit it, join and leave, members and roles,
invitation links. Whoever may not see the group gets 404 (``visibility``);
whoever sees it but may not change it gets 403 (``permissions``)."""

from functools import partial

from django.contrib import messages
from django.db import IntegrityError
from django.db.models import Case, IntegerField, Value, When
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from config.decorators import form_endpoint, write_endpoint

from . import invitations, selectors, services
from .departures import LastOwner, change_role, remove_member
from .forms import AddMemberForm, GroupForm, InvitationForm, RoleForm
from .fragments import rendered_cards
from .models import Invitation, Membership
from .pagination import page_links, read_window
from .permissions import MODERATING_ROLES, can_manage, can_moderate, require
from .views import feed_token_query
from .visibility import get_readable_group, role_in

LAST_OWNER = gettext_lazy("A group always keeps an owner: make someone else an owner first.")
#: Owners first, then moderators, then members.
ROLE_ORDER = Case(
    When(role=Membership.Role.OWNER, then=Value(0)),
    When(role=Membership.Role.MODERATOR, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


@require_safe
def group_detail(request, slug):
    """The group page, with the reader's role for the join, leave and edit
    controls in its header. It stands in for views.group_detail in the URLs."""
    group = get_readable_group(request.user, slug)
    # The count is kept per version of the group, and the page's ids come
    # from an index-only range before the cards' subqueries run on them alone.
    window = read_window(request.GET, count=selectors.count_items(group))
    page = selectors.page_ids(group, "items", partial(selectors.group_item_ids, group), window)
    role = role_in(request.user, group)
    context = {
        "group": group,
        "cards": rendered_cards(group, page),
        "window": window,
        "links": page_links(window, path=request.path),
        "tag_cloud": selectors.tag_cloud(group),
        "feed_token_query": feed_token_query(request, group),
        # Reversed once here, not in both places the template shows them.
        "rss_url": reverse("feeds:group_rss", args=[group.slug]),
        "atom_url": reverse("feeds:group_atom", args=[group.slug]),
        "role": role,
        "can_manage": role == Membership.Role.OWNER,
    }
    return render(request, "groups/group_detail.html", context)


@form_endpoint
def new_group(request):
    form = GroupForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            group = services.create_group(created_by=request.user, **form.cleaned_data)
        except IntegrityError:
            form.taken()
        else:
            messages.success(request, _("Your group is ready."))
            return redirect("groups:detail", group.slug)
    return render(request, "groups/group_form.html", {"form": form, "group": None})


@form_endpoint
def edit_group(request, slug):
    group = get_readable_group(request.user, slug)
    require(can_manage(request.user, group))
    form = GroupForm(request.POST if request.method == "POST" else None, group=group)
    if form.is_bound and form.is_valid():
        try:
            services.update_group(group=group, **form.cleaned_data)
        except IntegrityError:
            form.taken()
        else:
            messages.success(request, _("The group is saved."))
            return redirect("groups:detail", group.slug)
    return render(request, "groups/group_form.html", {"form": form, "group": group})


@write_endpoint
def join_group(request, slug):
    """Join a public group. A private group is hidden from non-members (404),
    and its members are in already."""
    group = get_readable_group(request.user, slug)
    if role_in(request.user, group) is None:
        services.join_group(group=group, user=request.user)
        messages.success(request, _("You joined this group."))
    return redirect("groups:detail", group.slug)


@form_endpoint
def leave_group(request, slug):
    group = get_readable_group(request.user, slug)
    require(role_in(request.user, group) is not None)
    error = None
    if request.method == "POST":
        try:
            remove_member(group=group, user=request.user)
        except LastOwner:
            error = LAST_OWNER
        else:
            messages.success(request, _("You left the group. What you shared stays in it."))
            # A private group is hidden from them from now on.
            if group.is_public:
                return redirect("groups:detail", group.slug)
            return redirect("groups:list")
    return render(
        request,
        "groups/confirm.html",
        {
            "group": group,
            "title": _("Leave this group?"),
            "explanation": _("What you shared stays in the group."),
            "action": reverse("groups:leave", args=[group.slug]),
            "button": _("Leave the group"),
            "cancel": reverse("groups:detail", args=[group.slug]),
            "error": error,
        },
        status=409 if error else 200,
    )


@require_safe
def members(request, slug):
    return _members_page(request, get_readable_group(request.user, slug))


def _members_page(request, group, *, status=200, error=None, **forms):
    """The members page, perhaps with a refused change or a form's errors."""
    role = role_in(request.user, group)
    moderating = role in MODERATING_ROLES
    links = [
        (
            invitation,
            request.build_absolute_uri(
                reverse("groups:accept_invitation", args=[invitation.token])
            ),
        )
        for invitation in (invitations.open_invitations(group) if moderating else [])
    ]
    context = {
        "group": group,
        "role": role,
        "can_manage": role == Membership.Role.OWNER,
        "can_moderate": moderating,
        "memberships": group.memberships.select_related("user").order_by(
            ROLE_ORDER, "joined_at", "pk"
        ),
        "role_choices": Membership.Role.choices,
        "add_form": forms.get("add_form") or AddMemberForm(),
        "invitation_form": forms.get("invitation_form") or InvitationForm(),
        "invitation_links": links,
        "error": error,
    }
    return render(request, "groups/members.html", context, status=status)


@write_endpoint
def add_member(request, slug):
    group = get_readable_group(request.user, slug)
    require(can_moderate(request.user, group))
    form = AddMemberForm(request.POST)
    if form.is_valid():
        try:
            services.add_person(group=group, user=form.person)
        except services.AlreadyMember:
            form.add_error("username", _("This person is already a member."))
        else:
            messages.success(request, _("%(name)s is now a member.") % {"name": form.person.name})
            return redirect("groups:members", group.slug)
    return _members_page(request, group, add_form=form)


def _membership(group, username) -> Membership:
    return get_object_or_404(
        Membership.objects.select_related("user"), group=group, user__username=username
    )


@write_endpoint
def change_member_role(request, slug, username):
    group = get_readable_group(request.user, slug)
    require(can_manage(request.user, group))
    membership = _membership(group, username)
    form = RoleForm(request.POST)
    if not form.is_valid():
        return _members_page(request, group, status=400, error=_("Choose a role from the list."))
    try:
        change_role(group=group, user=membership.user, role=form.cleaned_data["role"])
    except LastOwner:
        return _members_page(request, group, status=409, error=LAST_OWNER)
    messages.success(
        request, _("The role of %(name)s is changed.") % {"name": membership.user.name}
    )
    return redirect("groups:members", group.slug)


@form_endpoint
def remove_group_member(request, slug, username):
    group = get_readable_group(request.user, slug)
    require(can_manage(request.user, group))
    membership = _membership(group, username)
    error = None
    if request.method == "POST":
        try:
            remove_member(group=group, user=membership.user)
        except LastOwner:
            error = LAST_OWNER
        else:
            messages.success(
                request, _("%(name)s is no longer a member.") % {"name": membership.user.name}
            )
            return redirect("groups:members", group.slug)
    return render(
        request,
        "groups/confirm.html",
        {
            "group": group,
            "title": _("Remove %(name)s from the group?") % {"name": membership.user.name},
            "explanation": _("What they shared stays in the group."),
            "action": reverse("groups:remove_member", args=[group.slug, username]),
            "button": _("Remove from the group"),
            "cancel": reverse("groups:members", args=[group.slug]),
            "error": error,
        },
        status=409 if error else 200,
    )


@write_endpoint
def create_invitation(request, slug):
    group = get_readable_group(request.user, slug)
    require(can_moderate(request.user, group))
    form = InvitationForm(request.POST)
    if not form.is_valid():
        return _members_page(request, group, status=400, invitation_form=form)
    invitations.create_invitation(
        group=group, created_by=request.user, days=form.cleaned_data["days"]
    )
    messages.success(request, _("A new invitation link is ready: copy it from the list."))
    return redirect(reverse("groups:members", args=[group.slug]) + "#invitations")


@write_endpoint
def revoke_invitation(request, slug, invitation_id):
    group = get_readable_group(request.user, slug)
    require(can_moderate(request.user, group))
    invitation = get_object_or_404(Invitation, group=group, pk=invitation_id)
    invitations.revoke_invitation(invitation=invitation)
    messages.success(request, _("The invitation link no longer works."))
    return redirect(reverse("groups:members", args=[group.slug]) + "#invitations")


@form_endpoint
def accept_invitation(request, token):
    """The page an invitation link opens. A link that does not work says so
    without naming the group: the token is the only secret."""
    invitation = invitations.find_invitation(token)
    if invitation is None or not invitation.is_usable():
        return render(
            request, "groups/invitation_gone.html", status=404 if invitation is None else 410
        )
    group = invitation.group
    if request.method == "POST":
        _membership_row, created = invitations.accept_invitation(
            invitation=invitation, user=request.user
        )
        if created:
            messages.success(request, _("Welcome to the group."))
        return redirect("groups:detail", group.slug)
    return render(
        request,
        "groups/invitation.html",
        {"group": group, "invitation": invitation, "role": role_in(request.user, group)},
    )
