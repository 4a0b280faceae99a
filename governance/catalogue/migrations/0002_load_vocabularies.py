from django.db import migrations


def load(apps, schema_editor):
    from governance.catalogue.vocabularies import load_vocabularies

    load_vocabularies(
        DuoTerm=apps.get_model("catalogue", "DuoTerm"),
        AccessCondition=apps.get_model("catalogue", "AccessCondition"),
        DataUseCondition=apps.get_model("catalogue", "DataUseCondition"),
        CancerType=apps.get_model("catalogue", "CancerType"),
    )


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
