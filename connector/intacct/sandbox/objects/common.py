"""System field groups most objects carry: who created and changed a record and when, and the
entity that owns it (names from the reference read examples)."""

from __future__ import annotations

from .fields import table

#: Records whose WHENCREATED is the creation timestamp (parties, projects, lines).
AUDIT = table("""
WHENCREATED         TIMESTAMP   readonly        | Created
WHENMODIFIED        TIMESTAMP   readonly        | Modified
CREATEDBY           INTEGER     readonly        | Created by
MODIFIEDBY          INTEGER     readonly        | Modified by
""")

#: Documents, whose WHENCREATED is the transaction date: the creation timestamp is AUWHENCREATED.
DOCUMENT_AUDIT = table("""
AUWHENCREATED       TIMESTAMP   readonly        | Created
WHENMODIFIED        TIMESTAMP   readonly        | Modified
CREATEDBY           INTEGER     readonly        | Created by
MODIFIEDBY          INTEGER     readonly        | Modified by
""")

ENTITY = table("""
MEGAENTITYKEY       INTEGER     readonly        | Owning entity key
MEGAENTITYID        TEXT        readonly        | Owning entity ID
MEGAENTITYNAME      TEXT        readonly        | Owning entity name
""")

#: The dimensions a transaction or line can carry.
DIMENSIONS = table("""
LOCATIONID          TEXT                        | Location
LOCATIONNAME        TEXT        readonly        | Location name
LOCATIONKEY         INTEGER     readonly        | Location key
DEPARTMENTID        TEXT                        | Department
DEPARTMENTNAME      TEXT        readonly        | Department name
DEPARTMENTKEY       INTEGER     readonly        | Department key
PROJECTID           TEXT                        | Project
PROJECTNAME         TEXT        readonly        | Project name
PROJECTKEY          INTEGER     readonly        | Project key
CLASSID             TEXT                        | Class
CLASSNAME           TEXT        readonly        | Class name
CLASSKEY            INTEGER     readonly        | Class key
CONTRACTID          TEXT                        | Contract
CONTRACTNAME        TEXT        readonly        | Contract name
CONTRACTKEY         INTEGER     readonly        | Contract key
""")
