"""``python app.py check``: can Handoff log in, read and write what the playbook maps?"""

from __future__ import annotations

from bot.config.playbook import Playbook
from bot.crm.adapter import CheckReport
from bot.crm.errors import CrmRejected, CrmUnavailable
from bot.crm.salesforce.client import SalesforcePort

TASK_FIELDS = ("WhatId", "OwnerId", "Subject", "ActivityDate", "Status", "Description")


def check_salesforce(salesforce: SalesforcePort, playbook: Playbook) -> CheckReport:
    report = CheckReport()
    try:
        described = {name: _fields(salesforce, name) for name in ("Opportunity", "Task", "User")}
    except (CrmRejected, CrmUnavailable) as error:
        report.bad(f"cannot log in or describe objects: {error}")
        return report
    report.good(f"logged in to {salesforce.instance_url} (API v{salesforce.api_version()})")
    opportunity = described["Opportunity"]
    mapping = playbook.salesforce
    reads = {f"salesforce.fields.{key}": name for key, name in mapping.fields.items()}
    reads |= {
        "salesforce.ae_email": mapping.ae_email,
        "salesforce.account_name": mapping.account_name,
    }
    if mapping.currency:
        reads["salesforce.currency"] = mapping.currency
    for setting, name in reads.items():
        local = name.split(".")[0] + "Id" if "." in name else name
        if local in opportunity:
            report.good(f"reads Opportunity.{name} ({setting})")
        else:
            report.bad(
                f"Opportunity has no field {local} ({setting}): create it or fix the playbook"
            )
    for setting, name in mapping.write_back.model_dump().items():
        if not name:
            continue
        if name not in opportunity:
            report.bad(f"Opportunity has no field {name} (salesforce.write_back.{setting})")
        elif not opportunity[name]["updateable"]:
            report.bad(f"Opportunity.{name} is not writable by this user (field-level security)")
        else:
            report.good(f"writes Opportunity.{name} (salesforce.write_back.{setting})")
    for name in TASK_FIELDS:
        if not described["Task"].get(name, {}).get("createable"):
            report.bad(f"cannot create Tasks with {name}: give the user Create on Task")
    if report.ok:
        report.good("can create follow-up Tasks")
    if "Email" not in described["User"]:
        report.bad("cannot read User.Email: Slack people cannot be matched to Salesforce users")
    return report


def _fields(salesforce: SalesforcePort, object_name: str) -> dict[str, dict[str, object]]:
    return {str(f["name"]): f for f in salesforce.describe(object_name)["fields"]}
