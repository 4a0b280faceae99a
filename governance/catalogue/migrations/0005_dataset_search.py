"""Full-text search of the catalogue on PostgreSQL: a stored tsvector per dataset (title, then
description, then the custodian's name), kept up to date by triggers, with its GIN index.

Each text is indexed twice: with the English configuration (stemmed, so "cohorts" finds "cohort")
and with 'simple' (the words as written, so a prefix someone is still typing, "imagin", finds
"imaging", whose English stem is "imag"). On SQLite the column stays empty and the search matches
plain text.
"""

import django.contrib.postgres.search
from django.db import migrations, models

CREATE = """
CREATE FUNCTION catalogue_search_document(title text, description text, custodian text)
RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT setweight(to_tsvector('english', coalesce(title, '')), 'A')
        || setweight(to_tsvector('simple', coalesce(title, '')), 'A')
        || setweight(to_tsvector('english', coalesce(description, '')), 'B')
        || setweight(to_tsvector('simple', coalesce(description, '')), 'B')
        || setweight(to_tsvector('english', coalesce(custodian, '')), 'C')
        || setweight(to_tsvector('simple', coalesce(custodian, '')), 'C')
$$;

CREATE FUNCTION catalogue_dataset_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_vector := catalogue_search_document(
        NEW.title,
        NEW.description,
        (SELECT name FROM accounts_organisation WHERE id = NEW.custodian_id)
    );
    RETURN NEW;
END
$$;

CREATE TRIGGER catalogue_dataset_search_vector
    BEFORE INSERT OR UPDATE OF title, description, custodian_id, search_vector
    ON catalogue_dataset
    FOR EACH ROW EXECUTE FUNCTION catalogue_dataset_search_vector();

-- A renamed organisation is found under its new name: its datasets' vectors are recomputed.
CREATE FUNCTION catalogue_custodian_renamed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE catalogue_dataset SET custodian_id = custodian_id WHERE custodian_id = NEW.id;
    RETURN NULL;
END
$$;

CREATE TRIGGER catalogue_custodian_renamed
    AFTER UPDATE OF name ON accounts_organisation
    FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name)
    EXECUTE FUNCTION catalogue_custodian_renamed();

UPDATE catalogue_dataset SET search_vector = NULL;

CREATE INDEX dataset_search_vector ON catalogue_dataset USING gin (search_vector);
"""

DROP = """
DROP INDEX IF EXISTS dataset_search_vector;
DROP TRIGGER IF EXISTS catalogue_custodian_renamed ON accounts_organisation;
DROP FUNCTION IF EXISTS catalogue_custodian_renamed();
DROP TRIGGER IF EXISTS catalogue_dataset_search_vector ON catalogue_dataset;
DROP FUNCTION IF EXISTS catalogue_dataset_search_vector();
DROP FUNCTION IF EXISTS catalogue_search_document(text, text, text);
"""


def on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_alter_user_language"),
        ("catalogue", "0004_load_imaging_vocabularies"),
    ]

    operations = [
        migrations.AddField(
            model_name="dataset",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.AddIndex(
            model_name="dataset",
            index=models.Index(
                condition=models.Q(("current_statement__isnull", False)),
                fields=["title"],
                name="dataset_published_title",
            ),
        ),
        migrations.AddIndex(
            model_name="dataset",
            index=models.Index(
                condition=models.Q(("current_statement__isnull", False)),
                fields=["id", "custodian", "current_statement", "hosting", "source"],
                name="dataset_published_facets",
            ),
        ),
        migrations.RunPython(on_postgresql(CREATE), on_postgresql(DROP)),
    ]
