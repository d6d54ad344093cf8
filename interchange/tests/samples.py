"""Made-up Diigo exports for the tests (and the benchmark): no real data."""

import csv
import io
from pathlib import Path

from interchange.diigo import COLUMNS

DATA = Path(__file__).parent / "data"
HEADER = ",".join(COLUMNS) + "\n"


def csv_text(rows: list[dict[str, str]], *, columns: tuple[str, ...] = COLUMNS) -> str:
    """A well-formed export of these rows (missing cells are empty)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(name, "") for name in columns])
    return out.getvalue()


def row(n: int, **cells: str) -> dict[str, str]:
    """A valid row; keyword arguments replace its cells."""
    return {
        "title": f"Page {n}",
        "url": f"https://example.net/pages/{n}",
        "tags": "sample",
        "created_at": f"2021-01-01 00:{n // 60 % 60:02d}:{n % 60:02d}",
        **cells,
    }


def generated_rows(count: int, *, highlights: int = 3) -> list[dict[str, str]]:
    """A large export: every row tagged, highlighted and annotated."""
    topics = ["architecture", "micro services", "架构", "python", "django", "數據庫", "ops"]
    rows = []
    for n in range(count):
        blocks = [
            f"Highlight: passage {k} of page {n}, quoted as the reader marked it.\n"
            f"Sticky notes: a thought about passage {k}\nthat runs on a second line"
            for k in range(highlights)
        ]
        tags = [topics[n % 7], topics[(n * 3 + 1) % 7]]
        rows.append(
            row(
                n,
                tags=",".join(f'"{t}"' if " " in t else t for t in tags),
                description=f"Why page {n} is worth keeping.",
                comments=f"First comment on {n}\nSecond comment on {n}",
                annotations="\n\n".join(blocks),
            )
        )
    return rows


def write(path: Path, text: str | bytes) -> Path:
    if isinstance(text, str):
        text = text.encode("utf-8")
    path.write_bytes(text)
    return path
