"""Every error the sandbox answers with, in one place, with where its wording comes from.

Sources: "SDK" = a fixture in intacct/intacct-sdk-js or intacct-sdk-php tests; "doc" = the
Intacct documents in the project reference or on developer.intacct.com; "capture" = a response
published in a public repository; "invented" = no public sample found, chosen to look like the
real ones and listed in docs/sandbox.md. Where the real gateway leaves description or correction
empty, so does the sandbox.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ErrorInfo:
    """What `showadditionalerrorinfo` adds to an error: an id, a category, the field it is about
    and the message ids with their placeholders (doc: the reference on requests). Empty values
    where there is nothing to say, as the real gateway leaves them."""

    errorid: str = ""
    category: str = ""
    object: str = ""
    field: str = ""
    description_id: str = ""
    cdescription_id: str = ""
    correction_id: str = ""
    placeholders: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class ErrorEntry:
    errorno: str
    description: str = ""
    description2: str = ""
    correction: str = ""
    info: ErrorInfo = ErrorInfo()


@dataclass(frozen=True)
class FrontDoorError:
    """A refusal by the gateway's front door, before any XML is read: only an errorno and a
    description, under a control block that holds only a status (doc: error handling)."""

    status: int
    errorno: str
    description: str


class Refused(Exception):
    """Raised to stop a layer (control, authentication, function) with Intacct errors."""

    def __init__(self, *errors: ErrorEntry) -> None:
        super().__init__("; ".join(e.description2 or e.description for e in errors))
        self.errors = list(errors)


def _info(errorid: str, category: str, message: str, *, obj: str = "", field: str = "",
          correction: str = "", **placeholders: str) -> ErrorInfo:
    """Additional info in the sandbox's invented scheme: SBX-nnnn ids, IA.* message ids."""
    return ErrorInfo(errorid, category, obj, field, "", f"IA.{message}",
                     f"IA.{correction}" if correction else "", tuple(placeholders.items()))


# -- gateway (front door) ------------------------------------------------------------------------


def rate_limited(request_id: str) -> FrontDoorError:
    """GW-0010 with HTTP 429 (doc: error handling); "API rate limit exceeded" is the text
    clients look for (sageintacctsdk matches it)."""
    return FrontDoorError(429, "GW-0010", f"API rate limit exceeded [Request ID: {request_id}]")


def invalid_request(status: int, request_id: str) -> FrontDoorError:
    """GW-0011 "Invalid Request [Request ID: ...]" verbatim in shape from the error-handling
    page; used for what the front door refuses (GET, no Content-Length, too large)."""
    return FrontDoorError(status, "GW-0011", f"Invalid Request [Request ID: {request_id}]")


# -- control layer -------------------------------------------------------------------------------


def xml_syntax(level: str, code: int, message: str, line: int, column: int) -> ErrorEntry:
    """A parser error in libxml2's words, as the real gateway reports them (doc: error handling;
    capture: jfcote87/intacct testfiles/execXMLError.xml): description and correction empty."""
    return ErrorEntry(
        "XL03000003", "",
        f"XML Parse schema error: {level} {code}: {message}. Line: {line}, column: {column}.", "")


def schema_violation(code: int, message: str, line: int) -> ErrorEntry:
    """A function element that breaks the DTD 3.0 request schema, in libxml2's words (capture:
    intacct/intacct-sdk-net issue 244, "Error 1871: Element 'x': This element is not
    expected.")."""
    return ErrorEntry(
        "XL03000003", "", f"XML Parse schema error: Error {code}: {message} Line: {line}, "
        "column: 0.", "")


def malformed_request(detail: str) -> ErrorEntry:
    """XL03000003 for a well-formed document that is not a request (no control, no content...).
    Errorno: reference 004; wording invented in the shape of the schema errors."""
    return ErrorEntry("XL03000003", "", f"XML Parse schema error: {detail}", "")


def bad_sender() -> ErrorEntry:
    """XL03000006 for an unknown sender or a wrong sender password (capture: the Go fixture of
    an invalid sender; SDK fixtures use the errorno)."""
    return ErrorEntry("XL03000006", "", "Incorrect Intacct XML Partner ID or password.", "")


def too_many_operations(hold_seconds: float) -> ErrorEntry:
    """Concurrency hold expired. Message from the FAQ (doc 000); errorno invented."""
    return ErrorEntry(
        "XL03000012",
        "There are too many operations running for this company",
        f"The request waited {hold_seconds:g} seconds for one of the company's connections "
        "to become available.",
        "Wait for running requests to finish, then try again.",
        _info("SBX-0012", "Concurrency", "TOO_MANY_OPERATIONS", correction="RETRY_LATER"),
    )


# -- authentication layer ------------------------------------------------------------------------


def sender_not_authorized(senderid: str, companyid: str) -> ErrorEntry:
    """Wording verbatim from the FAQ "Invalid Web Services Authorization" (doc 000), answered in
    the authentication block (capture: the Go SDK fixture responseErrOperation)."""
    return ErrorEntry(
        "XL03000006",
        "Invalid Web Services Authorization",
        f"The sender ID '{senderid}' is not authorized to make Web Services requests to "
        f"company ID '{companyid}'.",
        "Contact the company administrator to grant Web Services authorization to this sender ID.",
        _info("SBX-0006", "Authorization", "SENDER_NOT_AUTHORIZED",
              correction="GRANT_SENDER_AUTHORIZATION", SENDERID=senderid, COMPANYID=companyid),
    )


def sign_in_incorrect() -> ErrorEntry:
    """XL03000006 "Sign-in information is incorrect" (SDK: OnlineResponseTest; capture:
    execLoginInvalid.xml)."""
    return ErrorEntry("XL03000006", "", "Sign-in information is incorrect", "")


def invalid_session() -> ErrorEntry:
    """Unknown or timed-out session (capture: sessionInvalid.xml, "Invalid session ...")."""
    return ErrorEntry("XL03000006", "", "Invalid session", "")


# -- function layer ------------------------------------------------------------------------------


def transaction_rolled_back() -> ErrorEntry:
    """XL03000009 (SDK: OnlineClientTest batch transaction fixture)."""
    return ErrorEntry(
        "XL03000009",
        "",
        "The entire transaction in this operation has been rolled back due to an error.",
        "",
    )


def already_executed(controlid: str) -> ErrorEntry:
    """uniqueid=true and the controlid already succeeded. Invented (no public sample)."""
    return ErrorEntry(
        "XL03000005",
        "Duplicate control ID",
        f"A function with control ID '{controlid}' has already been executed successfully "
        "for this company; it was not executed again.",
        "Use a new control ID to run the function again, or set uniqueid to false.",
        _info("SBX-0005", "Duplication Prevention", "CONTROLID_ALREADY_EXECUTED",
              correction="USE_NEW_CONTROLID", CONTROLID=controlid),
    )


def object_not_found(obj: str, query_function: bool) -> ErrorEntry:
    """ "Object definition X not found" (SDK: ResultTest uses errorno "Query Failed")."""
    return ErrorEntry(
        "Query Failed" if query_function else "BL01001973",
        "",
        f"Object definition {obj} not found",
        "",
    )


def operation_not_allowed(operation: str, obj: str) -> ErrorEntry:
    """PL04000005 "API operation CREATE cannot be performed on objects of type gldetail"
    (capture: fylein/sageintacct-sdk-py issue 48)."""
    return ErrorEntry(
        "PL04000005", "",
        f"API operation {operation.upper()} cannot be performed on objects of type {obj.lower()}",
        "")


def query_failed(detail: str) -> ErrorEntry:
    """Unparseable readByQuery/query filter; "Query Failed" errorno as in the SDK fixture."""
    return ErrorEntry(
        "Query Failed",
        "Unable to parse Query value",
        detail,
        "Check the query syntax: fields, quoted values, operators.",
    )


def duplicate_id(label: str, obj: str, field: str, value: str) -> ErrorEntry:
    """BL34000061 duplicate ID (capture: execFuncError.xml "Another Project with the given
    value(s) ... already exists" / "Use a unique value instead.")."""
    return ErrorEntry(
        "BL34000061",
        "",
        f"Another {label} with the given value(s) {value} already exists",
        "Use a unique value instead.",
        _info("SBX-0061", "Duplication Prevention", "ANOTHER_RECORD_EXISTS", obj=obj,
              field=field, correction="USE_UNIQUE_VALUE", VALUE=value),
    )


def could_not(verb: str, label: str) -> ErrorEntry:
    """BL01001973 wrapper error closing every failed create/update (doc 003 example)."""
    return ErrorEntry(
        "BL01001973", "", f"Could not {verb} {label} record!", "",
        _info("SBX-1973", f"Unable to {verb} record.", f"COULD_NOT_{verb.upper()}_RECORD"))


def required_field(obj: str, field: str) -> ErrorEntry:
    """Missing required field. Invented errorno, wording modelled on real messages."""
    return ErrorEntry(
        "BL03000018",
        "Required field missing",
        f"Required field {field} is missing for {obj}.",
        f"Provide a value for {field} and try again.",
        _info("SBX-0018", "Required field", "REQUIRED_FIELD_MISSING", obj=obj, field=field,
              correction="PROVIDE_REQUIRED_FIELD", FIELD=field),
    )


def unknown_field(obj: str, field: str) -> ErrorEntry:
    """A create/update element the object does not have. Errorno as the business errors the
    real gateway returns for a bad create (BL01001973); wording invented."""
    return ErrorEntry(
        "BL01001973", "",
        f"{field} is not a valid field of {obj}.",
        f"Remove {field}, or use a field of {obj} (the lookup function lists them).",
        _info("SBX-0101", "Invalid field", "INVALID_FIELD", obj=obj, field=field,
              correction="USE_VALID_FIELD", FIELD=field),
    )


def invalid_value(obj: str, field: str, label: str, value: str, expected: str) -> ErrorEntry:
    """A value of the wrong type for its field. Errorno and "The <label> '<value>' is invalid."
    as a real date refusal words it (capture: intacct-sdk-php issue 121, PL03000006);
    correction invented."""
    return ErrorEntry(
        "PL03000006", "",
        f"The {label.lower()} '{value}' is invalid.",
        f"Enter {expected} for {field}.",
        _info("SBX-0006-V", "Invalid value", "INVALID_FIELD_VALUE", obj=obj, field=field,
              correction="ENTER_VALID_VALUE", FIELD=field, VALUE=value),
    )


def record_not_found(label: str, key: str, verb: str) -> ErrorEntry:
    """Update/delete of a record that does not exist. Description and correction empty as the
    real gateway leaves them for a delete of a missing key (doc: error handling); wording
    invented."""
    return ErrorEntry(
        "BL01001973", "",
        f"{label} record not found: cannot {verb} {label} record {key}.", "",
        _info("SBX-0404", "Record not found", "RECORD_NOT_FOUND", KEY=key))


def invalid_argument(detail: str) -> ErrorEntry:
    """A function element that breaks its own structure (missing object, bad pagesize)."""
    return ErrorEntry("XL03000003", "Invalid function arguments", detail, "")


def invalid_result_id(result_id: str) -> ErrorEntry:
    """readMore with an unknown, used-up or expired resultId (SDK: intacct-sdk-php
    ReadMoreTest: errorno "readMore failed", description and correction empty)."""
    return ErrorEntry(
        "readMore failed", "",
        f"Attempt to readMore with an invalid or expired resultId: {result_id}", "")


def unknown_function(name: str) -> ErrorEntry:
    """A function the sandbox does not emulate."""
    return ErrorEntry(
        "XL03000003",
        "Unsupported function",
        f"The function '{name}' is not supported by the sandbox gateway.",
        "",
    )


def internal_error(detail: str) -> ErrorEntry:
    """An unexpected exception inside a function; logged, never a HTTP 500."""
    return ErrorEntry(
        "PL04000000",
        "Internal error in the sandbox",
        f"The function could not be completed: {detail}",
        "This is a sandbox bug; the server log has the traceback.",
    )
