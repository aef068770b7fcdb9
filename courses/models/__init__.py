from .attempts import QuizAttempt
from .competences import Competence, CompetenceArea
from .pages import (
    CataloguePage,
    CoursePage,
    FinalReview,
    LessonCompletion,
    LessonPage,
    Level,
    ModulePage,
    Theme,
)

__all__ = [
    "CataloguePage",
    "Competence",
    "CompetenceArea",
    "CoursePage",
    "FinalReview",
    "LessonCompletion",
    "LessonPage",
    "Level",
    "ModulePage",
    "QuizAttempt",
    "Theme",
]
