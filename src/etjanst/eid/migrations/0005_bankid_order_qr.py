from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("eid", "0004_swedish_labels"),
    ]

    operations = [
        migrations.AddField(
            model_name="bankidorder",
            name="qr_start_token",
            field=models.CharField(blank=True, max_length=64, verbose_name="QR-starttoken"),
        ),
        migrations.AddField(
            model_name="bankidorder",
            name="qr_start_secret",
            field=models.CharField(blank=True, max_length=64, verbose_name="QR-starthemlighet"),
        ),
        migrations.AddField(
            model_name="bankidorder",
            name="started_at",
            field=models.FloatField(
                blank=True, null=True, verbose_name="startad (sekunder sedan 1970)"
            ),
        ),
    ]
