// The page behind the satisfaction survey's email link (seed 004 step 8): a plain HTML form, written by
// the server, that works without JavaScript and without signing in, in the customer's language (or the
// one they switch to). Everything the customer typed is escaped; the page loads nothing but its own
// stylesheet (the desk's Content-Security-Policy allows no inline style or script).
import { type Localized, pick } from '../i18n/localized.ts';
import { surveyTexts as x } from '../i18n/survey.ts';

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export type PageLanguage = 'en' | 'es';

export interface SurveyPageState {
  ticketNumber: number;
  score: number | null;
  comment: string | null;
}

function page(language: PageLanguage, title: string, body: string, otherHref?: string): string {
  const other = language === 'es' ? 'en' : 'es';
  const switcher = otherHref
    ? `<p class="lang"><a href="${escapeHtml(otherHref)}" lang="${other}" hreflang="${other}">${escapeHtml(pick(x.page.other, language))}</a></p>`
    : '';
  return `<!doctype html>
<html lang="${language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="/survey-assets/survey.css">
</head>
<body>
<main>
${switcher}
<h1>${escapeHtml(title)}</h1>
${body}
</main>
</body>
</html>
`;
}

/** The survey's form, or its thanks once answered; `problem` is a refusal to show above the form. */
export function surveyPage(
  survey: SurveyPageState,
  language: PageLanguage,
  action: string,
  problem?: string,
): string {
  const n = survey.ticketNumber;
  const l = (text: Localized) => escapeHtml(pick(text, language));
  const other = `${action}?lang=${language === 'es' ? 'en' : 'es'}`;
  const alert = problem ? `<p class="problem" role="alert">${escapeHtml(problem)}</p>` : '';
  if (survey.score !== null) {
    const said = `${l(x.rated(n, survey.score))}${survey.comment !== null ? ` ${l(x.commented)}` : ''}`;
    return page(language, pick(x.page.title(n), language), `${alert}\n<p>${said}</p>`, other);
  }
  const options = [1, 2, 3, 4, 5]
    .map((score) => {
      const word = score === 1 ? ` — ${l(x.page.poor)}` : score === 5 ? ` — ${l(x.page.excellent)}` : '';
      return `<label class="score"><input type="radio" name="score" value="${score}" required> ${score}${word}</label>`;
    })
    .join('\n');
  const form = `${alert}
<form method="post" action="${escapeHtml(action)}">
<input type="hidden" name="lang" value="${language}">
<fieldset>
<legend>${l(x.page.scale)}</legend>
${options}
</fieldset>
<label for="comment">${l(x.page.comment)}</label>
<textarea id="comment" name="comment" rows="5" maxlength="2000"></textarea>
<button type="submit">${l(x.page.submit)}</button>
</form>`;
  return page(language, pick(x.page.title(n), language), form, other);
}

/** What a link that is not valid shows (a forged or mangled one), in the language asked for. */
export function unknownSurveyPage(language: PageLanguage): string {
  return page(
    language,
    'Relevo',
    `<p class="problem" role="alert">${escapeHtml(pick(x.page.unknown, language))}</p>`,
  );
}

export const surveyStylesheet = `body { font: 16px/1.5 system-ui, sans-serif; margin: 0; background: #f6f7f9; color: #1d2430; }
main { max-width: 32rem; margin: 3rem auto; padding: 1.5rem 2rem; background: #fff; border-radius: 8px; }
h1 { font-size: 1.3rem; }
fieldset { border: 0; padding: 0; margin: 0 0 1rem; }
legend { font-weight: 600; margin-bottom: 0.5rem; }
.score { display: block; padding: 0.25rem 0; }
textarea { display: block; width: 100%; box-sizing: border-box; margin: 0.25rem 0 1rem; font: inherit; }
button { font: inherit; padding: 0.5rem 1.25rem; border: 0; border-radius: 6px; background: #1f5fbf; color: #fff; }
.problem { color: #a61b1b; font-weight: 600; }
.lang { text-align: right; margin: 0; }
a { color: #1f5fbf; }
`;
