"""XML tooling shared by XML protocols: hardened parsing, structural escaping in Jinja
templates, raw-XML injection, and the xml2js JSON convention."""
