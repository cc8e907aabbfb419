"""AUDITHISTORY: one row per create, change and delete of a record, as far as the public
documentation shows the object (developer.intacct.com, Audit Trails: USERID, ACCESSTIME,
ACCESSMODE Created/Modified/Deleted, SOURCE api, OBJECTTYPE, OBJECTKEY). OBJECTDESC is
invented. Read only: create, update and delete on it are refused."""

from __future__ import annotations

from .fields import table

AUDITHISTORY = table("""
RECORDNO            INTEGER     readonly returned           | Record number
OBJECTTYPE          TEXT        readonly                    | Object type
OBJECTKEY           TEXT        readonly                    | Object key
OBJECTDESC          TEXT        readonly                    | Object description
ACCESSMODE          ENUM(Created|Modified|Deleted) readonly | Access mode
ACCESSTIME          TIMESTAMP   readonly                    | Access time
USERID              TEXT        readonly                    | User ID
SOURCE              ENUM(api|csv|system|ui) readonly        | Source
""")
