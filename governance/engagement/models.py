"""Engagement: stakeholder surveys, consultations on ELSI policies, webinars and meetings.

Survey answers are stored one row per response x question (x item, for matrix, multiple-choice
and ranking questions) with typed value columns, so that results are GROUP BY queries in the
database. Answer rows are written only when a response is submitted; a response in progress keeps
its answers in `SurveyResponse.draft`.

An anonymous survey keeps no link between a response and a person: no foreign key, no resume by
person, no audit event naming the respondent, and submission times rounded to the hour. Who took
part (so that an invitation is single-use and a signed-in person answers once) is recorded in
`SurveyInvitation.used_on` and `SurveyParticipation`, neither of which points at the response.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from governance.core.transitions import StateMachine


class StakeholderGroup(models.TextChoices):
    PATIENT = "patient", _("Patient or patient organisation")
    DATA_PROVIDER = "data_provider", _("Data provider")
    SERVICE_PROVIDER = "service_provider", _("Service provider")
    ACADEMIC = "academic_researcher", _("Academic researcher")
    INDUSTRY = "industry", _("Industry")
    POLICY_MAKER = "policy_maker", _("Policy maker")
    OTHER = "other", _("Other")


# Groups and countries with fewer respondents than this are not shown in published results.
SMALL_GROUP = 5


class Survey(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")
        RESULTS_PUBLISHED = "results_published", _("Results published")

    class Access(models.TextChoices):
        PUBLIC = "public", _("Anyone with the link")
        SIGNED_IN = "signed_in", _("Signed-in people only")
        INVITATION = "invitation", _("Personal invitation links only")

    class GroupSource(models.TextChoices):
        ASK = "ask", _("Ask the respondent as the first question")
        ACCOUNT = "account", _("Take it from the respondent's account (role and organisation)")

    title = models.CharField(_("title"), max_length=200)
    intro = models.TextField(_("introduction"), help_text=_("Why the survey is run, shown first."))
    privacy_notice = models.TextField(
        _("privacy notice"), help_text=_("What is kept, for how long, and who sees it.")
    )
    state = models.CharField(max_length=20, choices=State.choices, default=State.DRAFT)
    access = models.CharField(
        _("who may answer"), max_length=20, choices=Access.choices, default=Access.PUBLIC
    )
    anonymous = models.BooleanField(
        _("anonymous"),
        default=True,
        help_text=_("Anonymous responses keep no link to the person who gave them."),
    )
    group_source = models.CharField(
        _("stakeholder group"), max_length=20, choices=GroupSource.choices, default=GroupSource.ASK
    )
    closes_at = models.DateTimeField(_("closes at"), null=True, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    results_published_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    def is_accepting(self, now=None) -> bool:
        now = now or timezone.now()
        return self.state == self.State.OPEN and (self.closes_at is None or self.closes_at > now)


SURVEY_MACHINE = StateMachine(
    "survey",
    ("draft", "open", "closed", "results_published"),
    {
        "open": (["draft"], "open"),
        "close": (["open"], "closed"),
        "publish_results": (["closed"], "results_published"),
    },
    noun=pgettext_lazy("after “the status of”", "this survey"),
    state_labels=dict(Survey.State.choices),
    action_labels={
        "open": pgettext_lazy("action", "Open"),
        "close": pgettext_lazy("action", "Close"),
        "publish_results": pgettext_lazy("action", "Publish the results"),
    },
)


class SurveySection(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", _("Single choice")
        MULTIPLE = "multiple", _("Multiple choice")
        LIKERT = "likert", _("Likert matrix (agree/disagree)")
        SCALE = "scale", _("Scale from 0 to 10")
        NUMBER = "number", _("Number")
        SHORT_TEXT = "short_text", _("Short text")
        LONG_TEXT = "long_text", _("Long text")
        RANKING = "ranking", _("Ranking")

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    section = models.ForeignKey(SurveySection, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    text = models.CharField(_("question"), max_length=500)
    help_text = models.CharField(_("hint"), max_length=500, blank=True)
    required = models.BooleanField(_("required"), default=False)
    # Choices and ranking: the options; Likert: the statements (rows).
    options = models.JSONField(_("options"), default=list, blank=True)
    allow_other = models.BooleanField(_('offer "Other (please say)"'), default=False)
    # Shown only when the answer to an earlier question is one of `condition_values`.
    condition_question = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="dependants"
    )
    condition_values = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["section__position", "position", "pk"]

    def __str__(self) -> str:
        return self.text

    @property
    def is_choice(self) -> bool:
        return self.kind in {self.Kind.SINGLE, self.Kind.MULTIPLE}

    @property
    def is_text(self) -> bool:
        return self.kind in {self.Kind.SHORT_TEXT, self.Kind.LONG_TEXT}


LIKERT_SCALE = [
    (1, _("Strongly disagree")),
    (2, _("Disagree")),
    (3, _("Neither agree nor disagree")),
    (4, _("Agree")),
    (5, _("Strongly agree")),
]
OTHER = "other"


class SurveyQuota(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="quotas")
    group = models.CharField(max_length=30, choices=StakeholderGroup.choices)
    limit = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["survey", "group"], name="engagement_quota_unique")
        ]

    def __str__(self) -> str:
        return f"{self.group}: {self.limit}"


class SurveyInvitation(models.Model):
    """A personal single-use link. Only the token's hash is stored; using it records the day,
    never which response it led to."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    token_hash = models.CharField(max_length=64, unique=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(default=0)
    last_reminded_at = models.DateTimeField(null=True, blank=True)
    used_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "email"], name="engagement_invite_once")
        ]

    def __str__(self) -> str:
        return f"{self.email} ({self.survey_id})"


class SurveyParticipation(models.Model):
    """That a signed-in person answered an anonymous survey (so they answer once) — no response."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="participations")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    on = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["survey", "person"], name="engagement_take_part_once")
        ]

    def __str__(self) -> str:
        return f"Took part in survey {self.survey_id}"


class SurveyResponse(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    # Identified surveys only; always null for anonymous ones.
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="survey_responses",
    )
    group = models.CharField(max_length=30, choices=StakeholderGroup.choices, blank=True)
    country = models.CharField(max_length=2, blank=True)
    # Anonymous respondents resume with a token kept in a cookie or a link; only its hash is here.
    resume_token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    draft = models.JSONField(default=dict, blank=True)
    section_index = models.PositiveSmallIntegerField(default=0)
    started_on = models.DateField(default=timezone.localdate)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["survey", "submitted_at"], name="engagement_resp_sub")]

    def __str__(self) -> str:
        return f"Response #{self.pk}"

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None


class Answer(models.Model):
    """One value of a submitted response. `survey`, `group` and `country` repeat the response's
    so that results and breakdowns are single-table aggregations."""

    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="+")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    item = models.PositiveSmallIntegerField(default=0)  # Likert row; order of a multiple choice
    choice = models.CharField(max_length=100, blank=True)
    number = models.FloatField(null=True, blank=True)  # Likert 1-5, scale 0-10, number, rank
    text = models.TextField(blank=True)
    # True on one row per response x question: counting these counts who answered the question
    # without COUNT(DISTINCT response), which is the slow part of a results page.
    first = models.BooleanField(default=True)
    group = models.CharField(max_length=30, blank=True)
    country = models.CharField(max_length=2, blank=True)

    class Meta:
        ordering = ["response_id", "question_id", "item"]
        indexes = [
            models.Index(
                fields=["question", "item", "choice", "number", "first"],
                name="engagement_answer_value",
            ),
        ]

    def __str__(self) -> str:
        return f"Answer to question {self.question_id}"


class AnswerTally(models.Model):
    """How many times each value of a charted question was given, per stakeholder group.

    Kept up to date when a response is submitted (under the survey's row lock), so a results page
    sums a few hundred tally rows instead of grouping millions of answer rows. `rebuild_tallies`
    recomputes them from the answers with one INSERT ... SELECT ... GROUP BY.
    """

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="+")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="tallies")
    item = models.PositiveSmallIntegerField(default=0)
    choice = models.CharField(max_length=100, blank=True)
    number = models.FloatField(null=True, blank=True)
    first = models.BooleanField(default=True)
    group = models.CharField(max_length=30, blank=True)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["survey", "question"], name="engagement_tally_question")]

    def __str__(self) -> str:
        return f"{self.question_id}/{self.item}/{self.choice}/{self.number}: {self.count}"


# Consultations


class PolicyDocument(models.Model):
    slug = models.SlugField(unique=True)
    title = models.CharField(_("title"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class PolicyVersion(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    document = models.ForeignKey(PolicyDocument, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField()
    state = models.CharField(max_length=20, choices=State.choices, default=State.DRAFT)
    plain_summary = models.TextField(
        _("plain-language summary"), help_text=_("What the policy means, in everyday words.")
    )
    change_note = models.TextField(_("what changed"), blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["document", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="engagement_version_once")
        ]

    def __str__(self) -> str:
        return f"{self.document.title}, version {self.number}"


# A draft is written and rewritten; once published its words never change (people commented on
# them): a change is a new version. Translations are added in either state, they change no text.
POLICY_VERSION_MACHINE = StateMachine(
    "policy_version",
    tuple(PolicyVersion.State.values),
    {
        "edit": ([PolicyVersion.State.DRAFT], PolicyVersion.State.DRAFT),
        "publish": ([PolicyVersion.State.DRAFT], PolicyVersion.State.PUBLISHED),
    },
    rules={"edit": "engagement.edit_policy", "publish": "engagement.edit_policy"},
    noun=pgettext_lazy("after “the status of”", "this policy version"),
    state_labels=dict(PolicyVersion.State.choices),
    action_labels={
        "edit": pgettext_lazy("action", "Edit"),
        "publish": pgettext_lazy("action", "Publish"),
    },
)


class PolicySection(models.Model):
    version = models.ForeignKey(PolicyVersion, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveSmallIntegerField(default=0)
    heading = models.CharField(_("heading"), max_length=200)
    body = models.TextField(_("text"))

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.heading


class PolicyTranslation(models.Model):
    """A version's summary and sections in another language (`sections`: [{heading, body}])."""

    version = models.ForeignKey(
        PolicyVersion, on_delete=models.CASCADE, related_name="translations"
    )
    language = models.CharField(max_length=10, help_text=_("Language code, e.g. es, fr, de."))
    plain_summary = models.TextField()
    sections = models.JSONField(default=list)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["version", "language"], name="engagement_translation_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.version_id} ({self.language})"


class Consultation(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open for comments")
        CLOSED = "closed", _("Closed")
        RESPONSE_PUBLISHED = "response_published", _("Response published")

    version = models.ForeignKey(
        PolicyVersion, on_delete=models.PROTECT, related_name="consultations"
    )
    title = models.CharField(_("title"), max_length=200)
    invitation = models.TextField(_("who we ask and why"))
    state = models.CharField(max_length=20, choices=State.choices, default=State.DRAFT)
    closes_at = models.DateTimeField(_("comments close at"))
    result_version = models.ForeignKey(
        PolicyVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    response_summary = models.TextField(_("what we heard"), blank=True)
    # {language: {field: text}} for TRANSLATABLE (governance.core.translations)
    translations = models.JSONField(_("translations"), default=dict, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    response_published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    TRANSLATABLE = ("title", "invitation", "response_summary")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    def is_accepting(self, now=None) -> bool:
        return self.state == self.State.OPEN and self.closes_at > (now or timezone.now())


CONSULTATION_MACHINE = StateMachine(
    "consultation",
    ("draft", "open", "closed", "response_published"),
    {
        "open": (["draft"], "open"),
        "close": (["open"], "closed"),
        "publish_response": (["closed"], "response_published"),
    },
    noun=pgettext_lazy("after “the status of”", "this consultation"),
    state_labels=dict(Consultation.State.choices),
    action_labels={
        "open": pgettext_lazy("action", "Open"),
        "close": pgettext_lazy("action", "Close"),
        "publish_response": pgettext_lazy("action", "Publish the response"),
    },
)


class Comment(models.Model):
    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Public: shown on the consultation page with my name")
        PRIVATE = "private", _("Private: only portal staff read it")

    class Outcome(models.TextChoices):
        PENDING = "pending", _("Not answered yet")
        ADOPTED = "adopted", _("Changed as suggested")
        PARTLY = "partly", _("Partly changed")
        EXPLAINED = "explained", _("Not changed, with our reasons")
        OUT_OF_SCOPE = "out_of_scope", _("Outside this policy")

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="comments"
    )
    section = models.ForeignKey(
        PolicySection, on_delete=models.PROTECT, related_name="comments", null=True, blank=True
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="policy_comments"
    )
    body = models.TextField(_("your comment"))
    visibility = models.CharField(
        _("who may read it"), max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    created_at = models.DateTimeField(auto_now_add=True)
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_reason = models.CharField(max_length=300, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reply = models.TextField(_("our answer"), blank=True)
    replied_at = models.DateTimeField(null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    outcome = models.CharField(max_length=20, choices=Outcome.choices, default=Outcome.PENDING)
    changed_section = models.ForeignKey(
        PolicySection, on_delete=models.SET_NULL, null=True, blank=True, related_name="caused_by"
    )

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["consultation", "visibility", "hidden_at"])]

    def __str__(self) -> str:
        return f"Comment #{self.pk}"

    @property
    def is_public(self) -> bool:
        return self.visibility == self.Visibility.PUBLIC and self.hidden_at is None


# Events


class Event(models.Model):
    class Kind(models.TextChoices):
        WEBINAR = "webinar", _("Webinar")
        MEETING = "meeting", _("Meeting")

    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.WEBINAR)
    description = models.TextField(_("description"))
    audience = models.CharField(_("for whom"), max_length=300)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    location = models.CharField(
        _("where"), max_length=300, help_text=_("A room, or 'online' with the link sent later.")
    )
    join_url = models.URLField(_("link to join"), blank=True)
    capacity = models.PositiveIntegerField(_("places"))
    is_published = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at"]

    def __str__(self) -> str:
        return self.title


class Registration(models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        WAITLISTED = "waitlisted", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="event_registrations"
    )
    status = models.CharField(max_length=20, choices=Status.choices)
    created_at = models.DateTimeField(default=timezone.now)
    attended = models.BooleanField(default=False)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["event", "person"], name="engagement_register_once")
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.event}"

    @property
    def has_place(self) -> bool:
        return self.status == self.Status.CONFIRMED


# A registration holds a place or waits for one; a freed place goes to the first who waits. A
# cancelled registration is taken up again by registering anew (a place, or the waiting list).
REGISTRATION_MACHINE = StateMachine(
    "registration",
    tuple(Registration.Status.values),
    {
        "promote": ([Registration.Status.WAITLISTED], Registration.Status.CONFIRMED),
        "cancel": (
            [Registration.Status.CONFIRMED, Registration.Status.WAITLISTED],
            Registration.Status.CANCELLED,
        ),
        "register": ([Registration.Status.CANCELLED], Registration.Status.CONFIRMED),
        "join_waiting_list": ([Registration.Status.CANCELLED], Registration.Status.WAITLISTED),
    },
    rules={"cancel": "engagement.cancel_registration"},
    state_field="status",
    noun=pgettext_lazy("after “the status of”", "this registration"),
    state_labels=dict(Registration.Status.choices),
    action_labels={
        "promote": pgettext_lazy("action", "Confirm from the waiting list"),
        "cancel": pgettext_lazy("action", "Cancel"),
        "register": pgettext_lazy("action", "Register again"),
        "join_waiting_list": pgettext_lazy("action", "Join the waiting list"),
    },
)
