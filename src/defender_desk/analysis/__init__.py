"""Patterns and escalation: actors with uncertain identity ("same as" links), threat
assessments with every reassessment kept, and the analysis per actor (frequency and severity by
month, targets, channels, trend). Pure and Qt-free; ``facade`` is the part of ``Desk``."""
