"""Every error the sandbox answers with, in one place, with where its wording comes from.

Sources: "SDK" = a fixture in intacct/intacct-sdk-js or intacct-sdk-php tests; "doc" = the
Intacct documents in the project reference; "invented" = no public sample found, chosen to look
like the real ones and listed in docs/sandbox.md.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ErrorEntry:
    errorno: str
    description: str = ""
    description2: str = ""
    correction: str = ""


class Refused(Exception):
    """Raised to stop a layer (control, authentication, function) with Intacct errors."""

    def __init__(self, *errors: ErrorEntry) -> None:
        super().__init__("; ".join(e.description2 or e.description for e in errors))
        self.errors = list(errors)


# -- control layer -------------------------------------------------------------------------------


def malformed_request(detail: str) -> ErrorEntry:
    """XL03000003: XML parse/schema error (doc: reference 004 error table)."""
    return ErrorEntry(
        "XL03000003",
        "XML Parse schema error",
        f"Error in request: {detail}",
        "Check the request against the DTD 3.0 request structure.",
    )


def bad_sender() -> ErrorEntry:
    """XL03000006 for an unknown sender or a wrong sender password (errorno as in the SDK
    fixtures; text as real responses word it)."""
    return ErrorEntry(
        "XL03000006",
        "",
        "Incorrect Intacct XML Partner ID or password.",
        "",
    )


def sender_not_authorized(senderid: str, companyid: str) -> ErrorEntry:
    """Wording verbatim from the FAQ "Invalid Web Services Authorization" (doc 000)."""
    return ErrorEntry(
        "XL03000006",
        "Invalid Web Services Authorization",
        f"The sender ID '{senderid}' is not authorized to make Web Services requests to "
        f"company ID '{companyid}'.",
        "Contact the company administrator to grant Web Services authorization to this sender ID.",
    )


def too_many_operations(hold_seconds: float) -> ErrorEntry:
    """Concurrency hold expired. Message from the FAQ (doc 000); errorno invented."""
    return ErrorEntry(
        "XL03000012",
        "There are too many operations running for this company",
        f"The request waited {hold_seconds:g} seconds for one of the company's connections "
        "to become available.",
        "Wait for running requests to finish, then try again.",
    )


def rate_limited(limit: float) -> ErrorEntry:
    """GW-0010 with HTTP 429 (doc 004 error table); wording invented."""
    return ErrorEntry(
        "GW-0010",
        "API rate limit exceeded",
        f"More than {limit:g} requests per second were sent to this gateway.",
        "Wait for the time given in the Retry-After header, then try again.",
    )


# -- authentication layer ------------------------------------------------------------------------


def sign_in_incorrect() -> ErrorEntry:
    """XL03000006 "Sign-in information is incorrect" (SDK: OnlineResponseTest)."""
    return ErrorEntry("XL03000006", "", "Sign-in information is incorrect", "")


def invalid_session() -> ErrorEntry:
    """Unknown or timed-out session: same code as a bad login, as the real gateway does."""
    return ErrorEntry(
        "XL03000006",
        "",
        "Invalid session. Your session has timed out or is invalid.",
        "Request a new session with getAPISession or log in again.",
    )


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
    )


def object_not_found(obj: str, query_function: bool) -> ErrorEntry:
    """ "Object definition X not found" (SDK: ResultTest uses errorno "Query Failed")."""
    return ErrorEntry(
        "Query Failed" if query_function else "BL01001973",
        "",
        f"Object definition {obj} not found",
        "",
    )


def query_failed(detail: str) -> ErrorEntry:
    """Unparseable readByQuery/query filter; "Query Failed" errorno as in the SDK fixture."""
    return ErrorEntry(
        "Query Failed",
        "Unable to parse Query value",
        detail,
        "Check the query syntax: fields, quoted values, operators.",
    )


def duplicate_id(label: str, value: str) -> ErrorEntry:
    """BL34000061 duplicate ID (wording as given in the issue; SDK fixtures have none)."""
    return ErrorEntry(
        "BL34000061",
        "",
        f"Another {label} with the given value(s) {value} already exists",
        "Use a unique value instead.",
    )


def could_not(verb: str, label: str) -> ErrorEntry:
    """BL01001973 wrapper error closing every failed create/update (doc 003 example)."""
    return ErrorEntry("BL01001973", "", f"Could not {verb} {label} record!", "")


def required_field(obj: str, field: str) -> ErrorEntry:
    """Missing required field. Invented errorno, wording modelled on real messages."""
    return ErrorEntry(
        "BL03000018",
        "Required field missing",
        f"Required field {field} is missing for {obj}.",
        f"Provide a value for {field} and try again.",
    )


def record_not_found(label: str, key: str, verb: str) -> ErrorEntry:
    """Update/delete/legacy update of a record that does not exist. Invented wording."""
    return ErrorEntry(
        "BL01001973",
        f"{label} record not found",
        f"Cannot {verb} {label} record {key}: no such record exists.",
        "Check the key and try again.",
    )


def invalid_argument(detail: str) -> ErrorEntry:
    """A function element that breaks its own structure (missing object, bad pagesize)."""
    return ErrorEntry("XL03000003", "Invalid function arguments", detail, "")


def invalid_result_id(result_id: str) -> ErrorEntry:
    """readMore with an unknown or expired resultId. Invented errorno and wording."""
    return ErrorEntry(
        "DL02000001",
        "Invalid resultId",
        f"The resultId '{result_id}' is unknown or has expired.",
        "Run the readByQuery again to get a new resultId.",
    )


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
