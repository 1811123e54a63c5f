"""Salesforce Outbound Messages: the SOAP notification in, the acknowledgement or fault out.

A notification is a hint, not a record: anyone who can reach the endpoint can write one, and
its OrganizationId is no secret. Only the Opportunity's id is taken from it; the record is
read back through the API before anything is decided.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from xml.etree.ElementTree import Element

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

SOAP = "http://schemas.xmlsoap.org/soap/envelope/"
OUTBOUND = "http://soap.sforce.com/2005/09/outbound"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
MAX_NOTIFICATIONS = 100
# 15 or 18 characters with the Opportunity key prefix; a notification id is a plain token.
OPPORTUNITY_ID = re.compile(r"^006[A-Za-z0-9]{12}(?:[A-Za-z0-9]{3})?$")
RECORD_ID = re.compile(r"^[A-Za-z0-9]{1,40}$")

ACK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    f'<soapenv:Envelope xmlns:soapenv="{SOAP}"><soapenv:Body>'
    f'<notificationsResponse xmlns="{OUTBOUND}"><Ack>true</Ack></notificationsResponse>'
    "</soapenv:Body></soapenv:Envelope>"
)


class OutboundError(Exception):
    """The message cannot be accepted; the text is the SOAP fault's faultstring."""


@dataclass(frozen=True, slots=True)
class Notification:
    id: str
    opportunity_id: str


def fault(message: str, *, client: bool = True) -> str:
    """A SOAP fault: ``soapenv:Client`` for a message we refuse, ``Server`` for our trouble."""
    text = (
        message.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\x00", "")
    )
    code = "soapenv:Client" if client else "soapenv:Server"
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<soapenv:Envelope xmlns:soapenv="{SOAP}"><soapenv:Body><soapenv:Fault>'
        f"<faultcode>{code}</faultcode><faultstring>{text}</faultstring>"
        "</soapenv:Fault></soapenv:Body></soapenv:Envelope>"
    )


def parse(body: bytes, *, organization_id: str | None) -> list[Notification]:
    """Every notification of the message, or ``OutboundError`` before anything is stored."""
    try:
        root = ElementTree.fromstring(body)
    except (ElementTree.ParseError, DefusedXmlException, ValueError) as error:
        raise OutboundError(f"Malformed XML: {error}") from error
    notifications = root.find(f"{{{SOAP}}}Body/{{{OUTBOUND}}}notifications")
    if notifications is None:
        raise OutboundError("Not an Outbound Message: no soapenv:Body/notifications element")
    org = _text(notifications.find(f"{{{OUTBOUND}}}OrganizationId"))
    if organization_id and not _same_org(org, organization_id):
        raise OutboundError(f"OrganizationId {org} is not the configured org")
    found = notifications.findall(f"{{{OUTBOUND}}}Notification")
    if not found:
        raise OutboundError("The message holds no Notification")
    if len(found) > MAX_NOTIFICATIONS:
        raise OutboundError(f"More than {MAX_NOTIFICATIONS} notifications in one message")
    return [_notification(element) for element in found]


def _notification(element: Element) -> Notification:
    notification_id = _text(element.find(f"{{{OUTBOUND}}}Id"))
    sobject = element.find(f"{{{OUTBOUND}}}sObject")
    if not RECORD_ID.match(notification_id) or sobject is None:
        raise OutboundError("A Notification lacks a valid Id or its sObject")
    kind = (sobject.get(f"{{{XSI}}}type") or "").split(":")[-1]
    if kind != "Opportunity":
        raise OutboundError(
            f"Only Opportunity notifications are accepted, not {kind[:40] or 'unknown'}"
        )
    # The record's fields are not trusted, nor read: only which Opportunity to read back.
    ids = [field for field in sobject if field.tag.rsplit("}", 1)[-1] == "Id"]
    opportunity_id = _text(ids[0]) if ids else ""
    if not OPPORTUNITY_ID.match(opportunity_id):
        raise OutboundError("An Opportunity notification lacks a valid Opportunity Id")
    return Notification(id=notification_id, opportunity_id=opportunity_id)


def _text(element: Element | None) -> str:
    return (element.text or "").strip() if element is not None else ""


def _same_org(given: str, configured: str) -> bool:
    # 15- and 18-character forms of the same id share their first 15 characters.
    return given[:15] == configured[:15]
