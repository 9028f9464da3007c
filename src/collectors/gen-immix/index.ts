/**
 * gen-immix: a copying nursery in front of an Immix mature space (Blackburn
 * and McKinley, PLDI 2008, §5: GenImmix; MMTk's default plan). It is the
 * generational plan (generational/index.ts: CopyNursery, write barrier,
 * promotion guarantee, minor and major collections) with the Immix space as
 * its mature space: survivors are promoted by bump allocation into holes of
 * free lines, and a major collection marks the whole heap, sweeps lines and
 * blocks, then promotes the nursery's survivors. Objects above the Immix
 * large-object threshold (a quarter block) skip the nursery for the space's
 * large-object region, as in MMTk. The nursery options are generational's.
 *
 * Majors mark with header bits (the shared Marker), so the mature space is
 * not defragmented: there is no `defrag` option here (see README).
 */
import { defineCollector } from "../collector.js";
import { GenerationalCollector, generationalOptions } from "../generational/index.js";
import { ImmixSpace, immixGeometryOptions } from "../spaces/immix-space.js";

// The mature space is Immix, with its own large-object region: generational's `mature` and `large` do not apply.
const { mature: _matureChoice, large: _largeThreshold, ...nurseryOptions } = generationalOptions;
const genImmixOptions = { ...nurseryOptions, ...immixGeometryOptions };

const genImmix = defineCollector({
  name: "gen-immix",
  description: "copying nursery promoting into an Immix (mark-region) mature space",
  constraints: { moving: true, storeBarrier: true, rootBarrier: false, reclaims: "all" },
  options: genImmixOptions,
  create: (context, options) =>
    new GenerationalCollector(
      context,
      options,
      { create: ({ heap, recorder }, end) => new ImmixSpace(heap, heap.start, end, options.line, options.block, recorder.work, 0), largeObjects: false },
    ),
});
export default genImmix;
