/** @bottender/mongo: under construction in this change. */
export {};
