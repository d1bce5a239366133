"""The last evening of a consultation: a mixed load on the production-like setup, and
every accepted contribution looked for afterwards (``python -m bench.load``).

- ``content``: the site the load runs on (four consultations of real comments, the
  participants signed in);
- ``environment``: the throw-away database, the workers, their health, CPU and memory;
- ``scenario``: the simulated participants and live readers;
- ``verification``: the accounting — lost, duplicates, live deliveries, drift;
- ``report``: the tables.
"""
