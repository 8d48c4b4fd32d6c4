"""SeenMatch belongs to matching, which moved to marketplace: removed from search's state only.
The table (search_seenmatch) and its rows stay; marketplace 0010 takes the model over."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("search", "0008_drop_facet_value_index"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="SeenMatch")],
            database_operations=[],
        ),
    ]
