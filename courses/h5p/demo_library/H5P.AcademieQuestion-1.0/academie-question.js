/* H5P.AcademieQuestion 1.0: a single-choice question that reports a scored xAPI "answered"
   statement through the H5P runtime (triggerXAPIScored) and supports resume state. */
var H5P = H5P || {};

H5P.AcademieQuestion = (function ($, EventDispatcher) {
  "use strict";

  var DEFAULT_L10N = {
    check: "Check", retry: "Retry", correct: "Correct!", wrong: "Not quite.",
    choose: "Choose an answer first.", score: "Score: @score / @total"
  };

  function AcademieQuestion(params, contentId, extras) {
    EventDispatcher.call(this);
    this.params = params || {};
    this.contentId = contentId;
    this.extras = extras || {};
    this.l10n = $.extend({}, DEFAULT_L10N, this.params.l10n || {});
    this.answers = this.params.answers || [];
    var state = this.extras.previousState || {};
    this.selected = typeof state.selected === "number" ? state.selected : null;
    this.checked = !!state.checked && this.selected !== null;
  }

  AcademieQuestion.prototype = Object.create(EventDispatcher.prototype);
  AcademieQuestion.prototype.constructor = AcademieQuestion;

  AcademieQuestion.prototype.getScore = function () {
    return this.checked && this.answers[this.selected] && this.answers[this.selected].correct ? 1 : 0;
  };
  AcademieQuestion.prototype.getMaxScore = function () { return 1; };
  AcademieQuestion.prototype.getAnswerGiven = function () { return this.selected !== null; };
  AcademieQuestion.prototype.getCurrentState = function () {
    return { selected: this.selected, checked: this.checked };
  };
  AcademieQuestion.prototype.resetTask = function () {
    this.selected = null;
    this.checked = false;
    this.render();
  };
  AcademieQuestion.prototype.showSolutions = function () {
    this.checked = true;
    this.render();
  };

  AcademieQuestion.prototype.attach = function ($container) {
    this.$container = $container;
    $container.addClass("h5p-academie-question");
    this.render();
  };

  AcademieQuestion.prototype.render = function () {
    var self = this;
    if (!self.$container) return;
    var $c = self.$container.empty();
    var name = "aq-" + self.contentId + "-" + Math.random().toString(36).slice(2, 8);
    var $fieldset = $("<fieldset/>").appendTo($c);
    $("<legend/>").text(self.params.question || "").appendTo($fieldset);
    self.answers.forEach(function (answer, index) {
      var $label = $("<label/>").appendTo($fieldset);
      var $input = $('<input type="radio"/>')
        .attr({ name: name, value: index })
        .prop("checked", self.selected === index)
        .prop("disabled", self.checked)
        .on("change", function () { self.selected = index; })
        .appendTo($label);
      $("<span/>").text(answer.text || "").appendTo($label);
      if (self.checked && index === self.selected) {
        $label.addClass(answer.correct ? "aq-correct" : "aq-wrong");
      }
      $input.attr("data-answer-index", index);
    });
    var $button = $('<button type="button" class="aq-button"/>').appendTo($c);
    var $feedback = $('<p class="aq-feedback" role="status" aria-live="polite"/>').appendTo($c);
    if (self.checked) {
      var answer = self.answers[self.selected] || {};
      var text = (answer.correct ? self.l10n.correct : self.l10n.wrong);
      if (answer.feedback) text += " " + answer.feedback;
      text += " " + self.l10n.score.replace("@score", self.getScore()).replace("@total", 1);
      $feedback.text(text);
      $button.text(self.l10n.retry).on("click", function () { self.resetTask(); });
    } else {
      $button.text(self.l10n.check).on("click", function () { self.check($feedback); });
    }
    self.trigger("resize");
  };

  AcademieQuestion.prototype.check = function ($feedback) {
    if (this.selected === null) {
      $feedback.text(this.l10n.choose);
      return;
    }
    this.checked = true;
    var score = this.getScore();
    this.render();
    // completion true; success when the chosen answer is right.
    this.triggerXAPIScored(score, this.getMaxScore(), "answered", true, score === this.getMaxScore());
  };

  return AcademieQuestion;
})(H5P.jQuery, H5P.EventDispatcher);
