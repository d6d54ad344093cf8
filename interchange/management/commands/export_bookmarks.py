"""manage.py export_bookmarks --user USERNAME [--group SLUG] [--tag TAG]
[--format html|csv] [--output FILE]"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.http import Http404
from django.utils.translation import gettext as _

from bookmarks.selectors import find_tag
from groups.visibility import get_readable_group
from interchange.export import diigo_csv_file, group_chunks, library_chunks, netscape_file


class Command(BaseCommand):
    @property
    def help(self) -> str:
        return _(
            "Export a user's bookmarks, or a group's items as that user may see them, all or "
            "one tag's, as a Netscape bookmark file (HTML) or Diigo-style CSV with highlights "
            "and sticky notes. Written as it is read: memory stays flat."
        )

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True, help=_("whose library, or who is reading"))
        parser.add_argument("--group", metavar="SLUG", help=_("export this group's items"))
        parser.add_argument("--tag", help=_("only what has this tag"))
        parser.add_argument("--format", choices=["html", "csv"], default="html")
        parser.add_argument("--output", metavar="FILE", help=_("write here (default: stdout)"))

    def handle(self, *args, user: str, group: str | None, tag: str | None, **options):
        reader = get_user_model().objects.filter(username=user).first()
        if reader is None:
            raise CommandError(_("There is no user “%(username)s”.") % {"username": user})
        found_tag = None
        if tag:
            found_tag = find_tag(tag)
            if found_tag is None:
                raise CommandError(_("There is no tag “%(tag)s”.") % {"tag": tag})
        annotations = options["format"] == "csv"
        if group:
            try:
                source = get_readable_group(reader, group)
            except Http404:
                raise CommandError(
                    _("There is no group “%(slug)s” that %(user)s may read.")
                    % {"slug": group, "user": user}
                ) from None
            chunks = group_chunks(source, tag=found_tag, annotations=annotations)
            title = source.name
        else:
            chunks = library_chunks(reader, tag=found_tag, annotations=annotations)
            title = _("Bookmarks of %(name)s") % {"name": reader.name}
        parts = diigo_csv_file(chunks) if annotations else netscape_file(chunks, title=title)
        if options["output"]:
            with open(options["output"], "w", encoding="utf-8", newline="") as out:
                out.writelines(parts)
        else:
            for part in parts:
                self.stdout.write(part, ending="")
