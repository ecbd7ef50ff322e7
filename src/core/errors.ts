// The base of every area's error class: a string-literal code, a message a user can act on, and a cause.
export class ToolgateError<Code extends string = string> extends Error {
  readonly code: Code;
  constructor(code: Code, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}
