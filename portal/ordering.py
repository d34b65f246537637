"""Ordered rows (a topic's tasks, a task's resources, a module's outcomes...): the portal
numbers them, editors only put them in order.

Rows with a unique (parent, position) constraint cannot be swapped by saving them one by
one: the first row saved takes a position the second still holds. So positions are
rewritten in two steps: every existing row of the parent is first *parked* above any real
position (each on its own number, so no two collide even while one UPDATE runs row by
row, as SQLite and PostgreSQL check a non-deferred constraint), then each takes its final
place 1, 2, 3... This needs no deferrable constraint and works the same on both
databases.
"""

from __future__ import annotations

from collections.abc import Sequence

from adminsortable2.admin import CustomInlineFormSet
from django import forms
from django.db import models, transaction

# Above any real position, within PositiveSmallIntegerField's 32767.
PARKING = 20000


def park(model: type[models.Model], pks: Sequence[int], field: str) -> None:
    """Move the rows out of the way of any real position, each on its own number."""
    if not pks:
        return
    model._default_manager.filter(pk__in=pks).update(
        **{
            field: models.Case(
                *[models.When(pk=pk, then=models.Value(PARKING + i)) for i, pk in enumerate(pks)],
                output_field=model._meta.get_field(field),
            )
        }
    )


def place(model: type[models.Model], positions: dict[int, int], field: str) -> None:
    """Give parked rows their final positions (one UPDATE)."""
    if not positions:
        return
    model._default_manager.filter(pk__in=list(positions)).update(
        **{
            field: models.Case(
                *[models.When(pk=pk, then=models.Value(p)) for pk, p in positions.items()],
                output_field=model._meta.get_field(field),
            )
        }
    )


def renumber(queryset: models.QuerySet, field: str, order: Sequence[int] | None = None) -> None:
    """Number the rows of ``queryset`` (one parent's children) 1..n: in ``order`` (primary
    keys) first, then any others in their present order."""
    model = queryset.model
    with transaction.atomic():
        present = list(queryset.order_by(field, "pk").values_list("pk", flat=True))
        wanted = [pk for pk in (order or []) if pk in set(present)]
        final = wanted + [pk for pk in present if pk not in set(wanted)]
        park(model, present, field)
        place(model, {pk: i for i, pk in enumerate(final, start=1)}, field)


class OrderedInlineForm(forms.ModelForm):
    """An inline row whose position the portal sets: the (parent, position) uniqueness is
    not checked on the submitted numbers (the formset renumbers them on save)."""

    order_field: str | None = None

    def _get_validation_exclusions(self):
        exclude = super()._get_validation_exclusions()
        if self.order_field:
            exclude.add(self.order_field)
        return exclude


class OrderedInlineFormSet(CustomInlineFormSet):
    """django-admin-sortable2's formset (the hidden order field its drag handle and the
    move buttons of static/js/admin-ordering.js fill in), saved so that swaps, inserts and
    deletions in one save never meet the unique (parent, position) constraint.

    The submitted numbers only say the order: rows are numbered 1..n in that order (rows
    without a number, new ones, go last in the order they were added)."""

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        form.order_field = self.default_order_field
        return form

    def _final_order(self) -> list[forms.Form]:
        field = self.default_order_field
        kept = []
        for index, form in enumerate(self.forms):
            if form in self.deleted_forms:
                continue
            if form.instance.pk is None and not form.has_changed():
                continue  # a blank extra row
            submitted = form.cleaned_data.get(field) if hasattr(form, "cleaned_data") else None
            new = form.instance.pk is None
            kept.append(((new, submitted is None, submitted or 0, index), form))
        return [form for _key, form in sorted(kept, key=lambda item: item[0])]

    def save(self, commit=True):
        field = self.default_order_field
        if not commit or not field or self.instance.pk is None:
            return super().save(commit=commit)
        with transaction.atomic():
            ordered = self._final_order()
            for position, form in enumerate(ordered, start=1):
                setattr(form.instance, field, position)
            siblings = self.get_queryset().model._default_manager.filter(
                **{self.fk.name: self.instance}
            )
            existing = list(siblings.order_by(field, "pk").values_list("pk", flat=True))
            park(self.model, existing, field)
            saved = super().save(commit=True)
            final = {f.instance.pk: getattr(f.instance, field) for f in ordered if f.instance.pk}
            # Rows of this parent the formset did not show keep their order, after these.
            rest = [
                pk
                for pk in siblings.order_by(field, "pk").values_list("pk", flat=True)
                if pk not in final
            ]
            for offset, pk in enumerate(rest, start=len(final) + 1):
                final[pk] = offset
            place(self.model, final, field)
        return saved
