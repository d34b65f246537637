from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView

from modules.models import Enrolment, Module

from .models import ChecklistItem, Resource, Task, Topic
from .selectors import module_progress


class ModuleContentMixin(LoginRequiredMixin):
    """Topics and tasks need sign-in, and a module that is visible and taught here."""

    def get_module(self) -> Module:
        if not hasattr(self, "_module"):
            self._module = get_object_or_404(
                Module.objects.taught_to(self.request.user),
                slug=self.kwargs["module_slug"],
            )
        return self._module

    def get_enrolment(self) -> Enrolment | None:
        """The user's enrolment in this module, or None: reading is open, tracking is not."""
        if not hasattr(self, "_enrolment"):
            self._enrolment = Enrolment.objects.filter(
                user=self.request.user, module=self.get_module()
            ).first()
        return self._enrolment


class TopicDetailView(ModuleContentMixin, DetailView):
    template_name = "topics/topic_detail.html"
    context_object_name = "topic"

    def get_object(self, queryset=None):
        module = self.get_module()
        user = self.request.user
        topic = get_object_or_404(
            Topic.objects.with_progress_for(user).prefetch_related(
                Prefetch("tasks", queryset=Task.objects.with_progress_for(user))
            ),
            module=module,
            number=self.kwargs["number"],
        )
        topic.module = module
        return topic

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        siblings = list(Topic.objects.filter(module=self.object.module).only("number", "title"))
        index = next(i for i, t in enumerate(siblings) if t.pk == self.object.pk)
        context["module"] = self.object.module
        context["enrolment"] = self.get_enrolment()
        context["previous_topic"] = siblings[index - 1] if index > 0 else None
        context["next_topic"] = siblings[index + 1] if index + 1 < len(siblings) else None
        for sibling in siblings:
            sibling.module = self.object.module
        return context


class TaskDetailView(ModuleContentMixin, DetailView):
    template_name = "topics/task_detail.html"
    context_object_name = "task"

    def get_object(self, queryset=None):
        module = self.get_module()
        user = self.request.user
        task = get_object_or_404(
            Task.objects.with_progress_for(user)
            .select_related("topic", "motion")
            .prefetch_related(
                Prefetch(
                    "resources",
                    queryset=Resource.objects.select_related("article").prefetch_related(
                        Prefetch("items", queryset=ChecklistItem.objects.with_ticks_for(user))
                    ),
                )
            ),
            topic__module=module,
            topic__number=self.kwargs["number"],
            position=self.kwargs["position"],
        )
        task.topic.module = module
        return task

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        task = self.object
        sequence = list(
            Task.objects.in_module(task.topic.module)
            .select_related("topic")
            .only("position", "title", "topic__number", "topic__title", "topic__module_id")
        )
        for item in sequence:
            item.topic.module = task.topic.module
        index = next(i for i, t in enumerate(sequence) if t.pk == task.pk)
        enrolment = self.get_enrolment()
        if enrolment is not None:
            context["progress"] = module_progress(user=self.request.user, module=task.topic.module)
        context.update(
            module=task.topic.module,
            topic=task.topic,
            enrolment=enrolment,
            previous_task=sequence[index - 1] if index > 0 else None,
            next_task=sequence[index + 1] if index + 1 < len(sequence) else None,
        )
        return context
