/**
 * README snippets: the ```ts blocks, and the line each `console.log(...); // expected` comment
 * promises (`…` matches anything).
 */

/** The ```ts blocks of a Markdown text. */
export function tsSnippets(markdown: string): string[] {
  return [...markdown.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** One pattern per `console.log(...); // expected` line of the snippet, in order. */
export function expectedLines(code: string): RegExp[] {
  return code
    .split('\n')
    .filter((line) => /console\.log\(.*\/\/ /.test(line))
    .map((line) => line.slice(line.lastIndexOf('// ') + 3).trim())
    .map((text) => new RegExp(`^${text.split('…').map(escape).join('.*')}$`));
}
