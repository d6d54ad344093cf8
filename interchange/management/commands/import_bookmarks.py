"""manage.py import_bookmarks FILE --user USERNAME [--group SLUG] [--public]"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from groups.models import Group, Membership
from interchange.diigo import DiigoFormatError, decode_export, parse_export
from interchange.importer import BATCH_SIZE, ImportSummary, import_records

MAX_BATCH_SIZE = 5000


class Command(BaseCommand):
    @property
    def help(self) -> str:
        # argparse needs a str: a lazy translation would reach it as a proxy.
        return _(
            "Import a Diigo CSV export (title,url,tags,description,comments,annotations,"
            "created_at) into a user's library: bookmarks, tags, highlights and sticky "
            "notes. Running it again adds only what is missing."
        )

    def add_arguments(self, parser):
        parser.add_argument("file", help=_("the CSV file exported from Diigo"))
        parser.add_argument(
            "--user", required=True, help=_("username of the library to import into")
        )
        parser.add_argument(
            "--group",
            metavar="SLUG",
            help=_("also share every imported bookmark into this group (members only)"),
        )
        parser.add_argument(
            "--public",
            action="store_true",
            help=_("make the imported bookmarks public (they are private by default)"),
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=BATCH_SIZE,
            help=_("rows written per transaction"),
        )

    def handle(self, *args, file: str, user: str, group: str | None, public: bool, **options):
        # Beyond a few thousand rows a batch's IN (...) lists near SQLite's
        # limit on query parameters, and nothing is gained.
        if not 1 <= options["batch_size"] <= MAX_BATCH_SIZE:
            raise CommandError(
                _("--batch-size must be between 1 and %(max)d.") % {"max": MAX_BATCH_SIZE}
            )
        owner = self._find_user(user)
        target = self._find_group(group, owner) if group else None
        try:
            data = Path(file).read_bytes()
        except OSError as exc:
            raise CommandError(
                _("Cannot read %(file)s: %(error)s") % {"file": file, "error": exc.strerror or exc}
            ) from None
        try:
            # Decoding the whole file first: a file in the wrong encoding is
            # refused before a single row is written.
            records = parse_export(decode_export(data))
        except DiigoFormatError as exc:
            raise CommandError(f"{file}: {exc}") from None
        summary = import_records(
            records,
            user=owner,
            group=target,
            public=public,
            batch_size=options["batch_size"],
            on_progress=self._progress if options["verbosity"] > 0 else None,
        )
        self._report(summary, file=file, owner=owner, group=target, public=public)

    def _find_user(self, username: str):
        model = get_user_model()
        found = model._default_manager.filter(**{model.USERNAME_FIELD: username}).first()
        if found is None:
            raise CommandError(_("There is no user “%(username)s”.") % {"username": username})
        return found

    def _find_group(self, slug: str, owner) -> Group:
        group = Group.objects.filter(slug=slug).first()
        if group is None:
            raise CommandError(_("There is no group “%(slug)s”.") % {"slug": slug})
        if not Membership.objects.filter(group=group, user=owner).exists():
            raise CommandError(
                _(
                    "%(user)s is not a member of the group “%(slug)s”; "
                    "only members may share into it."
                )
                % {"user": owner.get_username(), "slug": slug}
            )
        return group

    def _progress(self, rows: int) -> None:
        self.stderr.write(_("%(rows)d rows read…") % {"rows": rows})

    def _report(self, summary: ImportSummary, *, file: str, owner, group, public: bool) -> None:
        write = self.stdout.write
        write(
            self.style.SUCCESS(
                _("Imported %(file)s into %(user)s's library; new bookmarks are %(visibility)s.")
                % {
                    "file": file,
                    "user": owner.get_username(),
                    "visibility": _("public") if public else _("private"),
                }
            )
        )
        write(_("Rows read: %(rows)d") % {"rows": summary.rows})
        write(
            _("Bookmarks: %(created)d created, %(updated)d updated, %(unchanged)d unchanged")
            % {
                "created": summary.created,
                "updated": summary.updated,
                "unchanged": summary.unchanged,
            }
        )
        write(_("Highlights added: %(count)d") % {"count": summary.highlights})
        write(_("Sticky notes added: %(count)d") % {"count": summary.notes})
        if group is not None:
            write(
                _("Shared into group “%(slug)s”: %(count)d")
                % {"slug": group.slug, "count": summary.shared}
            )
        if summary.renamed_tags:
            write(_("Tags renamed (a tag name cannot contain “/”):"))
            for line, old, new in summary.renamed_tags:
                write(
                    _("  line %(line)d: “%(old)s” saved as “%(new)s”")
                    % {"line": line, "old": old, "new": new}
                )
        write(_("Skipped rows: %(count)d") % {"count": len(summary.skipped)})
        for skipped in summary.skipped:
            write(
                self.style.WARNING(
                    _("  line %(line)d: %(reason)s")
                    % {"line": skipped.line, "reason": skipped.reason}
                )
            )
