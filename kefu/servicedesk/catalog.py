"""The default category tree of a property service centre and its paid-service price list.

Pure data (``CATEGORIES``, ``PRICE_LIST``) plus ``install_catalog``, which writes both into the
database idempotently: running it twice changes nothing, and rows an administrator has edited
(descriptions, prices, the active flag) are left as they are — only missing nodes and lines are
added. A new organisation starts from this and adjusts it (issue 3 items 1 and 6).

``department_kind`` is the responsible department a dispatcher is offered first (R-TKT-09);
``is_safety`` / ``is_leak`` drive the callback deadlines of R-CB-04 (safety repairs 2 days, leak
repairs 3 days after the water test).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from kefu.servicedesk.choices import OrderType

__all__ = ["CATEGORIES", "PRICE_LIST", "CategorySpec", "PriceSpec", "install_catalog"]

ENG, CLEAN, SEC, GREEN, CS = "engineering", "cleaning", "security", "greening", "cs"


@dataclass(frozen=True)
class CategorySpec:
    name: str
    department_kind: str = ""
    template: str = ""
    is_safety: bool = False
    is_leak: bool = False
    children: tuple[CategorySpec, ...] = ()


@dataclass(frozen=True)
class PriceSpec:
    code: str
    name: str
    unit: str
    price: Decimal


C = CategorySpec

# (order type, top-level nodes). Top-level nodes carry the type's own name so the tree reads
# 报修 › 水电 › 漏水 in the order form.
CATEGORIES: tuple[tuple[str, CategorySpec], ...] = (
    (
        OrderType.REPAIR,
        C(
            "报修",
            ENG,
            "报修位置：\n故障现象：\n客户可预约时间：",
            children=(
                C(
                    "水电",
                    ENG,
                    "位置：\n现象：\n是否影响邻居：",
                    children=(
                        C(
                            "漏水",
                            ENG,
                            "漏水位置（厨房/卫生间/阳台/吊顶）：\n是否楼上渗水：\n是否已关闭总阀：",
                            is_leak=True,
                        ),
                        C("停电/跳闸", ENG, "停电范围（全户/单回路）：\n跳闸前使用的电器："),
                        C("水管堵塞", ENG, "堵塞位置（地漏/马桶/洗手盆/厨房下水）：\n持续时间："),
                        C("开关插座", ENG, "位置与数量：\n现象（不通电/松动/烧焦）："),
                        C("水龙头/阀门", ENG, "位置：\n现象（滴漏/关不严/损坏）："),
                    ),
                ),
                C(
                    "门窗",
                    ENG,
                    "位置：\n现象：",
                    children=(
                        C("门锁故障", ENG, "门的位置（入户门/单元门/房门）：\n现象："),
                        C("门窗五金", ENG, "部件（合页/把手/滑轮/闭门器）：\n位置："),
                        C("玻璃破损", ENG, "位置与尺寸：\n是否有安全隐患：", is_safety=True),
                    ),
                ),
                C(
                    "公共设施",
                    ENG,
                    "位置（楼栋/楼层）：\n现象：",
                    children=(
                        C(
                            "电梯故障",
                            ENG,
                            "楼栋与电梯编号：\n现象（停运/异响/门不关）：\n是否有人被困：",
                            is_safety=True,
                        ),
                        C(
                            "消防设施",
                            ENG,
                            "设施（灭火器/消火栓/烟感/应急灯/防火门）：\n位置：\n现象：",
                            is_safety=True,
                        ),
                        C("照明", ENG, "位置（楼道/车库/园区路灯）：\n不亮数量："),
                        C("门禁对讲", ENG, "楼栋与单元：\n现象："),
                        C("给排水管网", ENG, "位置：\n现象（爆管/冒水/井盖破损）：", is_leak=True),
                    ),
                ),
                C("外墙/屋面渗漏", ENG, "渗漏房间与位置：\n下雨时是否加重：", is_leak=True),
            ),
        ),
    ),
    (
        OrderType.COMPLAINT,
        C(
            "投诉",
            CS,
            "投诉对象：\n发生时间与地点：\n客户诉求：",
            children=(
                C("保洁", CLEAN, "区域：\n问题（垃圾未清/地面不洁/异味）：\n客户诉求："),
                C("停车", SEC, "车位/车牌：\n问题（占位/乱停/收费/刮蹭）：\n客户诉求："),
                C("收费", CS, "费用项目与期间：\n客户认为不合理之处：\n客户诉求："),
                C("噪音", SEC, "噪音来源（装修/商铺/设备/邻居）：\n时间段：\n客户诉求："),
                C("维修质量", ENG, "原维修工单号：\n问题：\n客户诉求："),
                C("服务态度", CS, "涉及员工/岗位：\n经过：\n客户诉求："),
                C("绿化", GREEN, "区域：\n问题（枯死/未修剪/喷药）：\n客户诉求："),
                C("安全秩序", SEC, "时间与地点：\n经过：\n客户诉求："),
            ),
        ),
    ),
    (
        OrderType.INQUIRY,
        C(
            "咨询",
            CS,
            "咨询内容：",
            children=(
                C("收费标准", CS, "咨询的费用项目："),
                C("装修手续", CS, "房号：\n装修内容与计划开工时间："),
                C("入住手续", CS, "房号：\n交房/入住时间："),
                C("停车办理", SEC, "车牌：\n月卡/临停："),
                C("其他咨询", CS, "咨询内容："),
            ),
        ),
    ),
    (
        OrderType.PAID_SERVICE,
        C(
            "有偿服务",
            ENG,
            "服务内容：\n上门时间：\n是否客户自备材料：",
            children=(
                C("家政保洁", CLEAN, "房屋面积：\n服务项目（日常/深度/开荒）：\n上门时间："),
                C("家电维修", ENG, "电器品牌与型号：\n故障现象：\n上门时间："),
                C("管道疏通", ENG, "位置：\n堵塞程度：\n上门时间："),
                C("灯具安装", ENG, "灯具数量与类型：\n上门时间："),
                C("开锁换锁", ENG, "门的位置：\n锁型：\n（须核实业主身份）"),
                C("绿植租摆", GREEN, "摆放位置：\n品种与数量：\n租期："),
            ),
        ),
    ),
    (
        OrderType.HELP,
        C(
            "求助",
            CS,
            "求助内容：\n位置：",
            children=(
                C("代收代送", CS, "物品：\n收件人："),
                C("钥匙遗失", SEC, "房号：\n（须核实身份）"),
                C("老人儿童求助", SEC, "位置：\n情况："),
            ),
        ),
    ),
    (OrderType.SUGGESTION, C("建议", CS, "建议内容：")),
    (OrderType.PRAISE, C("表扬", CS, "表扬对象（员工/部门）：\n事由：")),
    (
        OrderType.LIAISON,
        C(
            "内部联络单",
            CS,
            "发往部门：\n事项：\n要求完成时间：",
            children=(
                C("工程配合", ENG, "事项：\n要求完成时间："),
                C("保洁配合", CLEAN, "事项：\n要求完成时间："),
                C("秩序配合", SEC, "事项：\n要求完成时间："),
            ),
        ),
    ),
    (
        OrderType.NONCONFORMANCE,
        C(
            "不合格单",
            ENG,
            "外包单位：\n不合格事项：\n整改要求与期限：",
            children=(
                C("电梯维保", ENG, "维保单位：\n不合格事项：\n整改期限："),
                C("保洁外包", CLEAN, "外包单位：\n不合格事项：\n整改期限："),
                C("绿化养护", GREEN, "外包单位：\n不合格事项：\n整改期限："),
            ),
        ),
    ),
    (
        OrderType.INCIDENT,
        C(
            "突发事件",
            SEC,
            "地点：\n经过：\n现场控制措施：\n损失情况：",
            is_safety=True,
            children=(
                C(
                    "电梯困人",
                    ENG,
                    "楼栋与电梯编号：\n所在楼层：\n被困人数：\n已通知电梯维保：",
                    is_safety=True,
                ),
                C("跑水", ENG, "位置：\n影响范围：\n已关闭阀门：", is_safety=True, is_leak=True),
                C("停电", ENG, "停电范围：\n是否供电局计划停电：", is_safety=True),
                C("火情", SEC, "位置：\n是否已报 119：", is_safety=True),
            ),
        ),
    ),
)

# 有偿服务价目（R-PROP-05, R-TKT-08）: typical Hangzhou property-company prices, 2025.
PRICE_LIST: tuple[PriceSpec, ...] = (
    PriceSpec("YC-01", "日常家政保洁（2 小时起）", "小时", Decimal("45.00")),
    PriceSpec("YC-02", "深度保洁", "平方米", Decimal("8.00")),
    PriceSpec("YC-03", "油烟机清洗", "台", Decimal("150.00")),
    PriceSpec("YC-04", "空调清洗（挂机）", "台", Decimal("80.00")),
    PriceSpec("YC-05", "下水管道疏通", "次", Decimal("120.00")),
    PriceSpec("YC-06", "马桶疏通", "次", Decimal("80.00")),
    PriceSpec("YC-07", "更换水龙头（不含材料）", "个", Decimal("30.00")),
    PriceSpec("YC-08", "更换角阀（不含材料）", "个", Decimal("25.00")),
    PriceSpec("YC-09", "灯具安装（吸顶灯）", "盏", Decimal("40.00")),
    PriceSpec("YC-10", "更换插座/开关面板（不含材料）", "个", Decimal("15.00")),
    PriceSpec("YC-11", "家电维修上门检测", "次", Decimal("50.00")),
    PriceSpec("YC-12", "更换门锁锁芯（不含材料）", "个", Decimal("60.00")),
    PriceSpec("YC-13", "开锁（须核实身份）", "次", Decimal("100.00")),
    PriceSpec("YC-14", "绿植租摆（中型盆栽）", "盆·月", Decimal("35.00")),
    PriceSpec("YC-15", "文件打印复印", "页", Decimal("0.50")),
)


def _install_node(spec: CategorySpec, order_type: str, parent, sort: int) -> int:
    from kefu.servicedesk.models import Category

    node, created = Category.objects.get_or_create(
        parent=parent,
        name=spec.name,
        defaults={
            "order_type": order_type,
            "department_kind": spec.department_kind,
            "description_template": spec.template,
            "is_safety": spec.is_safety,
            "is_leak": spec.is_leak,
            "sort": sort,
        },
    )
    count = int(created)
    for i, child in enumerate(spec.children, 1):
        count += _install_node(child, order_type, node, i * 10)
    return count


def install_catalog(project=None) -> dict[str, int]:
    """Create the default category tree (organisation-wide) and the price list for ``project``
    (every project when ``None``). Idempotent; returns how many rows were added."""
    from kefu.org.models import Project
    from kefu.servicedesk.models import PriceItem

    added = {"categories": 0, "price_items": 0}
    with transaction.atomic():
        for i, (order_type, root) in enumerate(CATEGORIES, 1):
            added["categories"] += _install_node(root, order_type, None, i * 10)
        projects = [project] if project is not None else list(Project.objects.order_by("pk"))
        for target in projects:
            existing = set(PriceItem.objects.filter(project=target).values_list("code", flat=True))
            new = [
                PriceItem(project=target, code=p.code, name=p.name, unit=p.unit, price=p.price)
                for p in PRICE_LIST
                if p.code not in existing
            ]
            PriceItem.objects.bulk_create(new)
            added["price_items"] += len(new)
    return added


def iter_leaves(spec: CategorySpec, path: tuple[str, ...] = ()):
    """(path, spec) of every node without children, e.g. (("报修", "水电", "漏水"), spec)."""
    path = (*path, spec.name)
    if not spec.children:
        yield path, spec
    for child in spec.children:
        yield from iter_leaves(child, path)
