"""The record: people, incidents (with summons details), evidence metadata.

Models are pydantic v2, strict, frozen, with unknown fields forbidden and inputs hidden from
error texts. Strict means Python callers pass real types (enums, :class:`FuzzyDate`); stored
records are read back with ``Model.model_validate_json``. Change a record with :func:`replace`
(it re-validates; ``model_copy(update=...)`` would not).

Text is normalised to NFC; one-line fields are stripped and may not contain control
characters; lengths count characters after normalisation, against the limits below. Text that
is not valid Unicode (lone surrogates, e.g. from an undecodable command-line argument) is
refused.

Failed validation raises pydantic's ``ValidationError``; :func:`validation_to_error` turns it
into an :class:`InvalidInput` naming the field and an untranslated reason, never the value.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Mapping
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, TypeVar

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    NaiveDatetime,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from defender_desk.domain import taxonomy
from defender_desk.domain.dates import (
    PYDANTIC_ERROR,
    R_ORDER,
    FuzzyDate,
    pydantic_error,
    span_overlaps,
)
from defender_desk.domain.identifiers import (
    IdentifierKind,
    alias_key,
    identifier_key,
    phone_problem,
)
from defender_desk.errors import N_, InvalidInput

__all__ = [
    "CHANNEL_LABELS",
    "FOLLOW_UP_LABELS",
    "IDENTIFIER_LABELS",
    "INSTITUTION_LABELS",
    "NAME_MAX",
    "PLACE_MAX",
    "RELATION_LABELS",
    "ROLE_LABELS",
    "SHORT_TEXT_MAX",
    "STATUS_LABELS",
    "TAGS_MAX",
    "TAG_MAX",
    "TEXT_MAX",
    "TITLE_MAX",
    "Channel",
    "Evidence",
    "FollowUp",
    "FollowUpKind",
    "Identifier",
    "IdentifierKind",
    "Incident",
    "InstitutionKind",
    "Person",
    "PersonRole",
    "Relation",
    "Summons",
    "SummonsStatus",
    "canonical_json",
    "enum_label",
    "replace",
    "validation_to_error",
]

# Limits, in characters after NFC normalisation.
TITLE_MAX = 200  # incident title
TEXT_MAX = 100_000  # description, notes
NAME_MAX = 200  # a person's name or alias
PLACE_MAX = 500
SHORT_TEXT_MAX = 2_000  # who summoned, legal basis, follow-up text
TAG_MAX = 64  # one tag
TAGS_MAX = 100  # tags on one incident
IDS_MAX = 1_000  # people listed in one role on one incident
FOLLOW_UPS_MAX = 1_000
FILE_NAME_MAX = 1_024  # an evidence file's original name
ID_MAX = 64
ALIASES_MAX = 100  # aliases of one person
IDENTIFIERS_MAX = 100  # identifiers of one person (phones, badges, plates)
ERDR_MIN_DIGITS, ERDR_MAX_DIGITS = 12, 20  # ЕРДР numbers are 15 digits; checked loosely

R_EMPTY = N_("must not be empty")
R_TOO_LONG = N_("too long")
R_TOO_MANY = N_("too many entries")
R_CONTROL = N_("must be a single line without control characters")
R_NOT_TEXT = N_("is not valid text (not UTF-8)")
R_FORMAT = N_("wrong format")
R_ERDR = N_("a pre-trial investigation number (ЕРДР) has 12 to 20 digits")
R_UNKNOWN_CATEGORY = N_("unknown category code")
R_SUMMONS = N_("summons details belong only to a summons or an invitation to a conversation")
R_RELATION = N_("a relation is given only for family")
R_INSTITUTION = N_("an institution kind is given only for an actor")
R_PHONE = N_("not a phone number")


# -- text fields ---------------------------------------------------------------------------


def _text_checker(limit: int, *, one_line: bool, required: bool) -> Callable[[str], str]:
    def check(value: str) -> str:
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise pydantic_error(R_NOT_TEXT) from None
        value = unicodedata.normalize("NFC", value)
        if one_line:
            value = value.strip()
            if any(unicodedata.category(ch) == "Cc" for ch in value):
                raise pydantic_error(R_CONTROL)
        if required and not value.strip():
            raise pydantic_error(R_EMPTY)
        if len(value) > limit:
            raise pydantic_error(R_TOO_LONG, limit=limit)
        return value

    return check


def _text(limit: int, *, one_line: bool = True, required: bool = False) -> AfterValidator:
    return AfterValidator(_text_checker(limit, one_line=one_line, required=required))


Title = Annotated[str, _text(TITLE_MAX, required=True)]
Name = Annotated[str, _text(NAME_MAX, required=True)]
FileName = Annotated[str, _text(FILE_NAME_MAX, required=True)]
Place = Annotated[str, _text(PLACE_MAX)]
ShortText = Annotated[str, _text(SHORT_TEXT_MAX)]
LongText = Annotated[str, _text(TEXT_MAX, one_line=False)]
RecordId = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]*$", max_length=ID_MAX)]


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))


def _ids(values: list[str]) -> list[str]:
    if len(values) > IDS_MAX:
        raise pydantic_error(R_TOO_MANY, limit=IDS_MAX)
    return _unique(values)


IdList = Annotated[list[RecordId], AfterValidator(_ids)]

# -- enums and their labels ----------------------------------------------------------------


class Relation(StrEnum):
    """A family member's relation to her ("herself" is ``Incident.targets_self``).

    The specific relations say what Russian and Kazakh say (дочь / қызы, муж / күйеуі…); the
    neutral ones (spouse, child, parent, sibling) stay valid, so records made before the
    specific ones existed keep their exact bytes (the history chain hashes them)."""

    DAUGHTER = "daughter"
    SON = "son"
    WIFE = "wife"
    HUSBAND = "husband"
    MOTHER = "mother"
    FATHER = "father"
    SISTER = "sister"
    BROTHER = "brother"
    SPOUSE = "spouse"
    CHILD = "child"
    PARENT = "parent"
    SIBLING = "sibling"
    OTHER = "other"


class PersonRole(StrEnum):
    FAMILY = "family"
    ACTOR = "actor"
    WITNESS = "witness"
    LAWYER = "lawyer"
    COLLEAGUE = "colleague"


class InstitutionKind(StrEnum):
    LOCAL_ADMINISTRATION = "local_administration"
    POLICE = "police"
    PROSECUTOR = "prosecutor"
    COURT = "court"
    BAILIFF = "bailiff"
    BANK = "bank"
    COLLECTION_AGENCY = "collection_agency"
    EMPLOYER = "employer"
    SECURITY_SERVICE = "security_service"
    UNKNOWN = "unknown"


class Channel(StrEnum):
    IN_PERSON = "in_person"
    PHONE_CALL = "phone_call"
    SMS = "sms"
    MESSENGER = "messenger"
    SOCIAL_MEDIA = "social_media"
    THIRD_PARTY = "third_party"
    VIA_CREDITOR = "via_creditor"
    SUMMONS_LETTER = "summons_letter"


class SummonsStatus(StrEnum):
    """Her procedural status as the summons states it."""

    WITNESS = "witness"
    SUSPECT = "suspect"
    NONE_STATED = "none_stated"


class FollowUpKind(StrEnum):
    COMPLAINT_FILED = "complaint_filed"
    LAWYER_TOLD = "lawyer_told"
    MEDICAL_HELP = "medical_help"
    POLICE_REPORT = "police_report"
    OTHER = "other"


RELATION_LABELS: Mapping[Relation, str] = {
    Relation.DAUGHTER: N_("Daughter"),
    Relation.SON: N_("Son"),
    Relation.WIFE: N_("Wife"),
    Relation.HUSBAND: N_("Husband"),
    Relation.MOTHER: N_("Mother"),
    Relation.FATHER: N_("Father"),
    Relation.SISTER: N_("Sister"),
    Relation.BROTHER: N_("Brother"),
    Relation.SPOUSE: N_("Spouse"),
    Relation.CHILD: N_("Child"),
    Relation.PARENT: N_("Parent"),
    Relation.SIBLING: N_("Brother or sister"),
    Relation.OTHER: N_("Other relative"),
}
ROLE_LABELS: Mapping[PersonRole, str] = {
    PersonRole.FAMILY: N_("Family"),
    PersonRole.ACTOR: N_("Actor (who did it)"),
    PersonRole.WITNESS: N_("Witness"),
    PersonRole.LAWYER: N_("Lawyer"),
    PersonRole.COLLEAGUE: N_("Colleague"),
}
INSTITUTION_LABELS: Mapping[InstitutionKind, str] = {
    InstitutionKind.LOCAL_ADMINISTRATION: N_("Local administration (akimat)"),
    InstitutionKind.POLICE: N_("Police"),
    InstitutionKind.PROSECUTOR: N_("Prosecutor's office"),
    InstitutionKind.COURT: N_("Court"),
    InstitutionKind.BAILIFF: N_("Bailiff"),
    InstitutionKind.BANK: N_("Bank"),
    InstitutionKind.COLLECTION_AGENCY: N_("Collection agency"),
    InstitutionKind.EMPLOYER: N_("Employer"),
    InstitutionKind.SECURITY_SERVICE: N_("Security service"),
    InstitutionKind.UNKNOWN: N_("Unknown"),
}
CHANNEL_LABELS: Mapping[Channel, str] = {
    Channel.IN_PERSON: N_("In person"),
    Channel.PHONE_CALL: N_("Phone call"),
    Channel.SMS: N_("SMS"),
    Channel.MESSENGER: N_("Messenger"),
    Channel.SOCIAL_MEDIA: N_("Social media"),
    Channel.THIRD_PARTY: N_("Through a third party"),
    Channel.VIA_CREDITOR: N_("Through a creditor"),
    Channel.SUMMONS_LETTER: N_("Official summons letter"),
}
STATUS_LABELS: Mapping[SummonsStatus, str] = {
    SummonsStatus.WITNESS: N_("Witness"),
    SummonsStatus.SUSPECT: N_("Suspect"),
    SummonsStatus.NONE_STATED: N_("Not stated"),
}
FOLLOW_UP_LABELS: Mapping[FollowUpKind, str] = {
    FollowUpKind.COMPLAINT_FILED: N_("Complaint filed"),
    FollowUpKind.LAWYER_TOLD: N_("Lawyer told"),
    FollowUpKind.MEDICAL_HELP: N_("Medical help"),
    FollowUpKind.POLICE_REPORT: N_("Reported to the police"),
    FollowUpKind.OTHER: N_("Other"),
}
IDENTIFIER_LABELS: Mapping[IdentifierKind, str] = {
    IdentifierKind.PHONE: N_("Phone number"),
    IdentifierKind.BADGE: N_("Badge number"),
    IdentifierKind.PLATE: N_("Car plate"),
    IdentifierKind.OTHER: N_("Other identifier"),
}
_LABELS: dict[type[StrEnum], Mapping[Any, str]] = {
    Relation: RELATION_LABELS,
    PersonRole: ROLE_LABELS,
    InstitutionKind: INSTITUTION_LABELS,
    Channel: CHANNEL_LABELS,
    SummonsStatus: STATUS_LABELS,
    FollowUpKind: FOLLOW_UP_LABELS,
    IdentifierKind: IDENTIFIER_LABELS,
}


def enum_label(value: StrEnum) -> str:
    """The untranslated English label of an enum member; translate it with ``_()``."""
    return _LABELS[type(value)][value]


# -- models --------------------------------------------------------------------------------


class Identifier(BaseModel):
    """A phone number, badge number or car plate, as she wrote it. Matching uses
    :meth:`key` (see :mod:`defender_desk.domain.identifiers`), never the stored text."""

    model_config = ConfigDict(strict=True, extra="forbid", hide_input_in_errors=True, frozen=True)

    kind: IdentifierKind
    value: Annotated[str, _text(SHORT_TEXT_MAX, required=True)]

    @model_validator(mode="after")
    def _phone(self) -> Identifier:
        if self.kind is IdentifierKind.PHONE and phone_problem(self.value):
            raise pydantic_error(R_PHONE, field="value")
        return self

    def key(self) -> str:
        return identifier_key(self.kind, self.value)


def _aliases(values: list[str]) -> list[str]:
    out: dict[str, str] = {}
    for value in values:
        out.setdefault(alias_key(value), value)  # first spelling wins
    if len(out) > ALIASES_MAX:
        raise pydantic_error(R_TOO_MANY, limit=ALIASES_MAX)
    return list(out.values())


def _identifiers(values: list[Identifier]) -> list[Identifier]:
    out: dict[tuple[str, str], Identifier] = {}
    for value in values:
        out.setdefault((value.kind.value, value.key()), value)  # first spelling wins
    if len(out) > IDENTIFIERS_MAX:
        raise pydantic_error(R_TOO_MANY, limit=IDENTIFIERS_MAX)
    return list(out.values())


class Person(BaseModel):
    """Someone in her records. ``relation`` only for family, ``institution`` only for an
    actor (an actor may be an institution alone: name "РОВД", institution police).

    ``aliases`` are other names she knows the person by and ``identifiers`` the phone numbers,
    badge numbers and car plates tied to them (meant for actors; allowed for anyone). Both are
    deduplicated by their matching keys, first spelling kept. Renaming a person (identifying
    "Неизвестный") is an edit: a new revision in the history chain, the earlier ones keep the
    name she knew then."""

    model_config = ConfigDict(strict=True, extra="forbid", hide_input_in_errors=True, frozen=True)

    id: RecordId
    name: Name
    role: PersonRole
    relation: Relation | None = None
    institution: InstitutionKind | None = None
    notes: LongText = ""
    aliases: Annotated[list[Name], AfterValidator(_aliases)] = Field(default_factory=list)
    identifiers: Annotated[list[Identifier], AfterValidator(_identifiers)] = Field(
        default_factory=list
    )

    @model_validator(mode="after")
    def _role_fields(self) -> Person:
        if self.relation is not None and self.role is not PersonRole.FAMILY:
            raise pydantic_error(R_RELATION, field="relation")
        if self.institution is not None and self.role is not PersonRole.ACTOR:
            raise pydantic_error(R_INSTITUTION, field="institution")
        return self


class Summons(BaseModel):
    """Details of a formal summons (повестка) or an invitation to a "conversation"."""

    model_config = ConfigDict(strict=True, extra="forbid", hide_input_in_errors=True, frozen=True)

    who_summoned: ShortText = ""
    legal_basis: ShortText = ""
    #: Her procedural status as the summons states it. ``None`` = not given (nothing is
    #: assumed, and the report prints nothing); ``none_stated`` = the summons states none.
    status: SummonsStatus | None = None
    erdr_number: str | None = None
    appointed: FuzzyDate | None = None  # when she was told to come
    place: Place = ""
    lawyer_present: bool | None = None
    letter_evidence_id: RecordId | None = None

    @field_validator("erdr_number")
    @classmethod
    def _erdr(cls, value: str | None) -> str | None:
        """Spaces and hyphens are dropped; then 12 to 20 ASCII digits."""
        if value is None:
            return None
        digits = re.sub(r"[\s-]", "", value)
        if not re.fullmatch(rf"[0-9]{{{ERDR_MIN_DIGITS},{ERDR_MAX_DIGITS}}}", digits):
            raise pydantic_error(R_ERDR)
        return digits


class FollowUp(BaseModel):
    """Something done about an incident (complaint filed, lawyer told…), with free text."""

    model_config = ConfigDict(strict=True, extra="forbid", hide_input_in_errors=True, frozen=True)

    kind: FollowUpKind
    text: ShortText = ""
    when: FuzzyDate | None = None


def _tags(values: list[str]) -> list[str]:
    check = _text_checker(TAG_MAX, one_line=True, required=True)
    out: dict[str, str] = {}
    for index, raw in enumerate(values):
        try:
            tag = check(raw)
        except PydanticCustomError as exc:
            ctx = dict(exc.context or {})
            raise pydantic_error(str(ctx.pop("reason")), field=str(index), **ctx) from None
        out.setdefault(tag.casefold(), tag)  # first spelling wins
    if len(out) > TAGS_MAX:
        raise pydantic_error(R_TOO_MANY, limit=TAGS_MAX)
    return list(out.values())


class Incident(BaseModel):
    """What happened. ``category`` is a taxonomy code (stored canonical); ``until`` may not
    be certainly before ``happened``; ``summons`` only on a summons kind of category.

    ``target_ids``/``actor_ids``/``witness_ids`` name :class:`Person` ids (their existence is
    the repository's to check); duplicates are dropped, order kept. Tags are stripped, NFC,
    at most :data:`TAG_MAX` characters each, deduplicated ignoring case (first spelling kept).
    """

    model_config = ConfigDict(strict=True, extra="forbid", hide_input_in_errors=True, frozen=True)

    id: RecordId
    category: str
    title: Title
    description: LongText = ""
    happened: FuzzyDate
    until: FuzzyDate | None = None
    place: Place = ""
    targets_self: bool = False
    target_ids: IdList = Field(default_factory=list)
    actor_ids: IdList = Field(default_factory=list)
    witness_ids: IdList = Field(default_factory=list)
    channel: Channel | None = None
    severity: Annotated[int, Field(ge=1, le=5)] | None = None
    follow_ups: Annotated[list[FollowUp], Field(max_length=FOLLOW_UPS_MAX)] = Field(
        default_factory=list
    )
    tags: Annotated[list[str], AfterValidator(_tags)] = Field(default_factory=list)
    summons: Summons | None = None

    @field_validator("category")
    @classmethod
    def _category(cls, value: str) -> str:
        try:
            return taxonomy.get(value).code
        except taxonomy.UnknownCategory:
            raise pydantic_error(R_UNKNOWN_CATEGORY) from None

    @model_validator(mode="after")
    def _consistent(self) -> Incident:
        if self.until is not None and self.until.ends_before(self.happened):
            raise pydantic_error(R_ORDER, field="until")
        if self.summons is not None and not taxonomy.is_summons(self.category):
            raise pydantic_error(R_SUMMONS, field="summons")
        return self

    def overlaps(
        self, range_from: datetime | FuzzyDate | None, range_until: datetime | FuzzyDate | None
    ) -> bool:
        """True if ``happened``…``until`` may fall within the filter range (see dates)."""
        return span_overlaps(self.happened, self.until, range_from, range_until)

    def sort_key(self) -> tuple[datetime, int, datetime, str, str]:
        """``happened``'s sort key (see dates), ties broken by id."""
        return (*self.happened.sort_key(), self.id)


def _sha256(value: str) -> str:
    value = value.lower()
    if not re.fullmatch(r"[0-9a-f]{64}", value):
        raise pydantic_error(R_FORMAT)
    return value


def _media_type(value: str) -> str:
    value = value.strip().lower()
    if not re.fullmatch(r"[a-z0-9][a-z0-9!#$&^_.+-]*/[a-z0-9][a-z0-9!#$&^_.+-]*", value):
        raise pydantic_error(R_FORMAT)
    return value


class Evidence(BaseModel):
    """Metadata of one evidence file (the content is stored encrypted under ``object_name``).

    ``sha256`` is of the plaintext, lower-case hex. ``file_time`` is the file's own time and
    ``added_at`` the import time (both time-zone aware); ``camera_time`` is the camera's
    naive local time, if the file has one. ``object_name`` is a relative path of ASCII
    letters, digits, ``_`` and ``-`` segments (no ``..``, no original name).
    """

    model_config = ConfigDict(strict=True, extra="forbid", hide_input_in_errors=True, frozen=True)

    id: RecordId
    incident_id: RecordId | None = None
    #: the display form of the file's name (see :mod:`defender_desk.filenames`)
    original_name: FileName
    #: base64 of the exact bytes of the name, when the display form does not give them back
    original_name_bytes: Annotated[str, Field(max_length=4096)] | None = None
    media_type: Annotated[str, AfterValidator(_media_type)]
    size: Annotated[int, Field(ge=0)]
    sha256: Annotated[str, AfterValidator(_sha256)]
    file_time: AwareDatetime | None = None
    camera_time: NaiveDatetime | None = None
    added_at: AwareDatetime
    object_name: Annotated[
        str, Field(pattern=r"^[A-Za-z0-9_-]+(?:/[A-Za-z0-9_-]+)*$", max_length=200)
    ]

    def portable_name(self) -> str:
        """The name to give this file on someone else's disk (valid on Windows, macOS and
        Linux; see :func:`defender_desk.filenames.portable_name`)."""
        from defender_desk.filenames import portable_name

        return portable_name(self.original_name)


# -- helpers -------------------------------------------------------------------------------

M = TypeVar("M", bound=BaseModel)


def replace(model: M, **changes: Any) -> M:
    """A copy of ``model`` with ``changes``, validated like a new one."""
    return type(model).model_validate({**dict(model), **changes})


def canonical_json(model: BaseModel) -> bytes:
    """The model as canonical JSON: UTF-8, keys sorted, no whitespace, non-ASCII kept, every
    field present (defaults too). The history chain hashes these bytes — hash what was
    written, do not recompute from a record re-read by a later version of this module."""
    data = model.model_dump(mode="json")
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


_REASONS: dict[str, str] = {
    "missing": N_("required"),
    "extra_forbidden": N_("unknown field"),
    "string_too_long": R_TOO_LONG,
    "too_long": R_TOO_MANY,
    "string_too_short": R_EMPTY,
    "string_pattern_mismatch": R_FORMAT,
    "greater_than_equal": N_("out of range"),
    "less_than_equal": N_("out of range"),
    "enum": N_("not one of the allowed values"),
    "frozen_instance": N_("cannot be changed"),
}


def validation_to_error(exc: ValidationError) -> InvalidInput:
    """The first problem in ``exc`` as ``InvalidInput(field=..., reason=...)``.

    ``field`` is the dotted location (``tags.2``, ``summons.erdr_number``, or the field a
    cross-field check names, e.g. ``until``); ``reason`` is an untranslated ``N_`` message;
    ``limit`` is added for length limits; ``count`` is the number of problems. No input value
    is ever copied.
    """
    errors = exc.errors(include_url=False, include_input=False, include_context=True)
    first = errors[0]
    ctx = first.get("ctx") or {}
    loc = [str(part) for part in first["loc"]]
    if first["type"] == PYDANTIC_ERROR:
        reason = str(ctx.get("reason", N_("not valid")))
        if "field" in ctx:
            loc.append(str(ctx["field"]))
    else:
        kind = first["type"]
        reason = _REASONS.get(kind) or (
            N_("wrong type") if kind.endswith("_type") else N_("not valid")
        )
    fields: dict[str, Any] = {"field": ".".join(loc) or "-", "reason": reason}
    limit = ctx.get("limit", ctx.get("max_length"))
    if isinstance(limit, int):
        fields["limit"] = limit
    fields["count"] = len(errors)
    return InvalidInput(**fields)
