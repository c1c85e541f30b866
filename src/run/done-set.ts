/**
 * The indices already recorded in an output file, for --resume: one bit per index, so a million
 * inputs cost 125 KB however they were completed (a Set of numbers would cost tens of MB).
 */
const INITIAL_WORDS = 1024;

export class DoneSet {
  #words = new Uint32Array(INITIAL_WORDS);
  #size = 0;

  /** How many distinct indices are in the set. */
  get size(): number {
    return this.#size;
  }

  has(index: number): boolean {
    const word = index >>> 5;
    return word < this.#words.length && (this.#words[word]! & (1 << (index & 31))) !== 0;
  }

  /** Adds the index; false when it was already there. */
  add(index: number): boolean {
    if (!Number.isSafeInteger(index) || index < 0) throw new RangeError(`not an input index: ${index}`);
    const word = Math.floor(index / 32);
    if (word >= this.#words.length) this.#grow(word);
    const bit = 1 << (index & 31);
    if ((this.#words[word]! & bit) !== 0) return false;
    this.#words[word]! |= bit;
    this.#size++;
    return true;
  }

  #grow(word: number): void {
    let length = this.#words.length;
    while (length <= word) length *= 2;
    const words = new Uint32Array(length);
    words.set(this.#words);
    this.#words = words;
  }
}
