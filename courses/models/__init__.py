from .attempts import QuizAttempt
from .competences import Competence, CompetenceArea
from .pages import CataloguePage, CoursePage, LessonPage, Level, ModulePage, Theme

__all__ = [
    "CataloguePage",
    "Competence",
    "CompetenceArea",
    "CoursePage",
    "LessonPage",
    "Level",
    "ModulePage",
    "QuizAttempt",
    "Theme",
]
