"""The answering core: question in, `Answer` out, for every front end.

question.py reads the question, retrieve.py finds passages, extract.py scores the
candidate answers in them, claims.py groups those into the claims shown, and
engine.py runs the steps; models.py is the JSON contract. The core imports only
index/, bot.settings and its own modules, never a front end.
"""

from bot.core.engine import Engine, QuestionError, answer
from bot.core.models import Answer

__all__ = ["Answer", "Engine", "QuestionError", "answer"]
