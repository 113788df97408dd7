// @ts-check
/*
 * quiz.js - the quiz that ends the lesson's last step.  A question is
 * checked one at a time: a right answer shows the verdict, marks it and
 * shows the explanation; a wrong one is marked wrong and the question stays
 * open for another try, with a "Show the answer" button for a student who
 * gives up: only a right answer or that button reveal the right answer and
 * the explanation (then the question is locked).  The score (questions
 * answered right, whatever the number of tries) appears when every question
 * is done.  The answers outlive re-rendering (a language switch keeps them).
 */
import { $, el } from '../ui/dom.js';
import { rich } from './rich-text.js';

/** @typedef {{q: string, choices: string[], answer: number, explain: string}} QuizItem */

/**
 * @param {{t: (key: string, vars?: Record<string, any> | null) => string,
 *          format: () => import('../ui/i18n.js').Formatters, doc: () => any}} deps
 */
export function createQuiz({ t, format, doc }) {
  /**
   * question index -> its state: the choice selected, the wrong choices checked so far, and how
   * it ended: 'correct' (a right answer checked) or 'revealed' (the student asked for it)
   * @type {Record<number, {choice: number | null, wrong: number[], done: null | 'correct' | 'revealed'}>}
   */
  const answers = {};
  const stateOf = (/** @type {number} */ qi) => answers[qi] || (answers[qi] = { choice: null, wrong: [], done: null });

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
    if (!quiz.every((q, i) => answers[i] && answers[i].done)) return '';
    const fmt = format();
    const right = quiz.filter((q, i) => answers[i].done === 'correct').length;
    return t('lesson.quiz_score', { n: fmt.int(right), m: fmt.int(quiz.length) });
  }

  /** @param {QuizItem} q @param {number} qi */
  function quizItem(q, qi) {
    const st = stateOf(qi);
    const done = st.done !== null;
    const tried = st.wrong.length > 0;
    const stateName = st.done === 'correct' ? 'correct' : st.done === 'revealed' ? 'revealed' : tried ? 'incorrect' : 'open';
    const item = el('li', { class: 'quiz-q', 'data-q': String(qi), 'data-state': stateName });
    const fs = el('fieldset', {}, el('legend', {}, rich(q.q)));
    q.choices.forEach((c, ci) => {
      const id = `quiz-${qi}-${ci}`;
      /* the right answer is marked only once the question is done; a wrong try is marked at once */
      const isRight = done && ci === q.answer, isWrong = st.wrong.includes(ci);
      const row = el('div', { class: `choice${isRight ? ' is-correct' : ''}${isWrong ? ' is-wrong' : ''}`, 'data-choice': String(ci) },
        el('input', {
          type: 'radio', name: `quiz-${qi}`, id, value: String(ci), checked: st.choice === ci, disabled: done,
          onchange: () => { st.choice = ci; },
        }),
        el('label', { for: id }, rich(c)));
      if (isRight) row.append(el('span', { class: 'choice-tag', text: `✓ ${t('lesson.quiz_right_answer')}` }));
      if (isWrong) row.append(el('span', { class: 'choice-tag', text: `✗ ${t('lesson.quiz_your_answer')}` }));
      fs.append(row);
    });
    const verdict = st.done === 'correct' ? t('lesson.correct') : st.done === 'revealed' ? t('lesson.quiz_revealed') : tried ? t('lesson.quiz_wrong') : '';
    item.append(fs,
      el('div', { class: 'quiz-buttons' },
        el('button', { type: 'button', class: 'quiz-check', disabled: done, onclick: () => checkQuiz(qi), text: t('lesson.quiz_check') }),
        tried && !done ? el('button', { type: 'button', class: 'ghost quiz-reveal', onclick: () => reveal(qi), text: t('lesson.quiz_show_answer') }) : null),
      el('p', { class: 'quiz-verdict', tabindex: '-1', 'aria-live': 'polite', text: verdict }));
    if (done) item.append(el('div', { class: 'quiz-explain' }, el('p', {}, rich(q.explain))));
    return item;
  }

  /** the question drawn again, its verdict focused @param {number} qi */
  function redraw(qi) {
    const quiz = doc().quiz;
    const item = document.querySelector(`#lesson .quiz-q[data-q="${qi}"]`);
    if (!item) return;
    const fresh = quizItem(quiz[qi], qi);
    item.replaceWith(fresh);
    /** @type {HTMLElement} */ (fresh.querySelector('.quiz-verdict')).focus({ preventScroll: true });
    $('lesson-quiz-score').textContent = scoreText(quiz);
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
    const st = stateOf(qi);
    st.choice = Number(picked.value);
    if (st.choice === quiz[qi].answer) st.done = 'correct';
    else if (!st.wrong.includes(st.choice)) st.wrong.push(st.choice);
    redraw(qi);
  }

  /** the student gives up: the right answer and the explanation @param {number} qi */
  function reveal(qi) {
    stateOf(qi).done = 'revealed';
    redraw(qi);
  }

  return { section: quizSection, answers };
}
