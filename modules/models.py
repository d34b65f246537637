"""Modules of training, their tutors, learning outcomes and prerequisites."""

from django.conf import settings
from django.db import models
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

    class Meta:
        ordering = ["module", "position"]
        constraints = [
            models.UniqueConstraint(fields=["module", "tutor"], name="one_link_per_module_tutor"),
        ]

    def __str__(self) -> str:
        return f"{self.tutor} tutors {self.module}"

    def get_absolute_url(self) -> str:
        return self.module.get_absolute_url()


class EnrolmentQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(user=user) if user.is_authenticated else self.none()

    def active(self):
        return self.filter(completed_at__isnull=True)


class Enrolment(models.Model):
    """A trainee taking a module. Leaving deletes this row and nothing the trainee wrote."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolments"
    )
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="enrolments")
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

    def __str__(self) -> str:
        return f"{self.user} in {self.module}"

    def get_absolute_url(self) -> str:
        return self.module.get_absolute_url()
