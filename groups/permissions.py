"""What a member may do in a group, by role. Seeing is decided in
``visibility``; these answer "may they change it?" for someone who can see it
(a refusal there is a 403, not a 404)."""

from django.core.exceptions import PermissionDenied

from .models import Group, GroupNote, Membership
from .visibility import role_in

MODERATING_ROLES = {Membership.Role.OWNER, Membership.Role.MODERATOR}


def can_share(reader, group: Group) -> bool:
    """Members share bookmarks and discuss items."""
    return role_in(reader, group) is not None


def can_moderate(reader, group: Group) -> bool:
    """Owners and moderators remove items and discussion notes, edit items'
    tags, and invite people into the group."""
    return role_in(reader, group) in MODERATING_ROLES


def can_manage(reader, group: Group) -> bool:
    """Owners edit the group and manage members and roles."""
    return role_in(reader, group) == Membership.Role.OWNER


def can_remove_group_note(reader, note: GroupNote, group: Group) -> bool:
    return note.author_id == reader.pk or can_moderate(reader, group)


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied
