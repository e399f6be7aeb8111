"""The item bank and exams: packs, items, and (later) exam sessions and attempts.

``exams/`` holds the content; this package holds the code that reads and stores it.
"""
