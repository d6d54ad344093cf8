"""The report at the end of an import: kept as plain data on an ImportJob
(``outcome_report``), and read as lines by the command and the job's page
(``report_lines``) in the reader's language."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .formats import NETSCAPE
from .netscape import SPACE

INFO, WARNING = "info", "warning"


def outcome_report(outcome, *, group=None, public: bool = False) -> dict:
    """An ImportOutcome (interchange.importing) as JSON-ready data."""
    summary = outcome.summary
    report = {
        "format": outcome.format,
        "group": group.slug if group else None,
        "public": public,
        "rows": summary.rows,
        "created": summary.created,
        "updated": summary.updated,
        "unchanged": summary.unchanged,
        "highlights": summary.highlights,
        "notes": summary.notes,
        "shared": summary.shared,
        "renamed_tags": [list(entry) for entry in summary.renamed_tags],
        "renamed_count": summary.renamed_count,
        "warnings": [list(entry) for entry in summary.warnings],
        "warning_count": summary.warning_count,
        "skipped": [[skipped.line, skipped.reason] for skipped in summary.skipped],
        "skipped_count": summary.skipped_count,
    }
    if outcome.check is not None:
        check, reader = outcome.check, outcome.reader
        report.update(
            separator=check.separator,
            separator_reason=check.separator_reason,
            invalid_bytes=check.invalid_bytes,
            first_invalid_line=check.first_invalid_line,
            folders_as_tags=reader.folders_as_tags,
            folder_renames=[list(entry) for entry in reader.folder_renames],
            folders_dropped=[list(entry) for entry in reader.folders_dropped],
            undated=reader.undated,
            marked_private=reader.marked_private,
            marked_public=reader.marked_public,
        )
    return report


def report_lines(report: dict) -> list[tuple[str, str]]:
    """(INFO or WARNING, text) lines saying what the import did."""
    lines: list[tuple[str, str]] = []

    def info(text: str) -> None:
        lines.append((INFO, text))

    def warn(text: str) -> None:
        lines.append((WARNING, text))

    netscape = report.get("format") == NETSCAPE
    info(_("Format: %(format)s") % {"format": _format_name(report)})
    if netscape:
        info(_separator_line(report))
        if report.get("folders_as_tags"):
            info(_("Folders became tags, one tag per folder level."))
        else:
            info(_("Folders were not made into tags."))
        if report.get("invalid_bytes"):
            warn(
                ngettext(
                    "The file is not valid UTF-8: %(count)d byte could not be read and became "
                    "“�” (line %(line)d).",
                    "The file is not valid UTF-8: %(count)d bytes could not be read and became "
                    "“�”, the first on line %(line)d.",
                    report["invalid_bytes"],
                )
                % {"count": report["invalid_bytes"], "line": report["first_invalid_line"] or 0}
            )
        if report.get("marked_private") or report.get("marked_public"):
            info(
                _(
                    "The file marks %(public)d bookmarks public and %(private)d private "
                    "(PRIVATE): new bookmarks keep what it says."
                )
                % {"public": report["marked_public"], "private": report["marked_private"]}
            )
        if report.get("undated"):
            info(
                ngettext(
                    "%(count)d bookmark has no date in the file; it is dated at the import.",
                    "%(count)d bookmarks have no date in the file; they are dated at the import.",
                    report["undated"],
                )
                % {"count": report["undated"]}
            )
    info(_("Rows read: %(rows)d") % {"rows": report["rows"]})
    info(
        _("Bookmarks: %(created)d created, %(updated)d updated, %(unchanged)d unchanged")
        % {
            "created": report["created"],
            "updated": report["updated"],
            "unchanged": report["unchanged"],
        }
    )
    if not netscape or report["highlights"] or report["notes"]:
        info(_("Highlights added: %(count)d") % {"count": report["highlights"]})
        info(_("Sticky notes added: %(count)d") % {"count": report["notes"]})
    if report.get("group"):
        info(
            _("Shared into group “%(slug)s”: %(count)d")
            % {"slug": report["group"], "count": report["shared"]}
        )
    renamed = [(line, old, new) for line, old, new in report.get("folder_renames", ())]
    if renamed or report["renamed_tags"]:
        info(_("Tags renamed: a character a tag name cannot hold (“,” or “/”) became “_”:"))
        for line, old, new in renamed:
            info(
                _("  line %(line)d: the folder “%(old)s” saved as the tag “%(new)s”")
                % {"line": line, "old": old, "new": new}
            )
        for line, old, new in report["renamed_tags"]:
            info(
                _("  line %(line)d: “%(old)s” saved as “%(new)s”")
                % {"line": line, "old": old, "new": new}
            )
        _more(info, report["renamed_count"] - len(report["renamed_tags"]))
    if report.get("folders_dropped"):
        warn(_("Folders that could not become tags:"))
        for line, name, reason in report["folders_dropped"]:
            warn(
                _("  line %(line)d: “%(name)s”: %(reason)s")
                % {"line": line, "name": name, "reason": reason}
            )
    if report["warnings"]:
        warn(_("Imported with a remark:"))
        for line, text in report["warnings"]:
            warn(_("  line %(line)d: %(reason)s") % {"line": line, "reason": text})
        _more(warn, report["warning_count"] - len(report["warnings"]))
    info(_("Skipped rows: %(count)d") % {"count": report["skipped_count"]})
    for line, reason in report["skipped"]:
        warn(_("  line %(line)d: %(reason)s") % {"line": line, "reason": reason})
    _more(warn, report["skipped_count"] - len(report["skipped"]))
    return lines


def _format_name(report: dict) -> str:
    if report.get("format") == NETSCAPE:
        return _("Netscape bookmark file (HTML)")
    return _("Diigo CSV")


def _separator_line(report: dict) -> str:
    space = report.get("separator") == SPACE
    reason = report.get("separator_reason")
    if reason == "chosen":
        if space:
            return _("Tags (TAGS) were read as separated by spaces, as you chose.")
        return _("Tags (TAGS) were read as separated by commas, as you chose.")
    if reason == "diigo":
        return _("Tags (TAGS) were read as separated by spaces: the file is a Diigo export.")
    if reason == "comma-found":
        return _("Tags (TAGS) were read as separated by commas: the file's tags have commas.")
    return _(
        "Tags (TAGS) were read as separated by commas, the usual way; if the file separates "
        "them with spaces, import it again choosing spaces."
    )


def _more(add, count: int) -> None:
    if count > 0:
        add(
            ngettext("  … and %(count)d more.", "  … and %(count)d more.", count) % {"count": count}
        )
