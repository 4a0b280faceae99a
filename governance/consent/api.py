"""Consent in the REST API: `consent-forms` and `consent-records` (with `withdraw`, `import`,
`{id}/fhir`, `fhir-bundle` and `figures`). Writes go through the services.

Records carry pseudonyms, so only the dataset's holders and staff see them; anyone else gets an
empty list and 404 for an id. `figures` is the patient organisations' aggregated view.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.response import Response

from governance.accounts.models import Organisation
from governance.api.permissions import SIGNED_IN
from governance.catalogue.models import Dataset, DuoTerm
from governance.consent import importing, pseudonyms, selectors, services
from governance.consent.documents import validate_pdf
from governance.consent.fhir import consent_resource
from governance.consent.models import ConsentForm, ConsentRecord, ConsentWithdrawal
from governance.consent.pseudonyms import validate_pseudonym
from governance.consent.views import fhir_bundle_response


class ConsentFormSerializer(serializers.ModelSerializer):
    organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), allow_null=True, required=False
    )
    duo_permission = serializers.PrimaryKeyRelatedField(
        queryset=DuoTerm.objects.filter(kind=DuoTerm.Kind.PERMISSION, deprecated=False)
    )
    duo_modifiers = serializers.PrimaryKeyRelatedField(
        many=True,
        queryset=DuoTerm.objects.filter(kind=DuoTerm.Kind.MODIFIER, deprecated=False),
        required=False,
    )
    document = serializers.FileField(required=False, validators=[validate_pdf], write_only=True)
    document_url = serializers.SerializerMethodField()
    # Plain strings in the schema: an enum here would collide with the other apps' "state".
    state = serializers.CharField(
        read_only=True, help_text="draft, published (in use) or superseded"
    )

    class Meta:
        model = ConsentForm
        fields = [
            "id",
            "organisation",
            "code",
            "version",
            "state",
            "title",
            "language",
            "duo_permission",
            "duo_modifiers",
            "legal_basis",
            "offers_data_altruism",
            "plain_summary",
            "document",
            "document_url",
            "supersedes",
            "published_at",
            "created_at",
        ]
        read_only_fields = ["version", "state", "supersedes", "published_at"]
        validators: list = []  # the service answers a code in use, saying what to do

    def get_document_url(self, form) -> str | None:
        if not form.document:
            return None
        from django.urls import reverse

        return self.context["request"].build_absolute_uri(
            reverse("consent:form_document", args=[form.pk])
        )


class ConsentFormUpdateSerializer(ConsentFormSerializer):
    organisation = serializers.PrimaryKeyRelatedField(read_only=True)  # type: ignore[assignment]
    code = serializers.SlugField(read_only=True)


class WithdrawalSerializer(serializers.ModelSerializer):
    scope = serializers.CharField(read_only=True, help_text="future_use or removal")

    class Meta:
        model = ConsentWithdrawal
        fields = ["withdrawn_on", "scope", "reason", "recorded_at", "notified_grants"]
        read_only_fields = ["recorded_at", "notified_grants"]


@extend_schema_field(
    {
        "type": "string",
        "minLength": pseudonyms.MIN_LENGTH,
        "maxLength": pseudonyms.MAX_LENGTH,
        "pattern": f"^{pseudonyms.SHAPE}$",
        "description": "A pseudonym, with a digit; never a name or an identity number.",
    }
)
class PseudonymField(serializers.CharField):
    """The shape of a pseudonym in the schema; `validate_pseudonym` also refuses what only
    looks like one (an email, a national identity number, ...)."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("max_length", pseudonyms.MAX_LENGTH)
        super().__init__(validators=[validate_pseudonym], **kwargs)


class ConsentRecordSerializer(serializers.ModelSerializer):
    dataset = serializers.PrimaryKeyRelatedField(queryset=Dataset.objects.all())
    pseudonym = PseudonymField()
    form = serializers.PrimaryKeyRelatedField(
        queryset=ConsentForm.objects.exclude(state=ConsentForm.State.DRAFT)
    )
    withdrawal = WithdrawalSerializer(read_only=True, allow_null=True)  # null until withdrawn

    class Meta:
        model = ConsentRecord
        fields = [
            "id",
            "dataset",
            "pseudonym",
            "form",
            "given_on",
            "scope",
            "data_altruism",
            "status",
            "withdrawn_on",
            "withdrawal",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["status", "withdrawn_on"]
        validators: list = []  # the service answers a duplicate with a message that says what to do


class WithdrawSerializer(serializers.Serializer):
    withdrawn_on = serializers.DateField(required=False)
    scope = serializers.ChoiceField(choices=ConsentWithdrawal.Scope.choices)
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class ImportSerializer(serializers.Serializer):
    dataset = serializers.IntegerField()
    file = serializers.FileField()


class ConsentFormViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Consent forms: versions in use for holders, staff and patient organisations; drafts for
    their holders. Writes: the holder organisation's data holders (federation-wide: staff)."""

    serializer_class = ConsentFormSerializer
    action_rules = {
        "list": SIGNED_IN,
        "retrieve": SIGNED_IN,
        "create": "consent.manage_records",
        "update": "consent.change_consentform",
        "partial_update": "consent.change_consentform",
        "publish": "consent.change_consentform",
        "new_version": "consent.change_consentform",
    }
    parser_classes = [JSONParser, MultiPartParser]  # multipart for the signed PDF, `document`

    def get_serializer_class(self):
        if self.action in {"update", "partial_update"}:
            return ConsentFormUpdateSerializer
        return ConsentFormSerializer

    def get_queryset(self) -> QuerySet[ConsentForm]:
        qs = selectors.forms_visible_to(self.request.user)
        return selectors.forms_with_details(qs).order_by("code", "-version")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        organisation = data.pop("organisation", None)
        serializer.instance = services.form_create(
            actor=self.request.user, organisation=organisation, data=data
        )

    def perform_update(self, serializer):
        serializer.instance = services.form_update_draft(
            actor=self.request.user, form=serializer.instance, data=dict(serializer.validated_data)
        )

    @extend_schema(request=None, responses={200: ConsentFormSerializer})
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        """Put a draft in use (409 `invalid_transition` if it is not a draft)."""
        form = services.form_publish(actor=request.user, form=self.get_object())
        return Response(self.get_serializer(selectors.form_for(request.user, form.pk)).data)

    @extend_schema(request=None, responses={201: ConsentFormSerializer})
    @action(detail=True, methods=["post"], url_path="new-version")
    def new_version(self, request, pk=None):
        """Start the next version as an editable copy."""
        draft = services.form_new_version(actor=request.user, form=self.get_object())
        return Response(
            self.get_serializer(selectors.form_for(request.user, draft.pk)).data,
            status=status.HTTP_201_CREATED,
        )


class ConsentRecordViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Consent records of the datasets the caller manages (holders of the custodian, staff)."""

    serializer_class = ConsentRecordSerializer
    action_rules = {
        "list": SIGNED_IN,
        "retrieve": SIGNED_IN,
        "fhir": SIGNED_IN,
        "create": "consent.manage_records",
        "import_": "consent.manage_records",
        "fhir_bundle": "consent.manage_records",
        "withdraw": "consent.change_record",
        "figures": "consent.view_figures",
    }

    def get_queryset(self) -> QuerySet[ConsentRecord]:
        qs = selectors.records_with_details(selectors.records_visible_to(self.request.user))
        params = self.request.query_params
        if (dataset := params.get("dataset")) and dataset.isdigit():
            qs = qs.filter(dataset_id=int(dataset))
        if status_ := params.get("status"):
            qs = qs.filter(status=status_)
        if pseudonym := params.get("pseudonym"):
            qs = qs.filter(pseudonym=pseudonym)
        return qs.order_by("dataset_id", "pseudonym")

    @extend_schema(
        parameters=[
            OpenApiParameter("dataset", int),
            OpenApiParameter("status", str, enum=list(ConsentRecord.Status.values)),
            OpenApiParameter(
                "pseudonym", str, description="Exact pseudonym: the subject's records"
            ),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        dataset = _managed_dataset(self.request.user, data.pop("dataset").pk)
        record = services.record_create(actor=self.request.user, dataset=dataset, data=data)
        serializer.instance = selectors.record_for(self.request.user, record.pk)

    @extend_schema(request=WithdrawSerializer, responses={200: ConsentRecordSerializer})
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """Record the subject's withdrawal (409 `invalid_transition` if already withdrawn)."""
        record = self.get_object()
        payload = WithdrawSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.record_withdraw(
            actor=request.user,
            record=record,
            withdrawn_on=payload.validated_data.get("withdrawn_on") or timezone.localdate(),
            scope=payload.validated_data["scope"],
            reason=payload.validated_data.get("reason", ""),
        )
        return Response(self.get_serializer(selectors.record_for(request.user, record.pk)).data)

    @extend_schema(
        request={"multipart/form-data": ImportSerializer},
        responses={200: dict, 400: dict},
        description=(
            "Import a CSV of records into one dataset, all or nothing. Columns: pseudonym, form, "
            "form_version, given_on, scope[, data_altruism]. 200 with the report; 400 "
            "`invalid_import` with the report naming each bad line when nothing was imported."
        ),
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="import",
        url_name="import",
        parser_classes=[MultiPartParser],
    )
    def import_(self, request):
        payload = ImportSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        dataset = _managed_dataset(request.user, payload.validated_data["dataset"])
        upload = payload.validated_data["file"]
        try:
            report = importing.import_records(
                actor=request.user, dataset=dataset, file=getattr(upload, "file", upload)
            )
        except importing.ImportRefused as refused:
            return Response(
                {"detail": refused.detail, "code": refused.code, **refused.report.as_dict()},
                status=status.HTTP_400_BAD_REQUEST,
            )
        return Response(report.as_dict())

    @extend_schema(
        responses={(200, "application/fhir+json"): dict},
        description="The record as an HL7 FHIR R5 Consent.",
    )
    @action(detail=True, methods=["get"])
    def fhir(self, request, pk=None):
        record = self.get_object()
        return Response(consent_resource(record), content_type="application/fhir+json")

    @extend_schema(
        parameters=[OpenApiParameter("dataset", int, required=True)],
        responses={(200, "application/fhir+json"): dict},
        description="Every record of a dataset as a FHIR R5 Bundle (collection), streamed.",
    )
    @action(detail=False, methods=["get"], url_path="fhir-bundle")
    def fhir_bundle(self, request):
        dataset = request.query_params.get("dataset", "")
        if not dataset.isdigit():
            return Response(
                {"detail": _("Name the dataset: ?dataset=<id>."), "code": "invalid"},
                status=status.HTTP_400_BAD_REQUEST,
            )
        return fhir_bundle_response(_managed_dataset(request.user, int(dataset)))

    @extend_schema(
        responses={200: dict},
        description=(
            "Aggregated, non-identifying figures per dataset for patient organisations: counts "
            "of 1 to 4 are shown as “fewer than 5”, larger ones rounded to the nearest ten."
        ),
    )
    @action(detail=False, methods=["get"])
    def figures(self, request):
        return Response(
            {
                "datasets": [
                    {
                        "dataset": item.dataset_id,
                        "title": item.title,
                        "custodian": item.custodian,
                        "consenting_subjects": item.given,
                        "withdrawals": item.withdrawn,
                        "by_form_version": [
                            {"form": name, "subjects": shown} for name, shown in item.by_form
                        ],
                    }
                    for item in selectors.public_figures()
                ],
                "withdrawals_by_quarter": [
                    {"quarter": label, "withdrawals": shown}
                    for label, _value, shown in selectors.public_withdrawals_by_quarter()
                ],
            }
        )


def _managed_dataset(person, pk: int) -> Dataset:
    try:
        return selectors.managed_dataset_for(person, pk)
    except Http404:
        raise NotFound(_("No such dataset among those whose consent records you manage.")) from None


def register(router) -> None:
    router.register("consent-forms", ConsentFormViewSet, basename="consent-forms")
    router.register("consent-records", ConsentRecordViewSet, basename="consent-records")
