"""WAC7xx: declared hardware (job requests, manifests, images, pins, READMEs, logs).

The extractors for these formats land with the "other formats" work; the
family starts empty so that codes stay stable.
"""

RULES: tuple = ()
