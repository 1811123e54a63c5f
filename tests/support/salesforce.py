"""Driving the Salesforce side in tests: the org's records, the jobs, Outbound Messages."""

from __future__ import annotations

from datetime import datetime

import requests

from bot.delivery.outbox import RelayReport
from tests.conftest import AE_EMAIL, RunningApp
from tests.support.fake_salesforce import ORG_ID, FakeSalesforce

OPP = "006Dn000004TmiQAAS"


def closed_won(
    org: FakeSalesforce, at: datetime, opportunity_id: str = OPP, **extra: object
) -> None:
    fields: dict[str, object] = {
        "Name": "Acme — Platform",
        "StageName": "Closed Won",
        "Amount": 120000.0,
        "CloseDate": "2026-11-21",
        "ae_email": AE_EMAIL,
        "account_name": "Acme Corp",
        "Primary_Use_Case__c": "Consolidate billing",
    }
    org.put_opportunity(opportunity_id, at=at, **{**fields, **extra})


def poll(app: RunningApp) -> int:
    assert app.runtime.salesforce is not None
    return app.runtime.salesforce.poller.poll()


def write_back(app: RunningApp) -> RelayReport:
    assert app.runtime.salesforce is not None
    app.executor.drain()
    return app.runtime.salesforce.writeback.run_once()


def envelope(*notifications: str, org_id: str = ORG_ID) -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"
  xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
 <soapenv:Body>
  <notifications xmlns="http://soap.sforce.com/2005/09/outbound">
   <OrganizationId>{org_id}</OrganizationId>
   <ActionId>04k5g000000FAKEAAA</ActionId>
   <SessionId xsi:nil="true"/>
   <EnterpriseUrl>https://acme.my.salesforce.com/services/Soap/c/59.0/{org_id[:15]}</EnterpriseUrl>
   <PartnerUrl>https://acme.my.salesforce.com/services/Soap/u/59.0/{org_id[:15]}</PartnerUrl>
   {"".join(notifications)}
  </notifications>
 </soapenv:Body>
</soapenv:Envelope>""".encode()


def notification(
    notification_id: str,
    opportunity_id: str = OPP,
    stage: str = "Closed Won",
    sobject: str = "Opportunity",
) -> str:
    return f"""<Notification>
    <Id>{notification_id}</Id>
    <sObject xsi:type="sf:{sobject}" xmlns:sf="urn:sobject.enterprise.soap.sforce.com">
     <sf:Id>{opportunity_id}</sf:Id>
     <sf:Amount>120000.0</sf:Amount>
     <sf:CloseDate>2026-11-21</sf:CloseDate>
     <sf:Name>Acme — Platform</sf:Name>
     <sf:Primary_Use_Case__c>Consolidate billing</sf:Primary_Use_Case__c>
     <sf:StageName>{stage}</sf:StageName>
     <sf:SystemModstamp>2026-11-23T08:59:00.000Z</sf:SystemModstamp>
    </sObject>
   </Notification>"""


def post_outbound(app: RunningApp, body: bytes) -> requests.Response:
    session = requests.Session()
    session.trust_env = False
    return session.post(
        app.url + "/crm/salesforce/outbound",
        data=body,
        headers={"Content-Type": "text/xml; charset=utf-8", "SOAPAction": '""'},
        timeout=10,
    )
