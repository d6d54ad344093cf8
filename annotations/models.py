from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bookmarks.models import Bookmark, Snapshot


class Highlight(models.Model):
    """A passage of a bookmarked page. Its author is the bookmark's owner."""

    class AnchorState(models.TextChoices):
        UNANCHORED = "unanchored", _("unanchored")
        ANCHORED = "anchored", _("anchored")
        ORPHANED = "orphaned", _("orphaned")

    class Colour(models.TextChoices):
        YELLOW = "yellow", _("yellow")
        GREEN = "green", _("green")
        BLUE = "blue", _("blue")
        PINK = "pink", _("pink")

    bookmark = models.ForeignKey(Bookmark, on_delete=models.CASCADE, related_name="highlights")
    #: The exact quoted passage (W3C TextQuoteSelector ``exact``).
    quote = models.TextField(_("quote"))
    #: TextQuoteSelector context, empty until anchored.
    prefix = models.CharField(_("prefix"), max_length=64, blank=True)
    suffix = models.CharField(_("suffix"), max_length=64, blank=True)
    #: TextPositionSelector offsets in the snapshot's text, null until anchored.
    start = models.PositiveIntegerField(_("start"), null=True, blank=True)
    end = models.PositiveIntegerField(_("end"), null=True, blank=True)
    snapshot = models.ForeignKey(
        Snapshot, on_delete=models.SET_NULL, null=True, blank=True, related_name="highlights"
    )
    anchor_state = models.CharField(
        _("anchor state"),
        max_length=12,
        choices=AnchorState.choices,
        default=AnchorState.UNANCHORED,
    )
    #: Page order before anchoring (the order the highlights were written in).
    ordinal = models.PositiveIntegerField(_("order"), default=0)
    colour = models.CharField(
        _("colour"), max_length=10, choices=Colour.choices, default=Colour.YELLOW
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("highlight")
        verbose_name_plural = _("highlights")
        ordering = ["bookmark", "ordinal", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(anchor_state__in=["unanchored", "anchored", "orphaned"]),
                name="highlight_anchor_state_valid",
            ),
            models.CheckConstraint(
                condition=Q(colour__in=["yellow", "green", "blue", "pink"]),
                name="highlight_colour_valid",
            ),
            models.CheckConstraint(
                condition=Q(start__isnull=True, end__isnull=True)
                | Q(start__isnull=False, end__isnull=False, end__gte=F("start")),
                name="highlight_position_valid",
            ),
            models.CheckConstraint(condition=~Q(quote=""), name="highlight_quote_not_empty"),
        ]
        indexes = [
            models.Index(fields=["bookmark", "ordinal", "id"], name="highlight_bookmark_order"),
        ]

    def __str__(self):
        return self.quote[:80]


class Note(models.Model):
    """A sticky note by the bookmark's owner, on one highlight or on the whole bookmark."""

    bookmark = models.ForeignKey(Bookmark, on_delete=models.CASCADE, related_name="notes")
    highlight = models.ForeignKey(
        Highlight, on_delete=models.CASCADE, null=True, blank=True, related_name="notes"
    )
    text = models.TextField(_("text"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("sticky note")
        verbose_name_plural = _("sticky notes")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="note_text_not_empty"),
        ]
        indexes = [
            models.Index(fields=["bookmark", "highlight", "created_at"], name="note_bookmark"),
            models.Index(fields=["highlight", "created_at"], name="note_highlight"),
        ]

    def __str__(self):
        return self.text[:80]

    def clean(self):
        if self.highlight_id and self.highlight.bookmark_id != self.bookmark_id:
            raise ValidationError(
                {"highlight": _("A sticky note belongs to a highlight of its own bookmark.")}
            )
