"""Domain signals sent by the courses app (contracts: docs/architecture.md).

Courses records what happened on its pages; it does not know who keeps learning
records. Receivers run inside the sender's transaction and their exceptions propagate
(``send``, not ``send_robust``): a receiver that fails rolls the grading back rather than
storing an attempt or a result that progress never sees.
"""

from django.dispatch import Signal

#: A quiz attempt was submitted and graded. ``attempt``: the ``courses.QuizAttempt``
#: (``is_final`` tells a final assessment from a lesson quiz; ``page`` is the canonical
#: lesson or course). Sent inside the grading transaction.
quiz_attempt_graded = Signal()

#: An H5P result counted for a lesson (``courses.h5p.services.h5p_result_counts``).
#: Arguments: ``user``, ``lesson`` (the lesson page it was played in), ``result`` (the
#: ``h5p.H5PResult`` row), ``score_scaled`` (Decimal -1..1 or None), ``success`` (bool
#: or None), ``completed`` (bool). Sent inside the recording transaction.
h5p_result_recorded = Signal()
