"""VENDOR, CUSTOMER and CONTACT. Field names and order from the reference read examples
(getVendor, getCustomer, getContact); enumerations only where a public source settles the
values (STATUS: the SDKs write active/inactive). REGION, SCORE, VENDOR_REGION and
VENDOR_SCORE are the sandbox companies' custom fields (invented)."""

from __future__ import annotations

from .common import AUDIT, ENTITY
from .contacts import CONTACT_DETAILS, GROUPS
from .fields import table

_GROUPS = {**GROUPS, "AUDIT": AUDIT, "ENTITY": ENTITY}

VENDOR = table("""
RECORDNO            INTEGER     readonly returned           | Record number
VENDORID            TEXT        required returned           | Vendor ID
NAME                TEXT        required                    | Vendor name
NAME1099            TEXT                                    | Name for 1099
PARENTKEY           INTEGER     readonly                    | Parent vendor key
PARENTID            TEXT                                    | Parent vendor
PARENTNAME          TEXT        readonly                    | Parent vendor name
DISPLAYCONTACT      @CONTACT                                | Contact info
ENTITY              TEXT        readonly                    | Entity
TERMNAME            TEXT        default=                    | Payment term
TERMVALUE           TEXT        readonly                    | Term value
VENDORACCOUNTNO     TEXT                                    | Vendor account number
TAXID               TEXT                                    | Tax ID
CREDITLIMIT         CURRENCY                                | Credit limit
TOTALDUE            CURRENCY    readonly default=0          | Total due
BILLINGTYPE         TEXT        default=openitem            | Vendor billing type
VENDTYPE            TEXT                                    | Vendor type
VENDTYPE1099TYPE    TEXT        readonly                    | Vendor type 1099 type
GLGROUP             TEXT                                    | GL group
PRICESCHEDULE       TEXT                                    | Price schedule
DISCOUNT            PERCENT                                 | Discount
PRICELIST           TEXT                                    | Price list
COMMENTS            TEXT                                    | Comments
ACCOUNTLABEL        TEXT                                    | Default expense account label
APACCOUNT           TEXT                                    | Default expense GL account
APACCOUNTTITLE      TEXT        readonly                    | Default expense GL account title
FORM1099TYPE        TEXT                                    | Form 1099 type
FORM1099BOX         TEXT                                    | Form 1099 box
PAYMENTPRIORITY     ENUM(Urgent|High|Normal|Low) default=Normal | Payment priority
CONTACTINFO         @CONTACT_REF                            | Primary contact
PAYTO               @CONTACT_REF                            | Pay-to contact
RETURNTO            @CONTACT_REF                            | Return-to contact
STATUS              ENUM(active|inactive) default=active    | Status
STATE               TEXT        readonly                    | State
PAYDATEVALUE        TEXT        readonly                    | Pay date value
ONETIME             BOOLEAN     default=false               | One-time use
ONHOLD              BOOLEAN     default=false               | On hold
ISOWNER             BOOLEAN     readonly                    | Is owner
DONOTCUTCHECK       BOOLEAN                                 | Do not pay
ALWAYSCREATEBILL    BOOLEAN                                 | Always create bill
CURRENCY            TEXT        default=                    | Default currency
PYMTCOUNTRYCODE     TEXT                                    | Payment country code
PYMTCURRENCY        TEXT                                    | Payment currency
FILEPAYMENTSERVICE  TEXT                                    | File payment service
ACHENABLED          BOOLEAN                                 | ACH enabled
WIREENABLED         BOOLEAN                                 | Wire enabled
CHECKENABLED        BOOLEAN                                 | Check enabled
ACHBANKROUTINGNUMBER TEXT                                   | ACH bank routing number
ACHACCOUNTNUMBER    TEXT                                    | ACH account number
ACHACCOUNTTYPE      TEXT                                    | ACH account type
ACHREMITTANCETYPE   TEXT                                    | ACH record type
WIREBANKNAME        TEXT                                    | Wire bank name
WIREBANKROUTINGNUMBER TEXT                                  | Wire bank routing number
WIREACCOUNTNUMBER   TEXT                                    | Wire account number
WIREACCOUNTTYPE     TEXT                                    | Wire account type
DISPLAYTERMDISCOUNT BOOLEAN                                 | Term discount on check stub
DISPLAYACCTNOCHECK  BOOLEAN                                 | Account number on check stub
DISPLOCACCTNOCHECK  BOOLEAN                                 | Location account number on check stub
PAYMENTNOTIFY       BOOLEAN                                 | Send automatic payment notification
PAYMETHODKEY        TEXT                                    | Preferred payment method
OBJECTRESTRICTION   TEXT                                    | Restriction type
RESTRICTEDLOCATIONS TEXT                                    | Restricted locations
RESTRICTEDDEPARTMENTS TEXT                                  | Restricted departments
MERGEPAYMENTREQ     BOOLEAN                                 | Merge payment requests
DISPLAYCONTACTKEY   INTEGER     readonly                    | Display contact key
PRIMARYCONTACTKEY   INTEGER     readonly                    | Primary contact key
PAYTOKEY            INTEGER     readonly                    | Pay-to contact key
RETURNTOKEY         INTEGER     readonly                    | Return-to contact key
ACCOUNTLABELKEY     INTEGER     readonly                    | Account label key
ACCOUNTKEY          INTEGER     readonly                    | Account key
VENDTYPEKEY         INTEGER     readonly                    | Vendor type key
GLGRPKEY            INTEGER     readonly                    | GL group key
TERMSKEY            INTEGER     readonly                    | Term key
OFFSETGLACCOUNTNO   TEXT                                    | Offset GL account
OFFSETGLACCOUNTNOTITLE TEXT     readonly                    | Offset GL account title
CONTACTTO1099       @CONTACT_REF                            | 1099 contact
SUPDOCID            TEXT                                    | Attachments ID
RETAINAGEPERCENTAGE PERCENT                                 | Retainage percentage
ISINDIVIDUAL        BOOLEAN                                 | Is an individual
WHENLASTBILLED      DATE        readonly                    | Last billed
WHENLASTPAID        DATE        readonly                    | Last paid
HIDEDISPLAYCONTACT  BOOLEAN                                 | Exclude from contact list
*                   @AUDIT
*                   @ENTITY
REGION              TEXT        custom                      | Region
SCORE               INTEGER     custom                      | Score
VENDOR_REGION       TEXT        custom                      | Vendor region
VENDOR_SCORE        INTEGER     custom                      | Vendor score
""", _GROUPS)

CUSTOMER = table("""
RECORDNO            INTEGER     readonly returned           | Record number
CUSTOMERID          TEXT        required returned           | Customer ID
NAME                TEXT        required                    | Customer name
ENTITY              TEXT        readonly                    | Entity
PARENTKEY           INTEGER     readonly                    | Parent customer key
PARENTID            TEXT                                    | Parent customer
PARENTNAME          TEXT        readonly                    | Parent customer name
DISPLAYCONTACT      @CONTACT                                | Contact info
TERMNAME            TEXT        default=                    | Payment term
TERMVALUE           TEXT        readonly                    | Term value
CUSTREPID           TEXT                                    | Sales rep
CUSTREPNAME         TEXT        readonly                    | Sales rep name
RESALENO            TEXT                                    | Resale number
TAXID               TEXT                                    | Tax ID
CREDITLIMIT         CURRENCY                                | Credit limit
TOTALDUE            CURRENCY    readonly default=0          | Total due
COMMENTS            TEXT                                    | Comments
ACCOUNTLABEL        TEXT                                    | Default revenue account label
ARACCOUNT           TEXT                                    | Default revenue GL account
ARACCOUNTTITLE      TEXT        readonly                    | Default revenue GL account title
LAST_INVOICEDATE    DATE        readonly                    | Last invoice date
LAST_STATEMENTDATE  DATE        readonly                    | Last statement date
DELIVERY_OPTIONS    TEXT                                    | Delivery options
DELIVERYOPTIONS     TEXT                                    | Delivery method
TERRITORYID         TEXT                                    | Territory
TERRITORYNAME       TEXT        readonly                    | Territory name
SHIPPINGMETHOD      TEXT                                    | Shipping method
CUSTTYPE            TEXT                                    | Customer type
GLGRPKEY            INTEGER     readonly                    | GL group key
GLGROUP             TEXT                                    | GL group
PRICESCHEDULE       TEXT                                    | Price schedule
DISCOUNT            PERCENT                                 | Discount
PRICELIST           TEXT                                    | Price list
VSOEPRICELIST       TEXT                                    | VSOE price list
CURRENCY            TEXT        default=                    | Default currency
CONTACTINFO         @CONTACT_REF                            | Primary contact
SHIPTO              @CONTACT_REF                            | Ship-to contact
BILLTO              @CONTACT_REF                            | Bill-to contact
STATUS              ENUM(active|inactive) default=active    | Status
ONETIME             BOOLEAN     default=false               | One-time use
CUSTMESSAGEID       TEXT                                    | Default invoice message
ONHOLD              BOOLEAN     default=false               | On hold
ENABLEONLINECARDPAYMENT BOOLEAN                             | Online card payment
ENABLEONLINEACHPAYMENT BOOLEAN                              | Online ACH payment
ARINVOICEPRINTTEMPLATEID TEXT                               | AR invoice print template
OEQUOTEPRINTTEMPLATEID TEXT                                 | OE quote print template
OEORDERPRINTTEMPLATEID TEXT                                 | OE order print template
OELISTPRINTTEMPLATEID TEXT                                  | OE list print template
OEINVOICEPRINTTEMPLATEID TEXT                               | OE invoice print template
OEADJPRINTTEMPLATEID TEXT                                   | OE adjustment print template
OEOTHERPRINTTEMPLATEID TEXT                                 | OE other print template
OBJECTRESTRICTION   TEXT                                    | Restriction type
RESTRICTEDLOCATIONS TEXT                                    | Restricted locations
RESTRICTEDDEPARTMENTS TEXT                                  | Restricted departments
DISPLAYCONTACTKEY   INTEGER     readonly                    | Display contact key
CONTACTKEY          INTEGER     readonly                    | Primary contact key
SHIPTOKEY           INTEGER     readonly                    | Ship-to contact key
BILLTOKEY           INTEGER     readonly                    | Bill-to contact key
CUSTREPKEY          INTEGER     readonly                    | Sales rep key
TERRITORYKEY        INTEGER     readonly                    | Territory key
TERMSKEY            INTEGER     readonly                    | Term key
ACCOUNTLABELKEY     INTEGER     readonly                    | Account label key
ACCOUNTKEY          INTEGER     readonly                    | Account key
CUSTTYPEKEY         INTEGER     readonly                    | Customer type key
OFFSETGLACCOUNTNO   TEXT                                    | Offset AR GL account
OFFSETGLACCOUNTNOTITLE TEXT     readonly                    | Offset AR GL account title
SUPDOCID            TEXT                                    | Attachments ID
RETAINAGEPERCENTAGE PERCENT                                 | Retainage percentage
EMAILOPTIN          BOOLEAN                                 | Email opt-in
HIDEDISPLAYCONTACT  BOOLEAN                                 | Exclude from contact list
*                   @AUDIT
*                   @ENTITY
REGION              TEXT        custom                      | Region
SCORE               INTEGER     custom                      | Score
""", _GROUPS)

CONTACT = table("""
RECORDNO            INTEGER     readonly returned           | Record number
CONTACTNAME         TEXT        required returned           | Contact name
*                   @CONTACT_DETAILS
VERSIONKEY          INTEGER     readonly                    | Version key
PRICESCHEDULE       TEXT                                    | Price schedule
DISCOUNT            PERCENT                                 | Discount
PRICELIST           TEXT                                    | Price list
PRICELISTKEY        INTEGER     readonly                    | Price list key
TAXGROUPKEY         INTEGER     readonly                    | Tax group key
PRICESCHEDULEKEY    INTEGER     readonly                    | Price schedule key
*                   @AUDIT
*                   @ENTITY
""", {**_GROUPS, "CONTACT_DETAILS": CONTACT_DETAILS})
