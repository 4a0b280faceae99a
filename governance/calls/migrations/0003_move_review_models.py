# The evaluation's models (ConflictOfInterest, Assignment, Review, Score) now belong to the
# reviews app (reviews 0001 takes them over). In state only: their tables and rows stay as they
# are, under their names (calls_review, ...), which the reviews models keep as db_table.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('calls', '0002_call_translations'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveConstraint(
                    model_name='assignment',
                    name='assignment_once',
                ),
                migrations.RemoveConstraint(
                    model_name='conflictofinterest',
                    name='conflict_names_organisation_or_proposal',
                ),
                migrations.RemoveIndex(
                    model_name='review',
                    name='calls_revie_proposa_d4e3d1_idx',
                ),
                migrations.RemoveConstraint(
                    model_name='score',
                    name='score_once_per_criterion',
                ),
                migrations.RemoveField(
                    model_name='assignment',
                    name='assigned_by',
                ),
                migrations.RemoveField(
                    model_name='assignment',
                    name='evaluator',
                ),
                migrations.RemoveField(
                    model_name='assignment',
                    name='proposal',
                ),
                migrations.RemoveField(
                    model_name='review',
                    name='assignment',
                ),
                migrations.RemoveField(
                    model_name='review',
                    name='evaluator',
                ),
                migrations.RemoveField(
                    model_name='review',
                    name='proposal',
                ),
                migrations.RemoveField(
                    model_name='score',
                    name='criterion',
                ),
                migrations.RemoveField(
                    model_name='score',
                    name='review',
                ),
                migrations.DeleteModel(
                    name='ConflictOfInterest',
                ),
                migrations.DeleteModel(
                    name='Assignment',
                ),
                migrations.DeleteModel(
                    name='Review',
                ),
                migrations.DeleteModel(
                    name='Score',
                ),
            ],
            database_operations=[],
        ),
    ]
