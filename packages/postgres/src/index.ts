/** @bottender/postgres: under construction in this change. */
export {};
