"""Batch grading: many learners' submissions graded in parallel by long-lived workers."""
