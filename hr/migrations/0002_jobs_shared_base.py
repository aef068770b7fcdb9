from django.db import migrations, models


def drafts_of_pending_imports(apps, schema_editor):
    # A staff import waiting for its officer's go is now a draft; "pending" means queued.
    StaffImportJob = apps.get_model("hr", "StaffImportJob")
    StaffImportJob.objects.filter(status="pending").update(status="draft")


class Migration(migrations.Migration):

    dependencies = [
        ("hr", "0001_initial"),
    ]

    operations = [
        migrations.RenameField("exportjob", "created_by", "requested_by"),
        migrations.RenameField("exportjob", "error", "message"),
        migrations.RenameField("staffimportjob", "created_by", "requested_by"),
        migrations.RenameField("staffimportjob", "error", "message"),

        migrations.AddField(
            model_name='exportjob',
            name='attempts',
            field=models.PositiveSmallIntegerField(default=0, verbose_name='attempts'),
        ),
        migrations.AddField(
            model_name='exportjob',
            name='heartbeat_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='last sign of life'),
        ),
        migrations.AddField(
            model_name='exportjob',
            name='language',
            field=models.CharField(default='fr', max_length=8, verbose_name='language'),
        ),
        migrations.AddField(
            model_name='exportjob',
            name='started_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='started at'),
        ),
        migrations.AddField(
            model_name='staffimportjob',
            name='attempts',
            field=models.PositiveSmallIntegerField(default=0, verbose_name='attempts'),
        ),
        migrations.AddField(
            model_name='staffimportjob',
            name='heartbeat_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='last sign of life'),
        ),
        migrations.AddField(
            model_name='staffimportjob',
            name='language',
            field=models.CharField(default='fr', max_length=8, verbose_name='language'),
        ),
        migrations.AddField(
            model_name='staffimportjob',
            name='started_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='started at'),
        ),
        migrations.AlterField(
            model_name='exportjob',
            name='message',
            field=models.TextField(blank=True, verbose_name='message'),
        ),
        migrations.AlterField(
            model_name='exportjob',
            name='status',
            field=models.CharField(choices=[('draft', 'Not started'), ('pending', 'Waiting'), ('running', 'Running'), ('done', 'Done'), ('failed', 'Failed')], default='pending', max_length=10, verbose_name='status'),
        ),
        migrations.AlterField(
            model_name='staffimportjob',
            name='created_at',
            field=models.DateTimeField(auto_now_add=True, verbose_name='requested at'),
        ),
        migrations.AlterField(
            model_name='staffimportjob',
            name='message',
            field=models.TextField(blank=True, verbose_name='message'),
        ),
        migrations.AlterField(
            model_name='staffimportjob',
            name='status',
            field=models.CharField(choices=[('draft', 'Not started'), ('pending', 'Waiting'), ('running', 'Running'), ('done', 'Done'), ('failed', 'Failed')], default='draft', max_length=10, verbose_name='status'),
        ),
        migrations.RunPython(drafts_of_pending_imports, migrations.RunPython.noop),
    ]
