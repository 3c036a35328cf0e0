"""Accessibility checks of a built Tongda site (``tongda a11y``).

Modules, in the order a run uses them:

* :mod:`a11y.static_rules` / :mod:`a11y.static_check` - lxml rules over every page
  (``lang``, title, one ``h1``, heading order, ``alt``, table headers and captions, form
  labels, link text, duplicate ids, landmarks, skip link, ``tabindex``, autoplay, inline
  handlers and scripts, third-party scripts), cached by content hash;
* :mod:`a11y.source_map` - finds the Markdown file and line behind a finding;
* :mod:`a11y.browser` - ``start_chrome()`` and ``serve_directory()``, the headless Chromium
  and loopback server every browser test in Tongda uses;
* :mod:`a11y.axe`, :mod:`a11y.keyboard`, :mod:`a11y.browser_checks` (with ``checks.js``) -
  axe-core, the keyboard walk, reflow at 320 px, text at 200 %, text spacing, per page and
  display mode;
* :mod:`a11y.runner` - one run: static pass, browser pass on templates x modes and a sample,
  waivers; :mod:`a11y.report` - the HTML and JSON report.

From Python::

    from a11y.runner import Settings, run
    report = run(Settings(site_dir=Path("site"), docs_dir=Path("content")))
    print(report.summary_line())
"""
