/**
 * Object remembering (MMTk's ObjectBarrier; GC Handbook, 2nd ed., §11.8): the
 * first store of a young reference into a mature object logs the object in
 * a remembered set and sets the LOGGED bit in its header, so it is logged
 * once however many of its slots are written. A minor collection scans the
 * remembered objects' slots, then clears their bits; an object still
 * pointing at a survivor afterwards is logged again.
 */
import { IntStack } from "../../heap/int-stack.js";
import { LOGGED_BIT, MARK_BIT, NSLOTS_MASK } from "../../heap/object-model.js";
import type { WorkCounters } from "../../metrics/collection-log.js";
import type { YoungCopier } from "../spaces/nursery.js";
import type { RememberingBarrier } from "./barrier.js";

export class ObjectRememberedSet implements RememberingBarrier {
  private readonly remembered = new IntStack();
  peakRemembered = 0;

  constructor(
    private readonly mem: Int32Array,
    private readonly work: WorkCounters,
  ) {}

  remember(obj: number, _slotIndex: number): void {
    const w = obj >> 2;
    if ((this.mem[w] & LOGGED_BIT) === 0) {
      this.mem[w] |= LOGGED_BIT;
      this.remembered.push(obj);
      if (this.remembered.length > this.peakRemembered) this.peakRemembered = this.remembered.length;
    }
  }

  noteCell(): void {}

  forwardRemembered(young: YoungCopier): void {
    const mem = this.mem;
    const remembered = this.remembered;
    this.work.remsetEntriesProcessed += remembered.length;
    const entries = remembered.length;
    for (let i = 0; i < entries; i++) mem[remembered.at(i) >> 2] &= ~LOGGED_BIT;
    // Objects re-logged while forwarding (still pointing at survivors) are pushed after the old entries.
    for (let i = 0; i < entries; i++) {
      const w = remembered.at(i) >> 2;
      young.forwardSlots(w, 0, mem[w] & NSLOTS_MASK);
    }
    let kept = 0;
    for (let i = entries; i < remembered.length; i++) remembered.set(kept++, remembered.at(i));
    remembered.length = kept;
  }

  forgetUnmarked(): void {
    const mem = this.mem;
    const remembered = this.remembered;
    let kept = 0;
    for (let i = 0; i < remembered.length; i++) {
      const obj = remembered.at(i);
      if (mem[obj >> 2] & MARK_BIT) remembered.set(kept++, obj);
      else mem[obj >> 2] &= ~LOGGED_BIT;
    }
    remembered.length = kept;
  }

  forgetAll(): void {
    for (let i = 0; i < this.remembered.length; i++) this.mem[this.remembered.at(i) >> 2] &= ~LOGGED_BIT;
    this.remembered.clear();
  }

  cellsChanged(): void {}
}
