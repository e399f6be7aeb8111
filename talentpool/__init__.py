"""talentpool: train, test, certify and list data annotators.

This module holds only this docstring, so that importing the pure cores
(``talentpool.scoring``, ``talentpool.psychometrics``) never pulls in Flask or
SQLAlchemy.
"""
