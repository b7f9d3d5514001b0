"""Assessments: the documents of in-plant CP assessments, their versions, results and options."""
