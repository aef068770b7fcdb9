from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("learners", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="statement",
            name="content_hash",
            field=models.CharField(default="", max_length=64),
            preserve_default=False,
        ),
    ]
