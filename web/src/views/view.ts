// A view renders into the main element and returns what to undo when the reviewer navigates away.
export type View = (root: HTMLElement, query: URLSearchParams, arg: string) => (() => void) | void;
