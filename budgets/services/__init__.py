"""Every write of the participatory budget goes through these modules: ``proposals``
(propose, support, evaluate, merge, hide), ``ballots`` (web and paper ballots,
annulling), ``results`` (counting) and ``followup`` (tracked projects and their updates).
"""
