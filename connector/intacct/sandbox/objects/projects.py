"""PROJECT. Field names and order from the reference read example (getProject)."""

from __future__ import annotations

from .common import AUDIT, ENTITY
from .contacts import CONTACT_REF
from .fields import table

PROJECT = table("""
RECORDNO            INTEGER     readonly returned           | Record number
PROJECTID           TEXT        required returned           | Project ID
NAME                TEXT        required                    | Project name
DESCRIPTION         TEXT                                    | Description
CURRENCY            TEXT                                    | Currency
PROJECTCATEGORY     TEXT        required                    | Project category
PROJECTSTATUSKEY    INTEGER     readonly                    | Project status key
PROJECTSTATUS       TEXT                                    | Project status
PREVENTTIMESHEET    BOOLEAN                                 | Prevent timesheets
PREVENTEXPENSE      BOOLEAN                                 | Prevent expenses
PREVENTAPPO         BOOLEAN                                 | Prevent AP and PO
PREVENTGENINVOICE   BOOLEAN                                 | Prevent invoice generation
STATUS              ENUM(active|inactive) default=active    | Status
BEGINDATE           DATE                                    | Begin date
ENDDATE             DATE                                    | End date
BUDGETAMOUNT        CURRENCY                                | Budgeted billing amount
CONTRACTAMOUNT      CURRENCY                                | Contract amount
ACTUALAMOUNT        CURRENCY    readonly                    | Actual amount
BUDGETQTY           DECIMAL                                 | Budgeted duration
ESTQTY              DECIMAL                                 | Estimated duration
ACTUALQTY           DECIMAL     readonly                    | Actual duration
APPROVEDQTY         DECIMAL     readonly                    | Approved duration
REMAININGQTY        DECIMAL     readonly                    | Remaining duration
PERCENTCOMPLETE     PERCENT                                 | Percent complete
OBSPERCENTCOMPLETE  PERCENT     readonly                    | Observed percent complete
BILLINGTYPE         TEXT                                    | Billing type
SONUMBER            TEXT                                    | Sales order number
PONUMBER            TEXT                                    | Purchase order number
POAMOUNT            CURRENCY                                | Purchase order amount
PQNUMBER            TEXT                                    | Purchase quote number
PARENTKEY           INTEGER     readonly                    | Parent project key
PARENTID            TEXT                                    | Parent project
PARENTNAME          TEXT        readonly                    | Parent project name
INVOICEWITHPARENT   BOOLEAN     default=false               | Invoice with parent
CUSTOMERKEY         INTEGER     readonly                    | Customer key
CUSTOMERID          TEXT                                    | Customer
CUSTOMERNAME        TEXT        readonly                    | Customer name
SALESCONTACTKEY     INTEGER     readonly                    | Sales contact key
SALESCONTACTID      TEXT                                    | Sales contact
SALESCONTACTNAME    TEXT        readonly                    | Sales contact name
PROJECTTYPEKEY      INTEGER     readonly                    | Project type key
PROJECTTYPE         TEXT                                    | Project type
MANAGERKEY          INTEGER     readonly                    | Manager key
MANAGERID           TEXT                                    | Project manager
MANAGERCONTACTNAME  TEXT        readonly                    | Project manager name
PROJECTDEPTKEY      INTEGER     readonly                    | Department key
DEPARTMENTID        TEXT                                    | Department
DEPARTMENTNAME      TEXT        readonly                    | Department name
PROJECTLOCATIONKEY  INTEGER     readonly                    | Location key
LOCATIONID          TEXT                                    | Location
LOCATIONNAME        TEXT        readonly                    | Location name
CONTACTINFO         @CONTACT_REF                            | Primary contact
SHIPTO              @CONTACT_REF                            | Ship-to contact
BILLTO              @CONTACT_REF                            | Bill-to contact
TERMSKEY            INTEGER     readonly                    | Term key
TERMNAME            TEXT                                    | Payment term
DOCNUMBER           TEXT                                    | Reference number
CUSTUSERKEY         INTEGER     readonly                    | Customer user key
CUSTUSERID          TEXT                                    | Customer user
BUDGETEDCOST        CURRENCY                                | Budgeted cost
CLASSID             TEXT                                    | Class
CLASSNAME           TEXT        readonly                    | Class name
CLASSKEY            INTEGER     readonly                    | Class key
USERRESTRICTIONS    TEXT                                    | User restrictions
BILLABLEEXPDEFAULT  BOOLEAN                                 | Billable expenses
BILLABLEAPPODEFAULT BOOLEAN                                 | Billable AP and PO
BUDGETID            TEXT                                    | Budget
BUDGETKEY           INTEGER     readonly                    | Budget key
BILLINGRATE         TEXT                                    | Billing rate
BILLINGPRICING      TEXT                                    | Billing pricing
EXPENSERATE         DECIMAL                                 | Expense rate
EXPENSEPRICING      TEXT                                    | Expense pricing
POAPRATE            DECIMAL                                 | PO and AP rate
POAPPRICING         TEXT                                    | PO and AP pricing
CONTACTKEY          INTEGER     readonly                    | Primary contact key
SHIPTOKEY           INTEGER     readonly                    | Ship-to contact key
BILLTOKEY           INTEGER     readonly                    | Bill-to contact key
INVOICEMESSAGE      TEXT                                    | Invoice message
INVOICECURRENCY     TEXT                                    | Invoice currency
SUPDOCID            TEXT                                    | Attachments ID
BILLINGOVERMAX      TEXT                                    | Billing over maximum
EXCLUDEEXPENSES     BOOLEAN                                 | Exclude expenses
CONTRACTKEY         INTEGER     readonly                    | Contract key
CONTRACTID          TEXT                                    | Contract
ROOTPARENTKEY       INTEGER     readonly                    | Root parent key
ROOTPARENTID        TEXT        readonly                    | Root parent
ROOTPARENTNAME      TEXT        readonly                    | Root parent name
*                   @AUDIT
*                   @ENTITY
""", {"AUDIT": AUDIT, "ENTITY": ENTITY, "CONTACT_REF": CONTACT_REF})
