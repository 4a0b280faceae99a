from django.db import models
from django.utils.translation import gettext_lazy as _


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
