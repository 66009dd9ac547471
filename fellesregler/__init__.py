"""Rules shared by the teaching widgets (``widgets/``) and the course leader's toolkit (``grading/``).

One home for each rule, imported by every caller:

* :mod:`fellesregler.personvern`: the privacy rule (the minimum group size and the retention time,
  read once from ``data/egenvurdering.yaml``), :func:`~fellesregler.personvern.vises`, the secondary
  suppression and the «too few» texts;
* :mod:`fellesregler.formatering`: the course name and Norwegian formatting of numbers, points,
  dates and Oslo time;
* :mod:`fellesregler.escaping`: HTML escaping, spreadsheet-formula neutralising and download links
  (standard library only, so the widgets can use it in Pyodide too);
* :mod:`fellesregler.sanitise`: the allowlist sanitiser, safe markdown, the last-guard hardening of
  whole documents and the Jinja environment (bleach, mistune, Beautiful Soup, Jinja; used by
  ``grading/`` only).

The first three import only the standard library at module level (``personvern`` reads its YAML
lazily), so the widget side stays light.
"""
