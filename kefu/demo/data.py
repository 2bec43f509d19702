"""Fixed data for the demo organisation: the company, its premises and staff, and name lists.

Everything random in the demo is drawn from these lists by ``kefu.demo.builder`` with a seeded
generator; nothing here is random. The organisation is fictional; the city is Hangzhou.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from kefu.customers.choices import UnitKind
from kefu.org.choices import CareerLevel, DepartmentKind, ProjectKind

SEED = 2026
DEMO_PASSWORD = "kefu2026"
# The demo's "today": tenancies, hire dates and resales end before it, so the data does not
# depend on the day the command runs.
DEMO_TODAY = datetime.date(2026, 1, 15)
EMAIL_DOMAIN = "huayue-wy.example.com"

ORGANISATION = {
    "name": "华悦物业服务有限公司",
    "short_name": "华悦物业",
    "hotline": "400-826-2026",
}

# Organisation default business hours (BusinessHours rows with project NULL).
BUSINESS_HOURS = ((datetime.time(8, 30), datetime.time(18, 0)),)


# --- Premises -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Storey:
    """Floors ``first..last`` each holding ``len(areas)`` units of one kind.

    Unit numbers are floor + two-digit position (``1203``); ``areas`` are the floor-plan areas
    per position (㎡).
    """

    first: int
    last: int
    kind: str
    areas: tuple[float, ...]


@dataclass(frozen=True)
class Special:
    """A named unit on a basement or service floor (plant room, parking space)."""

    floor: int
    number: str
    kind: str
    area: float


@dataclass(frozen=True)
class BuildingSpec:
    code: str
    name: str
    delivered: datetime.date  # handover date: owners' links start from here
    storeys: tuple[Storey, ...]
    specials: tuple[Special, ...] = ()


@dataclass(frozen=True)
class ProjectSpec:
    code: str
    name: str
    kind: str
    address: str
    service_phone: str
    buildings: tuple[BuildingSpec, ...]
    members: int  # loyalty-programme members (会员) registered at this project
    rent_share: float  # share of occupied residences let to tenants
    occupied_share: dict[str, float] = field(default_factory=dict)  # by unit kind


RESIDENCE_8 = (89.56, 108.32, 128.74, 143.18, 143.18, 128.74, 108.32, 89.56)
RESIDENCE_6 = (168.25, 142.6, 168.25, 168.25, 142.6, 168.25)
APARTMENT_10 = (45.2, 52.8, 58.6, 68.35, 45.2, 45.2, 68.35, 58.6, 52.8, 45.2)
OFFICE_10 = (128.5, 216.4, 168.9, 96.3, 312.7, 128.5, 216.4, 168.9, 96.3, 480.2)
SHOP_12 = (45.6, 62.3, 88.5, 120.4, 216.8, 62.3, 45.6, 88.5, 156.2, 62.3, 45.6, 98.7)

PROJECTS: tuple[ProjectSpec, ...] = (
    ProjectSpec(
        code="CHHY",
        name="翠湖花园",
        kind=ProjectKind.RESIDENTIAL,
        address="浙江省杭州市西湖区翠湖路 88 号",
        service_phone="0571-88362201",
        buildings=(
            BuildingSpec(
                "1",
                "1 幢",
                datetime.date(2016, 6, 30),
                (Storey(1, 33, UnitKind.RESIDENCE, RESIDENCE_8),),
                (Special(-1, "B101", UnitKind.PLANT_ROOM, 86.0),),
            ),
            BuildingSpec(
                "2",
                "2 幢",
                datetime.date(2016, 6, 30),
                (Storey(1, 33, UnitKind.RESIDENCE, RESIDENCE_8),),
                (Special(-1, "B101", UnitKind.PLANT_ROOM, 86.0),),
            ),
            BuildingSpec(
                "3",
                "3 幢",
                datetime.date(2017, 12, 28),
                (Storey(1, 26, UnitKind.RESIDENCE, RESIDENCE_8),),
                (Special(-1, "B101", UnitKind.PLANT_ROOM, 72.0),),
            ),
            # No building 4: the number is commonly skipped.
            BuildingSpec(
                "5",
                "5 幢（洋房）",
                datetime.date(2019, 6, 28),
                (Storey(1, 18, UnitKind.RESIDENCE, RESIDENCE_6),),
                (Special(-1, "B101", UnitKind.PLANT_ROOM, 64.0),),
            ),
        ),
        members=20,
        rent_share=0.09,
        occupied_share={UnitKind.RESIDENCE: 0.86},
    ),
    ProjectSpec(
        code="JRZX",
        name="之江金融中心",
        kind=ProjectKind.MIXED,
        address="浙江省杭州市上城区之江路 1688 号",
        service_phone="0571-86907788",
        buildings=(
            BuildingSpec(
                "A",
                "A 座（写字楼）",
                datetime.date(2020, 9, 30),
                (
                    Storey(1, 3, UnitKind.SHOP, SHOP_12),
                    Storey(4, 36, UnitKind.OFFICE, OFFICE_10),
                ),
                (
                    Special(-1, "B101", UnitKind.PLANT_ROOM, 420.0),
                    *(Special(-2, f"P{n:03d}", UnitKind.PARKING, 13.5) for n in range(1, 11)),
                ),
            ),
            BuildingSpec(
                "B",
                "B 座（公寓）",
                datetime.date(2021, 6, 30),
                (Storey(2, 29, UnitKind.RESIDENCE, APARTMENT_10),),
                (Special(1, "101", UnitKind.PLANT_ROOM, 120.0),),
            ),
        ),
        members=45,
        rent_share=0.42,
        occupied_share={UnitKind.RESIDENCE: 0.78, UnitKind.OFFICE: 0.74, UnitKind.SHOP: 0.83},
    ),
)

# Share of units (that are not occupied) being decorated rather than empty.
DECORATING_OF_UNOCCUPIED = 0.35

# --- Staff ------------------------------------------------------------------------------

DEPARTMENTS: tuple[tuple[str, str, str], ...] = (
    # key, name, kind — all company-level (project NULL); staff are stationed at projects
    # through Staff.extra_projects, so one 客服部 serves both projects with one manager.
    ("mgmt", "综合管理部", DepartmentKind.MANAGEMENT),
    ("finance", "财务部", DepartmentKind.FINANCE),
    ("cs", "客服部", DepartmentKind.CUSTOMER_SERVICE),
    ("eng", "工程部", DepartmentKind.ENGINEERING),
    ("clean", "保洁部", DepartmentKind.CLEANING),
    ("security", "秩序维护部", DepartmentKind.SECURITY),
    ("green", "绿化部", DepartmentKind.GREENING),
)


@dataclass(frozen=True)
class StaffSpec:
    key: str
    department: str
    position: str
    role: str  # kefu.core.roles code
    projects: tuple[str, ...]  # project codes the person is stationed at
    supervisor: str | None
    level: str = ""  # R-WF-10 career level, CS front-line staff only
    username: str | None = None  # fixed demo log-in; others get their employee number
    head: bool = False  # head of their department


P1, P2 = "CHHY", "JRZX"
BOTH = (P1, P2)
L = CareerLevel

STAFF: tuple[StaffSpec, ...] = (
    StaffSpec("gm", "mgmt", "总经理", "administrator", (), None, head=True),
    StaffSpec("admin", "mgmt", "系统管理员", "administrator", (), "gm", username="admin"),
    StaffSpec("archive", "mgmt", "档案管理员", "archive_custodian", BOTH, "gm", username="archive"),
    StaffSpec("legal", "mgmt", "法务专员", "department_staff", BOTH, "gm"),
    StaffSpec("fin_head", "finance", "财务主管", "department_staff", BOTH, "gm", head=True),
    StaffSpec("fin_acc", "finance", "会计", "department_staff", BOTH, "fin_head"),
    StaffSpec("fin_cash", "finance", "出纳", "department_staff", BOTH, "fin_head"),
    StaffSpec("cs_mgr", "cs", "客服经理", "cs_manager", BOTH, "gm", username="manager", head=True),
    StaffSpec("cs_sup1", "cs", "客服主管", "cs_supervisor", (P1,), "cs_mgr", username="supervisor"),
    StaffSpec(
        "cs_a1", "cs", "客服专员", "cs_agent", (P1,), "cs_sup1", L.INTERMEDIATE, username="agent"
    ),
    StaffSpec("cs_a2", "cs", "客服专员", "cs_agent", (P1,), "cs_sup1", L.RESERVE_SUPERVISOR),
    StaffSpec("cs_a3", "cs", "客服专员", "cs_agent", (P1,), "cs_sup1", L.JUNIOR),
    StaffSpec("cs_a4", "cs", "客服专员", "cs_agent", (P1,), "cs_sup1", L.PROBATION),
    StaffSpec(
        "cs_f1", "cs", "前台", "front_desk", (P1,), "cs_sup1", L.JUNIOR, username="frontdesk"
    ),
    StaffSpec("cs_f2", "cs", "前台", "front_desk", (P1,), "cs_sup1", L.PROBATION),
    StaffSpec(
        "cs_keys", "cs", "钥匙保管员", "key_custodian", (P1,), "cs_sup1", L.SENIOR, username="keys"
    ),
    StaffSpec("cs_sup2", "cs", "客服主管", "cs_supervisor", (P2,), "cs_mgr"),
    StaffSpec("cs_b1", "cs", "客服专员", "cs_agent", (P2,), "cs_sup2", L.SENIOR),
    StaffSpec("cs_b2", "cs", "客服专员", "cs_agent", (P2,), "cs_sup2", L.INTERMEDIATE),
    StaffSpec("cs_b3", "cs", "客服专员", "cs_agent", (P2,), "cs_sup2", L.JUNIOR),
    StaffSpec("cs_g1", "cs", "前台", "front_desk", (P2,), "cs_sup2", L.INTERMEDIATE),
    StaffSpec("eng_head", "eng", "工程主管", "technician", BOTH, "gm", head=True),
    StaffSpec("eng_1", "eng", "维修工程师", "technician", (P1,), "eng_head", username="tech"),
    StaffSpec("eng_2", "eng", "维修工程师", "technician", (P1,), "eng_head"),
    StaffSpec("eng_3", "eng", "维修工程师", "technician", (P1,), "eng_head"),
    StaffSpec("eng_4", "eng", "维修工程师", "technician", (P1,), "eng_head"),
    StaffSpec("eng_5", "eng", "维修工程师", "technician", (P2,), "eng_head"),
    StaffSpec("eng_6", "eng", "维修工程师", "technician", (P2,), "eng_head"),
    StaffSpec("eng_7", "eng", "维修工程师", "technician", (P2,), "eng_head"),
    StaffSpec("clean_head", "clean", "保洁主管", "department_staff", BOTH, "gm", head=True),
    StaffSpec("clean_1", "clean", "保洁员", "department_staff", (P1,), "clean_head"),
    StaffSpec("clean_2", "clean", "保洁员", "department_staff", (P2,), "clean_head"),
    StaffSpec("sec_head", "security", "秩序维护主管", "department_staff", BOTH, "gm", head=True),
    StaffSpec("sec_1", "security", "秩序维护员", "department_staff", (P1,), "sec_head"),
    StaffSpec("sec_2", "security", "秩序维护员", "department_staff", (P1,), "sec_head"),
    StaffSpec("sec_3", "security", "秩序维护员", "department_staff", (P2,), "sec_head"),
    StaffSpec("sec_4", "security", "秩序维护员", "department_staff", (P2,), "sec_head"),
    StaffSpec("green_head", "green", "绿化主管", "department_staff", BOTH, "gm", head=True),
    StaffSpec("green_1", "green", "绿化工", "department_staff", (P1,), "green_head"),
    StaffSpec("green_2", "green", "绿化工", "department_staff", (P1,), "green_head"),
)

# The log-ins the README and the command print, in this order.
DEMO_USERNAMES: tuple[str, ...] = (
    "admin",
    "manager",
    "supervisor",
    "agent",
    "frontdesk",
    "tech",
    "keys",
    "archive",
)

EMPLOYEE_PREFIX = "HY"

# --- Names --------------------------------------------------------------------------------

# Surnames with rough frequency weights (per mille of the population, national statistics
# rounded; Zhejiang's 沈/陆/钱 a little higher).
SURNAMES: tuple[tuple[str, float], ...] = (
    ("王", 71),
    ("李", 70),
    ("张", 67),
    ("刘", 54),
    ("陈", 45),
    ("杨", 31),
    ("黄", 22),
    ("赵", 20),
    ("吴", 20),
    ("周", 19),
    ("徐", 15),
    ("孙", 15),
    ("马", 12),
    ("朱", 12),
    ("胡", 11),
    ("郭", 11),
    ("何", 10),
    ("林", 10),
    ("高", 9),
    ("罗", 9),
    ("郑", 8),
    ("梁", 8),
    ("谢", 7),
    ("宋", 6),
    ("唐", 6),
    ("许", 6),
    ("韩", 6),
    ("冯", 5),
    ("邓", 5),
    ("曹", 5),
    ("彭", 5),
    ("曾", 5),
    ("肖", 4),
    ("田", 4),
    ("董", 4),
    ("袁", 4),
    ("潘", 4),
    ("于", 4),
    ("蒋", 4),
    ("蔡", 4),
    ("余", 4),
    ("杜", 4),
    ("叶", 4),
    ("程", 3),
    ("苏", 3),
    ("魏", 3),
    ("吕", 3),
    ("丁", 3),
    ("任", 3),
    ("沈", 4),
    ("姚", 3),
    ("卢", 3),
    ("姜", 3),
    ("崔", 3),
    ("钟", 3),
    ("谭", 3),
    ("陆", 3),
    ("汪", 3),
    ("范", 2),
    ("金", 2),
    ("石", 2),
    ("廖", 2),
    ("贾", 2),
    ("夏", 2),
    ("韦", 2),
    ("方", 2),
    ("白", 2),
    ("邹", 2),
    ("孟", 2),
    ("熊", 2),
    ("秦", 2),
    ("邱", 2),
    ("江", 2),
    ("尹", 2),
    ("薛", 2),
    ("闫", 2),
    ("段", 2),
    ("雷", 2),
    ("侯", 2),
    ("龙", 2),
    ("史", 2),
    ("陶", 2),
    ("黎", 2),
    ("贺", 2),
    ("顾", 2),
    ("毛", 2),
    ("郝", 1),
    ("龚", 1),
    ("邵", 1),
    ("万", 1),
    ("钱", 1.5),
    ("严", 1),
    ("武", 1),
    ("戴", 1),
    ("莫", 1),
    ("孔", 1),
    ("向", 1),
    ("汤", 1),
    ("欧阳", 0.5),
    ("司马", 0.1),
)

# Given names by sex and by the generation that favoured them. Era "old": born before 1970,
# "mid": 1970–1989, "young": 1990 and later.
GIVEN_NAMES: dict[tuple[str, str], tuple[str, ...]] = {
    ("m", "old"): (
        "建国",
        "建华",
        "国强",
        "国平",
        "卫东",
        "红军",
        "建军",
        "新民",
        "春生",
        "伟民",
        "德明",
        "振华",
        "立新",
        "永刚",
        "国庆",
        "光明",
        "金龙",
        "海军",
        "忠诚",
        "志刚",
        "长林",
        "福生",
        "荣华",
        "庆丰",
        "根宝",
        "水根",
        "阿明",
        "伟",
        "强",
        "军",
        "勇",
        "刚",
        "平",
        "明",
        "斌",
    ),
    ("m", "mid"): (
        "志强",
        "志明",
        "海涛",
        "晓东",
        "晓明",
        "明辉",
        "海波",
        "鹏飞",
        "建平",
        "晓峰",
        "海峰",
        "少华",
        "永强",
        "宏伟",
        "世杰",
        "文杰",
        "俊峰",
        "剑锋",
        "小军",
        "立伟",
        "学军",
        "卫国",
        "伟",
        "磊",
        "杰",
        "涛",
        "超",
        "辉",
        "鹏",
        "飞",
        "波",
        "峰",
        "亮",
        "斌",
        "勇",
        "健",
    ),
    ("m", "young"): (
        "浩然",
        "子轩",
        "宇航",
        "天宇",
        "家豪",
        "浩宇",
        "梓豪",
        "一鸣",
        "嘉诚",
        "思远",
        "博文",
        "皓轩",
        "明轩",
        "宇轩",
        "俊熙",
        "承泽",
        "志远",
        "佳明",
        "泽宇",
        "俊杰",
        "文博",
        "梓睿",
        "宇",
        "浩",
        "凯",
        "帆",
        "旭",
        "宁",
        "阳",
        "晨",
        "睿",
        "轩",
        "昊",
        "鑫",
    ),
    ("f", "old"): (
        "秀英",
        "桂英",
        "秀兰",
        "玉兰",
        "桂兰",
        "淑珍",
        "凤英",
        "金凤",
        "美华",
        "淑华",
        "月娥",
        "素芳",
        "惠芬",
        "翠花",
        "桂芳",
        "秀珍",
        "爱华",
        "彩凤",
        "丽华",
        "玉珍",
        "阿娟",
        "芳",
        "英",
        "兰",
        "珍",
        "梅",
        "红",
        "萍",
        "霞",
    ),
    ("f", "mid"): (
        "丽娟",
        "晓燕",
        "晓红",
        "海燕",
        "雪梅",
        "春梅",
        "玉梅",
        "红梅",
        "美玲",
        "丽萍",
        "慧敏",
        "雅琴",
        "晓琳",
        "丽君",
        "艳红",
        "晓静",
        "文静",
        "婷婷",
        "小燕",
        "丽丽",
        "芳",
        "娜",
        "敏",
        "静",
        "丽",
        "艳",
        "娟",
        "燕",
        "玲",
        "婷",
        "颖",
        "洁",
        "慧",
        "莉",
    ),
    ("f", "young"): (
        "佳怡",
        "欣怡",
        "梓涵",
        "子涵",
        "诗涵",
        "雨桐",
        "可馨",
        "思琪",
        "雨欣",
        "梦瑶",
        "佳琪",
        "嘉怡",
        "欣妍",
        "一诺",
        "语嫣",
        "心怡",
        "静怡",
        "若曦",
        "紫涵",
        "雨萱",
        "欣然",
        "梦琪",
        "安琪",
        "诗雨",
        "雪",
        "琳",
        "倩",
        "璐",
        "瑶",
        "悦",
        "欣",
        "薇",
        "蕾",
        "晶",
    ),
}

# Resident-ID area codes (GB/T 2260): mostly Hangzhou and Zhejiang, some from elsewhere.
ID_AREAS: tuple[tuple[str, float], ...] = (
    ("330102", 8),
    ("330105", 8),
    ("330106", 10),
    ("330108", 6),
    ("330110", 6),
    ("330109", 4),
    ("330302", 3),
    ("330402", 3),
    ("330501", 2),
    ("330602", 3),
    ("330702", 2),
    ("330782", 2),
    ("331002", 2),
    ("330203", 3),
    ("110105", 2),
    ("310115", 2),
    ("320102", 1),
    ("320583", 1),
    ("340104", 2),
    ("360102", 2),
    ("410105", 1),
    ("420106", 1),
    ("430104", 1),
    ("440106", 1),
    ("510107", 1),
    ("370202", 1),
    ("350203", 1),
)

# Mobile number prefixes of the three operators.
MOBILE_PREFIXES: tuple[str, ...] = (
    "134",
    "135",
    "136",
    "137",
    "138",
    "139",
    "147",
    "150",
    "151",
    "152",
    "157",
    "158",
    "159",
    "178",
    "182",
    "183",
    "184",
    "187",
    "188",
    "198",
    "130",
    "131",
    "132",
    "155",
    "156",
    "166",
    "175",
    "176",
    "185",
    "186",
    "133",
    "149",
    "153",
    "173",
    "177",
    "180",
    "181",
    "189",
    "191",
    "199",
)

EMAIL_DOMAINS = ("qq.com", "163.com", "126.com", "sina.com", "outlook.com")

COMPANY_TRADE_NAMES: tuple[str, ...] = (
    "恒信",
    "华创",
    "汇通",
    "博远",
    "启明",
    "鼎盛",
    "金诚",
    "中瑞",
    "天成",
    "联创",
    "合力",
    "新锐",
    "拓远",
    "宏达",
    "佳禾",
    "云帆",
    "蓝海",
    "星辰",
    "卓越",
    "远景",
    "嘉和",
    "瑞丰",
    "泰和",
    "明德",
    "致远",
    "弘毅",
    "盛世",
    "知行",
    "思源",
    "同舟",
    "青禾",
    "钱塘",
    "西溪",
    "之江",
    "运河",
    "临平",
    "德信",
    "万象",
    "长风",
    "九章",
    "南山",
    "北辰",
    "睿智",
    "融信",
)
OFFICE_INDUSTRIES: tuple[str, ...] = (
    "网络科技有限公司",
    "信息技术有限公司",
    "投资管理有限公司",
    "贸易有限公司",
    "企业管理咨询有限公司",
    "文化传媒有限公司",
    "建筑设计有限公司",
    "医疗器械有限公司",
    "教育科技有限公司",
    "供应链管理有限公司",
    "电子商务有限公司",
    "资产管理有限公司",
    "人力资源有限公司",
    "广告有限公司",
)
SHOP_INDUSTRIES: tuple[str, ...] = (
    "餐饮管理有限公司",
    "便利店有限公司",
    "咖啡有限公司",
    "商贸有限公司",
    "健身服务有限公司",
    "美容美发有限公司",
    "药房有限公司",
    "烘焙食品有限公司",
)
COMPANY_CITY = "杭州"
COMPANY_AREA_CODE = "330102"  # region part of the unified social credit code

EMERGENCY_RELATIONS: tuple[str, ...] = (
    "配偶",
    "配偶",
    "子女",
    "子女",
    "父亲",
    "母亲",
    "兄弟",
    "姐妹",
    "朋友",
    "同事",
)

CUSTOMER_NOTES: tuple[str, ...] = (
    "家中有宠物犬，上门前请先电话联系。",
    "老人独居，台风、寒潮天气请重点关注。",
    "白天上班，工作日 18:00 后方便联系。",
    "对噪音较敏感，装修施工通知请提前告知。",
    "车位在地下一层，需办理门禁卡。",
    "习惯微信沟通，电话常不接。",
    "曾投诉电梯故障，已回访满意。",
    "物业费按年缴纳，一般在 3 月缴清。",
    "家有婴儿，请避免午间上门。",
    "常年在外地，房屋托亲属照看。",
)
