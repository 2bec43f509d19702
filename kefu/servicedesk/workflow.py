"""The work-order lifecycle as an explicit state machine (issue 3 item 5, R-TKT-08/11).

Pure Python: which action may move an order from which status to which, and why not. Services
call ``check(action, status)`` before writing; every transition is then recorded as an event
on the order's timeline.

    new → accepted → dispatched → acknowledged → departed → on site → in progress
        → completed → callback done → closed
    plus on hold (resume returns to where it was), cancelled, invalid, reopened.
"""

from __future__ import annotations

from dataclasses import dataclass

from kefu.servicedesk.choices import Status as S


class TransitionError(Exception):
    """An action the state machine forbids in the order's current status (HTTP 409)."""


@dataclass(frozen=True)
class Action:
    code: str
    label: str
    sources: frozenset[str]
    target: str | None  # None: decided by the service (resume returns to the held status)


OPEN_WORK = frozenset(
    {S.ACCEPTED, S.DISPATCHED, S.ACKNOWLEDGED, S.DEPARTED, S.ON_SITE, S.IN_PROGRESS, S.REOPENED}
)

ACTIONS: dict[str, Action] = {
    a.code: a
    for a in (
        Action("accept", "受理", frozenset({S.NEW}), S.ACCEPTED),
        Action(
            "dispatch",
            "派工",
            frozenset({S.ACCEPTED, S.REOPENED, S.DISPATCHED, S.ACKNOWLEDGED}),
            S.DISPATCHED,
        ),
        Action("acknowledge", "接单", frozenset({S.DISPATCHED}), S.ACKNOWLEDGED),
        Action("depart", "出发", frozenset({S.ACKNOWLEDGED}), S.DEPARTED),
        Action("arrive", "到场", frozenset({S.ACKNOWLEDGED, S.DEPARTED}), S.ON_SITE),
        Action("start", "开始处理", frozenset({S.ON_SITE}), S.IN_PROGRESS),
        Action(
            "complete",
            "完成",
            frozenset(
                {S.ACCEPTED, S.ON_SITE, S.IN_PROGRESS, S.REOPENED, S.DISPATCHED, S.ACKNOWLEDGED}
            ),
            S.COMPLETED,
        ),
        Action("hold", "挂起/待预约", OPEN_WORK, S.ON_HOLD),
        Action("resume", "恢复处理", frozenset({S.ON_HOLD}), None),
        Action("callback", "回访", frozenset({S.COMPLETED}), S.CALLBACK_DONE),
        Action("close", "关闭", frozenset({S.CALLBACK_DONE, S.COMPLETED}), S.CLOSED),
        Action(
            "cancel",
            "取消",
            frozenset({S.NEW, S.ACCEPTED, S.DISPATCHED, S.ACKNOWLEDGED, S.ON_HOLD, S.REOPENED}),
            S.CANCELLED,
        ),
        Action("invalidate", "作废（无效）", frozenset({S.NEW, S.ACCEPTED}), S.INVALID),
        Action(
            "reopen", "重新打开", frozenset({S.COMPLETED, S.CALLBACK_DONE, S.CLOSED}), S.REOPENED
        ),
    )
}

# Statuses in which the order is still the department's work (SLA clocks run).
ACTIVE = frozenset({S.NEW, *OPEN_WORK})
FINISHED = frozenset({S.COMPLETED, S.CALLBACK_DONE, S.CLOSED, S.CANCELLED, S.INVALID})
TERMINAL = frozenset({S.CLOSED, S.CANCELLED, S.INVALID})


def check(action: str, status: str) -> Action:
    """The action if it is allowed from ``status``; else ``TransitionError`` in Chinese."""
    try:
        spec = ACTIONS[action]
    except KeyError:
        raise TransitionError(f"未知的操作：{action}") from None
    if status not in spec.sources:
        raise TransitionError(f"工单当前状态为“{S(status).label}”，不能执行“{spec.label}”。")
    return spec


def allowed_actions(status: str) -> list[str]:
    return [code for code, spec in ACTIONS.items() if status in spec.sources]
