/**
 * Text from owners (their words, their display names) made inert for Slack's message
 * formatting: `&`, `<` and `>` escaped as Slack asks, so `<!channel>`, `<!here>`,
 * `<@U…>` and `<https://…|label>` show as typed and can neither ping anyone nor disguise a link.
 */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
