"""The full-text index, built the way each database does it best.

PostgreSQL: a stored generated tsvector column over the document (no
stemming: the ``simple`` configuration, as the words are already folded and
CJK is already cut into bigrams) and a GIN index on it. Stored rather than
an expression index so that phrase queries, which the index alone cannot
confirm, recheck a stored vector instead of parsing the document again.

SQLite: an FTS5 table using the entries as external content, kept in step
by triggers (an upsert fires the update trigger). ``remove_diacritics 0``
matches PostgreSQL's ``simple``: ``café`` is not ``cafe`` on either.

Careful: on SQLite, Django alters a table by copying it into a new one,
which drops its triggers. A later migration that changes
``search_searchentry`` must create the three triggers again (and, on
PostgreSQL, keep the generated column and its index).
"""

from django.db import migrations

POSTGRESQL = [
    """
    ALTER TABLE search_searchentry ADD COLUMN vector tsvector
        GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, document)) STORED
    """,
    "CREATE INDEX search_entry_vector ON search_searchentry USING gin (vector)",
]
POSTGRESQL_REVERSE = [
    "DROP INDEX IF EXISTS search_entry_vector",
    "ALTER TABLE search_searchentry DROP COLUMN IF EXISTS vector",
]

SQLITE = [
    """
    CREATE VIRTUAL TABLE search_fts USING fts5(
        document,
        content='search_searchentry',
        content_rowid='bookmark_id',
        tokenize='unicode61 remove_diacritics 0'
    )
    """,
    """
    CREATE TRIGGER search_fts_insert AFTER INSERT ON search_searchentry BEGIN
        INSERT INTO search_fts (rowid, document) VALUES (new.bookmark_id, new.document);
    END
    """,
    """
    CREATE TRIGGER search_fts_delete AFTER DELETE ON search_searchentry BEGIN
        INSERT INTO search_fts (search_fts, rowid, document)
            VALUES ('delete', old.bookmark_id, old.document);
    END
    """,
    """
    CREATE TRIGGER search_fts_update AFTER UPDATE ON search_searchentry BEGIN
        INSERT INTO search_fts (search_fts, rowid, document)
            VALUES ('delete', old.bookmark_id, old.document);
        INSERT INTO search_fts (rowid, document) VALUES (new.bookmark_id, new.document);
    END
    """,
    # Entries written before this migration (none on a new database).
    "INSERT INTO search_fts (search_fts) VALUES ('rebuild')",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS search_fts_insert",
    "DROP TRIGGER IF EXISTS search_fts_delete",
    "DROP TRIGGER IF EXISTS search_fts_update",
    "DROP TABLE IF EXISTS search_fts",
]

BY_VENDOR = {"postgresql": (POSTGRESQL, POSTGRESQL_REVERSE), "sqlite": (SQLITE, SQLITE_REVERSE)}


def _run(statements_of):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        if vendor not in BY_VENDOR:
            raise RuntimeError(f"Search has no full-text index for {vendor}.")
        for statement in statements_of(BY_VENDOR[vendor]):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run(lambda pair: pair[0]), reverse_code=_run(lambda pair: pair[1]), elidable=False
        ),
    ]
