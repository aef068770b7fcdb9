import pytest
from django.core.files.base import ContentFile
from wagtail import blocks as wagtail_blocks
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file

from courses.blocks import LessonBodyBlock, QuizBlock, VideoBlock

BODY = LessonBodyBlock()


def render(block_type, value, **context):
    child = BODY.child_blocks[block_type]
    return child.render(
        child.to_python(value) if not hasattr(value, "get") or isinstance(value, dict) else value,
        context=context,
    )


@pytest.fixture
def image(db):
    return Image.objects.create(title="Guichet", file=get_test_image_file(size=(1200, 800)))


@pytest.fixture
def document(db):
    doc = Document(title="Guide du bureau d'ordre")
    doc.file.save("guide.pdf", ContentFile(b"%PDF-1.4 demo"), save=False)
    doc.save()
    return doc


@pytest.fixture
def captions(db):
    doc = Document(title="Sous-titres")
    doc.file.save(
        "video.vtt", ContentFile(b"WEBVTT\n\n00:00.000 --> 00:02.000\nBonjour\n"), save=False
    )
    doc.save()
    return doc


@pytest.fixture
def video(db):
    doc = Document(title="Démonstration")
    doc.file.save("demo.mp4", ContentFile(b"\x00\x00\x00\x18ftypmp42"), save=False)
    doc.save()
    return doc


def test_text_block_renders_rich_text():
    html = render("text", "<p>Le <strong>numéro d'ordre</strong></p>")
    assert (
        "<strong>numéro d&#x27;ordre</strong>" in html or "<strong>numéro d'ordre</strong>" in html
    )


def test_image_block_renders_small_webp_renditions_with_alt_text(image):
    html = render(
        "image", {"image": image.pk, "alt_text": "Un guichet d'accueil", "caption": "Accueil"}
    )
    assert 'alt="Un guichet d&#x27;accueil"' in html or 'alt="Un guichet d\'accueil"' in html
    assert ".webp" in html and "srcset=" in html and 'loading="lazy"' in html
    assert "<figcaption" in html
    widths = [r.width for r in image.renditions.all()]
    assert max(widths) <= 1080


def test_image_block_requires_alt_text(image):
    block = BODY.child_blocks["image"]
    with pytest.raises(wagtail_blocks.StructBlockValidationError):
        block.clean(block.to_python({"image": image.pk, "alt_text": "", "caption": ""}))


def test_video_block_renders_file_with_captions_and_never_autoplays(video, captions):
    html = render(
        "video",
        {
            "video_file": video.pk,
            "captions": captions.pk,
            "captions_language": "ar",
            "embed": None,
            "title": "Démo",
        },
    )
    assert "<video controls" in html and 'preload="none"' in html
    assert "autoplay" not in html
    assert '<track kind="captions"' in html and 'srclang="ar"' in html and captions.url in html


def test_video_block_validation(video, captions, document):
    block = VideoBlock()
    with pytest.raises(wagtail_blocks.StructBlockValidationError):  # neither file nor embed
        block.clean(block.to_python({"video_file": None, "captions": None, "embed": None}))
    with pytest.raises(wagtail_blocks.StructBlockValidationError):  # file without captions
        block.clean(block.to_python({"video_file": video.pk, "captions": None, "embed": None}))
    with pytest.raises(wagtail_blocks.StructBlockValidationError):  # captions not WebVTT
        block.clean(
            block.to_python({"video_file": video.pk, "captions": document.pk, "embed": None})
        )
    block.clean(block.to_python({"video_file": video.pk, "captions": captions.pk, "embed": None}))


def test_video_block_renders_an_embed(monkeypatch):
    from wagtail.embeds import embeds

    class FakeEmbed:
        html = '<iframe src="https://video.example/embed/1"></iframe>'

    monkeypatch.setattr(embeds, "get_embed", lambda *a, **k: FakeEmbed())
    html = render(
        "video",
        {"video_file": None, "captions": None, "embed": "https://video.example/1", "title": ""},
    )
    assert "video.example/embed/1" in html and "autoplay" not in html


def test_document_block_renders_download_link(document):
    html = render("document", {"document": document.pk, "description": "Modèle"})
    assert document.url in html and "download" in html and "PDF" in html


@pytest.mark.parametrize(
    "style, label", [("tip", "Tip"), ("warning", "Warning"), ("legal", "Legal note")]
)
def test_callout_block_renders_each_style(style, label):
    from django.utils import translation

    with translation.override("en"):
        html = render("callout", {"style": style, "text": "<p>Texte</p>"})
    assert f'class="callout {style}"' in html and label in html and "<p>Texte</p>" in html


def test_quiz_block_renders_start_form_without_questions_or_answers(rf, db):
    from tests.factories import UserFactory

    block = QuizBlock()
    value = block.to_python(
        {
            "title": "Vérifiez",
            "draw": 1,
            "shuffle": True,
            "questions": [
                {
                    "type": "text",
                    "value": {
                        "prompt": "Question secrète ?",
                        "feedback": "Explication",
                        "accepted": "réponse-cachée",
                    },
                },
                {
                    "type": "true_false",
                    "value": {"prompt": "Autre ?", "feedback": "", "correct": "true"},
                },
            ],
        }
    )
    request = rf.get("/")
    request.user = UserFactory()

    class FakePage:
        pk = 42

    html = block.render(value, context={"request": request, "page": FakePage(), "block_id": "abc"})
    assert "/courses-app/quiz/42/abc/start/" in html
    assert (
        "réponse-cachée" not in html
        and "Explication" not in html
        and "Question secrète" not in html
    )


def test_quiz_block_refuses_drawing_more_than_it_holds():
    block = QuizBlock()
    value = block.to_python(
        {
            "title": "",
            "draw": 3,
            "shuffle": False,
            "questions": [
                {"type": "true_false", "value": {"prompt": "?", "feedback": "", "correct": "true"}}
            ],
        }
    )
    with pytest.raises(wagtail_blocks.StructBlockValidationError):
        block.clean(value)


def test_h5p_slot_renders_the_h5p_block_template(db):
    html = render("h5p", {"activity": None, "caption": ""})
    assert "h5p-activity" in html
