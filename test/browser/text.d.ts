// Text files imported by the browser test program (esbuild's `text` loader).
declare module '*.TXT' {
  const text: string;
  export default text;
}
