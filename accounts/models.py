import hashlib

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.files import unguessable_name

from .validators import normalize_credit_code, validate_credit_code


class User(AbstractUser):
    """A person. What they may do comes from their memberships, not from flags on the user."""

    preferred_language = models.CharField(
        _("preferred language"), max_length=10, blank=True, default=""
    )
    # Set on the one service account of an organisation: the principal its API keys act as.
    # It belongs to that organisation alone, has no password and is never staff or superuser.
    service_organization = models.OneToOneField(
        "Organization", on_delete=models.CASCADE, null=True, blank=True, default=None,
        related_name="service_account", verbose_name=_("service account of"),
    )

    class Meta(AbstractUser.Meta):
        constraints = [
            # A key's principal never carries staff or superuser power, whoever edits it.
            models.CheckConstraint(
                condition=models.Q(service_organization__isnull=True)
                | models.Q(is_staff=False, is_superuser=False),
                name="user_service_account_is_never_staff",
            ),
        ]

    @property
    def is_service_account(self):
        return self.service_organization_id is not None

    def membership_of(self, organization):
        return self.memberships.filter(organization=organization).first()


def logo_path(instance, filename):
    """A random name whose extension the caller took from the content."""
    return unguessable_name("logos", filename.rpartition(".")[2] if "." in filename else "")


class Organization(models.Model):
    class Kind(models.TextChoices):
        VENDOR = "vendor", _("Solution provider")
        ENTERPRISE = "enterprise", _("Enterprise")
        OPERATOR = "operator", _("Operator")

    class Status(models.TextChoices):
        # A stranger's organisation starts pending until operators check it; one made by the
        # operator (admin, catalog import, demo) is verified when made.
        PENDING = "pending", _("Awaiting verification")
        VERIFIED = "verified", _("Verified")
        REJECTED = "rejected", _("Rejected")

    class Size(models.TextChoices):
        MICRO = "micro", _("Micro (under 20 people)")
        SMALL = "small", _("Small (20–299 people)")
        MEDIUM = "medium", _("Medium (300–999 people)")
        LARGE = "large", _("Large (1,000 people or more)")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    name_zh = models.CharField(_("Chinese name"), max_length=200, blank=True, default="")
    region = models.CharField(_("region"), max_length=8, blank=True, default="")
    website = models.URLField(_("website"), blank=True, default="")
    description = models.TextField(_("description (English)"), blank=True, default="")
    description_zh = models.TextField(_("description (Chinese)"), blank=True, default="")
    # A public image (accounts.logos checks it by content); stored under a random name and
    # served by accounts.views.organization_logo, never from a /media/ route.
    logo = models.FileField(_("logo"), upload_to=logo_path, blank=True, default="",
                            max_length=120)
    # Region codes of the catalog's taxonomy served (checked by the form above accounts).
    service_regions = models.JSONField(_("regions served"), default=list, blank=True)
    # [{name, issuer, number, valid_until (ISO date or "")}]
    certifications = models.JSONField(_("certifications"), default=list, blank=True)
    # [{name, title, email, phone}]: shown to signed-in readers only.
    contacts = models.JSONField(_("sales contacts"), default=list, blank=True)
    credit_code = models.CharField(
        _("unified social credit code"), max_length=18, blank=True, default="",
        validators=[validate_credit_code],
    )
    external_ref = models.CharField(
        _("external reference"), max_length=100, blank=True, null=True, default=None
    )
    # An industry code of the catalog's taxonomy (checked by the form that sets it: the
    # taxonomy lives a floor above).
    industry = models.CharField(_("industry"), max_length=32, blank=True, default="")
    size = models.CharField(_("size"), max_length=16, blank=True, default="",
                            choices=Size.choices)
    status = models.CharField(_("verification"), max_length=16, choices=Status.choices,
                              default=Status.PENDING, db_index=True)
    status_reason = models.TextField(_("reason"), blank=True, default="")
    status_changed_at = models.DateTimeField(_("verification decided at"), null=True,
                                             blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "external_ref"], name="organization_unique_external_ref_per_kind"
            ),
            # One organisation of a kind per legal entity (a company may be both a vendor and
            # an enterprise); clean() says so in words before the database has to.
            models.UniqueConstraint(
                fields=["kind", "credit_code"], condition=~models.Q(credit_code=""),
                name="organization_unique_credit_code_per_kind",
            ),
        ]

    def __str__(self):
        return self.display_name

    def clean_fields(self, exclude=None):
        self.credit_code = normalize_credit_code(self.credit_code)
        super().clean_fields(exclude=exclude)

    def clean(self):
        super().clean()
        if self.credit_code and Organization.objects.filter(
            kind=self.kind, credit_code=self.credit_code
        ).exclude(pk=self.pk).exists():
            raise ValidationError({"credit_code": _(
                "Another organisation of this kind is already registered with this unified "
                "social credit code. If it is yours, ask its administrator to invite you."
            )})

    @property
    def display_name(self):
        if self.name_zh and (get_language() or "").startswith("zh"):
            return self.name_zh
        return self.name or self.name_zh

    @property
    def logo_token(self):
        """The random part of the stored logo's name: its public address changes with it, so
        the address can be cached for good."""
        return self.logo.name.rpartition("/")[2].partition(".")[0] if self.logo else ""

    @property
    def description_in_reader_language(self):
        if (get_language() or "").startswith("zh"):
            return self.description_zh or self.description
        return self.description or self.description_zh

    @property
    def is_vendor(self):
        return self.kind == self.Kind.VENDOR

    @property
    def is_enterprise(self):
        return self.kind == self.Kind.ENTERPRISE

    @property
    def is_operator(self):
        return self.kind == self.Kind.OPERATOR

    @property
    def is_verified(self):
        return self.status == self.Status.VERIFIED

    @property
    def status_tone(self):
        """The colour of the verification's chip (components/status_chip.html)."""
        return {self.Status.PENDING: "warning", self.Status.VERIFIED: "success",
                self.Status.REJECTED: "danger"}.get(self.status, "neutral")


class Membership(models.Model):
    class Role(models.TextChoices):
        OWNER = "owner", _("Owner")
        ADMIN = "admin", _("Admin")
        MEMBER = "member", _("Member")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.MEMBER)
    # Only meaningful in an operator organisation: this person works the review queue.
    is_reviewer = models.BooleanField(_("reviewer"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization"], name="membership_unique_user_org"
            ),
        ]

    def __str__(self):
        return f"{self.user} @ {self.organization} ({self.role})"

    @property
    def is_admin(self):
        return self.role in {self.Role.OWNER, self.Role.ADMIN}

    def clean(self):
        # A key's principal belongs to its own organisation alone (an admin adding it
        # elsewhere would hand that organisation's data to the key).
        account_of = getattr(self.user, "service_organization_id", None) if self.user_id else None
        if account_of is not None and account_of != self.organization_id:
            raise ValidationError({"user": _("A service account belongs to its own "
                                             "organisation only.")})


class APIKey(models.Model):
    """A partner's key. Only a hash is stored; the prefix lets people tell keys apart."""

    PREFIX_LENGTH = 8

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="api_keys"
    )
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=PREFIX_LENGTH, unique=True)
    hashed_key = models.CharField(max_length=64, unique=True)
    scopes = models.JSONField(default=list, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API key")

    def __str__(self):
        return f"{self.prefix}… ({self.name})"

    @staticmethod
    def hash(raw_key):
        return hashlib.sha256(raw_key.encode()).hexdigest()

    @property
    def is_active(self):
        now = timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)

    def has_scope(self, scope):
        return scope in self.scopes

    @property
    def throttle_ident(self):
        """What the API's throttle counts this key's requests under: each key has a budget
        of its own, apart from its organisation's other keys (core/api/throttling.py)."""
        return self.pk


class APIKeyEvent(models.Model):
    """Append-only audit of a key's creation and revocation: who did it (a person or
    another key of the organisation), with which scopes, from where."""

    class Action(models.TextChoices):
        CREATED = "created", _("created")
        REVOKED = "revoked", _("revoked")

    key = models.ForeignKey(APIKey, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    actor = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_key = models.ForeignKey(
        APIKey, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    scopes = models.JSONField(default=list, blank=True)
    address = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("API key event")

    def __str__(self):
        return f"{self.key} {self.action} at {self.at:%Y-%m-%d %H:%M}"


class Invitation(models.Model):
    """An organisation's invitation to one email address. The link carries a random token;
    only its hash is stored (like an API key's), so the table gives no working link away.
    Open until accepted, declined, revoked or past `expires_at`."""

    class Role(models.TextChoices):
        # Never owner: ownership is handed over to a member (transfer), never by email.
        ADMIN = "admin", _("Admin")
        MEMBER = "member", _("Member")

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("email"))
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.MEMBER)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    declined_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("invitation")
        constraints = [
            # One open invitation per address and organisation (an expired one is closed
            # by revoking it before a new one is made).
            models.UniqueConstraint(
                fields=["organization", "email"],
                condition=models.Q(accepted_at=None, declined_at=None, revoked_at=None),
                name="invitation_one_open_per_email",
            ),
        ]

    def __str__(self):
        return f"{self.email} → {self.organization} ({self.role})"

    @staticmethod
    def hash(raw_token):
        return hashlib.sha256(raw_token.encode()).hexdigest()

    @property
    def is_closed(self):
        """Accepted, declined or revoked: nothing more can happen to it."""
        return bool(self.accepted_at or self.declined_at or self.revoked_at)

    @property
    def is_expired(self):
        return not self.is_closed and self.expires_at <= timezone.now()

    @property
    def is_pending(self):
        return not self.is_closed and not self.is_expired

    @property
    def state(self):
        if self.accepted_at:
            return "accepted"
        if self.declined_at:
            return "declined"
        if self.revoked_at:
            return "revoked"
        return "expired" if self.is_expired else "pending"
