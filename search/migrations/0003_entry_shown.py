"""What a result shows, kept in the entry (search.shown).

A nullable column with no default: SQLite adds it with ALTER TABLE ADD
COLUMN, without copying the table, so the FTS5 triggers of 0002 stay (and
PostgreSQL keeps the generated vector). Entries written before it hold null
until reindexed (``reindex_search`` or the periodic sweep finds them);
results read what they show afresh meanwhile.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0002_text_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="searchentry",
            name="shown",
            field=models.JSONField(blank=True, null=True, verbose_name="shown in results"),
        ),
    ]
