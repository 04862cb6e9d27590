/** @bottender/slack: under construction in this change. */
export {};
