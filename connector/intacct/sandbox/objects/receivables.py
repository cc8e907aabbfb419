"""ARINVOICE, ARADJUSTMENT, ARADVANCE and ARPYMT with their lines. Names from the reference
read examples (getInvoice, getARAdjustment, getARAdjustmentLine, getARAdvance) and the
sageintacctsdk field lists (ARINVOICEITEM, ARPYMT). Line fields include every element the
legacy lineitem takes (DTD 3.0), under the names the legacy functions store them as."""

from __future__ import annotations

from .common import AUDIT, DIMENSIONS, DOCUMENT_AUDIT, ENTITY
from .fields import table
from .payables import _TOTALS

_GROUPS = {"AUDIT": AUDIT, "DOCUMENT_AUDIT": DOCUMENT_AUDIT, "ENTITY": ENTITY,
           "DIMENSIONS": DIMENSIONS, "TOTALS": _TOTALS}

#: The header of an invoice and of an adjustment.
_AR_DOCUMENT = table("""
RECORDNO            INTEGER     readonly returned           | Record number
RECORDTYPE          TEXT        readonly                    | Record type
RECORDID            TEXT                                    | Document number
CUSTOMERID          TEXT        required                    | Customer ID
CUSTOMERNAME        TEXT        readonly                    | Customer name
CUSTOMERKEY         INTEGER     readonly                    | Customer key
STATE               TEXT        readonly default=Posted     | State
RAWSTATE            TEXT        readonly default=A          | Raw state
DOCNUMBER           TEXT                                    | Reference number
DESCRIPTION         TEXT                                    | Description
PONUMBER            TEXT                                    | PO number
TERMNAME            TEXT                                    | Payment term
TERMKEY             INTEGER     readonly                    | Term key
TERMVALUE           TEXT        readonly                    | Term value
WHENCREATED         DATE        required                    | Transaction date
WHENPOSTED          DATE                                    | GL posting date
WHENDUE             DATE                                    | Due date
WHENPAID            DATE        readonly                    | Date fully paid
BASECURR            TEXT        default=USD                 | Base currency
CURRENCY            TEXT        default=USD                 | Transaction currency
EXCH_RATE_DATE      DATE                                    | Exchange rate date
EXCH_RATE_TYPE_ID   TEXT                                    | Exchange rate type
EXCHANGE_RATE       DECIMAL                                 | Exchange rate
*                   @TOTALS
BILLTOPAYTOCONTACTNAME TEXT                                 | Bill-to contact
SHIPTORETURNTOCONTACTNAME TEXT                              | Ship-to contact
BILLTOPAYTOKEY      INTEGER     readonly                    | Bill-to contact key
SHIPTORETURNTOKEY   INTEGER     readonly                    | Ship-to contact key
*                   @DIMENSIONS
PRBATCHKEY          INTEGER                                 | Summary record number
EXTERNALID          TEXT                                    | External ID
NOGL                BOOLEAN                                 | Do not post to GL
SUPDOCID            TEXT                                    | Attachments ID
TAXSOLUTIONID       TEXT                                    | Tax solution
*                   @DOCUMENT_AUDIT
*                   @ENTITY
""", _GROUPS)

ARINVOICE = table("""
*                   @AR_DOCUMENT
CONTACT_CELL_PHONE  TEXT        readonly                    | Contact cell phone
CONTACT_EMAIL1      TEXT        readonly                    | Contact email
CONTACT_PHONE1      TEXT        readonly                    | Contact phone
ACTION              TEXT                                    | Action
TRX_TOTAL_OPEN      CURRENCY    readonly                    | Transaction total open
REGION              TEXT        custom                      | Region
""", {"AR_DOCUMENT": _AR_DOCUMENT})

ARADJUSTMENT = table("""
*                   @AR_DOCUMENT
ADJUSTMENTNO        TEXT                                    | Adjustment number
ACTION              TEXT                                    | Action
INVOICEKEY          INTEGER     readonly                    | Invoice key
INVOICENO           TEXT                                    | Invoice number
REGION              TEXT        custom                      | Region
""", {"AR_DOCUMENT": _AR_DOCUMENT})

#: The fields of an AR line (invoice or adjustment), legacy lineitem elements included.
_AR_LINE = table("""
RECORDNO            INTEGER     readonly                    | Record number
RECORDKEY           INTEGER     readonly                    | Document record number
ACCOUNTKEY          INTEGER     readonly                    | Account key
ACCOUNTNO           TEXT                                    | GL account
GLACCOUNTNO         TEXT                                    | GL account number
GLACCOUNTKEY        INTEGER     readonly                    | GL account key
GLACCOUNTTITLE      TEXT        readonly                    | GL account title
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
LINE_NO             INTEGER     readonly                    | Line number
CURRENCY            TEXT        readonly                    | Currency
BASECURR            TEXT        readonly                    | Base currency
TOTALPAID           CURRENCY                                | Total paid
TRX_TOTALPAID       CURRENCY    readonly                    | Transaction total paid
TOTALDUE            CURRENCY                                | Total due
TOTALSELECTED       CURRENCY    readonly                    | Total selected
TRX_TOTALSELECTED   CURRENCY    readonly                    | Transaction total selected
LINEKEY             TEXT                                    | Line key
REVRECTEMPLATE      TEXT                                    | Revenue recognition template
DEFERREDREVACCTNO   TEXT                                    | Deferred revenue account
REVRECSTARTDATE     DATE                                    | Revenue recognition start date
REVRECENDDATE       DATE                                    | Revenue recognition end date
ITEM1099            BOOLEAN                                 | Item 1099
FORM1099TYPE        TEXT                                    | Form 1099 type
FORM1099BOX         TEXT                                    | Form 1099 box
TASKID              TEXT                                    | Task
COSTTYPEID          TEXT                                    | Cost type
CUSTOMERID          TEXT                                    | Customer
CUSTOMERNAME        TEXT        readonly                    | Customer name
VENDORID            TEXT                                    | Vendor
VENDORNAME          TEXT        readonly                    | Vendor name
EMPLOYEEID          TEXT                                    | Employee
EMPLOYEENAME        TEXT        readonly                    | Employee name
ITEMID              TEXT                                    | Item
ITEMNAME            TEXT        readonly                    | Item name
WAREHOUSEID         TEXT                                    | Warehouse
WAREHOUSENAME       TEXT        readonly                    | Warehouse name
BILLABLE            BOOLEAN                                 | Billable
TOTALTRXAMOUNT      CURRENCY                                | Total transaction amount
PARTIALEXEMPT       BOOLEAN                                 | Partial exempt
PAYMENTTAXCAPTURE   BOOLEAN                                 | Payment tax capture
STATUS              TEXT        readonly                    | Status
STATE               TEXT        readonly                    | State
RECORDTYPE          TEXT        readonly                    | Record type
*                   @AUDIT
""", _GROUPS)

ARINVOICEITEM = _AR_LINE

ARADJUSTMENTITEM = table("""
*                   @AR_LINE
ARADJUSTMENTKEY     INTEGER     readonly                    | Adjustment record number
ADJUSTMENTNO        TEXT        readonly                    | Adjustment number
MEMO                TEXT                                    | Memo
""", {"AR_LINE": _AR_LINE})

ARADVANCE = table("""
RECORDNO            INTEGER     readonly returned           | Record number
RECORDKEY           INTEGER     readonly                    | Record key
RECORDTYPE          TEXT        readonly default=ra         | Record type
CUSTOMERID          TEXT        required                    | Customer ID
CUSTOMERNAME        TEXT        readonly                    | Customer name
CUSTOMERKEY         INTEGER     readonly                    | Customer key
PAYMENTDATE         DATE                                    | Payment date
RECEIPTDATE         DATE        required                    | Receipt date
PAYMENTMETHOD       TEXT        required                    | Payment method
FINANCIALENTITY     TEXT                                    | Bank account
FINANCIALENTITYKEY  INTEGER     readonly                    | Bank account key
UNDEPOSITEDACCOUNTNO TEXT                                   | Undeposited funds account
UNDEPOSITEDACCOUNTKEY INTEGER   readonly                    | Undeposited funds account key
BASECURR            TEXT        default=USD                 | Base currency
CURRENCY            TEXT        default=USD                 | Transaction currency
EXCH_RATE_DATE      DATE                                    | Exchange rate date
EXCH_RATE_TYPE_ID   TEXT                                    | Exchange rate type
EXCHANGE_RATE       DECIMAL                                 | Exchange rate
*                   @TOTALS
TOTALAPPLIED        CURRENCY    readonly default=0          | Total applied
TOTALUNAPPLIED      CURRENCY    readonly                    | Total unapplied
TRX_TOTALAPPLIED    CURRENCY    readonly                    | Transaction total applied
TRX_TOTALUNAPPLIED  CURRENCY    readonly                    | Transaction total unapplied
STATE               TEXT        readonly default=Posted     | State
RAWSTATE            TEXT        readonly default=A          | Raw state
DESCRIPTION         TEXT                                    | Description
REFERENCENO         TEXT                                    | Reference number
BANKACCOUNTID       TEXT                                    | Bank account ID
BANKACCOUNTKEY      INTEGER     readonly                    | Bank account key
DEPOSITDATE         DATE                                    | Deposit date
REFID               TEXT                                    | Reference ID
*                   @DIMENSIONS
WHENCREATED         DATE                                    | Transaction date
SUPDOCID            TEXT                                    | Attachments ID
*                   @DOCUMENT_AUDIT
*                   @ENTITY
""", _GROUPS)

ARADVANCEITEM = table("""
RECORDNO            INTEGER     readonly                    | Record number
RECORDKEY           INTEGER     readonly                    | Advance record number
ACCOUNTNO           TEXT                                    | GL account
ACCOUNTKEY          INTEGER     readonly                    | Account key
ACCOUNTTITLE        TEXT        readonly                    | Account title
ACCOUNTLABEL        TEXT                                    | Account label
AMOUNT              CURRENCY                                | Amount
TRX_AMOUNT          CURRENCY                                | Transaction amount
ENTRYDESCRIPTION    TEXT                                    | Memo
MEMO                TEXT                                    | Memo
*                   @DIMENSIONS
CUSTOMERID          TEXT                                    | Customer
VENDORID            TEXT                                    | Vendor
EMPLOYEEID          TEXT                                    | Employee
ITEMID              TEXT                                    | Item
WAREHOUSEID         TEXT                                    | Warehouse
LINE_NO             INTEGER     readonly                    | Line number
CURRENCY            TEXT        readonly                    | Currency
STATUS              TEXT        readonly                    | Status
*                   @AUDIT
""", _GROUPS)

ARPYMT = table("""
RECORDNO            INTEGER     readonly returned           | Record number
PRBATCHKEY          INTEGER                                 | Summary record number
RECORDTYPE          TEXT        readonly default=rp         | Record type
FINANCIALENTITY     TEXT                                    | Bank account
FINANCIALENTITYTYPE TEXT        readonly                    | Financial entity type
FINANCIALACCOUNTNAME TEXT       readonly                    | Financial account name
FINANCIALACCOUNTCURRENCY TEXT   readonly                    | Financial account currency
SUMMARYTITLE        TEXT        readonly                    | Summary title
STATE               TEXT        readonly default=Posted     | State
RAWSTATE            TEXT        readonly default=A          | Raw state
DISPLAYSTATE        TEXT        readonly                    | Display state
PAYMENTMETHOD       TEXT        required                    | Payment method
PAYMENTMETHODKEY    INTEGER     readonly                    | Payment method key
CUSTOMERID          TEXT        required                    | Customer ID
CUSTOMERNAME        TEXT        readonly                    | Customer name
PAYERNAME           TEXT        readonly                    | Payer name
DOCNUMBER           TEXT                                    | Reference number
DESCRIPTION         TEXT                                    | Description
WHENCREATED         DATE                                    | Transaction date
RECEIPTDATE         DATE                                    | Receipt date
WHENPAID            DATE        readonly                    | Date paid
BASECURR            TEXT        default=USD                 | Base currency
CURRENCY            TEXT        default=USD                 | Transaction currency
EXCH_RATE_DATE      DATE                                    | Exchange rate date
EXCH_RATE_TYPE_ID   TEXT                                    | Exchange rate type
EXCHANGE_RATE       DECIMAL                                 | Exchange rate
*                   @TOTALS
BILLTOPAYTONAME     TEXT        readonly                    | Payer
PRBATCH             TEXT        readonly                    | Summary
CLEARED             TEXT        readonly                    | Cleared
CLRDATE             DATE        readonly                    | Cleared date
RECORDID            TEXT                                    | Record ID
BILLTOPAYTOKEY      INTEGER     readonly                    | Payer key
PARENTPAYMENTKEY    INTEGER     readonly                    | Parent payment key
UNDEPOSITEDACCOUNTNO TEXT                                   | Undeposited funds account
TAXSOLUTIONID       TEXT                                    | Tax solution
SUPDOCID            TEXT                                    | Attachments ID
*                   @DOCUMENT_AUDIT
*                   @ENTITY
""", _GROUPS)

ARPYMTDETAIL = table("""
RECORDNO            INTEGER     readonly                    | Record number
RECORDKEY           INTEGER     readonly                    | Payment record number
PAYMENTKEY          INTEGER                                 | Payment key
ARINVOICEKEY        INTEGER                                 | Invoice key
ENTRYKEY            INTEGER                                 | Invoice line key
LINE_NO             INTEGER     readonly                    | Line number
TRX_PAYMENTAMOUNT   CURRENCY                                | Transaction payment amount
PAYMENTAMOUNT       CURRENCY                                | Payment amount
CURRENCY            TEXT        readonly                    | Currency
STATUS              TEXT        readonly                    | Status
*                   @AUDIT
""", _GROUPS)
