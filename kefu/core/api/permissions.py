"""API permission: the model permission for the HTTP method, view included for reads."""

from rest_framework.permissions import DjangoModelPermissions


class KefuModelPermissions(DjangoModelPermissions):
    perms_map = {
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "OPTIONS": [],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
        "POST": ["%(app_label)s.add_%(model_name)s"],
        "PUT": ["%(app_label)s.change_%(model_name)s"],
        "PATCH": ["%(app_label)s.change_%(model_name)s"],
        "DELETE": ["%(app_label)s.delete_%(model_name)s"],
    }

    def has_permission(self, request, view):
        if getattr(view, "action", None) in getattr(view, "read_only_actions", ()):
            if not request.user or not request.user.is_authenticated:
                return False
            queryset = self._queryset(view)
            perms = self.get_required_permissions("GET", queryset.model)
            return request.user.has_perms(perms)
        return super().has_permission(request, view)
