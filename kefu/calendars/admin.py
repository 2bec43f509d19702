from django.contrib import admin

from kefu.calendars.models import BusinessHours, CalendarDay, DaySource


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ["date", "kind", "name", "source", "last_updated"]
    list_filter = ["kind", "source"]
    search_fields = ["name"]
    date_hierarchy = "date"
    ordering = ["-date"]
    readonly_fields = ["source", "created", "last_updated"]

    def save_model(self, request, obj, form, change):
        obj.source = DaySource.MANUAL  # an administrator's edit wins over the package (see models)
        super().save_model(request, obj, form, change)


@admin.register(BusinessHours)
class BusinessHoursAdmin(admin.ModelAdmin):
    list_display = ["project", "start", "end", "last_updated"]
    list_filter = ["project"]
    list_select_related = ["project"]
