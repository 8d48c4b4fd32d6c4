"""A small, complete site for page-wide checks: one of everything, made through the services,
every piece of data in Chinese (so English text on a Chinese page can only be interface text),
and the main pages of each role as (role, URL name, argument keys).

`build_site()` returns the users by role and the objects the pages need; `page_url(site,
name, keys)` resolves a page of PAGES against it. Private strings carry markers (`MARK_*`)
so the permission tests can look for them in pages fetched by others."""

from datetime import timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from accounts.models import Membership
from catalog import services as catalog_services
from catalog.models import FactoryTier, Industry, Region, Scenario, SolutionStatus
from marketplace import services as market
from marketplace.models import Match, Need
from maturity import services as maturity_services
from maturity.models import Statement, SubDomain
from tests.factories import (
    EnterpriseFactory,
    EnterpriseProfileFactory,
    MembershipFactory,
    NeedFactory,
    OperatorFactory,
    SolutionFactory,
    UserFactory,
    VendorFactory,
)

# Strings only their owners (and, where the rules say so, the operator) may ever see.
MARK_NEED = "甲方私密需求标记"
MARK_NEED_TEXT = "甲方需求描述标记"
MARK_REQUEST = "甲方询价标记"
MARK_REQUIREMENTS = "甲方询价要求标记"
MARK_QUOTE_TERMS = "乙方报价条款标记"
MARK_QUOTE_ITEM = "乙方报价明细标记"
MARK_MESSAGE = "甲乙双方私信标记"
MARK_DRAFT = "厂商草稿标记"
MARK_FEEDBACK = "审核意见标记"
MARK_REVISION = "修订提案标记"
MARK_FACTORY = "甲方工厂标记"
MARK_CREDIT_CODE = "91320500MA1XYW000G"
MARK_PROFILE = "甲方档案标记"

SOLUTION_ZH = {
    "language": "zh",
    "title_en": "",
    "summary_en": "",
    "description_en": "",
    "summary_zh": "面向数控机床的状态监测与故障预测。",
    "description_zh": "振动传感器、边缘网关和人工智能模型预测主轴故障。",
}


def _member(organization, username, **kwargs):
    # They read Chinese: notifications are written in the reader's language.
    user = UserFactory(username=username, first_name="", last_name="", preferred_language="zh-hans")
    MembershipFactory(user=user, organization=organization, **kwargs)
    return user


def _organisations():
    vendor = VendorFactory(
        name="苏州精工智能科技有限公司",
        name_zh="苏州精工智能科技有限公司",
        description="专注机床预测性维护。",
    )
    rival = VendorFactory(name="无锡智联工业软件有限公司", name_zh="无锡智联工业软件有限公司")
    outsider = VendorFactory(name="杭州数智装备有限公司", name_zh="杭州数智装备有限公司")
    enterprise = EnterpriseFactory(
        name="常州重型机械股份有限公司",
        name_zh="常州重型机械股份有限公司",
        credit_code=MARK_CREDIT_CODE,
        description=f"企业简介{MARK_PROFILE}",
    )
    other = EnterpriseFactory(name="南通齿轮制造有限公司", name_zh="南通齿轮制造有限公司")
    operator = OperatorFactory(name="智造汇运营中心", name_zh="智造汇运营中心")
    return vendor, rival, outsider, enterprise, other, operator


def _solutions(users, vendor, rival, on_commit):
    reviewer = users["reviewer"]

    def submit(actor, solution):
        with on_commit():  # the pre-checks run after commit and move it to review
            catalog_services.submit_solution(actor=actor, solution=solution)
        solution.refresh_from_db()

    published = SolutionFactory(vendor=vendor, title_zh="主轴健康监测", **SOLUTION_ZH)
    submit(users["vendor"], published)
    with on_commit():
        catalog_services.approve(actor=reviewer, subject=published)
    offer = SolutionFactory(
        vendor=rival,
        title_zh="机床故障预报",
        **{
            **SOLUTION_ZH,
            "summary_zh": "控制器日志与人工智能预报车床故障。",
            "description_zh": "采集数控系统报警与负载数据，提前一周预报停机。",
        },
    )
    submit(users["rival"], offer)
    with on_commit():
        catalog_services.approve(actor=reviewer, subject=offer)

    draft = SolutionFactory(
        vendor=vendor,
        status=SolutionStatus.DRAFT,
        title_zh=f"视觉检测单元{MARK_DRAFT}",
        **SOLUTION_ZH,
    )
    pending = SolutionFactory(
        vendor=vendor,
        title_zh="刀具磨损预测",
        **{
            **SOLUTION_ZH,
            "summary_zh": "声发射传感监测铣刀磨损。",
            "description_zh": "频谱特征估计刀具剩余寿命。",
        },
    )
    submit(users["vendor"], pending)
    returned = SolutionFactory(
        vendor=vendor,
        title_zh="焊缝视觉检测",
        **{
            **SOLUTION_ZH,
            "summary_zh": "焊缝表面缺陷的机器视觉检测。",
            "description_zh": "工业相机与深度学习识别气孔和裂纹。",
        },
    )
    submit(users["vendor"], returned)
    with on_commit():
        catalog_services.request_changes(
            actor=reviewer,
            subject=returned,
            comment=f"请补充实测成效。{MARK_FEEDBACK}",
            reason_codes=["incomplete-evidence"],
        )
    revision = catalog_services.propose_change(
        actor=users["vendor"],
        solution=published,
        data={"summary_zh": f"主轴振动监测。{MARK_REVISION}"},
    )
    with on_commit():
        catalog_services.submit_revision(actor=users["vendor"], revision=revision)
    for obj in (published, offer, draft, pending, returned, revision):
        obj.refresh_from_db()
    return {
        "published": published,
        "offer": offer,
        "draft": draft,
        "pending": pending,
        "returned": returned,
        "revision": revision,
    }


def _marketplace(users, orgs, solutions):
    vendor, rival, enterprise = orgs["vendor"], orgs["rival"], orgs["enterprise"]
    need = NeedFactory(
        enterprise=enterprise,
        language="zh",
        title=f"减少数控产线停机{MARK_NEED}",
        description=f"主轴故障导致产线停机。{MARK_NEED_TEXT}",
        created_by=users["enterprise"],
    )
    need.scenarios.set(Scenario.objects.filter(code="2025-28"))
    for rank, key in enumerate(("published", "offer"), start=1):
        Match.objects.create(
            need=need,
            solution=solutions[key],
            rank=rank,
            score=0.9 / rank,
            reasons=["覆盖场景 2025-28"],
        )
    public_need = market.post_need(
        actor=users["other_enterprise"],
        enterprise=orgs["other"],
        data={
            "title": "齿轮箱装配线数字化",
            "language": "zh",
            "description": "公开征集齿轮箱装配线改造方案。",
            "visibility": Need.Visibility.PUBLIC,
        },
    )
    request = market.request_quotes(
        actor=users["enterprise"],
        enterprise=enterprise,
        vendors=[vendor, rival],
        need=need,
        title=f"主轴监测报价{MARK_REQUEST}",
        requirements=f"两条产线，24根主轴。{MARK_REQUIREMENTS}",
    )
    valid_until = timezone.localdate() + timedelta(days=30)
    quotes = {}
    for key, org, price, terms, item in (
        (
            "vendor",
            vendor,
            "480000",
            f"预付百分之三十。{MARK_QUOTE_TERMS}",
            f"边缘网关{MARK_QUOTE_ITEM}",
        ),
        ("rival", rival, "1234567", "预付百分之二十。", "工业相机"),
    ):
        quotes[key] = market.submit_quote(
            actor=users[key],
            request=request,
            vendor=org,
            delivery_weeks=10,
            valid_until=valid_until,
            terms=terms,
            line_items=[
                {
                    "description": item,
                    "unit": "套",
                    "quantity": Decimal("1"),
                    "unit_price_cny": Decimal(price),
                }
            ],
        )
    market.post_message(
        actor=users["enterprise"],
        request=request,
        vendor=vendor,
        body=f"能否分两期交付？{MARK_MESSAGE}",
    )
    market.post_message(actor=users["vendor"], request=request, vendor=vendor,
                           body="可以分两期。")
    # A second request the vendor has not answered yet: its quote form.
    open_request = market.request_quotes(
        actor=users["enterprise"],
        enterprise=enterprise,
        vendors=[vendor],
        need=need,
        title="产线能耗计量报价",
        requirements="一条产线。",
    )
    return {
        "need": need,
        "public_need": public_need,
        "quote_request": request,
        "open_request": open_request,
        "quote": quotes["vendor"],
        "rival_quote": quotes["rival"],
    }


def _maturity(users, enterprise):
    EnterpriseProfileFactory(organization=enterprise)
    actor = users["enterprise"]
    assessment, _ = maturity_services.start_assessment(actor=actor, enterprise=enterprise)
    answers = {
        code: Decimal("1" if level <= 2 else "0")
        for code, level in Statement.objects.filter(subdomain__model=assessment.model).values_list(
            "code", "level"
        )
    }
    maturity_services.save_progress(actor=actor, assessment=assessment, answers=answers)
    assessment = maturity_services.complete_assessment(actor=actor, assessment=assessment)
    factory = maturity_services.register_factory(
        actor=actor,
        enterprise=enterprise,
        name=f"常州一号智能工厂{MARK_FACTORY}",
        region=Region.objects.get(code="CN-JS"),
        industry=Industry.objects.get(code="machine-tools"),
        tier=FactoryTier.objects.get(code="basic"),
        year=2025,
        evidence=[
            (
                SimpleUploadedFile(
                    "证明.pdf", b"%PDF-1.7\n% letter\n", content_type="application/pdf"
                ),
                "认定文件",
            )
        ],
    )
    # The other enterprise's assessment stays open: its sub-domain form.
    open_assessment, _ = maturity_services.start_assessment(
        actor=users["other_enterprise"],
        enterprise=users["other_enterprise"].memberships.get().organization,
    )
    return {"assessment": assessment, "open_assessment": open_assessment, "factory": factory}


def build_site(on_commit):
    """`on_commit` is the fixture of tests/conftest.py: the pre-checks run as commits do."""
    vendor, rival, outsider, enterprise, other, operator = _organisations()
    orgs = {
        "vendor": vendor,
        "rival": rival,
        "outsider": outsider,
        "enterprise": enterprise,
        "other": other,
        "operator": operator,
    }
    # Usernames are data too: Chinese, like everything else a page may show.
    users = {
        "vendor": _member(vendor, "张工"),
        "rival": _member(rival, "李工"),
        "outsider": _member(outsider, "赵工"),
        "enterprise": _member(enterprise, "王经理"),
        "other_enterprise": _member(other, "陈经理"),
        "reviewer": _member(operator, "刘审核", role=Membership.Role.MEMBER, is_reviewer=True),
        "operator": _member(operator, "周运营", role=Membership.Role.ADMIN),
    }
    solutions = _solutions(users, vendor, rival, on_commit)
    site = {
        "users": users,
        **{f"{key}_org": org for key, org in orgs.items()},
        **solutions,
        "subdomain": SubDomain.objects.filter(model__is_current=True).order_by("pk").first(),
        "scenario": Scenario.objects.get(code="2025-28"),  # the published and draft ones' own
    }
    with on_commit():  # notifications reach the inboxes
        site.update(_marketplace(users, orgs, solutions))
    with on_commit():
        site.update(_maturity(users, enterprise))
    return site


# Argument keys: a site key (its pk), or (site key, attribute) pairs, or query strings.
def _args(site, keys):
    args = []
    for key in keys:
        if isinstance(key, tuple):
            obj, attr = key
            args.append(getattr(site[obj], attr))
        else:
            args.append(site[key].pk)
    return args


def page_url(site, name, keys=(), query=""):
    url = reverse(name, args=_args(site, keys))
    if query:
        url += "?" + query.format(
            **{k: getattr(v, "pk", v) for k, v in site.items() if hasattr(v, "pk")}
        )
    return url


# (role, URL name, argument keys, query): the main pages of each role. `None` is anonymous.
PAGES = [
    (None, "home", (), ""),
    (None, "account_login", (), ""),
    (None, "account_signup", (), ""),
    (None, "account_reset_password", (), ""),
    (None, "search", (), ""),
    (None, "search", (), "q=主轴&scenario=2025-28"),
    (None, "solution-detail", ("published",), ""),
    (None, "vendor-detail", (("vendor_org", "pk"),), ""),
    (None, "scenario-detail", (("scenario", "code"),), ""),
    ("enterprise", "scenario-detail", (("scenario", "code"),), ""),
    (None, "factory-list", (), ""),
    (None, "targets-summary", (), ""),
    ("vendor", "dashboard", (), ""),
    ("vendor", "account_email", (), ""),
    ("vendor", "account_change_password", (), ""),
    ("vendor", "mfa_index", (), ""),
    ("vendor", "solution-create", (), ""),
    ("vendor", "solution-edit", ("draft",), ""),
    ("vendor", "solution-detail", ("draft",), ""),
    ("vendor", "solution-detail", ("returned",), ""),
    ("vendor", "solution-detail", ("published",), ""),
    ("vendor", "revision-detail", (("revision", "solution_id"), ("revision", "number")), ""),
    ("vendor", "need-detail", ("public_need",), ""),
    ("vendor", "quote-request-detail", ("quote_request",), ""),
    ("vendor", "quote-create", ("open_request",), ""),
    ("vendor", "quote-revise", ("quote",), ""),
    ("vendor", "message-thread", ("quote_request", ("vendor_org", "pk")), ""),
    ("vendor", "inbox", (), ""),
    ("enterprise", "dashboard", (), ""),
    ("enterprise", "need-create", (), ""),
    ("enterprise", "need-detail", ("need",), ""),
    ("enterprise", "quote-request-create", (), "need={need}"),
    ("enterprise", "quote-request-detail", ("quote_request",), ""),
    ("enterprise", "message-thread", ("quote_request", ("vendor_org", "pk")), ""),
    ("enterprise", "inbox", (), ""),
    ("enterprise", "maturity-assessment", (), ""),
    ("other_enterprise", "maturity-assessment", (), ""),
    ("other_enterprise", "maturity-assessment-subdomain", (("subdomain", "code"),), ""),
    ("enterprise", "maturity-results", ("assessment",), ""),
    ("enterprise", "factory-list", (), ""),
    ("enterprise", "factory-create", (), ""),
    ("enterprise", "factory-detail", ("factory",), ""),
    ("reviewer", "dashboard", (), ""),
    ("reviewer", "review-queue", (), ""),
    ("reviewer", "review-decision", ("pending",), ""),
    ("reviewer", "review-revision", ("revision",), ""),
    ("reviewer", "review-progress", (), ""),
    ("reviewer", "inbox", (), ""),
    ("operator", "targets-dashboard", (), ""),
    ("operator", "factory-detail", ("factory",), ""),
    ("operator", "factory-list", (), ""),
    # Visitors becoming buyers, and second looks before what cannot be undone.
    (None, "buyer-start", (), "next=%2Fquote-requests%2Fnew%2F%3Fsolution%3D{published}"),
    ("enterprise", "quote-accept", ("quote",), ""),
    ("enterprise", "need-close", ("need",), ""),
    ("vendor", "quote-decline", ("quote",), ""),
    (None, "vendor-list", (), ""),
    (None, "vendor-list", (), "region=CN-JS&show=all"),
    ("vendor", "organization-profile", (), ""),
    ("enterprise", "organization-profile", (), ""),
    ("vendor", "solution-case-studies", ("draft",), ""),
]


# Pages other features are adding (account settings, following): toured once they exist.
OPTIONAL_PAGES = [
    ("vendor", "notification-settings", (), ""),
    ("enterprise", "notification-settings", (), ""),
    ("vendor", "webhook-list", (), ""),
    ("enterprise", "following", (), ""),
    ("vendor", "members", (), ""),
    ("operator", "members", (), ""),
    ("vendor", "api-keys", (), ""),
    ("vendor", "members-transfer", (), ""),
]


def _exists(name):
    try:
        reverse(name)
    except NoReverseMatch:
        return False
    return True


PAGES += [page for page in OPTIONAL_PAGES if _exists(page[1])]


def page_id(page):
    role, name, keys, query = page
    suffix = "-".join(k if isinstance(k, str) else k[0] for k in keys)
    return "-".join(filter(None, [role or "anonymous", name, suffix, "facets" if query else ""]))
