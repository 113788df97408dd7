// @ts-check
/*
 * quiz.js - the quiz that ends the lesson's last step: one question at a
 * time is checked, then shows its verdict, the right answer and the
 * explanation; the score appears when every question is answered.  The
 * answers outlive re-rendering (a language switch keeps them).
 */
import { $, el } from '../ui/dom.js';
import { rich } from './rich-text.js';

/** @typedef {{q: string, choices: string[], answer: number, explain: string}} QuizItem */

/**
 * @param {{t: (key: string, vars?: Record<string, any> | null) => string,
 *          format: () => import('../ui/i18n.js').Formatters, doc: () => any}} deps
 */
export function createQuiz({ t, format, doc }) {
  /** @type {Record<number, {choice: number, checked: boolean}>} question index -> the answer */
  const answers = {};

  /** @param {QuizItem[]} quiz */
  function quizSection(quiz) {
    const list = el('ol', { class: 'quiz-list' });
    quiz.forEach((q, qi) => list.append(quizItem(q, qi)));
    return el('section', { class: 'quiz', 'aria-labelledby': 'lesson-quiz-title' },
      el('h3', { id: 'lesson-quiz-title', text: t('lesson.quiz_title') }),
      list,
      el('p', { class: 'quiz-score', id: 'lesson-quiz-score', role: 'status', text: scoreText(quiz) }));
  }

  /** @param {QuizItem[]} quiz */
  function scoreText(quiz) {
    const done = quiz.map((q, i) => answers[i]).filter((s) => s && s.checked);
    if (done.length < quiz.length) return '';
    const fmt = format();
    const right = quiz.filter((q, i) => answers[i].choice === q.answer).length;
    return t('lesson.quiz_score', { n: fmt.int(right), m: fmt.int(quiz.length) });
  }

  /** @param {QuizItem} q @param {number} qi */
  function quizItem(q, qi) {
    /** @type {any} */
    const st = answers[qi] || {};
    const checked = !!st.checked;
    const correct = checked && st.choice === q.answer;
    const item = el('li', { class: 'quiz-q', 'data-q': String(qi), 'data-state': checked ? (correct ? 'correct' : 'incorrect') : 'open' });
    const fs = el('fieldset', {}, el('legend', {}, rich(q.q)));
    q.choices.forEach((c, ci) => {
      const id = `quiz-${qi}-${ci}`;
      const isRight = checked && ci === q.answer, isWrong = checked && ci === st.choice && !correct;
      const row = el('div', { class: `choice${isRight ? ' is-correct' : ''}${isWrong ? ' is-wrong' : ''}`, 'data-choice': String(ci) },
        el('input', {
          type: 'radio', name: `quiz-${qi}`, id, value: String(ci), checked: st.choice === ci, disabled: checked,
          onchange: () => { answers[qi] = { choice: ci, checked: false }; },
        }),
        el('label', { for: id }, rich(c)));
      if (isRight) row.append(el('span', { class: 'choice-tag', text: `✓ ${t('lesson.quiz_right_answer')}` }));
      if (isWrong) row.append(el('span', { class: 'choice-tag', text: `✗ ${t('lesson.quiz_your_answer')}` }));
      fs.append(row);
    });
    item.append(fs,
      el('button', { type: 'button', class: 'quiz-check', disabled: checked, onclick: () => checkQuiz(qi) , text: t('lesson.quiz_check') }),
      el('p', { class: 'quiz-verdict', tabindex: '-1', 'aria-live': 'polite', text: checked ? (correct ? t('lesson.correct') : t('lesson.incorrect')) : '' }));
    if (checked) item.append(el('div', { class: 'quiz-explain' }, el('p', {}, rich(q.explain))));
    return item;
  }

  /** @param {number} qi */
  function checkQuiz(qi) {
    const quiz = doc().quiz;
    const item = document.querySelector(`#lesson .quiz-q[data-q="${qi}"]`);
    if (!item) return;
    const picked = /** @type {HTMLInputElement | null} */ (item.querySelector('input[type="radio"]:checked'));
    if (!picked) {
      /** @type {HTMLElement} */ (item.querySelector('.quiz-verdict')).textContent = t('lesson.quiz_pick');
      return;
    }
    answers[qi] = { choice: Number(picked.value), checked: true };
    const fresh = quizItem(quiz[qi], qi);
    item.replaceWith(fresh);
    fresh.querySelector('.quiz-verdict').focus({ preventScroll: true });
    $('lesson-quiz-score').textContent = scoreText(quiz);
  }

  return { section: quizSection, answers };
}
