"""The Sage Intacct XML Web Services protocol (DTD 3.0): envelope, sessions, responses, errors."""
