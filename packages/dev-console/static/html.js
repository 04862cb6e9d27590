// One binding of htm to Preact for every module of the page.
import { h } from 'preact';
import htm from 'htm';

export const html = htm.bind(h);
