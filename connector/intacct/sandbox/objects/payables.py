"""APBILL with its lines APBILLITEM, and APPYMT with its details APPYMTDETAIL. Names from the
reference read example (getBill) and the sageintacctsdk field lists; a document's WHENCREATED
is its transaction date, its creation timestamp AUWHENCREATED."""

from __future__ import annotations

from .common import AUDIT, DIMENSIONS, DOCUMENT_AUDIT, ENTITY
from .fields import table

_GROUPS = {"AUDIT": AUDIT, "DOCUMENT_AUDIT": DOCUMENT_AUDIT, "ENTITY": ENTITY,
           "DIMENSIONS": DIMENSIONS}

#: Totals of a document, kept by the sandbox from its lines.
_TOTALS = table("""
TOTALENTERED        CURRENCY    readonly                    | Total entered
TOTALSELECTED       CURRENCY    readonly default=0          | Total selected
TOTALPAID           CURRENCY    readonly default=0          | Total paid
TOTALDUE            CURRENCY    readonly                    | Total due
TRX_TOTALENTERED    CURRENCY    readonly                    | Transaction total entered
TRX_TOTALSELECTED   CURRENCY    readonly default=0          | Transaction total selected
TRX_TOTALPAID       CURRENCY    readonly default=0          | Transaction total paid
TRX_TOTALDUE        CURRENCY    readonly                    | Transaction total due
""")

_GROUPS["TOTALS"] = _TOTALS

APBILL = table("""
RECORDNO            INTEGER     readonly returned           | Record number
RECORDTYPE          TEXT        readonly default=pi         | Record type
RECORDID            TEXT                                    | Bill number
FINANCIALENTITY     TEXT        readonly                    | Financial entity
STATE               TEXT        readonly default=Posted     | State
RAWSTATE            TEXT        readonly default=A          | Raw state
VENDORID            TEXT        required                    | Vendor ID
VENDORNAME          TEXT        readonly                    | Vendor name
VENDORKEY           INTEGER     readonly                    | Vendor key
FORM1099TYPE        TEXT                                    | Form 1099 type
FORM1099BOX         TEXT                                    | Form 1099 box
DOCNUMBER           TEXT                                    | Reference number
DESCRIPTION         TEXT                                    | Description
DESCRIPTION2        TEXT                                    | Description 2
TERMNAME            TEXT                                    | Payment term
TERMKEY             INTEGER     readonly                    | Term key
TERMVALUE           TEXT        readonly                    | Term value
WHENCREATED         DATE        required                    | Transaction date
WHENPOSTED          DATE                                    | GL posting date
WHENDISCOUNT        DATE        readonly                    | Discount date
WHENDUE             DATE                                    | Due date
WHENPAID            DATE        readonly                    | Date fully paid
RECPAYMENTDATE      DATE                                    | Recommended to pay on
PAYMENTPRIORITY     ENUM(Urgent|High|Normal|Low)            | Payment priority
ONHOLD              BOOLEAN     default=false               | On hold
BASECURR            TEXT        default=USD                 | Base currency
CURRENCY            TEXT        default=USD                 | Transaction currency
EXCH_RATE_DATE      DATE                                    | Exchange rate date
EXCH_RATE_TYPE_ID   TEXT                                    | Exchange rate type
EXCHANGE_RATE       DECIMAL                                 | Exchange rate
*                   @TOTALS
BILLTOPAYTOCONTACTNAME TEXT                                 | Pay-to contact
SHIPTORETURNTOCONTACTNAME TEXT                              | Return-to contact
BILLTOPAYTOKEY      INTEGER     readonly                    | Pay-to contact key
SHIPTORETURNTOKEY   INTEGER     readonly                    | Return-to contact key
PRBATCH             TEXT        readonly                    | Summary
PRBATCHKEY          INTEGER                                 | Summary record number
MODULEKEY           TEXT        readonly                    | Module key
SYSTEMGENERATED     TEXT        readonly                    | System generated
DUE_IN_DAYS         INTEGER     readonly                    | Due in days
INCLUSIVETAX        BOOLEAN                                 | Inclusive tax
TAXSOLUTIONID       TEXT                                    | Tax solution
RETAINAGEPERCENTAGE PERCENT                                 | Retainage percentage
SUPDOCID            TEXT                                    | Attachments ID
USERID              TEXT        readonly                    | User
CREATEDUSERID       TEXT        readonly                    | Created by user
*                   @DOCUMENT_AUDIT
*                   @ENTITY
""", _GROUPS)

APBILLITEM = table("""
RECORDNO            INTEGER     readonly                    | Record number
RECORDKEY           INTEGER     readonly                    | Bill record number
ACCOUNTKEY          INTEGER     readonly                    | Account key
ACCOUNTNO           TEXT                                    | GL account
GLACCOUNTNO         TEXT                                    | GL account number
OFFSETACCOUNTKEY    INTEGER     readonly                    | Offset account key
OFFSETGLACCOUNTNO   TEXT                                    | Offset GL account
OFFSETGLACCOUNTTITLE TEXT       readonly                    | Offset GL account title
ACCOUNTTITLE        TEXT        readonly                    | Account title
ACCOUNTLABELKEY     INTEGER     readonly                    | Account label key
ACCOUNTLABEL        TEXT                                    | Account label
ENTRY_DATE          DATE        readonly                    | Entry date
AMOUNT              CURRENCY                                | Amount
TRX_AMOUNT          CURRENCY                                | Transaction amount
*                   @DIMENSIONS
ENTRYDESCRIPTION    TEXT                                    | Memo
EXCH_RATE_DATE      DATE                                    | Exchange rate date
EXCH_RATE_TYPE_ID   TEXT                                    | Exchange rate type
EXCHANGE_RATE       DECIMAL                                 | Exchange rate
ALLOCATION          TEXT                                    | Allocation
ALLOCATIONKEY       INTEGER     readonly                    | Allocation key
FORM1099            BOOLEAN                                 | Form 1099
FORM1099TYPE        TEXT                                    | Form 1099 type
FORM1099BOX         TEXT                                    | Form 1099 box
LINE_NO             INTEGER     readonly                    | Line number
CURRENCY            TEXT        readonly                    | Currency
BASECURR            TEXT        readonly                    | Base currency
TOTALPAID           CURRENCY    readonly                    | Total paid
TRX_TOTALPAID       CURRENCY    readonly                    | Transaction total paid
TOTALSELECTED       CURRENCY    readonly                    | Total selected
TRX_TOTALSELECTED   CURRENCY    readonly                    | Transaction total selected
BILLABLE            BOOLEAN                                 | Billable
BILLED              BOOLEAN     readonly                    | Billed
STATUS              TEXT        readonly                    | Status
STATE               TEXT        readonly                    | State
RECORDTYPE          TEXT        readonly                    | Record type
CUSTOMERID          TEXT                                    | Customer
CUSTOMERNAME        TEXT        readonly                    | Customer name
VENDORID            TEXT                                    | Vendor
VENDORNAME          TEXT        readonly                    | Vendor name
EMPLOYEEID          TEXT                                    | Employee
EMPLOYEENAME        TEXT        readonly                    | Employee name
ITEMID              TEXT                                    | Item
ITEMNAME            TEXT        readonly                    | Item name
WAREHOUSEID         TEXT                                    | Warehouse
TASKID              TEXT                                    | Task
COSTTYPEID          TEXT                                    | Cost type
*                   @AUDIT
""", _GROUPS)

APPYMT = table("""
RECORDNO            INTEGER     readonly returned           | Record number
PRBATCHKEY          INTEGER                                 | Summary record number
RECORDTYPE          TEXT        readonly default=pp         | Record type
FINANCIALENTITY     TEXT                                    | Bank or card account
FINANCIALENTITYTYPE TEXT        readonly                    | Financial entity type
FINANCIALACCOUNTNAME TEXT       readonly                    | Financial account name
STATE               TEXT        readonly default=Posted     | State
RAWSTATE            TEXT        readonly default=A          | Raw state
PAYMENTMETHOD       TEXT        required                    | Payment method
PAYMENTMETHODKEY    INTEGER     readonly                    | Payment method key
VENDORID            TEXT        required                    | Vendor ID
VENDORNAME          TEXT        readonly                    | Vendor name
DOCNUMBER           TEXT                                    | Document number
DESCRIPTION         TEXT                                    | Description
WHENCREATED         DATE                                    | Transaction date
PAYMENTDATE         DATE                                    | Payment date
WHENPAID            DATE        readonly                    | Date paid
BASECURR            TEXT        default=USD                 | Base currency
CURRENCY            TEXT        default=USD                 | Transaction currency
EXCH_RATE_DATE      DATE                                    | Exchange rate date
EXCH_RATE_TYPE_ID   TEXT                                    | Exchange rate type
EXCHANGE_RATE       DECIMAL                                 | Exchange rate
*                   @TOTALS
CLEARED             TEXT        readonly                    | Cleared
CLRDATE             DATE        readonly                    | Cleared date
SUPDOCID            TEXT                                    | Attachments ID
*                   @DOCUMENT_AUDIT
*                   @ENTITY
""", _GROUPS)

APPYMTDETAIL = table("""
RECORDNO            INTEGER     readonly                    | Record number
RECORDKEY           INTEGER     readonly                    | Payment record number
PAYMENTKEY          INTEGER                                 | Payment key
ENTRYKEY            INTEGER                                 | Bill line key
LINE_NO             INTEGER     readonly                    | Line number
TRX_PAYMENTAMOUNT   CURRENCY                                | Transaction payment amount
PAYMENTAMOUNT       CURRENCY                                | Payment amount
CURRENCY            TEXT        readonly                    | Currency
STATUS              TEXT        readonly                    | Status
*                   @AUDIT
""", _GROUPS)
