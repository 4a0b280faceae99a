# The evaluation's models, taken over from the calls app (calls 0002 gives them up). In state
# only: the tables created by calls 0001 stay, with their rows and names (the models say
# db_table). Their content types follow, so permissions and admin history keep pointing at them.

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


MODELS = ("conflictofinterest", "assignment", "review", "score")


def _move_content_types(apps, schema_editor, *, source, target):
    ContentType = apps.get_model("contenttypes", "ContentType")
    types = ContentType.objects.using(schema_editor.connection.alias)
    for model in MODELS:
        if not types.filter(app_label=target, model=model).exists():
            types.filter(app_label=source, model=model).update(app_label=target)


def content_types_to_reviews(apps, schema_editor):
    _move_content_types(apps, schema_editor, source="calls", target="reviews")


def content_types_to_calls(apps, schema_editor):
    _move_content_types(apps, schema_editor, source="reviews", target="calls")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('accounts', '0003_alter_user_language'),
        ('calls', '0003_move_review_models'),
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Assignment',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('method', models.CharField(choices=[('manual', 'By hand'), ('automatic', 'Automatic')], max_length=10)),
                        ('assigned_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('blocked_at', models.DateTimeField(blank=True, null=True)),
                        ('blocked_reason', models.CharField(blank=True, max_length=300)),
                        ('assigned_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('evaluator', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='assignments', to=settings.AUTH_USER_MODEL)),
                        ('proposal', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='assignments', to='calls.proposal')),
                    ],
                    options={
                        'db_table': 'calls_assignment',
                        'ordering': ['proposal', 'assigned_at'],
                    },
                ),
                migrations.CreateModel(
                    name='ConflictOfInterest',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('reason', models.CharField(max_length=500)),
                        ('declared_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('evaluator', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='conflicts', to=settings.AUTH_USER_MODEL)),
                        ('organisation', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='accounts.organisation')),
                        ('proposal', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='conflicts', to='calls.proposal')),
                    ],
                    options={
                        'db_table': 'calls_conflictofinterest',
                        'ordering': ['-declared_at'],
                    },
                ),
                migrations.CreateModel(
                    name='Review',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('state', models.CharField(choices=[('draft', 'Draft'), ('submitted', 'Submitted')], default='draft', max_length=10)),
                        ('comment', models.TextField(blank=True)),
                        ('weighted_total', models.DecimalField(blank=True, decimal_places=3, max_digits=7, null=True)),
                        ('submitted_at', models.DateTimeField(blank=True, null=True)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('assignment', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='review', to='reviews.assignment')),
                        ('evaluator', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='reviews', to=settings.AUTH_USER_MODEL)),
                        ('proposal', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='reviews', to='calls.proposal')),
                    ],
                    options={
                        'db_table': 'calls_review',
                        'ordering': ['proposal', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='Score',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('value', models.PositiveSmallIntegerField(validators=[django.core.validators.MaxValueValidator(100)])),
                        ('comment', models.TextField(blank=True)),
                        ('criterion', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='calls.criterion')),
                        ('review', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='scores', to='reviews.review')),
                    ],
                    options={
                        'db_table': 'calls_score',
                        'ordering': ['review', 'criterion__position'],
                    },
                ),
                migrations.AddConstraint(
                    model_name='assignment',
                    constraint=models.UniqueConstraint(fields=('proposal', 'evaluator'), name='assignment_once'),
                ),
                migrations.AddConstraint(
                    model_name='conflictofinterest',
                    constraint=models.CheckConstraint(condition=models.Q(('organisation__isnull', False), ('proposal__isnull', False), _connector='OR'), name='conflict_names_organisation_or_proposal'),
                ),
                migrations.AddIndex(
                    model_name='review',
                    index=models.Index(fields=['proposal', 'state'], name='calls_revie_proposa_d4e3d1_idx'),
                ),
                migrations.AddConstraint(
                    model_name='score',
                    constraint=models.UniqueConstraint(fields=('review', 'criterion'), name='score_once_per_criterion'),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_types_to_reviews, content_types_to_calls),
    ]
