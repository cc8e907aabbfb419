"""Field groups shared by several objects: a mailing address, a contact's details, a reference
to a contact by name (CONTACTINFO, PAYTO, BILLTO...). Names from the reference read examples
(getVendor, getCustomer, getContact)."""

from __future__ import annotations

from .fields import table

ADDRESS = table("""
ADDRESS1            TEXT                        | Address line 1
ADDRESS2            TEXT                        | Address line 2
ADDRESS3            TEXT                        | Address line 3
CITY                TEXT                        | City
STATE               TEXT                        | State or territory
ZIP                 TEXT                        | ZIP or postal code
COUNTRY             TEXT                        | Country
COUNTRYCODE         TEXT                        | Country code
ISOCOUNTRYCODE      TEXT                        | ISO country code
LATITUDE            DECIMAL     readonly        | Latitude
LONGITUDE           DECIMAL     readonly        | Longitude
""")

#: Everything a contact holds but its name.
CONTACT_DETAILS = table("""
COMPANYNAME         TEXT                        | Company name
PREFIX              TEXT                        | Prefix
FIRSTNAME           TEXT                        | First name
LASTNAME            TEXT                        | Last name
INITIAL             TEXT                        | Middle initial
PRINTAS             TEXT                        | Print as
TAXABLE             BOOLEAN                     | Taxable
TAXGROUP            TEXT                        | Contact tax group
TAXSOLUTIONKEY      INTEGER     readonly        | Tax solution key
TAXSOLUTIONID       TEXT                        | Tax solution
TAXSCHEDULE         TEXT                        | Tax schedule
TAXID               TEXT                        | Tax ID
SIRET               TEXT                        | SIRET
PHONE1              TEXT                        | Primary phone
PHONE2              TEXT                        | Secondary phone
CELLPHONE           TEXT                        | Cellular phone
PAGER               TEXT                        | Pager
FAX                 TEXT                        | Fax
TAXIDVALIDATIONDATE DATE        readonly        | Tax ID validation date
GSTREGISTERED       BOOLEAN                     | GST registered
TAXCOMPANYNAME      TEXT                        | Tax company name
TAXADDRESS          TEXT                        | Tax address
EMAIL1              TEXT                        | Primary email address
EMAIL2              TEXT                        | Secondary email address
URL1                TEXT                        | Primary URL
URL2                TEXT                        | Secondary URL
VISIBLE             BOOLEAN                     | Show in contact list
MAILADDRESS         @ADDRESS                    | Mailing address
STATUS              ENUM(active|inactive)       | Status
""", {"ADDRESS": ADDRESS})

#: A contact written in full (DISPLAYCONTACT).
CONTACT = table("""
CONTACTNAME         TEXT                        | Contact name
*                   @DETAILS
""", {"DETAILS": CONTACT_DETAILS})

#: A contact named by reference (CONTACTINFO, PAYTO, RETURNTO, BILLTO, SHIPTO): only the name
#: is written; the rest is the named contact's, read only.
CONTACT_REF = table("""
CONTACTNAME         TEXT                        | Contact name
*                   @DETAILS    readonly
""", {"DETAILS": CONTACT_DETAILS})

GROUPS = {"ADDRESS": ADDRESS, "CONTACT": CONTACT, "CONTACT_REF": CONTACT_REF}
