"""Answers as people read them: tables, CSV and Excel output, generated documentation."""
