"""StreamField blocks of lesson bodies and assessments.

Every block renders through its own template under ``courses/templates/courses/blocks/``.
Question blocks hold the correct answers, which never reach the browser before a
submission: their templates are only used by the attempt views, which pass the
learner-facing view of a question built by ``courses.grading.question_public_view``.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock

from courses.h5p.blocks import H5PActivityBlock

RICH_TEXT_FEATURES = ["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link"]


# --- Content blocks -----------------------------------------------------------------


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("image"))
    alt_text = blocks.CharBlock(
        label=_("alternative text"),
        max_length=250,
        help_text=_("Describe the image for learners who cannot see it (required)."),
    )
    caption = blocks.CharBlock(label=_("caption"), required=False, max_length=300)

    class Meta:
        icon = "image"
        label = _("Image")
        template = "courses/blocks/image.html"


class VideoBlock(blocks.StructBlock):
    """An uploaded video file with a WebVTT captions track, or an embed. Never autoplays."""

    video_file = DocumentChooserBlock(label=_("video file"), required=False)
    captions = DocumentChooserBlock(label=_("captions (WebVTT .vtt)"), required=False)
    captions_language = blocks.ChoiceBlock(
        label=_("captions language"),
        choices=[("fr", "Français"), ("ar", "العربية")],
        default="fr",
    )
    embed = EmbedBlock(label=_("or an embedded video"), required=False)
    title = blocks.CharBlock(label=_("title"), required=False, max_length=200)

    class Meta:
        icon = "media"
        label = _("Video")
        template = "courses/blocks/video.html"

    def clean(self, value):
        value = super().clean(value)
        has_file = bool(value.get("video_file"))
        has_embed = bool(value.get("embed"))
        errors = {}
        if has_file == has_embed:
            errors["video_file"] = ValidationError(
                _("Choose either an uploaded video file or an embed, not both or neither.")
            )
        if has_file and not value.get("captions"):
            errors["captions"] = ValidationError(
                _("An uploaded video needs a WebVTT captions file.")
            )
        captions = value.get("captions")
        if captions and not captions.file.name.lower().endswith(".vtt"):
            errors["captions"] = ValidationError(_("Captions must be a WebVTT (.vtt) file."))
        if errors:
            raise blocks.StructBlockValidationError(block_errors=errors)
        return value


class DocumentBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("document"))
    description = blocks.CharBlock(label=_("description"), required=False, max_length=300)

    class Meta:
        icon = "doc-full"
        label = _("Downloadable document")
        template = "courses/blocks/document.html"


class CalloutBlock(blocks.StructBlock):
    style = blocks.ChoiceBlock(
        label=_("kind"),
        choices=[("tip", _("Tip")), ("warning", _("Warning")), ("legal", _("Legal note"))],
        default="tip",
    )
    text = blocks.RichTextBlock(label=_("text"), features=RICH_TEXT_FEATURES)

    class Meta:
        icon = "help"
        label = _("Callout")
        template = "courses/blocks/callout.html"


# --- Questions ------------------------------------------------------------------------


class ChoiceBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("answer"), max_length=500)
    correct = blocks.BooleanBlock(label=_("correct"), required=False)

    class Meta:
        icon = "tick"
        label = _("Answer")


class _QuestionBase(blocks.StructBlock):
    prompt = blocks.TextBlock(label=_("question"))
    feedback = blocks.TextBlock(label=_("feedback shown after answering"), required=False)

    class Meta:
        template = "courses/blocks/question.html"


class SingleChoiceQuestionBlock(_QuestionBase):
    choices = blocks.ListBlock(ChoiceBlock(), label=_("answers"), min_num=2)

    class Meta:
        icon = "radio-full"
        label = _("Single choice")

    def clean(self, value):
        value = super().clean(value)
        if sum(1 for c in value["choices"] if c["correct"]) != 1:
            raise blocks.StructBlockValidationError(
                block_errors={"choices": ValidationError(_("Mark exactly one correct answer."))}
            )
        return value


class MultipleChoiceQuestionBlock(_QuestionBase):
    choices = blocks.ListBlock(ChoiceBlock(), label=_("answers"), min_num=2)

    class Meta:
        icon = "list-ul"
        label = _("Multiple choice")

    def clean(self, value):
        value = super().clean(value)
        if not any(c["correct"] for c in value["choices"]):
            raise blocks.StructBlockValidationError(
                block_errors={"choices": ValidationError(_("Mark at least one correct answer."))}
            )
        return value


class TrueFalseQuestionBlock(_QuestionBase):
    correct = blocks.ChoiceBlock(
        label=_("correct answer"), choices=[("true", _("True")), ("false", _("False"))]
    )

    class Meta:
        icon = "tick-inverse"
        label = _("True / false")


class NumericQuestionBlock(_QuestionBase):
    correct = blocks.DecimalBlock(label=_("correct value"), decimal_places=4, max_digits=20)
    tolerance = blocks.DecimalBlock(
        label=_("accepted difference"), decimal_places=4, max_digits=20, default=0, min_value=0
    )

    class Meta:
        icon = "order"
        label = _("Numeric answer")


class TextQuestionBlock(_QuestionBase):
    accepted = blocks.TextBlock(
        label=_("accepted answers"),
        help_text=_("One accepted answer per line; case, accents and extra spaces are ignored."),
    )

    class Meta:
        icon = "pilcrow"
        label = _("Short text answer")


class QuestionStreamBlock(blocks.StreamBlock):
    single = SingleChoiceQuestionBlock()
    multiple = MultipleChoiceQuestionBlock()
    true_false = TrueFalseQuestionBlock()
    numeric = NumericQuestionBlock()
    text = TextQuestionBlock()

    class Meta:
        label = _("Questions")


class QuizBlock(blocks.StructBlock):
    """A practice quiz inside a lesson. Learners start an attempt to see the questions."""

    title = blocks.CharBlock(label=_("title"), required=False, max_length=200)
    draw = blocks.IntegerBlock(
        label=_("questions drawn per attempt"),
        min_value=0,
        default=0,
        help_text=_("0: all questions. Otherwise each attempt draws this many at random."),
    )
    shuffle = blocks.BooleanBlock(label=_("shuffle questions and answers"), required=False)
    questions = QuestionStreamBlock(min_num=1)

    class Meta:
        icon = "form"
        label = _("Quiz")
        template = "courses/blocks/quiz.html"

    def clean(self, value):
        value = super().clean(value)
        if value["draw"] and value["draw"] > len(value["questions"]):
            raise blocks.StructBlockValidationError(
                block_errors={
                    "draw": ValidationError(_("Cannot draw more questions than the quiz holds."))
                }
            )
        return value

    def get_searchable_content(self, value):
        # Prompts only: answers stay out of the search index.
        content = [value.get("title") or ""]
        for question in value["questions"]:
            content.append(question.value["prompt"])
        return [c for c in content if c]


class LessonBodyBlock(blocks.StreamBlock):
    text = blocks.RichTextBlock(
        label=_("Rich text"), features=RICH_TEXT_FEATURES, template="courses/blocks/text.html"
    )
    image = ImageBlock()
    video = VideoBlock()
    document = DocumentBlock()
    callout = CalloutBlock()
    quiz = QuizBlock()
    h5p = H5PActivityBlock()
