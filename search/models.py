"""One search entry per bookmark: the words of everything searchable about it.

The entry holds words only, never who may read them: a result is a bookmark
that ``groups.visibility.readable_bookmarks`` lets the reader open, decided
at query time, so a stale entry can never show anyone a private bookmark.

Where the words are indexed depends on the database (migration 0002):

- PostgreSQL: a stored generated column ``vector``,
  ``to_tsvector('simple', document)``, with a GIN index;
- SQLite: an FTS5 table ``search_fts`` over ``document``, kept in step by
  triggers.

``document__matches=TextQuery(...)`` is the one way to ask either of them.
"""

from django.db import NotSupportedError, models
from django.db.models import Lookup
from django.db.models.expressions import Col
from django.utils.translation import gettext_lazy as _

from bookmarks.models import Bookmark

from .query import TextQuery


class DocumentField(models.TextField):
    """The space-separated words of ``search.text.document``."""


@DocumentField.register_lookup
class Matches(Lookup):
    lookup_name = "matches"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        if not isinstance(self.lhs, Col) or not isinstance(self.rhs, TextQuery):
            raise TypeError("matches compares a SearchEntry's document with a TextQuery.")
        # Only the alias Django chose for the entries' table is spliced in;
        # the query travels as a parameter.
        table = compiler.quote_name_unless_alias(self.lhs.alias)
        if connection.vendor == "postgresql":
            sql = f"{table}.vector @@ to_tsquery('simple'::regconfig, %s)"
            return sql, [self.rhs.as_tsquery()]
        if connection.vendor == "sqlite":
            matching = "SELECT rowid FROM search_fts WHERE search_fts MATCH %s"
            return f"{table}.bookmark_id IN ({matching})", [self.rhs.as_fts5()]  # noqa: S608
        raise NotSupportedError(f"Search is not built for {connection.vendor}.")


class SearchEntry(models.Model):
    bookmark = models.OneToOneField(
        Bookmark, on_delete=models.CASCADE, primary_key=True, related_name="search_entry"
    )
    #: Title, description, tags, highlights, sticky notes, host and the start of
    #: the cached copy's text, as index words (see search.text).
    document = DocumentField(_("document"), blank=True)
    #: What a result shows of the bookmark besides its own columns: its
    #: highlights, sticky notes, tags and indexed cached copy, as they were
    #: when the document was built (search.shown). Null in an entry written
    #: before there was such a column: results then read them afresh.
    shown = models.JSONField(_("shown in results"), null=True, blank=True)
    #: When the document was built; older than a change means stale.
    indexed_at = models.DateTimeField(_("indexed"))
    #: The bookmark's, copied so that "newest matches first" can walk this
    #: table's index and stop after a page, rather than sort every match.
    created_at = models.DateTimeField(_("created"))

    class Meta:
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")
        indexes = [
            models.Index(fields=["-created_at", "-bookmark"], name="search_entry_created"),
        ]

    def __str__(self):
        return f"Search entry of bookmark {self.bookmark_id}"
