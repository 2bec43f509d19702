"""The demo organisation (``kefu demo``): a property company with two projects, seeded.

Not a Django app: ``data`` holds the name lists and the fixed shape of the organisation,
``builder`` turns them into rows with ``random.Random(2026)`` so every run gives the same data.
"""
