"""``python app.py check`` for HubSpot, and ``setup-hubspot`` (``check --fix``), which creates
the property group and the write-back properties that are missing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from bot.config.hubspot_mapping import HubSpotMapping
from bot.crm.adapter import CheckReport
from bot.crm.errors import CrmRejected, CrmUnavailable
from bot.crm.hubspot.client import FieldType, PropertyType
from bot.crm.hubspot.records import Owner, Pipeline, PropertyInfo, TokenInfo
from bot.crm.tasks import STATUS_LABELS

SCOPES = {
    "crm.objects.deals.read": "read deals (search, read-back, pipelines)",
    "crm.objects.deals.write": "write the handoff back onto deals",
    "crm.objects.companies.read": "read each deal's company name",
    "crm.objects.owners.read": "match deal owners and CSMs by email",
    "crm.objects.contacts.write": "create tasks and notes (HubSpot files them under contacts)",
    "crm.schemas.deals.read": "check the mapped deal properties",
}
SETUP_SCOPE = "crm.schemas.deals.write"  # only `setup-hubspot` needs it


@dataclass(frozen=True)
class Spec:
    """A write-back property as setup-hubspot creates it, and the types check accepts."""

    label: str
    type: PropertyType
    field_type: FieldType
    accepts: frozenset[str]
    options: tuple[tuple[str, str], ...] = ()


SPECS = {
    "status": Spec(
        "Handoff status",
        "enumeration",
        "select",
        frozenset({"string", "enumeration"}),
        tuple((label, label) for label in STATUS_LABELS.values()),
    ),
    "owner": Spec("Handoff owner (CSM)", "string", "text", frozenset({"string", "enumeration"})),
    "ready": Spec(
        "Handoff ready",
        "bool",
        "booleancheckbox",
        frozenset({"bool", "enumeration"}),
        (("true", "Yes"), ("false", "No")),
    ),
    "ready_at": Spec("Handoff ready at", "datetime", "date", frozenset({"datetime", "date"})),
    "slack_link": Spec("Handoff in Slack", "string", "text", frozenset({"string"})),
}


class SchemaClient(Protocol):
    def token_info(self) -> TokenInfo: ...

    def deal_pipelines(self) -> list[Pipeline]: ...

    def deal_properties(self) -> dict[str, PropertyInfo]: ...

    def owner_by_email(self, email: str) -> Owner | None: ...

    def create_property_group(self, *, name: str, label: str, exist_ok: bool = False) -> None: ...

    def create_deal_property(
        self,
        *,
        name: str,
        label: str,
        type: PropertyType,
        field_type: FieldType,
        group: str,
        options: list[tuple[str, str]] | None = None,
        exist_ok: bool = False,
    ) -> None: ...


def check_hubspot(
    hubspot: SchemaClient, mapping: HubSpotMapping, *, portal_id: int | None, webhooks: bool
) -> CheckReport:
    report = CheckReport()
    try:
        token = hubspot.token_info()
        _token(report, token, portal_id)
        if not report.ok:
            return report
        _stages(report, mapping, hubspot.deal_pipelines())
        _properties(report, mapping, hubspot.deal_properties())
        _task_owner(report, mapping, hubspot)
    except (CrmRejected, CrmUnavailable) as error:
        report.bad(f"HubSpot answered: {error}")
        return report
    if webhooks:
        report.good("webhooks: subscribe your app to POST https://<your host>/crm/hubspot/webhooks")
    else:
        report.note("no HUBSPOT_CLIENT_SECRET: webhooks are off, the poll alone finds deals")
    return report


def setup_hubspot(hubspot: SchemaClient, mapping: HubSpotMapping) -> CheckReport:
    """Create the property group and every write-back property that is missing."""
    report = CheckReport()
    wanted = {k: v for k, v in mapping.write_back.model_dump().items() if v}
    if not wanted:
        report.note("hubspot.write_back names no property: nothing to create")
        return report
    try:
        existing = hubspot.deal_properties()
        missing = {key: name for key, name in wanted.items() if name not in existing}
        if missing:
            group = mapping.property_group
            hubspot.create_property_group(name=group, label="Handoff", exist_ok=True)
            report.good(f"property group {group} is there")
        for key, name in missing.items():
            spec = SPECS[key]
            hubspot.create_deal_property(
                name=name,
                label=spec.label,
                type=spec.type,
                field_type=spec.field_type,
                group=mapping.property_group,
                options=list(spec.options) or None,
                exist_ok=True,
            )
            report.good(f"created the deal property {name} ({spec.label}, {spec.type})")
        for key, name in wanted.items():
            if key not in missing:
                report.good(f"deal property {name} exists (hubspot.write_back.{key})")
    except (CrmRejected, CrmUnavailable) as error:
        report.bad(f"cannot create deal properties: {error} (the app needs {SETUP_SCOPE})")
    return report


def _token(report: CheckReport, token: TokenInfo, portal_id: int | None) -> None:
    report.good(f"the access token works (portal {token.hub_id})")
    if portal_id is not None and token.hub_id is not None and token.hub_id != portal_id:
        report.bad(
            f"HUBSPOT_PORTAL_ID is {portal_id} but the token belongs to portal {token.hub_id}: "
            "webhooks from the token's portal would be refused"
        )
    for scope, why in SCOPES.items():
        if scope not in token.scopes:
            report.bad(f"the private app lacks the scope {scope}: needed to {why}")
    if report.ok:
        report.good("the private app has every scope Handoff needs")
    if SETUP_SCOPE not in token.scopes:
        report.note(f"without {SETUP_SCOPE}, setup-hubspot cannot create properties for you")


def _stages(report: CheckReport, mapping: HubSpotMapping, pipelines: list[Pipeline]) -> None:
    by_id = {pipeline.id: pipeline for pipeline in pipelines}
    for pipeline_id, groups in mapping.pipelines.items():
        pipeline = by_id.get(pipeline_id)
        if pipeline is None:
            known = ", ".join(f"{p.id} ({p.label})" for p in pipelines) or "none"
            report.bad(f"pipeline {pipeline_id!r} does not exist; deal pipelines: {known}")
            continue
        labels = {stage.id: stage.label for stage in pipeline.stages}
        for group in ("closing", "pre_close", "lost"):
            for stage in getattr(groups, group):
                where = f"hubspot.pipelines.{pipeline_id}.{group}"
                if stage in labels:
                    report.good(f"{where}: {stage} ({labels[stage]}) in {pipeline.label}")
                else:
                    stages = ", ".join(f"{s} ({label})" for s, label in labels.items())
                    report.bad(
                        f"{where}: no stage {stage!r} in {pipeline.label}; its stages: {stages}"
                    )


def _properties(
    report: CheckReport, mapping: HubSpotMapping, existing: dict[str, PropertyInfo]
) -> None:
    reads = {f"hubspot.fields.{key}": name for key, name in mapping.fields.items()}
    if mapping.currency:
        reads["hubspot.currency"] = mapping.currency
    for setting, name in reads.items():
        if name in existing:
            report.good(f"reads deal property {name} ({setting})")
        else:
            report.bad(
                f"deals have no property {name!r} ({setting}): create it or fix the playbook"
            )
    for key, name in mapping.write_back.model_dump().items():
        if not name:
            continue
        setting, spec, info = f"hubspot.write_back.{key}", SPECS[key], existing.get(name)
        if info is None:
            report.bad(
                f"deals have no property {name!r} ({setting}): run `python app.py setup-hubspot`"
            )
        elif not info.modifiable:
            report.bad(f"deal property {name} ({setting}) is read-only in HubSpot")
        elif info.type not in spec.accepts:
            report.bad(
                f"deal property {name} ({setting}) is of type {info.type}; Handoff writes "
                f"{' or '.join(sorted(spec.accepts))}"
            )
        elif _missing_options(key, info):
            missing = ", ".join(_missing_options(key, info))
            report.bad(f"deal property {name} ({setting}) lacks the dropdown options {missing}")
        else:
            report.good(f"writes deal property {name} ({setting})")


def _missing_options(key: str, info: PropertyInfo) -> list[str]:
    if info.type != "enumeration" or (key == "owner" and info.owner_reference):
        return []
    wanted = [value for value, _ in SPECS[key].options]
    return [value for value in wanted if value not in info.options]


def _task_owner(report: CheckReport, mapping: HubSpotMapping, hubspot: SchemaClient) -> None:
    if mapping.task_owner is None:
        report.note(
            "tasks are owned by the CSM's HubSpot user (matched by email); set "
            "hubspot.task_owner for CSMs who are not HubSpot users"
        )
        return
    owner = hubspot.owner_by_email(mapping.task_owner)
    if owner is None:
        report.bad(
            f"no HubSpot user has the email {mapping.task_owner} (hubspot.task_owner): "
            "tasks could not be assigned to them"
        )
    else:
        report.good(f"tasks fall back to {mapping.task_owner} (HubSpot owner {owner.id})")
