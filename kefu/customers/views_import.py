"""Web views for the Excel import and export of units and customers.

Upload → import → redirect to a result page (post/redirect/get). The result summary, the error
list and the error report (.xlsx) are kept in the cache for ``RESULT_TTL`` seconds under a
random token bound to the user, so the report can be downloaded without importing again.
"""

from __future__ import annotations

import secrets
from pathlib import Path

from django import forms
from django.contrib.auth.decorators import login_required, permission_required
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from kefu.customers import exporter, importer
from kefu.org.models import Project

RESULT_TTL = 2 * 60 * 60
MAX_ERRORS_SHOWN = 500


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Excel 文件（.xlsx）"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )
    project = forms.ModelChoiceField(
        queryset=Project.objects.none(),
        required=False,
        label=_("默认项目"),
        empty_label=_("（按“项目编码”列）"),
        help_text=_("“项目编码”为空的行导入到此项目。"),
    )
    valid_rows_only = forms.BooleanField(
        required=False,
        label=_("只导入正确的行"),
        help_text=_("不勾选时，只要有一行出错就不导入任何数据。"),
    )

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = Project.objects.restrict(user).filter(is_active=True)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() != ".xlsx":
            raise forms.ValidationError(
                _("请上传 .xlsx 格式的 Excel 文件（旧版 .xls 请先另存为 .xlsx）。")
            )
        if upload.size > importer.MAX_FILE_SIZE:
            raise forms.ValidationError(
                _("文件过大：不能超过 %(mb)d MB。")
                % {"mb": importer.MAX_FILE_SIZE // (1024 * 1024)}
            )
        return upload


def _cache_key(user, token: str) -> str:
    return f"kefu:customers-import:{user.pk}:{token}"


def _stored(request: HttpRequest, token: str) -> dict:
    stored = cache.get(_cache_key(request.user, token))
    if stored is None:
        raise Http404("导入结果已过期或不存在，请重新导入。")
    return stored


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=exporter.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@permission_required("customers.import_customers", raise_exception=True)
@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.user, request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        project = form.cleaned_data["project"]
        upload = form.cleaned_data["file"]
        # audit_source=None: AuditContextMiddleware already attributes this request's writes
        # to the user with source "ui" (R-SEC-02).
        result = importer.import_file(
            upload,
            user=request.user,
            default_project=project.code if project else "",
            valid_rows_only=form.cleaned_data["valid_rows_only"],
            audit_source=None,
        )
        token = secrets.token_urlsafe(16)
        cache.set(
            _cache_key(request.user, token),
            {
                "filename": upload.name,
                "rows_read": result.rows_read,
                "committed": result.committed,
                "valid_rows_only": result.valid_rows_only,
                "imported_rows": result.imported_rows,
                "error_rows": len(result.error_rows),
                "created": [
                    (importer.KIND_LABELS[k], n) for k, n in sorted(result.created.items())
                ],
                "updated": [
                    (importer.KIND_LABELS[k], n) for k, n in sorted(result.updated.items())
                ],
                "errors": [tuple(e) for e in result.errors],
                "report": exporter.error_report(result.sheet, result.errors)
                if result.errors
                else None,
            },
            RESULT_TTL,
        )
        return redirect("customers:import_result", token=token)
    can_export = request.user.has_perm("customers.export_customers")
    return render(
        request,
        "customers/import.html",
        {
            "form": form,
            "columns": importer.COLUMNS,
            "max_rows": importer.MAX_ROWS,
            "can_export": can_export,
            "export_projects": form.fields["project"].queryset if can_export else [],
        },
    )


@login_required
@permission_required("customers.import_customers", raise_exception=True)
@require_GET
def import_result(request: HttpRequest, token: str) -> HttpResponse:
    stored = _stored(request, token)
    errors = [importer.RowError(*e) for e in stored["errors"]]
    return render(
        request,
        "customers/import_result.html",
        {
            **{k: v for k, v in stored.items() if k not in ("report", "errors")},
            "token": token,
            "errors": errors[:MAX_ERRORS_SHOWN],
            "error_count": len(errors),
            "errors_truncated": len(errors) > MAX_ERRORS_SHOWN,
            "has_report": stored["report"] is not None,
        },
    )


@login_required
@permission_required("customers.import_customers", raise_exception=True)
@require_GET
def import_errors(request: HttpRequest, token: str) -> HttpResponse:
    stored = _stored(request, token)
    if stored["report"] is None:
        raise Http404("这次导入没有错误。")
    stem = Path(stored["filename"]).stem or "import"
    return _xlsx(stored["report"], f"{stem}-errors.xlsx")


@login_required
@permission_required("customers.import_customers", raise_exception=True)
@require_GET
def import_template(request: HttpRequest) -> HttpResponse:
    project = Project.objects.restrict(request.user).filter(is_active=True).first()
    content = exporter.template_workbook(project.code if project else "P1")
    return _xlsx(content, "kefu-customers-template.xlsx")


@login_required
@permission_required("customers.export_customers", raise_exception=True)
@require_GET
def export(request: HttpRequest) -> HttpResponse:
    """Customers with their current units (and vacant units), scoped to the user's projects,
    masked without ``customers.reveal_personal_data``; the export is logged (R-SEC-01)."""
    wanted = request.GET.get("project", "").strip()
    codes = None
    if wanted:  # a project code, or the id the customer list's filter uses
        projects = Project.objects.restrict(request.user)
        project = projects.filter(code=wanted).first()
        if project is None and wanted.isdigit():
            project = projects.filter(pk=int(wanted)).first()
        if project is None:
            raise Http404("项目不存在或不在您的权限范围内。")
        codes = [project.code]
    content, _count = exporter.export_workbook(request.user, codes, source="ui")
    return _xlsx(content, exporter.export_filename())
