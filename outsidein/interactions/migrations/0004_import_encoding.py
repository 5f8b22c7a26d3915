from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("interactions", "0003_source_ownership"),
    ]

    operations = [
        migrations.AddField(
            model_name="interactionimport",
            name="encoding",
            field=models.CharField(
                blank=True, max_length=32,
                help_text="Encoding chosen for the file, over the mapping's and detection; "
                          "blank: the mapping's, else detected."),
        ),
    ]
