"""Job descriptions: a structured JD built from the role catalogue, the organisation's data and
free-text requirements; rendering, inclusive-language and reality checks, refinements and versions.

The tool module ``hrm.tools.jd_tools`` registers the public tools; this package holds the parts.
"""
