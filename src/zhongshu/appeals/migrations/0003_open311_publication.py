# Open311's publication policy; IntakeAttempt gives way to the shared rate limiter (core.RateBucket).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('appeals', '0002_alerts_keys_imports'),
    ]

    operations = [
        migrations.CreateModel(
            name='Open311Publication',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('channels', models.JSONField(default=list)),
                ('types', models.JSONField(default=list)),
                ('updated_at', models.DateTimeField(blank=True, null=True)),
                ('updated_by', models.CharField(blank=True, max_length=150)),
            ],
        ),
        migrations.DeleteModel(
            name='IntakeAttempt',
        ),
    ]
