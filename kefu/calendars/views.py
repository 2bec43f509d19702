"""Web views: the year calendar with the administrator's override form, business hours, and a
small deadline calculator. Domain rules live in ``services`` and ``engine``."""

from __future__ import annotations

import calendar as pycalendar
import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_GET, require_POST

from kefu.calendars import services
from kefu.calendars.engine import CalendarError
from kefu.calendars.forms import BusinessHoursForm, ComputeForm, OverrideFormSet, override_entries
from kefu.calendars.models import CalendarDay, DayKind, DaySource
from kefu.calendars.package import package_years
from kefu.org.models import Project

VIEW_PERM = "calendars.view_calendarday"
OVERRIDE_PERMS = ("calendars.add_calendarday", "calendars.change_calendarday")
HOURS_PERMS = (
    "calendars.add_businesshours",
    "calendars.change_businesshours",
    "calendars.delete_businesshours",
)
WEEKDAY_HEADERS = (
    pgettext_lazy("weekday", "一"),
    pgettext_lazy("weekday", "二"),
    pgettext_lazy("weekday", "三"),
    pgettext_lazy("weekday", "四"),
    pgettext_lazy("weekday", "五"),
    pgettext_lazy("weekday", "六"),
    pgettext_lazy("weekday", "日"),
)

MONTH_TITLES = (
    pgettext_lazy("month", "1月"),
    pgettext_lazy("month", "2月"),
    pgettext_lazy("month", "3月"),
    pgettext_lazy("month", "4月"),
    pgettext_lazy("month", "5月"),
    pgettext_lazy("month", "6月"),
    pgettext_lazy("month", "7月"),
    pgettext_lazy("month", "8月"),
    pgettext_lazy("month", "9月"),
    pgettext_lazy("month", "10月"),
    pgettext_lazy("month", "11月"),
    pgettext_lazy("month", "12月"),
)


def _year(request) -> int:
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year") or today.year)
    except ValueError:
        return today.year
    return year if services.MIN_YEAR <= year <= services.MAX_YEAR else today.year


def _month_grids(year: int, days: dict[datetime.date, CalendarDay]) -> list[dict]:
    """Twelve month grids of cells with their CSS class, mark and (first-day) name."""
    today = timezone.localdate()
    grid = pycalendar.Calendar(firstweekday=0)
    months = []
    for month in range(1, 13):
        weeks = []
        for week in grid.monthdatescalendar(year, month):
            cells = []
            for day in week:
                row = days.get(day)
                cell = {
                    "day": day,
                    "in_month": day.month == month,
                    "today": day == today,
                    "classes": [],
                    "mark": "",
                    "name": "",
                    "title": "",
                }
                if day.weekday() >= 5:
                    cell["classes"].append("cal-weekend")
                if row is not None:
                    name = _(row.name) if row.name else ""  # package names are in the catalog
                    cell["title"] = (
                        _("%(name)s（%(kind)s）") % {"name": name, "kind": row.get_kind_display()}
                        if name
                        else str(row.get_kind_display())
                    )
                    if row.kind == DayKind.HOLIDAY:
                        cell["classes"].append("cal-holiday")
                        cell["mark"] = _("休")
                    elif row.kind == DayKind.MAKEUP_WORKDAY:
                        cell["classes"].append("cal-makeup")
                        cell["mark"] = _("班")
                    else:
                        cell["classes"].append("cal-rest")
                        cell["mark"] = _("休")
                    if row.source == DaySource.MANUAL:
                        cell["classes"].append("cal-manual")
                    before = days.get(day - datetime.timedelta(days=1))
                    if (
                        row.kind == DayKind.MAKEUP_WORKDAY
                        or before is None
                        or ((before.kind, before.name) != (row.kind, row.name))
                    ):
                        cell["name"] = name
                if cell["today"]:
                    cell["classes"].append("cal-today")
                cell["classes"] = " ".join(cell["classes"])
                cells.append(cell)
            weeks.append(cells)
        months.append({"number": month, "title": MONTH_TITLES[month - 1], "weeks": weeks})
    return months


def _year_context(request, year: int) -> dict:
    rows = CalendarDay.objects.filter(date__year=year).order_by("date")
    days = {row.date: row for row in rows}
    calendar = services.get_calendar()
    covered = services.covered_years()
    known_package = package_years()
    this_year = timezone.localdate().year
    first = min([*known_package, *covered, this_year])
    return {
        "year": year,
        "months": _month_grids(year, days),
        "weekday_headers": WEEKDAY_HEADERS,
        "year_options": list(range(first, max([this_year + 2, year, *covered]) + 1)),
        "has_data": year in covered,
        "package_has_year": year in known_package,
        "package_range": (known_package[0], known_package[-1]) if known_package else None,
        "working_day_count": calendar.working_days_between(
            datetime.date(year - 1, 12, 31), datetime.date(year, 12, 31)
        ),
        "holiday_count": sum(1 for r in rows if r.kind == DayKind.HOLIDAY),
        "makeup_count": sum(1 for r in rows if r.kind == DayKind.MAKEUP_WORKDAY),
        "manual_rows": [r for r in rows if r.source == DaySource.MANUAL],
        "other_missing_years": [y for y in services.missing_years() if y != year],
    }


def _render_calendar(request, year: int, formset=None, override_errors=None, status=200):
    ctx = _year_context(request, year)
    can_override = request.user.has_perms(OVERRIDE_PERMS)
    ctx["can_override"] = can_override
    if can_override:
        ctx["formset"] = formset or OverrideFormSet(prefix="ov")
        ctx["override_errors"] = override_errors or []
    ctx["compute_form"] = ComputeForm(initial={"start": timezone.localdate(), "working_days": 3})
    if request.htmx and request.htmx.target == "year-panel":
        return render(request, "calendars/_year_panel.html", ctx, status=status)
    return render(request, "calendars/calendar.html", ctx, status=status)


@login_required
@permission_required(VIEW_PERM, raise_exception=True)
@require_GET
def calendar_view(request):
    """The year at a glance: holidays in red with their names, make-up days marked 班."""
    return _render_calendar(request, _year(request))


@login_required
@permission_required(VIEW_PERM, raise_exception=True)
@require_POST
def override_view(request):
    """Apply the administrator's override lines all-or-nothing; errors are shown in Chinese."""
    if not request.user.has_perms(OVERRIDE_PERMS):
        raise PermissionDenied
    formset = OverrideFormSet(request.POST, prefix="ov")
    year = _year(request)
    errors: list[str] = []
    if formset.is_valid():
        entries = override_entries(formset)
        if entries:
            year = entries[0].start.year
        if any(e.kind == services.CLEAR for e in entries) and not request.user.has_perm(
            "calendars.delete_calendarday"
        ):
            raise PermissionDenied
        try:
            changed = services.apply_override(entries)
        except ValidationError as exc:
            errors = exc.messages
        except IntegrityError:
            errors = [_("日历刚被其他人修改，请刷新后重试。")]
        else:
            messages.success(request, _("已保存日历设置，共 %(n)s 天。") % {"n": changed})
            return redirect(f"{reverse('calendars:calendar')}?year={year}")
    else:
        errors = [_("请修正下面标出的错误。")]
    return _render_calendar(request, year, formset=formset, override_errors=errors)


@login_required
@permission_required(VIEW_PERM, raise_exception=True)
@require_GET
def compute_view(request):
    """The calculator: the N-th working day after a date (htmx partial)."""
    form = ComputeForm(request.GET)
    ctx: dict = {"form": form}
    if form.is_valid():
        start, n = form.cleaned_data["start"], form.cleaned_data["working_days"]
        calendar = services.get_calendar()
        try:
            result = calendar.add_working_days(start, n)
        except CalendarError as exc:
            ctx["error"] = str(exc)
        else:
            ctx.update(
                start=start, n=n, result=result, unknown_years=calendar.unknown_years(start, result)
            )
    return render(request, "calendars/_compute_result.html", ctx)


HOURS_SOURCE_LABELS = {
    services.HOURS_PROJECT: gettext_lazy("项目自定"),
    services.HOURS_ORGANISATION: gettext_lazy("公司默认"),
    services.HOURS_DEFAULT: gettext_lazy("系统默认（08:30-18:00）"),
}


def _hours_text(intervals) -> str:
    return ", ".join(f"{s:%H:%M}-{e:%H:%M}" for s, e in intervals)


@login_required
@permission_required(VIEW_PERM, raise_exception=True)
@permission_required("calendars.view_businesshours", raise_exception=True)
@require_GET
def hours_view(request):
    """Business hours of the organisation and of each project the user may see."""
    org_hours, org_source = services.business_hours_for(None)
    rows = []
    for project in Project.objects.restrict(request.user).filter(is_active=True):
        intervals, source = services.business_hours_for(project)
        rows.append(
            {
                "project": project,
                "hours": _hours_text(intervals),
                "source": HOURS_SOURCE_LABELS[source],
                "own": source == "project",
            }
        )
    return render(
        request,
        "calendars/hours.html",
        {
            "org_hours": _hours_text(org_hours),
            "org_source": HOURS_SOURCE_LABELS[org_source],
            "rows": rows,
            "can_edit": request.user.has_perms(HOURS_PERMS),
        },
    )


@login_required
@permission_required(HOURS_PERMS, raise_exception=True)
def hours_edit_view(request, project_id: int | None = None):
    """Set the organisation's default hours or one project's own hours."""
    project = None
    if project_id is not None:
        project = Project.objects.restrict(request.user).filter(pk=project_id).first()
        if project is None:
            raise Http404
    intervals, source = services.business_hours_for(project)
    mine = source == (services.HOURS_PROJECT if project else services.HOURS_ORGANISATION)
    initial = _hours_text(intervals) if mine else ""
    form = BusinessHoursForm(request.POST or None, initial={"intervals": initial})
    if request.method == "POST" and form.is_valid():
        try:
            services.set_business_hours(project, form.cleaned_data["intervals"])
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error("intervals", message)
        else:
            messages.success(request, _("营业时间已保存。"))
            return redirect("calendars:hours")
    return render(
        request,
        "calendars/hours_edit.html",
        {
            "form": form,
            "project": project,
            "current": _hours_text(intervals),
            "current_source": HOURS_SOURCE_LABELS[source],
        },
    )
