/**
 * Card marking (Sobalvarro 1988; HotSpot's card table; GC Handbook, 2nd ed.,
 * §11.8): a store of a young reference into a mature object dirties the
 * 512-byte card holding the slot. A minor collection walks the cells lying
 * on dirty cards - found from a crossing map that records, per card, a cell
 * starting at or before it - and forwards the young references in the
 * slots inside each card; a card still holding one afterwards stays dirty.
 */
import { IntStack } from "../../heap/int-stack.js";
import { FREE_BIT, NSLOTS_MASK, cellBytes } from "../../heap/object-model.js";
import type { WorkCounters } from "../../metrics/collection-log.js";
import type { ParseableSpace, RememberingBarrier, YoungCopier } from "./barrier.js";

const CARD_SHIFT = 9; // 512-byte cards, as in HotSpot

export class CardTable implements RememberingBarrier {
  private readonly cards: Uint8Array;
  /** Per card: the address of a cell (object or free chunk) that starts at or before the card. */
  private readonly crossing: Int32Array;
  private readonly cardSlots = new IntStack();
  readonly peakRemembered = 0;

  constructor(
    private readonly mem: Int32Array,
    /** The covered range: everything old (the large-object space, then the mature space). */
    private readonly base: number,
    /** The mature space's first cell: where a walk of a mature card starts before any cell is noted. */
    matureStart: number,
    end: number,
    private readonly work: WorkCounters,
  ) {
    const cardCount = ((end - base) >> CARD_SHIFT) + 1;
    this.cards = new Uint8Array(cardCount);
    // A large object's cards are all noted when it is allocated (it starts on a page, hence on a card).
    this.crossing = new Int32Array(cardCount).fill(matureStart);
  }

  remember(_obj: number, slotIndex: number): void {
    this.cards[((slotIndex << 2) - this.base) >> CARD_SHIFT] = 1;
  }

  /** Records `a` as the cell covering the start of every card that begins inside [a, a + bytes). */
  noteCell(a: number, bytes: number): void {
    const first = (a - this.base + (1 << CARD_SHIFT) - 1) >> CARD_SHIFT;
    const last = (a + bytes - 1 - this.base) >> CARD_SHIFT;
    for (let c = first; c <= last; c++) this.crossing[c] = a;
  }

  /**
   * Finds the young references in the slots lying on dirty cards, then
   * forwards them. The two steps are separate because promoting allocates in
   * the mature space, which would change the cells the card walk is reading.
   */
  forwardRemembered(young: YoungCopier, mature: ParseableSpace): void {
    const matureTop = mature.parseableTop();
    const mem = this.mem;
    const base = this.base;
    const youngStart = young.start;
    const slots = this.cardSlots;
    let scanned = 0;
    for (let c = 0; c < this.cards.length; c++) {
      if (this.cards[c] === 0) continue;
      this.cards[c] = 0;
      this.work.remsetEntriesProcessed++;
      const cardStart = base + (c << CARD_SHIFT);
      const cardEnd = Math.min(cardStart + (1 << CARD_SHIFT), matureTop);
      for (let a = this.crossing[c]; a < cardEnd; a += cellBytes(mem, a)) {
        const w = a >> 2;
        if (mem[w] & FREE_BIT) continue;
        // Only the slots that lie inside this card.
        const n = mem[w] & NSLOTS_MASK;
        const firstSlot = Math.max(0, Math.ceil((cardStart - a - 8) / 8));
        const lastSlot = Math.min(n, Math.ceil((cardEnd - a - 8) / 8));
        for (let i = firstSlot; i < lastSlot; i++) {
          if (mem[w + 2 + 2 * i] >= youngStart) slots.push(w + 2 + 2 * i);
        }
        scanned += Math.max(0, lastSlot - firstSlot);
      }
    }
    this.work.slotsScanned += scanned;
    while (slots.length > 0) {
      const s = slots.pop();
      const to = young.forward(mem[s]);
      mem[s] = to;
      if (to >= youngStart) this.cards[((s << 2) - base) >> CARD_SHIFT] = 1;
    }
  }

  forgetUnmarked(): void {}

  forgetAll(): void {
    this.cards.fill(0);
  }

  /** Rebuilds the crossing map over the rewritten cells (only their cards: large objects' cards keep theirs). */
  cellsChanged(start: number, end: number): void {
    this.crossing.fill(start, (start - this.base) >> CARD_SHIFT);
    for (let a = start; a < end; ) {
      const size = cellBytes(this.mem, a);
      this.noteCell(a, size);
      a += size;
    }
  }
}
