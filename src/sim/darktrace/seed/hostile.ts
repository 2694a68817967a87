/**
 * Strings an attacker (or an odd network) can put into Darktrace data: markup and script tags,
 * quotes of every kind, template and SQL syntax, non-Latin text, emoji, bidi overrides, control
 * characters and a 100 kB block. The connector must store and escape them, never interpret them.
 */
export const HOSTILE_STRINGS: readonly string[] = [
  '<script>alert("xss")</script>',
  '<img src=x onerror=alert(1)>',
  '"><svg/onload=alert(`x`)>',
  `It's "quoted" & 'single' \`back\``,
  "'; DROP TABLE events; --",
  '{{7*7}} ${7*7} <%= 7*7 %>',
  'Ünïcödé – 日本語 – عربى – 🚀🔥',
  'bidi \u202eexe.txt\u202c and zero\u200bwidth',
  'tab\tcarriage\rreturn\nnewline',
  'nul\u0000byte',
  '</textarea><a href="javascript:alert(1)">click</a>',
  '\\n literal backslash-n \\" and \\\\',
];

export const HOSTILE_MODEL_NAME = 'Custom::<script>alert(\'model\')</script> "Quoted" & Ünïcödé';

/** 100 kB of text with markup sprinkled in, for the one-huge-description case. */
export const HUGE_TEXT: string = (() => {
  const line = 'Verbose model description line with <b>markup</b> & "quotes" – ünïcödé.\\n';
  let s = '';
  while (s.length < 100 * 1024) s += line;
  return s.slice(0, 100 * 1024);
})();
