"""manage.py import_bookmarks FILE --user USERNAME [--group SLUG] [--public]
[--no-folder-tags] [--tag-separator auto|comma|space]"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from groups.models import Group, Membership
from interchange.importer import BATCH_SIZE
from interchange.importing import FileRefused, import_file
from interchange.netscape import AUTO, COMMA, SPACE
from interchange.reports import WARNING, outcome_report, report_lines

MAX_BATCH_SIZE = 5000


class Command(BaseCommand):
    @property
    def help(self) -> str:
        # argparse needs a str: a lazy translation would reach it as a proxy.
        return _(
            "Import a Netscape bookmark file (exported by Firefox, Chromium, Pinboard, "
            "linkding or Diigo) or a Diigo CSV export (title,url,tags,description,comments,"
            "annotations,created_at) into a user's library: bookmarks, tags, highlights and "
            "sticky notes. The format is read from the file. Running it again adds only what "
            "is missing, and takes the file's values only where they are newer."
        )

    def add_arguments(self, parser):
        parser.add_argument("file", help=_("the bookmark file (HTML) or Diigo CSV export"))
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
            help=_(
                "make the imported bookmarks public where the file does not say "
                "(they are private by default)"
            ),
        )
        parser.add_argument(
            "--no-folder-tags",
            dest="folder_tags",
            action="store_false",
            help=_("do not make a bookmark file's folders into tags"),
        )
        parser.add_argument(
            "--tag-separator",
            choices=[AUTO, COMMA, SPACE],
            default=AUTO,
            help=_("how a bookmark file separates the tags in TAGS (default: decided per file)"),
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
        path = Path(file)
        try:
            path.open("rb").close()
        except OSError as exc:
            raise CommandError(
                _("Cannot read %(file)s: %(error)s") % {"file": file, "error": exc.strerror or exc}
            ) from None
        try:
            outcome = import_file(
                lambda: path.open("rb"),
                user=owner,
                group=target,
                public=public,
                folders_as_tags=options["folder_tags"],
                separator=options["tag_separator"],
                batch_size=options["batch_size"],
                on_total=self._total if options["verbosity"] > 0 else None,
                on_progress=self._progress if options["verbosity"] > 0 else None,
            )
        except FileRefused as exc:
            raise CommandError(f"{file}: {exc}") from None
        self.stdout.write(
            self.style.SUCCESS(
                _("Imported %(file)s into %(user)s's library; new bookmarks are %(visibility)s.")
                % {
                    "file": file,
                    "user": owner.get_username(),
                    "visibility": _("public") if public else _("private"),
                }
            )
        )
        report = outcome_report(outcome, group=target, public=public)
        for kind, text in report_lines(report):
            self.stdout.write(self.style.WARNING(text) if kind == WARNING else text)

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

    def _total(self, entries: int) -> None:
        self.stderr.write(_("%(count)d bookmarks in the file.") % {"count": entries})

    def _progress(self, rows: int) -> None:
        self.stderr.write(_("%(rows)d rows read…") % {"rows": rows})
