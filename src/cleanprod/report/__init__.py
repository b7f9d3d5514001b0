"""The assessment report: HTML and PDF from one template, in English, Vietnamese, Lao, Khmer.

:mod:`~cleanprod.report.data` gathers the results, :mod:`~cleanprod.report.charts` draws them,
:mod:`~cleanprod.report.render` lays them out; :func:`cleanprod.services.report.write_report`
writes the file.
"""
