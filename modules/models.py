"""Modules of training, their tutors, learning outcomes and prerequisites."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse

from portal.fields import URLField


class ModuleQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def visible_to(self, user):
        """Staff see unpublished modules too; everyone else sees the published ones."""
        if user.is_authenticated and user.is_staff:
            return self.all()
        return self.published()

    def taught_to(self, user):
        """The modules taught on this portal (offered) that this user may see: where topics,
        tasks, progress and reflections live. Catalogue-only modules are left out."""
        return self.visible_to(user).filter(is_offered=True)

    def tutored_by(self, user):
        """The modules this user tutors: a Tutor profile linked to their account is among
        the module's tutors. Staff are not tutors unless so linked."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(tutor_links__tutor__user=user)

    def enrolled_by(self, user):
        if not user.is_authenticated:
            return self.none()
        return self.filter(enrolments__user=user)


class Module(models.Model):
    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=200)
    subtitle = models.CharField(max_length=200, blank=True, help_text="e.g. “a training module”.")
    summary = models.TextField(blank=True, help_text="One or two sentences for the catalogue.")
    introduction = models.TextField(blank=True, help_text="Markdown.")
    how_it_works = models.TextField(blank=True, help_text="Markdown.")
    outcomes_intro = models.CharField(
        max_length=200,
        blank=True,
        default="You will be able to…",
        help_text="The line that leads into the learning outcomes.",
    )
    companion_site_name = models.CharField(max_length=100, blank=True)
    companion_site_url = URLField(blank=True)
    estimated_hours = models.PositiveSmallIntegerField(null=True, blank=True)
    turnaround_days = models.PositiveSmallIntegerField(
        "review turnaround target (days)",
        default=7,
        help_text="A reflection waiting longer than this for a tutor is flagged in the queue.",
    )
    require_reviewed_reflections = models.BooleanField(
        "certificate: every task's reflection reviewed",
        default=True,
        help_text="The certificate is made only once each task has a reflection that a tutor "
        "reviewed. Untick to relax the rule; the certificate then says that reflections "
        "were not all reviewed.",
    )
    require_outcome_evidence = models.BooleanField(
        "certificate: every learning outcome evidenced",
        default=True,
        help_text="The certificate is made only once a tutor has linked at least one reviewed "
        "reflection to each learning outcome. Untick to relax the rule; the certificate then "
        "lists the outcomes without evidence as not evidenced.",
    )
    position = models.PositiveSmallIntegerField(default=0, help_text="Order in the catalogue.")
    is_published = models.BooleanField(default=True, help_text="Shown in the catalogue.")
    is_offered = models.BooleanField(
        default=True,
        help_text="Untick for a module listed in the catalogue but not yet taught on this portal.",
    )
    prerequisites = models.ManyToManyField(
        "self",
        through="Prerequisite",
        through_fields=("module", "required"),
        symmetrical=False,
        related_name="required_by",
        blank=True,
    )
    tutors = models.ManyToManyField(
        "Tutor", through="ModuleTutor", related_name="modules", blank=True
    )

    objects = ModuleQuerySet.as_manager()

    class Meta:
        ordering = ["position", "title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("modules:detail", kwargs={"slug": self.slug})

    @property
    def certificate_needs(self) -> list[str]:
        """What this module's certificate asks for, in words (no query)."""
        needs = ["every task done"]
        if self.require_reviewed_reflections:
            needs.append("a reflection on every task, submitted and reviewed by a tutor")
        if self.require_outcome_evidence:
            needs.append(
                "every learning outcome evidenced by a reviewed reflection that a tutor "
                "linked to it"
            )
        return needs

    def is_tutor(self, user) -> bool:
        """True when the user is one of this module's tutors: one query for people with a
        tutor profile, none for anybody else (the profile is loaded with the user)."""
        profile = tutor_profile_of(user)
        return profile is not None and self.tutor_links.filter(tutor=profile).exists()

    def is_visible_to(self, user) -> bool:
        """The rule of ``Module.objects.visible_to`` for one module already in hand."""
        return self.is_published or (user.is_authenticated and user.is_staff)

    def roles_of(self, user) -> tuple[bool, bool]:
        """(takes part, tutors it) in one query: ``is_participant`` and ``is_tutor``
        together, for pages that need both."""
        if not user.is_authenticated:
            return False, False
        flags = (
            Module.objects.filter(pk=self.pk)
            .values(
                enrolled=models.Exists(
                    Enrolment.objects.filter(module=models.OuterRef("pk"), user=user)
                ),
                tutoring=models.Exists(
                    ModuleTutor.objects.filter(module=models.OuterRef("pk"), tutor__user=user)
                ),
            )
            .first()
        ) or {"enrolled": False, "tutoring": False}
        tutoring = flags["tutoring"]
        return (user.is_staff or flags["enrolled"] or tutoring), tutoring

    def is_participant(self, user) -> bool:
        """Enrolled trainees, the module's tutors and staff take part in its activities."""
        if not user.is_authenticated:
            return False
        if user.is_staff:
            return True
        return (
            Module.objects.filter(pk=self.pk)
            .filter(models.Q(enrolments__user=user) | models.Q(tutors__user=user))
            .exists()
        )


class Prerequisite(models.Model):
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="prerequisite_links")
    required = models.ForeignKey(Module, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["module", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["module", "required"], name="one_link_per_prerequisite"
            ),
            models.CheckConstraint(
                condition=~models.Q(module=models.F("required")),
                name="module_not_its_own_prerequisite",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.module} requires {self.required}"

    def get_absolute_url(self) -> str:
        return self.module.get_absolute_url()


class LearningOutcome(models.Model):
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="outcomes")
    position = models.PositiveSmallIntegerField(default=1)
    text = models.TextField()

    class Meta:
        ordering = ["module", "position"]
        constraints = [
            models.UniqueConstraint(fields=["module", "position"], name="one_outcome_per_position"),
        ]

    def __str__(self) -> str:
        return self.text

    def get_absolute_url(self) -> str:
        return self.module.get_absolute_url() + "#outcomes"


class Tutor(models.Model):
    """A tutor's public profile; ``user`` links it to the account that reviews work."""

    name = models.CharField(max_length=150)
    slug = models.SlugField(unique=True)
    role_line = models.CharField(max_length=250, help_text="The profile line shown under the name.")
    biography = models.TextField(blank=True, help_text="Markdown.")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tutor_profile",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        first = self.modules.first()
        return (first.get_absolute_url() if first else reverse("home")) + f"#tutor-{self.slug}"


def tutor_profile_of(user) -> Tutor | None:
    """The user's Tutor profile, or None. Free for the signed-in user of a request (it is
    loaded with them, see portal.auth_backends)."""
    if not getattr(user, "is_authenticated", False):
        return None
    return getattr(user, "tutor_profile", None)


class ModuleTutor(models.Model):
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="tutor_links")
    tutor = models.ForeignKey(Tutor, on_delete=models.CASCADE, related_name="module_links")
    position = models.PositiveSmallIntegerField(default=1)
    is_lead = models.BooleanField(
        "lead tutor",
        default=False,
        help_text="A lead tutor tutors every cohort of the module (review queue, cohort "
        "table, debates) and manages its cohorts; other tutors see only the cohorts they "
        "are named on.",
    )

    class Meta:
        ordering = ["module", "position"]
        constraints = [
            models.UniqueConstraint(fields=["module", "tutor"], name="one_link_per_module_tutor"),
        ]

    def __str__(self) -> str:
        return f"{self.tutor} tutors {self.module}"

    def get_absolute_url(self) -> str:
        return self.module.get_absolute_url()


# --- cohorts ---------------------------------------------------------------------------

# No look-alike letters or digits (0/O, 1/I/L), so a code read out or typed is found.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8


def new_enrolment_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


class CohortQuerySet(models.QuerySet):
    def open_for_enrolment(self):
        return self.filter(is_open=True)

    def tutored_by(self, user):
        """The cohorts this user tutors: every cohort of a module where they are a lead
        tutor, and the cohorts they are named on in modules they tutor."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        lead = ModuleTutor.objects.filter(module=OuterRef("module"), tutor__user=user, is_lead=True)
        named = ModuleTutor.objects.filter(
            module=OuterRef("module"), tutor__user=user, tutor__cohorts=OuterRef("pk")
        )
        return self.filter(Exists(lead) | Exists(named))

    def visible_to_moderator(self, user, module):
        """The cohorts of ``module`` whose debates this user moderates: all of them for
        staff and lead tutors, the ones they tutor for other tutors."""
        cohorts = self.filter(module=module)
        if getattr(user, "is_staff", False):
            return cohorts
        return cohorts.tutored_by(user)


class Cohort(models.Model):
    """One intake of a module: its trainees debate among themselves, and its tutors see
    them (and only them, unless they are the module's lead tutors)."""

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="cohorts")
    name = models.CharField(max_length=150, help_text="e.g. “Leeds, January 2027”.")
    starts_on = models.DateField("starts", null=True, blank=True)
    ends_on = models.DateField("ends", null=True, blank=True)
    capacity = models.PositiveIntegerField(
        null=True, blank=True, help_text="Most trainees it takes; blank for no limit."
    )
    tutors = models.ManyToManyField(
        Tutor,
        related_name="cohorts",
        blank=True,
        help_text="Chosen from the module's tutors; they review and moderate this cohort.",
    )
    enrolment_code = models.CharField(
        max_length=16,
        unique=True,
        default=new_enrolment_code,
        help_text="Trainees join with this code or the link made from it.",
    )
    is_open = models.BooleanField(
        "open for self-enrolment",
        default=True,
        help_text="Trainees may join it themselves (the module's Enrol button, the code, "
        "the link). Closed cohorts take people an admin enrols.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CohortQuerySet.as_manager()

    class Meta:
        ordering = ["module", "starts_on", "name"]
        constraints = [
            models.UniqueConstraint(fields=["module", "name"], name="one_cohort_name_per_module"),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(starts_on__isnull=True)
                | Q(ends_on__gte=models.F("starts_on")),
                name="cohort_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.module})"

    def get_absolute_url(self) -> str:
        return reverse("modules:join", kwargs={"code": self.enrolment_code})

    @classmethod
    def default_for(cls, module: Module) -> "Cohort":
        """The cohort an enrolment goes into when none is named: the module's first open
        cohort, else its first; a module without cohorts gets one, taught by all of its
        tutors (so a module run once needs no cohort set up)."""
        cohorts = list(
            cls.objects.filter(module=module).order_by("-is_open", "starts_on", "pk")[:1]
        )
        if cohorts:
            return cohorts[0]
        cohort, created = cls.objects.get_or_create(
            module=module, name="All trainees", defaults={"is_open": True}
        )
        if created:
            cohort.tutors.set(Tutor.objects.filter(module_links__module=module))
        return cohort


def tutor_scope(user, *, module_field: str = "module", user_field: str = "author") -> Q:
    """For rows that belong to a trainee (``user_field``) in a module (``module_field``):
    the rows a tutor may see. A lead tutor of the module sees every trainee's; another
    tutor of the module those of trainees enrolled in a cohort they are named on, and of
    people in no cohort of the module (never enrolled, or left it), as before cohorts.
    Nothing for anybody who is not a tutor of the module (staff included)."""
    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    module = OuterRef(module_field)
    tutors_it = ModuleTutor.objects.filter(module=module, tutor__user=user)
    in_my_cohort = Enrolment.objects.filter(
        user=OuterRef(user_field), module=module, cohort__tutors__user=user
    )
    in_a_cohort = Enrolment.objects.filter(user=OuterRef(user_field), module=module)
    return Q(Exists(tutors_it.filter(is_lead=True))) | (
        Q(Exists(tutors_it)) & (Q(Exists(in_my_cohort)) | ~Q(Exists(in_a_cohort)))
    )


class EnrolmentQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(user=user) if user.is_authenticated else self.none()

    def active(self):
        return self.filter(completed_at__isnull=True)

    def bulk_create(self, objs, *args, **kwargs):
        """Enrolments made without a cohort go into the module's default cohort."""
        objs = list(objs)
        defaults: dict[int, Cohort] = {}
        for enrolment in objs:
            if enrolment.cohort_id is None:
                if enrolment.module_id not in defaults:
                    defaults[enrolment.module_id] = Cohort.default_for(enrolment.module)
                enrolment.cohort = defaults[enrolment.module_id]
        return super().bulk_create(objs, *args, **kwargs)


class Enrolment(models.Model):
    """A trainee taking a module. Leaving deletes this row and nothing the trainee wrote."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolments"
    )
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="enrolments")
    cohort = models.ForeignKey(
        Cohort,
        on_delete=models.PROTECT,
        related_name="enrolments",
        help_text="Move a trainee with the admin's “Move to another cohort” action, so "
        "their debate contributions move with them.",
    )
    enrolled_at = models.DateTimeField(auto_now_add=True)
    prerequisites_confirmed_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the trainee confirmed completing the prerequisites elsewhere.",
    )
    completed_at = models.DateTimeField(
        null=True, blank=True, help_text="Set when every task of the module is done."
    )

    objects = EnrolmentQuerySet.as_manager()

    class Meta:
        ordering = ["-enrolled_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "module"], name="one_enrolment_per_user_per_module"
            ),
        ]
        indexes = [models.Index(fields=["cohort", "user"], name="enrolment_cohort_idx")]

    def __str__(self) -> str:
        return f"{self.user} in {self.module}"

    def save(self, *args, **kwargs):
        # An enrolment made without a cohort (a shell, a fixture, a test) goes into the
        # module's default cohort; the services always name one.
        if self.cohort_id is None and self.module_id is not None:
            self.cohort = Cohort.default_for(self.module)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return self.module.get_absolute_url()


class CohortAnnouncement(models.Model):
    """A message from a cohort's tutor to its trainees: a notice each (in the portal, and
    by email as each person chose for announcements), sent by a worker."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="announcements")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    subject = models.CharField(max_length=150)
    text = models.TextField(help_text="Markdown.")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_count = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.subject} ({self.cohort.name})"

    def get_absolute_url(self) -> str:
        return reverse("modules:announcement", kwargs={"pk": self.pk})
