from django.db import migrations


def load(apps, schema_editor):
    from governance.catalogue.vocabularies import load_imaging_vocabularies

    load_imaging_vocabularies(
        Modality=apps.get_model("catalogue", "Modality"),
        BodyPart=apps.get_model("catalogue", "BodyPart"),
    )


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0003_datasets_and_statements")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
