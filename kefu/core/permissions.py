"""Who may see which project's records (object-level scope).

Roles (``kefu.core.roles``) grant model permissions; the project scope comes from the staff
record: the project of the person's department plus any projects they are assigned to cover.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

ALL_PROJECTS_PERM = "org.access_all_projects"


def project_ids_for(user: AbstractBaseUser | AnonymousUser) -> list[int] | None:
    """Project ids the user may act on, or ``None`` for every project."""
    if not user.is_authenticated:
        return []
    if user.is_superuser or user.has_perm(ALL_PROJECTS_PERM):
        return None
    cached = getattr(user, "_kefu_project_ids", None)
    if cached is not None:
        return cached
    staff = getattr(user, "staff", None)
    ids: list[int] = []
    if staff is not None:
        ids = sorted(staff.project_ids())
    user._kefu_project_ids = ids
    return ids


def can_use_project(user: AbstractBaseUser | AnonymousUser, project_id: int | None) -> bool:
    allowed = project_ids_for(user)
    return allowed is None or (project_id is not None and project_id in allowed)
