import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from annotations.models import Highlight
from bookmarks.models import Bookmark, Page, Tag


def new_cache_version() -> int:
    """A version no earlier state of a group had: random, not a counter, so a
    full ``save()`` of a stale instance or a restored backup can never bring
    back a version whose cached pages showed something else."""
    return secrets.randbits(62)


class Group(models.Model):
    class Visibility(models.TextChoices):
        PUBLIC = "public", _("public")
        PRIVATE = "private", _("private")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=100, unique=True, allow_unicode=True)
    description = models.TextField(_("description"), blank=True)
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="created_groups",
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="member_groups"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    #: Replaced whenever anything the group's pages or feeds show changes;
    #: part of their cache keys (``groups.caching``), read with the group.
    version = models.BigIntegerField(default=new_cache_version, editable=False)

    class Meta:
        verbose_name = _("group")
        verbose_name_plural = _("groups")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(visibility__in=["public", "private"]), name="group_visibility_valid"
            ),
            models.CheckConstraint(condition=~Q(slug=""), name="group_slug_not_empty"),
        ]
        indexes = [models.Index(fields=["visibility", "name"], name="group_visibility_name")]

    def __str__(self):
        return self.name

    @property
    def is_public(self) -> bool:
        return self.visibility == self.Visibility.PUBLIC


class Membership(models.Model):
    class Role(models.TextChoices):
        OWNER = "owner", _("owner")
        MODERATOR = "moderator", _("moderator")
        MEMBER = "member", _("member")

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    joined_at = models.DateTimeField(_("joined"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["group", "user"], name="membership_one_per_user"),
            models.CheckConstraint(
                condition=Q(role__in=["owner", "moderator", "member"]), name="membership_role_valid"
            ),
        ]
        indexes = [models.Index(fields=["user", "group"], name="membership_user")]

    def __str__(self):
        return f"{self.user} in {self.group} ({self.get_role_display()})"


class GroupItem(models.Model):
    """A Page shared into a Group: one per page per group, whoever shared it."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="items")
    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="group_items")
    #: The earliest share's sharer and time, kept here for ordering and display.
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    shared_at = models.DateTimeField(_("shared"))
    #: The union of the tags its sharers gave; moderators may edit it.
    tags = models.ManyToManyField(Tag, through="GroupItemTag", related_name="group_items")
    view_count = models.PositiveIntegerField(_("views"), default=0)

    class Meta:
        verbose_name = _("group item")
        verbose_name_plural = _("group items")
        constraints = [
            models.UniqueConstraint(fields=["group", "page"], name="groupitem_one_per_page"),
        ]
        indexes = [
            models.Index(fields=["group", "-shared_at", "-id"], name="groupitem_group_shared"),
            models.Index(fields=["-shared_at", "-id"], name="groupitem_shared"),
        ]

    def __str__(self):
        return f"{self.page} in {self.group}"


class GroupShare(models.Model):
    """One person's share of their bookmark into a group item."""

    item = models.ForeignKey(GroupItem, on_delete=models.CASCADE, related_name="shares")
    # Indexed by groupshare_bookmark below, not twice.
    bookmark = models.ForeignKey(
        Bookmark, on_delete=models.CASCADE, related_name="shares", db_index=False
    )
    shared_at = models.DateTimeField(_("shared"))

    class Meta:
        verbose_name = _("share")
        verbose_name_plural = _("shares")
        ordering = ["shared_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["item", "bookmark"], name="groupshare_unique"),
        ]
        indexes = [
            models.Index(fields=["item", "shared_at"], name="groupshare_item"),
            models.Index(fields=["bookmark"], name="groupshare_bookmark"),
        ]

    def __str__(self):
        return f"{self.bookmark} → {self.item.group}"

    def clean(self):
        if self.item_id and self.bookmark_id and self.bookmark.page_id != self.item.page_id:
            raise ValidationError({"bookmark": _("The bookmark is not of this item's page.")})


class GroupItemTag(models.Model):
    """An item's tag. Group and share time are copied here so a group's items
    by tag, newest first, are one index range scan."""

    # No index of their own on item and group: the unique (item, tag) and the
    # (group, tag, …) indexes lead with them, and a second, narrower index on
    # group lured PostgreSQL away from index-only scans of the wider one.
    item = models.ForeignKey(GroupItem, on_delete=models.CASCADE, db_index=False)
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE)
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="+", db_index=False)
    shared_at = models.DateTimeField()

    class Meta:
        verbose_name = _("group item tag")
        verbose_name_plural = _("group item tags")
        constraints = [
            models.UniqueConstraint(fields=["item", "tag"], name="groupitemtag_unique"),
        ]
        indexes = [
            models.Index(
                fields=["group", "tag", "-shared_at", "-item"], name="groupitemtag_group_tag"
            ),
        ]

    def __str__(self):
        return f"{self.item_id} → {self.tag}"


class GroupNote(models.Model):
    """A member's note in a group's discussion of an item, perhaps on one highlight."""

    item = models.ForeignKey(GroupItem, on_delete=models.CASCADE, related_name="discussion")
    highlight = models.ForeignKey(
        Highlight, on_delete=models.CASCADE, null=True, blank=True, related_name="group_notes"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="group_notes"
    )
    text = models.TextField(_("text"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("discussion note")
        verbose_name_plural = _("discussion notes")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="groupnote_text_not_empty"),
        ]
        indexes = [models.Index(fields=["item", "created_at"], name="groupnote_item")]

    def __str__(self):
        return self.text[:80]

    def clean(self):
        if (
            self.highlight_id
            and self.item_id
            and self.highlight.bookmark.page_id != self.item.page_id
        ):
            raise ValidationError({"highlight": _("The highlight is not on this item's page.")})


def new_invitation_token() -> str:
    """32 URL-safe characters (192 random bits): the whole secret of a link."""
    return secrets.token_urlsafe(24)


class Invitation(models.Model):
    """A link that lets whoever holds it join the group as a member, until it
    expires or an owner or moderator withdraws it. One link serves many people."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="invitations")
    token = models.CharField(
        _("token"), max_length=64, unique=True, default=new_invitation_token, editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    #: Set when an owner or moderator withdraws the link; it then stops working.
    revoked_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("created_at")), name="invitation_expires_after_created"
            ),
        ]
        indexes = [models.Index(fields=["group", "-created_at"], name="invitation_group")]

    def __str__(self):
        return f"Invitation to {self.group}"

    def is_usable(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and self.expires_at > now
