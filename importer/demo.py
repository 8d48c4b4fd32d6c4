"""The demo's people and dealings, on top of the demo catalog (importer/data/demo_catalog.jsonl):
a login for every role, a request for quotes answered by two vendors, and an organisation
awaiting verification. Everything is written through the services, as people would; each
piece is made only when missing, so seeding twice changes nothing.

Local demo data only: every login's password is DEMO_PASSWORD, printed on purpose."""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.models import Membership, Organization, User
from accounts.services import add_member, create_organization, create_user
from catalog.models import Solution, SolutionStatus
from importer.writing import operations
from marketplace import services as market
from marketplace.models import Need, Quote, QuoteRequest

DEMO_PASSWORD = "zhizao-demo"  # noqa: S105 - local demo data only, printed on purpose
EMAIL_DOMAIN = "demo.zhizao.local"


@dataclass(frozen=True)
class DemoLogin:
    username: str
    first_name: str
    last_name: str
    kind: str  # "vendor", "enterprise", "operator" (by catalog ref: organisations of the file)
    organization_ref: str | None
    role: str
    try_this: str
    reviewer: bool = False
    superuser: bool = False

    @property
    def role_label(self):
        if self.superuser:
            return "operator admin"
        if self.reviewer:
            return "reviewer"
        return f"{self.kind} {self.role}"


LOGINS = [
    DemoLogin("vendor", "Jun", "Chen", "vendor", "v-001", Membership.Role.OWNER,
              "Submit a new solution (one reviewer publishes it); Open needs; your quote"),
    DemoLogin("vendor2", "Min", "Zhou", "vendor", "v-002", Membership.Role.OWNER,
              "Open needs: propose a solution to a public need; your quote"),
    DemoLogin("enterprise", "Lei", "Wang", "enterprise", "e-001", Membership.Role.OWNER,
              "Compare the two quotes side by side and accept one; post a need"),
    DemoLogin("enterprise2", "Jing", "Liu", "enterprise", "e-002", Membership.Role.OWNER,
              "Its public need and ranked matches; request a quote from a solution"),
    DemoLogin("reviewer", "Fang", "Li", "operator", None, Membership.Role.MEMBER,
              "Review queue: approve the vendor's submission (one approval publishes it)",
              reviewer=True),
    DemoLogin("reviewer2", "Qiang", "Zhao", "operator", None, Membership.Role.MEMBER,
              "The second approval of a flagged submission", reviewer=True),
    DemoLogin("admin", "Hui", "Sun", "operator", None, Membership.Role.OWNER,
              "Django admin at /admin/; verify the pending organisation; reassign reviews",
              superuser=True),
]

# A vendor that signed up and waits for the operator's verification.
APPLICANT = DemoLogin("applicant", "Yu", "Xu", "vendor", None, Membership.Role.OWNER,
                      "An organisation awaiting verification (what a newcomer sees)")
APPLICANT_ORGANIZATION = {
    "name": "Ningbo Haitong Robotics Co., Ltd.",
    "name_zh": "宁波海通机器人有限公司",
    "region": "CN-ZJ",
    "website": "https://haitong-robotics.example.com",
    "credit_code": "91310115MA1H7Q3R2J",  # a valid GB 32100 check digit
    "industry": "general-equipment",
    "size": Organization.Size.SMALL,
    "description": "协作机器人打磨、上下料工作站集成商。Collaborative-robot grinding and "
                   "machine-tending cells.",
}

# The request for quotes the enterprise sent to both vendors, on its public need n-001.
QUOTE_REQUEST = {
    "enterprise_login": "enterprise",
    "need_ref": "n-001",
    "title": "立式加工中心产线主轴预测性维护试点",
    "requirements": "一条产线24台立式加工中心：主轴与刀库振动监测、故障预警、与现有设备台账对接；"
                    "试点3个月，验收指标为非计划停机减少30%。",
}
QUOTES = {
    "vendor": {
        "solution_title": "预测性维护",
        "delivery_weeks": 10,
        "terms": "分两期付款：签约付50%，验收后付50%。含一年平台订阅与远程支持。",
        "line_items": [
            ("振动与温度传感器（含安装）", "套", "24", "3800"),
            ("边缘网关", "台", "4", "18000"),
            ("预测性维护平台一年订阅", "年", "1", "120000"),
            ("故障模型训练与上线实施", "项", "1", "160000"),
        ],
    },
    "vendor2": {
        "solution_title": "MES",
        "delivery_weeks": 14,
        "terms": "许可永久有效；实施按里程碑付款，首年运维免费。",
        "line_items": [
            ("MES设备管理模块许可", "套", "1", "260000"),
            ("设备数据采集接口", "台", "24", "2500"),
            ("实施、培训与上线支持", "项", "1", "150000"),
        ],
    },
}
QUOTE_VALID_DAYS = 60


def seed():
    """Every demo login, the quotes and the applicant; returns the logins in print order."""
    operator = operations()
    users = {login.username: _login(login, operator) for login in LOGINS}
    _quotes(users)
    _applicant()
    return [*LOGINS, APPLICANT]


def _organization(login, operator):
    if login.kind == "operator":
        return operator
    return (Organization.objects.filter(kind=login.kind, external_ref=login.organization_ref)
            .first() or Organization.objects.filter(kind=login.kind).order_by("pk").first())


def _login(login, operator):
    user = _user(login)
    organization = _organization(login, operator)
    membership = Membership.objects.filter(user=user, organization=organization).first()
    if membership is None or (membership.role, membership.is_reviewer) != (login.role,
                                                                          login.reviewer):
        add_member(organization=organization, user=user, role=login.role,
                   is_reviewer=login.reviewer)
    return user


def _user(login):
    user = User.objects.filter(username=login.username).first()
    if user is None:
        return create_user(username=login.username, password=DEMO_PASSWORD,
                           email=f"{login.username}@{EMAIL_DOMAIN}",
                           first_name=login.first_name, last_name=login.last_name,
                           is_staff=login.superuser, is_superuser=login.superuser)
    # Seeding again gives the printed password back to a demo login that changed it.
    if not user.check_password(DEMO_PASSWORD):
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


def _quotes(users):
    enterprise_user = users[QUOTE_REQUEST["enterprise_login"]]
    need = Need.objects.filter(external_ref=QUOTE_REQUEST["need_ref"]).first()
    enterprise = need.enterprise if need else _organization(_by_name("enterprise"), None)
    vendors = {name: _organization(_by_name(name), None) for name in QUOTES}
    request = QuoteRequest.objects.filter(enterprise=enterprise,
                                          title=QUOTE_REQUEST["title"]).first()
    if request is None:
        request = market.request_quotes(
            actor=enterprise_user, enterprise=enterprise, vendors=list(vendors.values()),
            title=QUOTE_REQUEST["title"], requirements=QUOTE_REQUEST["requirements"], need=need,
        )
    if request.status != QuoteRequest.Status.OPEN:
        return  # someone tried the demo: the quotes were accepted or declined since
    for name, quote in QUOTES.items():
        vendor = vendors[name]
        if Quote.objects.filter(request=request, vendor=vendor).exists():
            continue
        market.submit_quote(
            actor=users[name], request=request, vendor=vendor,
            line_items=[{"description": description, "unit": unit,
                         "quantity": Decimal(quantity), "unit_price_cny": Decimal(price)}
                        for description, unit, quantity, price in quote["line_items"]],
            delivery_weeks=quote["delivery_weeks"], terms=quote["terms"],
            valid_until=timezone.localdate() + timedelta(days=QUOTE_VALID_DAYS),
            solution=Solution.objects.filter(
                vendor=vendor, status=SolutionStatus.PUBLISHED,
                title_zh__contains=quote["solution_title"],
            ).order_by("pk").first(),
        )


def _by_name(username):
    return next(login for login in LOGINS if login.username == username)


def _applicant():
    user = _user(APPLICANT)
    if Membership.objects.filter(user=user).exists():
        return
    create_organization(kind=Organization.Kind.VENDOR, owner=user,
                        status=Organization.Status.PENDING, **APPLICANT_ORGANIZATION)


def login_table(logins):
    """The logins as a Markdown table (the README carries the same one)."""
    rows = [("username", "password", "role", "organisation", "what to try")]
    for login in logins:
        rows.append((login.username, DEMO_PASSWORD, login.role_label,
                     _organisation_label(login), login.try_this))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["| " + " | ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
             + " |" for row in rows]
    lines.insert(1, "|" + "|".join("-" * (width + 2) for width in widths) + "|")
    return "\n".join(lines)


def _organisation_label(login):
    user = User.objects.filter(username=login.username).first()
    membership = user and user.memberships.select_related("organization").first()
    if membership is None:
        return ""
    organization = membership.organization
    pending = organization.status == Organization.Status.PENDING
    return organization.name + (" (awaiting verification)" if pending else "")
