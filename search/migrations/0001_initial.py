import django.db.models.deletion
import search.models
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('bookmarks', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='SearchEntry',
            fields=[
                ('bookmark', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='search_entry', serialize=False, to='bookmarks.bookmark')),
                ('document', search.models.DocumentField(blank=True, verbose_name='document')),
                ('indexed_at', models.DateTimeField(verbose_name='indexed')),
                ('created_at', models.DateTimeField(verbose_name='created')),
            ],
            options={
                'verbose_name': 'search entry',
                'verbose_name_plural': 'search entries',
                'indexes': [models.Index(fields=['-created_at', '-bookmark'], name='search_entry_created')],
            },
        ),
    ]
