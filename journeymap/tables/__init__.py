"""The table engine every tabular source runs on (event logs, A-11 responses).

One layer below the sources (:mod:`journeymap.events`, :mod:`journeymap.feedback`), which
keep only their own stages:

- :mod:`.files`: which files a path names (:func:`journeymap.specs.expand`, the one
  resolver), their format, header sniffing, column-role picking, safe names in SQL and
  messages;
- :mod:`.engine`: the :class:`~.engine.Engine` protocol and DuckDB behind it, configured
  from :class:`~journeymap.specs.EngineSettings` in one place (:func:`~.engine.open_engine`);
  :mod:`.spark`: Spark behind the same protocol, the SQL transpiled with sqlglot;
- :mod:`.errors`: engine errors as safe messages (never the engine's text);
- :mod:`.rows`: ``file:row``, the first rejected rows of each reason, the reconciliation;
- :mod:`.periods`: months and federal fiscal quarters and years (one SQL expression, in the
  engine's time zone), dates;
- :mod:`.stats`: the Wilson interval and the median's interval;
- :mod:`.matching`: values matched to touchpoints.

Nothing here imports DuckDB, PySpark or sqlglot until a source is read.
"""
