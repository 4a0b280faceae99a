"""The first federation-wide text of the data-use agreement (also in texts/template_v1.md).

The text is written out here so that what version 1 says never changes with later edits.
"""

from django.db import migrations

TITLE = "Data-use agreement of the federated cancer-imaging infrastructure"
BODY = "## 1. Purpose and scope\n\nThe Data Holder makes the datasets listed in this agreement available to the Researcher, through\nthe federated cancer-imaging infrastructure, for the approved research purpose stated below and\nfor no other purpose. Images stay where the Data Holder keeps them unless the access condition\nagreed for a dataset is download.\n\n## 2. Obligations of the Researcher\n\n1. Use the data only for the approved purpose, within the agreed period, and only through the\n   access condition agreed for each dataset (download, in-situ processing or remote processing).\n2. Honour every condition and obligation stated for each dataset in this agreement.\n3. Never attempt to re-identify any person, link the data with other data to that end, or\n   disclose data to anyone who is not a named member of the project team.\n4. Keep the data, and anything derived from it, secure according to the state of the art, and\n   report any security incident or suspected re-identification to the Data Holder within 72 hours.\n5. Acknowledge the Data Holder and the infrastructure in publications arising from the project.\n6. At the end of the period, or when this agreement ends earlier, stop using the data and delete\n   every copy obtained by download, and confirm the deletion to the Data Holder on request.\n\n## 3. Obligations of the Data Holder\n\nThe Data Holder confirms that it may lawfully make the data available for the approved purpose,\nthat the data are pseudonymised or anonymised as described in its availability statement, and that\nit will inform the Researcher without delay if consent for any part of the data is withdrawn.\n\n## 4. Duration, amendment and termination\n\nThis agreement is in force from its countersignature for the period stated in it. An amendment\n(for example a longer period or a new team member) is a new version of this agreement signed in\nthe same way; it replaces this version when it comes into force. Either party, or the portal's\nstaff on behalf of the access committee, may terminate the agreement for a breach; access ends\nat once.\n\n## 5. Law and disputes\n\nThis agreement is governed by the General Data Protection Regulation (EU) 2016/679 and the law of\nthe Data Holder's country. The parties will first try to settle any dispute amicably.\n"


def create_first_template(apps, schema_editor):
    AgreementTemplate = apps.get_model("agreements", "AgreementTemplate")
    AgreementTemplate.objects.get_or_create(version=1, defaults={"title": TITLE, "body": BODY})


class Migration(migrations.Migration):
    dependencies = [("agreements", "0002_signatures_templates_documents")]

    operations = [migrations.RunPython(create_first_template, migrations.RunPython.noop)]
