// xml2js's parser module (lib/parser.js), which util/xml.ts loads without the package's builder.
// @types/xml2js types the package's main module only; this is the part of the parser util/xml.ts
// uses (the options it passes are those of xml2js's ParserOptions).
declare module 'xml2js/lib/parser.js' {
  class Parser {
    constructor(options?: Record<string, unknown>);
    parseString(text: string, callback: (error: Error | null, result: unknown) => void): void;
  }
  const parser: { Parser: typeof Parser };
  export default parser;
}
