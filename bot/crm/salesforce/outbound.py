"""Salesforce Outbound Messages: the SOAP notification in, the acknowledgement or fault out."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from xml.etree.ElementTree import Element

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

SOAP = "http://schemas.xmlsoap.org/soap/envelope/"
OUTBOUND = "http://soap.sforce.com/2005/09/outbound"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
MAX_NOTIFICATIONS = 100

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
    record: dict[str, Any]


def fault(message: str) -> str:
    text = message.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<soapenv:Envelope xmlns:soapenv="{SOAP}"><soapenv:Body><soapenv:Fault>'
        f"<faultcode>soapenv:Client</faultcode><faultstring>{text}</faultstring>"
        "</soapenv:Fault></soapenv:Body></soapenv:Envelope>"
    )


def parse(body: bytes, *, organization_id: str | None) -> list[Notification]:
    """Every notification of the message, or ``OutboundError`` before anything is stored."""
    try:
        root = ElementTree.fromstring(body)
    except (ElementTree.ParseError, DefusedXmlException) as error:
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
    if not notification_id or sobject is None:
        raise OutboundError("A Notification lacks its Id or sObject")
    kind = (sobject.get(f"{{{XSI}}}type") or "").split(":")[-1]
    if kind != "Opportunity":
        raise OutboundError(f"Only Opportunity notifications are accepted, not {kind or 'unknown'}")
    record: dict[str, Any] = {}
    for field in sobject:
        name = field.tag.rsplit("}", 1)[-1]
        record[name] = None if field.get(f"{{{XSI}}}nil") == "true" else (field.text or "")
    if not record.get("Id"):
        raise OutboundError("An Opportunity notification has no Id")
    return Notification(id=notification_id, record=record)


def _text(element: Element | None) -> str:
    return (element.text or "").strip() if element is not None else ""


def _same_org(given: str, configured: str) -> bool:
    # 15- and 18-character forms of the same id share their first 15 characters.
    return given[:15] == configured[:15]
