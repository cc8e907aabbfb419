"""Helpers for trigger tests: constants and a writer that changes vendors through the gateway
at the sandbox clock's time."""

from __future__ import annotations

from datetime import datetime, timezone

from connector.core import Connector
from connector.intacct.sandbox.server import Sandbox

TRIGGER = "newAndUpdatedRecords"
T0 = datetime(2024, 3, 1, 12, 0, 0, tzinfo=timezone.utc)

class Writer:
    """Creates, updates and deletes vendors through the gateway, at the sandbox clock's time."""

    def __init__(self, connector: Connector, sandbox: Sandbox) -> None:
        self.connector, self.sandbox = connector, sandbox

    def at(self, when: datetime) -> Writer:
        self.sandbox.clock.set(when)
        return self

    def create(self, name: str) -> str:
        output = self.connector.invoke("createVendor", {"vendorName": name},
                                       self.sandbox.connection)
        return output["data"]["_data"][0]["RECORDNO"]

    def update(self, recordno: str, name: str) -> None:
        vendor = self.sandbox.store.get("VENDOR", recordno)
        self.connector.invoke("updateVendor", {"vendorId": vendor["VENDORID"],
                                               "vendorName": name}, self.sandbox.connection)

    def delete(self, recordno: str) -> None:
        self.connector.invoke("deleteObject", {"object": "VENDOR", "keys": recordno},
                              self.sandbox.connection)

    def stamp(self, recordno: str) -> str:
        """The record's WHENMODIFIED as an event id carries it (ISO, the company's time)."""
        text = self.sandbox.store.get("VENDOR", recordno)["WHENMODIFIED"]
        return datetime.strptime(text, "%m/%d/%Y %H:%M:%S").isoformat()
