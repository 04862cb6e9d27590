/** @bottender/telegram: under construction in this change. */
export {};
