"""Invitation links: whoever holds a usable link may join the group as a
member. Owners and moderators make and withdraw them."""

from datetime import timedelta

from django.db.models import QuerySet
from django.utils import timezone

from .models import Group, Invitation, Membership
from .services import enrol

#: How long a new link lasts, in days: the choices offered, and the default.
LIFETIMES = (1, 7, 30)
DEFAULT_LIFETIME = 7


class InvitationGone(Exception):
    """The link has expired or was withdrawn."""


def create_invitation(*, group: Group, created_by, days: int = DEFAULT_LIFETIME) -> Invitation:
    if days not in LIFETIMES:
        raise ValueError(f"An invitation lasts one of {LIFETIMES} days, not {days}.")
    now = timezone.now()
    return Invitation.objects.create(
        group=group, created_by=created_by, created_at=now, expires_at=now + timedelta(days=days)
    )


def revoke_invitation(*, invitation: Invitation) -> None:
    if invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])


def find_invitation(token: str) -> Invitation | None:
    """The invitation with this token, usable or not, or None."""
    return Invitation.objects.select_related("group").filter(token=token).first()


def open_invitations(group: Group) -> QuerySet[Invitation]:
    """A group's links that still work, newest first."""
    return Invitation.objects.filter(
        group=group, revoked_at__isnull=True, expires_at__gt=timezone.now()
    ).select_related("created_by")


def accept_invitation(*, invitation: Invitation, user) -> tuple[Membership, bool]:
    """Join through a link. Someone already in keeps their role.
    Returns (membership, created); raises InvitationGone."""
    if not invitation.is_usable():
        raise InvitationGone
    return enrol(group=invitation.group, user=user)
