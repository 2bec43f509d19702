"""The web inbox: a staff user's own in-app notifications, nobody else's."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kefu.notifications import services

PAGE_SIZE = 20


@login_required
def inbox(request):
    """Newest first; ``?show=unread`` lists only the unread ones."""
    show = "unread" if request.GET.get("show") == "unread" else "all"
    notifications = services.inbox(request.user)
    if show == "unread":
        notifications = notifications.filter(read_at__isnull=True)
    page = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/inbox.html",
        {"page_obj": page, "show": show, "unread_total": services.unread_count(request.user)},
    )


@login_required
@require_POST
def mark_read(request, pk: int):
    """htmx: swap the row for its read version and update the bell's badge."""
    notification = get_object_or_404(services.inbox(request.user), pk=pk)
    services.mark_read(request.user, [notification.pk])
    if not request.htmx:
        return redirect("notifications:inbox")
    notification.refresh_from_db(fields=["read_at"])
    return render(
        request,
        "notifications/_row.html",
        {"n": notification, "unread_total": services.unread_count(request.user), "oob": True},
    )


@login_required
def open_notification(request, pk: int):
    """Follow a notification's link, marking it read on the way."""
    notification = get_object_or_404(services.inbox(request.user), pk=pk)
    services.mark_read(request.user, [notification.pk])
    link = notification.link
    # notify() only stores in-site paths and http(s) addresses; check again, never redirect
    # to anything else (e.g. a javascript: URL written into the table by hand).
    internal = url_has_allowed_host_and_scheme(link, allowed_hosts={request.get_host()})
    if link and (internal or link.lower().startswith(("https://", "http://"))):
        return redirect(link)
    return redirect("notifications:inbox")


@login_required
@require_POST
def mark_all_read(request):
    marked = services.mark_all_read(request.user)
    if marked:
        messages.success(request, _("已将 %(n)d 条通知标为已读。") % {"n": marked})
    else:
        messages.info(request, _("没有未读通知。"))
    return redirect("notifications:inbox")
