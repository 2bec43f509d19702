from django.contrib import admin
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from kefu.org.models import Department, Organisation, Project, Staff


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "short_name", "hotline", "last_updated")
    search_fields = ("name", "short_name")


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "organisation", "kind", "service_phone", "is_active")
    list_filter = ("is_active", "kind", "organisation")
    list_select_related = ("organisation",)
    search_fields = ("code", "name", "address")


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("name", "project", "organisation", "kind", "head", "active_staff")
    list_filter = ("kind", "project", "organisation")
    list_select_related = ("project", "organisation", "head")
    search_fields = ("name", "project__name", "project__code")
    autocomplete_fields = ("head",)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(_active_staff=Count("staff", filter=Q(staff__is_active=True)))
        )

    @admin.display(description=_("在职人数"), ordering="_active_staff")
    def active_staff(self, obj: Department) -> int:
        return obj._active_staff


@admin.register(Staff)
class StaffAdmin(admin.ModelAdmin):
    list_display = (
        "employee_no",
        "name",
        "department",
        "position",
        "level",
        "supervisor",
        "is_active",
    )
    list_filter = ("is_active", "level", "department__kind", "department__project")
    list_select_related = ("department__project", "supervisor")
    search_fields = ("employee_no", "name", "phone", "position", "user__username")
    autocomplete_fields = ("supervisor", "user", "department")
    filter_horizontal = ("extra_projects",)
    date_hierarchy = "hire_date"
    readonly_fields = ("created", "last_updated")
