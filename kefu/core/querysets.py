"""Object-level permission scoping as a queryset method (after NetBox's RestrictedQuerySet).

A user sees a record when they hold the model permission for the action and the record belongs
to one of their projects, unless a role grants ``org.access_all_projects``. A model names the
path to its project in ``project_scope``; one whose scope is more than a path (staff covering
several projects, head-office departments) defines a ``scope_filter(allowed_ids) -> Q``
classmethod instead.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser


class RestrictedQuerySet(models.QuerySet):
    def restrict(
        self, user: AbstractBaseUser | AnonymousUser, action: str = "view"
    ) -> RestrictedQuerySet:
        from kefu.core.permissions import project_ids_for

        meta = self.model._meta
        if not user.is_authenticated or not user.has_perm(
            f"{meta.app_label}.{action}_{meta.model_name}"
        ):
            return self.none()
        scope = getattr(self.model, "project_scope", None)
        if scope is None:
            return self
        allowed = project_ids_for(user)
        if allowed is None:
            return self
        custom = getattr(self.model, "scope_filter", None)
        if custom is not None:
            return self.filter(custom(allowed))
        return self.filter(**{f"{scope}__in": allowed})
