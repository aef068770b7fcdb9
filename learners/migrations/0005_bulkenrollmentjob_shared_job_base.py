from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("learners", "0004_enrollment_enrolled_at_index"),
    ]

    operations = [

        migrations.AddField(
            model_name='bulkenrollmentjob',
            name='attempts',
            field=models.PositiveSmallIntegerField(default=0, verbose_name='attempts'),
        ),
        migrations.AddField(
            model_name='bulkenrollmentjob',
            name='heartbeat_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='last sign of life'),
        ),
        migrations.AddField(
            model_name='bulkenrollmentjob',
            name='language',
            field=models.CharField(default='fr', max_length=8, verbose_name='language'),
        ),
        migrations.AddField(
            model_name='bulkenrollmentjob',
            name='message',
            field=models.TextField(blank=True, verbose_name='message'),
        ),
        migrations.AddField(
            model_name='bulkenrollmentjob',
            name='percent',
            field=models.PositiveSmallIntegerField(default=0, verbose_name='progress (%)'),
        ),
        migrations.AlterField(
            model_name='bulkenrollmentjob',
            name='created_at',
            field=models.DateTimeField(auto_now_add=True, verbose_name='requested at'),
        ),
        migrations.AlterField(
            model_name='bulkenrollmentjob',
            name='finished_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='finished at'),
        ),
        migrations.AlterField(
            model_name='bulkenrollmentjob',
            name='started_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='started at'),
        ),
        migrations.AlterField(
            model_name='bulkenrollmentjob',
            name='status',
            field=models.CharField(choices=[('draft', 'Not started'), ('pending', 'Waiting'), ('running', 'Running'), ('done', 'Done'), ('failed', 'Failed')], default='pending', max_length=10, verbose_name='status'),
        ),
    ]
