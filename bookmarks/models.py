from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .canonical import url_hash
from .tagnames import MAX_KEY_LENGTH, MAX_TAG_LENGTH, fold


class Page(models.Model):
    """One row per canonical URL; what was fetched from it lives in Snapshots."""

    url = models.TextField(_("URL"))
    #: sha256 of the canonical URL: a unique key that indexes well at any length.
    url_hash = models.CharField(max_length=64, unique=True, editable=False)
    title = models.TextField(_("title"), blank=True)
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("page")
        verbose_name_plural = _("pages")
        constraints = [
            models.CheckConstraint(
                condition=Q(url__startswith="http://") | Q(url__startswith="https://"),
                name="page_url_http_or_https",
            ),
        ]

    def __str__(self):
        return self.title or self.url

    def save(self, *args, **kwargs):
        self.url_hash = url_hash(self.url)
        super().save(*args, **kwargs)


class Snapshot(models.Model):
    """One fetch of a Page. The newest ``ok`` snapshot is the page's cached copy."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        OK = "ok", _("ok")
        FAILED = "failed", _("failed")

    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="snapshots")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    fetched_at = models.DateTimeField(_("fetched"), null=True, blank=True)
    http_status = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    #: Where the last redirect led.
    final_url = models.TextField(_("final URL"), blank=True)
    content_type = models.CharField(_("content type"), max_length=255, blank=True)
    charset = models.CharField(_("charset"), max_length=64, blank=True)
    size = models.PositiveIntegerField(_("size in bytes"), null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    #: The sanitised, self-contained HTML, stored under its content hash.
    html = models.FileField(_("cached HTML"), upload_to="snapshots/", blank=True)
    #: Plain text of the sanitised body, for search and anchoring.
    text = models.TextField(_("text"), blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("snapshot")
        verbose_name_plural = _("snapshots")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["pending", "ok", "failed"]),
                name="snapshot_status_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["page", "status", "-fetched_at"], name="snapshot_page_status"),
            models.Index(fields=["status", "created_at"], name="snapshot_status_created"),
        ]

    def __str__(self):
        return f"{self.page} ({self.get_status_display()})"

    @property
    def taken_at(self):
        """When the page was fetched, or, until then, when the copy was asked for."""
        return self.fetched_at or self.created_at


class Tag(models.Model):
    #: The name as first written; unicode, CJK allowed, no comma and no slash.
    name = models.CharField(_("name"), max_length=MAX_TAG_LENGTH)
    #: casefold(NFKC(name)): one tag however it is cased or composed.
    key = models.CharField(max_length=MAX_KEY_LENGTH, unique=True, editable=False)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["key"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(name="")
                & ~Q(key="")
                & ~Q(name__contains=",")
                & ~Q(name__contains="/")
                & ~Q(name__in=[".", ".."]),
                name="tag_name_valid",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.key = fold(self.name)
        super().save(*args, **kwargs)


class Bookmark(models.Model):
    """A user's save of a Page, with their own title, description and tags."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bookmarks"
    )
    page = models.ForeignKey(Page, on_delete=models.PROTECT, related_name="bookmarks")
    #: The URL as the user gave it (the Page holds the canonical form).
    url = models.TextField(_("URL"))
    title = models.TextField(_("title"), blank=True)
    description = models.TextField(_("description"), blank=True)
    tags = models.ManyToManyField(Tag, through="BookmarkTag", related_name="bookmarks", blank=True)
    is_private = models.BooleanField(_("private"), default=False)
    to_read = models.BooleanField(_("to read"), default=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("bookmark")
        verbose_name_plural = _("bookmarks")
        constraints = [
            models.UniqueConstraint(fields=["user", "page"], name="bookmark_one_per_user_page"),
        ]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="bookmark_user_created"),
            models.Index(fields=["is_private", "-created_at"], name="bookmark_public_created"),
        ]

    def __str__(self):
        return self.title or self.url

    @property
    def display_title(self) -> str:
        return self.title or self.page.title or self.url


class BookmarkTag(models.Model):
    bookmark = models.ForeignKey(Bookmark, on_delete=models.CASCADE)
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE)

    class Meta:
        verbose_name = _("bookmark tag")
        verbose_name_plural = _("bookmark tags")
        constraints = [
            models.UniqueConstraint(fields=["bookmark", "tag"], name="bookmarktag_unique"),
        ]
        indexes = [models.Index(fields=["tag", "bookmark"], name="bookmarktag_tag")]

    def __str__(self):
        return f"{self.bookmark_id} → {self.tag}"
