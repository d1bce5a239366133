"""The full-text side of SearchDocument, which differs by database: a weighted tsvector
column with a GIN index on PostgreSQL, an FTS5 table keyed by the document's id on
SQLite. Neither needs an extension or a superuser."""

from django.db import migrations

POSTGRES = [
    "ALTER TABLE search_searchdocument ADD COLUMN search_vector tsvector",
    "CREATE INDEX search_document_vector ON search_searchdocument USING GIN (search_vector)",
]
POSTGRES_REVERSE = ["ALTER TABLE search_searchdocument DROP COLUMN search_vector"]
SQLITE = ["CREATE VIRTUAL TABLE search_fts USING fts5(title, body, tokenize = 'unicode61')"]
SQLITE_REVERSE = ["DROP TABLE search_fts"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        statements = statements_by_vendor.get(schema_editor.connection.vendor)
        if statements is None:
            raise RuntimeError(f"Search has no full-text set-up for {schema_editor.connection.vendor}.")
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRES, "sqlite": SQLITE}),
            _run({"postgresql": POSTGRES_REVERSE, "sqlite": SQLITE_REVERSE}),
        )
    ]
