"""Hardware inference: from findings in force to the accelerators a code base can run on.

catalog.py loads the hardware catalog (data), constraints.py maps findings to
requirements with a strength, recipes.py ties launch scripts to what they run,
engine.py narrows the catalog into a verdict, export_control.py classifies
each candidate under ECCN 3A090.
"""
