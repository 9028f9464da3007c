/** The gcsim version recorded in every result. */
export const VERSION = "0.1.0";
