from __future__ import annotations

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models.signals import m2m_changed
from django.dispatch import receiver
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from governance.core.errors import InvalidTransition
from governance.core.transitions import StateMachine


class DuoTerm(models.Model):
    """A GA4GH Data Use Ontology term, loaded from duo_terms.csv with its parent."""

    class Kind(models.TextChoices):
        ROOT = "root", _("Root")
        PERMISSION = "permission", _("Permission")
        MODIFIER = "modifier", _("Modifier")
        RESEARCH_PURPOSE = "research_purpose", _("Research purpose")
        OBSOLETE = "obsolete", _("Obsolete")

    id = models.CharField(primary_key=True, max_length=20)  # "DUO:0000007"
    shorthand = models.CharField(max_length=20, blank=True, db_index=True)
    label = models.CharField(max_length=200)
    definition = models.TextField(blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # Parents may lie outside DUO (IAO:…, OBI:…), so this is a code, not a foreign key.
    parent_code = models.CharField(max_length=30, blank=True)
    deprecated = models.BooleanField(default=False)
    iri = models.URLField()

    class Meta:
        verbose_name = _("DUO term")
        verbose_name_plural = _("DUO terms")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.shorthand or self.id} — {self.label}"


class AccessCondition(models.Model):
    """How data may be used: download, in-situ processing, remote processing only."""

    code = models.SlugField(primary_key=True, max_length=40)  # "download", ...
    label = models.CharField(max_length=200)
    iri = models.URLField(unique=True)

    class Meta:
        verbose_name = _("access condition")
        verbose_name_plural = _("access conditions")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.label


class DataUseCondition(models.Model):
    """The federation's DCAT-AP data-use condition, mapped to its DUO term."""

    code = models.SlugField(primary_key=True, max_length=60)
    label = models.CharField(max_length=200)
    iri = models.URLField(unique=True)
    duo_term = models.ForeignKey(DuoTerm, on_delete=models.PROTECT, related_name="conditions")

    class Meta:
        verbose_name = _("data-use condition")
        verbose_name_plural = _("data-use conditions")
        ordering = ["label"]

    def __str__(self) -> str:
        return self.label


class CancerType(models.Model):
    """A disease in the portal's cancer hierarchy, for disease-specific matching."""

    code = models.SlugField(primary_key=True, max_length=40)
    label = models.CharField(max_length=200)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )

    class Meta:
        verbose_name = _("cancer type")
        verbose_name_plural = _("cancer types")
        ordering = ["label"]

    def __str__(self) -> str:
        return self.label


class Modality(models.Model):
    """An imaging modality, coded with its DICOM modality value (MR, CT, US, NM, PT, DX, CR, MG)."""

    code = models.CharField(primary_key=True, max_length=8)
    label = models.CharField(max_length=200)
    iri = models.URLField(blank=True)

    class Meta:
        verbose_name = _("imaging modality")
        verbose_name_plural = _("imaging modalities")
        ordering = ["label"]

    def __str__(self) -> str:
        return self.label


class BodyPart(models.Model):
    """A body part, coded with its DICOM "Body Part Examined" value."""

    code = models.CharField(primary_key=True, max_length=20)
    label = models.CharField(max_length=200)

    class Meta:
        verbose_name = _("body part")
        verbose_name_plural = _("body parts")
        ordering = ["label"]

    def __str__(self) -> str:
        return self.label


class Dataset(models.Model):
    """What a data holder offers: a collection of imaging studies held by one organisation."""

    class Source(models.TextChoices):
        REAL_WORLD = "real_world", _("Real-world clinical practice")
        CLINICAL_TRIAL = "clinical_trial", _("Completed clinical trial")

    class Hosting(models.TextChoices):
        CENTRAL = "central", _("Central atlas (anonymised)")
        FEDERATED = "federated", _("Federated only (the data never leaves the hospital)")

    persistent_url = models.URLField(
        _("persistent identifier"),
        max_length=500,
        unique=True,
        help_text=_("A URL that will always name this dataset, e.g. a DOI or handle URL."),
    )
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"))
    custodian = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="datasets",
        verbose_name=_("custodian"),
    )
    cancer_types = models.ManyToManyField(
        CancerType, related_name="datasets", verbose_name=_("cancer types")
    )
    modalities = models.ManyToManyField(
        Modality, related_name="datasets", verbose_name=_("imaging modalities")
    )
    body_parts = models.ManyToManyField(
        BodyPart, related_name="datasets", blank=True, verbose_name=_("body parts")
    )
    subject_count = models.PositiveIntegerField(_("number of subjects"))
    study_count = models.PositiveIntegerField(_("number of imaging studies"))
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    trial_sponsor = models.CharField(
        _("trial sponsor"),
        max_length=200,
        blank=True,
        help_text=_("For data from a completed clinical trial: who sponsored the trial."),
    )
    industry_sponsored = models.BooleanField(_("industry-sponsored trial"), default=False)
    hosting = models.CharField(_("hosting"), max_length=20, choices=Hosting.choices)
    has_radiation_reports = models.BooleanField(
        _("radiation-exposure structured reports (DICOM RDSR) present"), default=False
    )
    quality_score = models.DecimalField(
        _("quality index score"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("From 0 to 100."),
    )
    quality_method = models.TextField(
        _("how the quality score was obtained"),
        blank=True,
        help_text=_("E.g. the tool or checklist used, and who applied it."),
    )
    biobank_links = models.JSONField(
        _("related biobank resources"),
        default=list,
        blank=True,
        help_text=_("URLs of the biobank resources (e.g. histology) linked to these images."),
    )
    # The statement visitors read: set when a version is published, so lists need no subquery.
    current_statement = models.OneToOneField(
        "AvailabilityStatement",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    # Title, description and custodian's name for full-text search, kept by a PostgreSQL trigger
    # (migration 0005, which also adds its GIN index); always empty on SQLite.
    search_vector = SearchVectorField(null=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("dataset")
        verbose_name_plural = _("datasets")
        ordering = ["title"]
        indexes = [
            # The public catalogue's first page, read in title order without sorting every row.
            models.Index(
                fields=["title"],
                condition=models.Q(current_statement__isnull=False),
                name="dataset_published_title",
            ),
            # The columns the facets and filters read, so counting reads the index, not the rows.
            models.Index(
                fields=["id", "custodian", "current_statement", "hosting", "source"],
                condition=models.Q(current_statement__isnull=False),
                name="dataset_published_facets",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quality_score__isnull=True)
                | models.Q(quality_score__gte=0, quality_score__lte=100),
                name="dataset_quality_score_range",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_federated_only(self) -> bool:
        return self.hosting == self.Hosting.FEDERATED


class StatementIsFinal(InvalidTransition):
    """A published (or superseded) statement never changes."""

    def __init__(self, statement: AvailabilityStatement) -> None:
        super().__init__(
            _(
                "Version %(version)s of this statement is %(state)s and can no longer change. "
                "Start a new version: it begins as a copy you can edit and publish."
            )
            % {"version": statement.version, "state": statement.get_state_display().lower()}
        )


class AvailabilityStatement(models.Model):
    """One version of a dataset's data availability statement (SPEC section 4)."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        SUPERSEDED = "superseded", _("Superseded")

    class AccessRights(models.TextChoices):
        PUBLIC = "public", _("Public")
        RESTRICTED = "restricted", _("Restricted")
        NON_PUBLIC = "non_public", _("Non-public")

    dataset = models.ForeignKey(Dataset, on_delete=models.PROTECT, related_name="statements")
    version = models.PositiveIntegerField(_("version"))
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.DRAFT, editable=False
    )
    is_proprietary = models.BooleanField(_("proprietary data"), default=False)
    proprietor = models.CharField(
        _("proprietor"),
        max_length=200,
        blank=True,
        help_text=_("Who owns the data, if it is proprietary (e.g. the trial sponsor)."),
    )
    licence_name = models.CharField(_("licence"), max_length=200, blank=True)
    licence_url = models.URLField(_("licence URL"), max_length=500, blank=True)
    access_rights = models.CharField(
        _("access rights"),
        max_length=20,
        choices=AccessRights.choices,
        default=AccessRights.RESTRICTED,
    )
    access_conditions = models.ManyToManyField(
        AccessCondition,
        related_name="statements",
        blank=True,
        verbose_name=_("access conditions"),
    )
    duo_permission = models.ForeignKey(
        DuoTerm,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"kind": DuoTerm.Kind.PERMISSION, "deprecated": False},
        verbose_name=_("data-use permission (DUO)"),
    )
    disease = models.ForeignKey(
        CancerType,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("disease (for disease-specific research)"),
    )
    reuse_restrictions = models.TextField(_("restrictions on reuse"), blank=True)
    federated_use_restrictions = models.TextField(_("restrictions on federated use"), blank=True)
    access_committee_name = models.CharField(_("access committee"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    embargo_until = models.DateField(_("embargo until"), null=True, blank=True)
    retention = models.CharField(
        _("retention"),
        max_length=300,
        blank=True,
        help_text=_("How long the data is kept, e.g. “until 31 December 2035”."),
    )
    plain_summary = models.TextField(
        _("plain-language summary"),
        blank=True,
        help_text=_("For patients and the public: what the data is and who may use it."),
    )
    supersedes = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        editable=False,
    )
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True, editable=False)
    published_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )

    class Meta:
        verbose_name = _("data availability statement")
        verbose_name_plural = _("data availability statements")
        ordering = ["dataset", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["dataset", "version"], name="statement_unique_version"),
            models.UniqueConstraint(
                fields=["dataset"],
                condition=models.Q(state="draft"),
                name="statement_one_draft_per_dataset",
            ),
            models.UniqueConstraint(
                fields=["dataset"],
                condition=models.Q(state="published"),
                name="statement_one_published_per_dataset",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dataset} — v{self.version} ({self.get_state_display()})"

    def save(self, *args, **kwargs) -> None:
        # Only the state of a published statement may change (published -> superseded).
        if self.pk is not None:
            update_fields = kwargs.get("update_fields")
            stored = type(self).objects.filter(pk=self.pk).values_list("state", flat=True).first()
            if (
                stored is not None
                and stored != self.State.DRAFT
                and (update_fields is None or set(update_fields) - {"state"})
            ):
                raise StatementIsFinal(self)
        super().save(*args, **kwargs)

    @property
    def access_badge(self) -> str:
        """One phrase per value ("Restricted access"): each language orders its words its way."""
        badges: dict[str, str | Promise] = {
            self.AccessRights.PUBLIC: _("Public access"),
            self.AccessRights.RESTRICTED: _("Restricted access"),
            self.AccessRights.NON_PUBLIC: _("Non-public access"),
        }
        return str(badges.get(self.access_rights, self.get_access_rights_display()))

    @property
    def is_draft(self) -> bool:
        return self.state == self.State.DRAFT


class StatementModifier(models.Model):
    """A DUO data-use modifier on a statement, with the parameter it needs, if any."""

    statement = models.ForeignKey(
        AvailabilityStatement, on_delete=models.CASCADE, related_name="modifiers"
    )
    duo_term = models.ForeignKey(
        DuoTerm,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": DuoTerm.Kind.MODIFIER, "deprecated": False},
        verbose_name=_("modifier (DUO)"),
    )
    months = models.PositiveSmallIntegerField(
        _("time limit in months"), null=True, blank=True, help_text=_("For a time limit on use.")
    )
    until_date = models.DateField(
        _("until"), null=True, blank=True, help_text=_("For a publication moratorium.")
    )
    area = models.CharField(
        _("geographic area"),
        max_length=200,
        blank=True,
        help_text=_("For a geographical restriction, e.g. “European Economic Area”."),
    )
    detail = models.CharField(
        _("detail"),
        max_length=300,
        blank=True,
        help_text=_("For user-, project- or institution-specific restrictions: which ones."),
    )

    class Meta:
        verbose_name = _("data-use modifier")
        verbose_name_plural = _("data-use modifiers")
        ordering = ["duo_term_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["statement", "duo_term"], name="statement_modifier_unique"
            )
        ]

    def __str__(self) -> str:
        return str(self.duo_term)

    def save(self, *args, **kwargs) -> None:
        if self.statement.state != AvailabilityStatement.State.DRAFT:
            raise StatementIsFinal(self.statement)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.statement.state != AvailabilityStatement.State.DRAFT:
            raise StatementIsFinal(self.statement)
        return super().delete(*args, **kwargs)


STATEMENT_MACHINE = StateMachine(
    "statement",
    ("draft", "published", "superseded"),
    {
        "publish": (["draft"], "published"),
        "supersede": (["published"], "superseded"),
    },
    noun=pgettext_lazy("after “the status of”", "this data availability statement"),
    state_labels=dict(AvailabilityStatement.State.choices),
    action_labels={
        "publish": pgettext_lazy("action", "Publish"),
        "supersede": pgettext_lazy("action", "Replace with a new version"),
    },
)


@receiver(m2m_changed, sender=AvailabilityStatement.access_conditions.through)
def _refuse_changes_to_final_conditions(sender, instance, action, reverse, **kwargs) -> None:
    if action.startswith("pre_") and not reverse and not instance.is_draft:
        raise StatementIsFinal(instance)
