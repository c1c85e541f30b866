/**
 * The few browser APIs the page's script uses, typed here so that the script is checked by tsc without
 * adding the DOM library to a Node project's global types. `reportClient(window)` receives the real ones.
 */
export interface ClientRect {
  left: number;
  top: number;
  width: number;
  height: number;
}

export interface ClientPointerEvent {
  clientX: number;
  clientY: number;
  button: number;
  pointerId: number;
  preventDefault(): void;
}

export interface ClientElement {
  readonly dataset: Record<string, string | undefined>;
  textContent: string | null;
  hidden: boolean;
  readonly clientWidth: number;
  readonly offsetWidth: number;
  readonly offsetHeight: number;
  readonly style: { left: string; top: string; width: string; height: string };
  closest(selector: string): ClientElement | null;
  querySelector(selector: string): ClientElement | null;
  getBoundingClientRect(): ClientRect;
  addEventListener(type: string, listener: (event: ClientPointerEvent) => void): void;
  setPointerCapture(pointerId: number): void;
}

export interface ClientInput extends ClientElement {
  checked: boolean;
}

export interface ClientContext {
  fillStyle: string;
  strokeStyle: string;
  globalAlpha: number;
  lineWidth: number;
  font: string;
  textAlign: string;
  textBaseline: string;
  setTransform(a: number, b: number, c: number, d: number, e: number, f: number): void;
  clearRect(x: number, y: number, width: number, height: number): void;
  fillRect(x: number, y: number, width: number, height: number): void;
  fillText(text: string, x: number, y: number): void;
  measureText(text: string): { width: number };
  beginPath(): void;
  rect(x: number, y: number, width: number, height: number): void;
  clip(): void;
  moveTo(x: number, y: number): void;
  lineTo(x: number, y: number): void;
  stroke(): void;
  save(): void;
  restore(): void;
}

export interface ClientCanvas extends ClientElement {
  width: number;
  height: number;
  getContext(kind: '2d'): ClientContext | null;
}

export interface ClientDocument {
  readonly body: ClientElement;
  getElementById(id: string): ClientElement | null;
  querySelectorAll(selector: string): ArrayLike<ClientElement>;
}

export interface ClientWindow {
  readonly document: ClientDocument;
  readonly devicePixelRatio: number;
  readonly innerWidth: number;
  readonly innerHeight: number;
  readonly performance: { now(): number };
  getComputedStyle(element: ClientElement): { getPropertyValue(name: string): string };
  matchMedia(query: string): { addEventListener(type: 'change', listener: () => void): void };
  requestAnimationFrame(callback: () => void): number;
  addEventListener(type: string, listener: () => void): void;
  readonly ResizeObserver?: new (callback: () => void) => { observe(element: ClientElement): void };
}
